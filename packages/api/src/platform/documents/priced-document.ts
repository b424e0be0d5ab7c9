import Handlebars from 'handlebars';
import { formatMoney, scaledText } from '../money/money.js';

// Plain text (PDF, the text part of an email): nothing is HTML, so no escaping; the HTML part escapes.
const plain = Handlebars.create();
const html = Handlebars.create();
const knownHelpers = { if: true, unless: true, each: true, with: true };

/** Compiles a tenant's template, or throws with the Handlebars message (for a 400 naming the field). */
export function compileText(source: string): (data: object) => string {
  return plain.compile(source, { noEscape: true, strict: false, knownHelpersOnly: true, knownHelpers });
}

/** The same text as escaped HTML paragraphs, for an email's HTML part. */
export function compileHtml(source: string): (data: object) => string {
  const template = html.compile(source, { strict: false, knownHelpersOnly: true, knownHelpers });
  return (data) => template(data).split(/\n{2,}/).map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`).join('');
}

/** A line of a priced document (a quote's or an invoice's), amounts in minor units. */
export interface DocumentLine {
  description: string;
  unit: string;
  quantityMilli: number;
  unitPrice: number;
  discountBp: number;
  net: number;
}

/** What a quote and an invoice PDF have in common: branding, a heading, the lines, the totals, two texts. */
export interface PricedDocument {
  title: string;
  companyName: string;
  accentColor: string;
  /** e.g. "Quotation Q-…-v2", "Invoice INV-000042". */
  heading: string;
  /** Lines under the heading (dates, references), each printed as is. */
  facts?: string[];
  intro: string;
  currency: string;
  lines: DocumentLine[];
  subtotal: number;
  taxes: { rateBp: number; base: number; amount: number }[];
  total: number;
  /** Rows after the total (paid, balance due), bold when `strong`. */
  after?: { label: string; amount: number; strong?: boolean }[];
  terms: string;
  locale: string;
  labels?: Partial<Record<'description' | 'quantity' | 'unitPrice' | 'discount' | 'amount' | 'subtotal' | 'tax' | 'total', string>>;
}

/** Renders a priced document with pdfkit (A4): the quote PDF and the invoice PDF. */
export async function renderPricedPdf(d: PricedDocument): Promise<Buffer> {
  // Loaded at first use, as pdfkit and its fonts take a sixth of a second to load.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: d.title, Author: d.companyName } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const money = (minor: number) => formatMoney(minor, d.currency, d.locale);
  const accent = /^#[0-9a-fA-F]{6}$/.test(d.accentColor) ? d.accentColor : '#1f4e79';
  const l = { description: 'Description', quantity: 'Quantity', unitPrice: 'Unit price', discount: 'Discount', amount: 'Amount', subtotal: 'Subtotal', tax: 'Tax', total: 'Total', ...d.labels };

  doc.fillColor(accent).fontSize(20).text(d.companyName || d.heading);
  doc.fillColor('#000').fontSize(12).text(d.heading).moveDown(0.5);
  if (d.facts?.length) doc.fontSize(10).text(d.facts.join('\n')).moveDown(0.5);
  doc.fontSize(10).text(d.intro).moveDown();

  const columns = [50, 250, 320, 400, 470];
  const header = [l.description, l.quantity, l.unitPrice, l.discount, l.amount];
  let y = doc.y;
  doc.fillColor(accent).font('Helvetica-Bold');
  header.forEach((h, i) => doc.text(h, columns[i]!, y, { width: i === 0 ? 195 : 75, align: i === 0 ? 'left' : 'right' }));
  doc.font('Helvetica').fillColor('#000');
  for (const line of d.lines) {
    y = doc.y + 4;
    if (y > 740) {
      doc.addPage();
      y = doc.y;
    }
    const cells = [line.description, `${scaledText(line.quantityMilli, 3)} ${line.unit}`, money(line.unitPrice), `${scaledText(line.discountBp, 2)} %`, money(line.net)];
    cells.forEach((c, i) => doc.text(c, columns[i]!, y, { width: i === 0 ? 195 : 75, align: i === 0 ? 'left' : 'right' }));
  }
  doc.moveDown();
  const row = (label: string, value: string) => {
    const ty = doc.y;
    doc.text(label, 300, ty, { width: 170, align: 'right' });
    doc.text(value, 470, ty, { width: 75, align: 'right' });
  };
  row(l.subtotal, money(d.subtotal));
  for (const tax of d.taxes) row(`${l.tax} ${scaledText(tax.rateBp, 2)} % on ${money(tax.base)}`, money(tax.amount));
  doc.font('Helvetica-Bold');
  row(l.total, money(d.total));
  doc.font('Helvetica');
  for (const extra of d.after ?? []) {
    if (extra.strong) doc.font('Helvetica-Bold');
    row(extra.label, money(extra.amount));
    doc.font('Helvetica');
  }
  doc.moveDown(2);
  doc.fontSize(9).fillColor('#444').text(d.terms, 50, doc.y, { width: 495 });
  doc.end();
  return done;
}
