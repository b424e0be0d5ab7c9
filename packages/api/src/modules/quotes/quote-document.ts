import Handlebars from 'handlebars';
import PDFDocument from 'pdfkit';
import { formatMoney, scaledText } from '../../platform/money/money.js';
import type { Quote, QuoteSettings } from './quote.model.js';

/** The texts a new agency starts with; a sysadmin edits them (PUT /v1/quote-settings). */
export const defaultQuoteTexts = {
  introTemplate: 'Dear {{customerName}},\n\nthank you for your interest. Please find our quotation for "{{title}}" below.',
  termsTemplate: 'This quotation is valid until {{validUntil}}. Prices are in {{currency}}. {{companyName}}',
  emailSubjectTemplate: 'Quotation {{number}}: {{title}}',
  emailBodyTemplate: 'Dear {{customerName}},\n\nplease find attached our quotation {{number}} for "{{title}}" over {{total}}, valid until {{validUntil}}.\n\nKind regards,\n{{senderName}}',
} as const;

export type QuoteTexts = Record<keyof typeof defaultQuoteTexts, string>;

// Plain text (PDF, the text part of the email): nothing is HTML, so no escaping; the HTML part escapes.
const plain = Handlebars.create();
const html = Handlebars.create();

/** Compiles a tenant's template, or throws with the Handlebars message (for a 400 naming the field). */
export function compileText(source: string): (data: object) => string {
  return plain.compile(source, { noEscape: true, strict: false, knownHelpersOnly: true, knownHelpers: { if: true, unless: true, each: true, with: true } });
}

/** The same text as escaped HTML paragraphs, for the email's HTML part. */
export function compileHtml(source: string): (data: object) => string {
  const template = html.compile(source, { strict: false, knownHelpersOnly: true, knownHelpers: { if: true, unless: true, each: true, with: true } });
  return (data) => template(data).split(/\n{2,}/).map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`).join('');
}

/** The values templates may use. */
export function quoteTemplateData(quote: Quote, extra: { customerName: string; companyName: string; senderName: string; locale: string }) {
  const day = new Intl.DateTimeFormat(extra.locale, { dateStyle: 'long', timeZone: 'UTC' });
  return {
    number: quoteNumber(quote),
    title: quote.title,
    revision: quote.revision,
    currency: quote.currency,
    total: formatMoney(quote.total, quote.currency, extra.locale),
    subtotal: formatMoney(quote.subtotal, quote.currency, extra.locale),
    validUntil: day.format(quote.validUntil),
    customerName: extra.customerName,
    companyName: extra.companyName,
    senderName: extra.senderName,
  };
}

/** The reference shown to customers: Q-<last 6 of the id>-v<revision>. */
export function quoteNumber(quote: Pick<Quote, '_id' | 'revision'>): string {
  return `Q-${String(quote._id).slice(-6).toUpperCase()}-v${quote.revision}`;
}

/** The quote as a PDF (pdfkit): branding, the intro text, the lines, the totals, the terms. */
export function renderQuotePdf(quote: Quote, settings: Pick<QuoteSettings, 'accentColor'> & QuoteTexts, data: ReturnType<typeof quoteTemplateData>, locale: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${data.number} ${quote.title}`, Author: data.companyName } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const money = (minor: number) => formatMoney(minor, quote.currency, locale);
  const accent = /^#[0-9a-fA-F]{6}$/.test(settings.accentColor) ? settings.accentColor : '#1f4e79';

  doc.fillColor(accent).fontSize(20).text(data.companyName || 'Quotation');
  doc.fillColor('#000').fontSize(12).text(`Quotation ${data.number}`).moveDown(0.5);
  doc.fontSize(10).text(compileText(settings.introTemplate)(data)).moveDown();

  const columns = [50, 250, 320, 400, 470];
  const header = ['Description', 'Quantity', 'Unit price', 'Discount', 'Amount'];
  let y = doc.y;
  doc.fillColor(accent).font('Helvetica-Bold');
  header.forEach((h, i) => doc.text(h, columns[i]!, y, { width: i === 0 ? 195 : 75, align: i === 0 ? 'left' : 'right' }));
  doc.font('Helvetica').fillColor('#000');
  for (const line of quote.lines) {
    y = doc.y + 4;
    if (y > 740) {
      doc.addPage();
      y = doc.y;
    }
    const cells = [line.description, `${scaledText(line.quantityMilli, 3)} ${line.unit}`, money(line.unitPrice), `${scaledText(line.discountBp, 2)} %`, money(line.net)];
    cells.forEach((c, i) => doc.text(c, columns[i]!, y, { width: i === 0 ? 195 : 75, align: i === 0 ? 'left' : 'right' }));
  }
  doc.moveDown();
  const total = (label: string, value: string) => {
    const ty = doc.y;
    doc.text(label, 300, ty, { width: 170, align: 'right' });
    doc.text(value, 470, ty, { width: 75, align: 'right' });
  };
  total('Subtotal', money(quote.subtotal));
  for (const tax of quote.taxes) total(`Tax ${scaledText(tax.rateBp, 2)} % on ${money(tax.base)}`, money(tax.amount));
  doc.font('Helvetica-Bold');
  total('Total', money(quote.total));
  doc.font('Helvetica').moveDown(2);
  doc.fontSize(9).fillColor('#444').text(compileText(settings.termsTemplate)(data), 50, doc.y, { width: 495 });
  doc.end();
  return done;
}
