import { compileText, renderPricedPdf } from '../../platform/documents/priced-document.js';
import { formatMoney } from '../../platform/money/money.js';
import type { DunningStep, Invoice } from './invoice.model.js';

/** The agency's branding, shared with quotes (GET/PUT /v1/quote-settings). */
export interface Branding {
  companyName: string;
  accentColor: string;
}

export const invoiceNumber = (i: Pick<Invoice, 'number'>) => `INV-${String(i.number ?? 0).padStart(6, '0')}`;
const dayText = (d: Date) => d.toISOString().slice(0, 10);
export const balanceOf = (i: Pick<Invoice, 'total' | 'amountPaid' | 'credited'>) => Math.max(0, i.total - (i.credited ?? 0) - (i.amountPaid ?? 0));

/** The values invoice and reminder templates may use. */
export function invoiceTemplateData(invoice: Invoice, extra: { customerName: string; companyName: string; locale: string; now?: Date }) {
  const long = new Intl.DateTimeFormat(extra.locale, { dateStyle: 'long', timeZone: 'UTC' });
  const now = extra.now ?? new Date();
  const dueDay = dayText(new Date(invoice.dueDate));
  const daysOverdue = Math.max(0, Math.round((Date.parse(`${dayText(now)}T00:00:00Z`) - Date.parse(`${dueDay}T00:00:00Z`)) / 86_400_000));
  return {
    number: invoiceNumber(invoice),
    currency: invoice.currency,
    total: formatMoney(invoice.total, invoice.currency, extra.locale),
    balance: formatMoney(balanceOf(invoice), invoice.currency, extra.locale),
    issueDate: long.format(new Date(invoice.issueDate)),
    dueDate: long.format(new Date(invoice.dueDate)),
    daysOverdue,
    poNumber: invoice.poNumber ?? '',
    customerName: extra.customerName,
    companyName: extra.companyName,
  };
}

export type InvoiceTemplateData = ReturnType<typeof invoiceTemplateData>;
export const invoiceTemplateVariables = ['number', 'currency', 'total', 'balance', 'issueDate', 'dueDate', 'daysOverdue', 'poNumber', 'customerName', 'companyName'];

export const invoiceEmail = {
  subject: 'Invoice {{number}} from {{companyName}}',
  body: 'Dear {{customerName}},\n\nplease find attached our invoice {{number}} over {{total}}, due on {{dueDate}}.\n\nKind regards,\n{{companyName}}',
};

/** The invoice email in other languages (by language or its base: `de` for `de-AT`); others get the English one. */
const invoiceEmailTranslations: Record<string, { subject: string; body: string }> = {
  de: {
    subject: 'Rechnung {{number}} von {{companyName}}',
    body: 'Guten Tag {{customerName}},\n\nanbei erhalten Sie unsere Rechnung {{number}} über {{total}}, fällig am {{dueDate}}.\n\nMit freundlichen Grüßen\n{{companyName}}',
  },
};

/** The invoice email's texts in a language (the billing contact's, the account's or the agency's). */
export function invoiceEmailIn(language: string): { subject: string; body: string } {
  const wanted = language.toLowerCase();
  return invoiceEmailTranslations[wanted] ?? invoiceEmailTranslations[wanted.split('-')[0]!] ?? invoiceEmail;
}

/** The schedule a new agency starts with (PUT /v1/dunning-settings changes it). */
export const defaultDunningSteps: DunningStep[] = [
  {
    key: 'before-due', offsetDays: -3,
    subjectTemplate: 'Invoice {{number}} is due on {{dueDate}}',
    bodyTemplate: 'Dear {{customerName}},\n\na friendly reminder: invoice {{number}} over {{balance}} is due on {{dueDate}}.\n\nKind regards,\n{{companyName}}',
    translations: [{ language: 'de', subjectTemplate: 'Rechnung {{number}} ist am {{dueDate}} fällig', bodyTemplate: 'Guten Tag {{customerName}},\n\neine freundliche Erinnerung: Die Rechnung {{number}} über {{balance}} ist am {{dueDate}} fällig.\n\nMit freundlichen Grüßen\n{{companyName}}' }],
  },
  {
    key: 'on-due', offsetDays: 0,
    subjectTemplate: 'Invoice {{number}} is due today',
    bodyTemplate: 'Dear {{customerName}},\n\ninvoice {{number}} over {{balance}} is due today. If you have already paid, thank you and please disregard this message.\n\nKind regards,\n{{companyName}}',
    translations: [{ language: 'de', subjectTemplate: 'Rechnung {{number}} ist heute fällig', bodyTemplate: 'Guten Tag {{customerName}},\n\ndie Rechnung {{number}} über {{balance}} ist heute fällig. Falls Sie bereits bezahlt haben, danken wir Ihnen und bitten Sie, diese Nachricht zu ignorieren.\n\nMit freundlichen Grüßen\n{{companyName}}' }],
  },
  {
    key: 'overdue-7', offsetDays: 7,
    subjectTemplate: 'Reminder: invoice {{number}} is overdue',
    bodyTemplate: 'Dear {{customerName}},\n\ninvoice {{number}} was due on {{dueDate}}; {{balance}} is still open ({{daysOverdue}} days). Please arrange the payment.\n\nKind regards,\n{{companyName}}',
    translations: [{ language: 'de', subjectTemplate: 'Zahlungserinnerung: Rechnung {{number}} ist überfällig', bodyTemplate: 'Guten Tag {{customerName}},\n\ndie Rechnung {{number}} war am {{dueDate}} fällig; {{balance}} sind noch offen ({{daysOverdue}} Tage). Bitte veranlassen Sie die Zahlung.\n\nMit freundlichen Grüßen\n{{companyName}}' }],
  },
  {
    key: 'overdue-14', offsetDays: 14,
    subjectTemplate: 'Second reminder: invoice {{number}}',
    bodyTemplate: 'Dear {{customerName}},\n\ninvoice {{number}} is {{daysOverdue}} days overdue with {{balance}} open. Please pay it now or contact us.\n\nKind regards,\n{{companyName}}',
    translations: [{ language: 'de', subjectTemplate: 'Zweite Mahnung: Rechnung {{number}}', bodyTemplate: 'Guten Tag {{customerName}},\n\ndie Rechnung {{number}} ist seit {{daysOverdue}} Tagen überfällig, offen sind {{balance}}. Bitte zahlen Sie jetzt oder melden Sie sich bei uns.\n\nMit freundlichen Grüßen\n{{companyName}}' }],
  },
];

/**
 * The texts of a step in a language: its translation for that language, else for the language's base
 * (`de` for `de-AT`), else the step's own texts (the agency's default language).
 */
export function stepTexts(step: DunningStep, language: string): { subjectTemplate: string; bodyTemplate: string } {
  const wanted = language.toLowerCase();
  const base = wanted.split('-')[0];
  const all = step.translations ?? [];
  const found = all.find((t) => t.language.toLowerCase() === wanted) ?? all.find((t) => t.language.toLowerCase() === base);
  return found ?? { subjectTemplate: step.subjectTemplate, bodyTemplate: step.bodyTemplate };
}

/** The invoice as a PDF: the quote's layout (platform/documents) with the invoice's dates, payments and balance. */
export function renderInvoicePdf(invoice: Invoice, branding: Branding, data: InvoiceTemplateData, locale: string): Promise<Buffer> {
  const paid = invoice.amountPaid ?? 0;
  return renderPricedPdf({
    title: `Invoice ${data.number}`,
    companyName: branding.companyName,
    accentColor: branding.accentColor,
    heading: `Invoice ${data.number}`,
    facts: [`Invoice date: ${data.issueDate}`, `Due date: ${data.dueDate}`, ...(invoice.poNumber ? [`PO: ${invoice.poNumber}`] : []), `Bill to: ${data.customerName}`],
    intro: '',
    currency: invoice.currency,
    lines: invoice.lines,
    subtotal: invoice.subtotal,
    taxes: invoice.taxes,
    total: invoice.total,
    after: paid > 0 ? [{ label: 'Paid', amount: paid }, { label: 'Balance due', amount: balanceOf(invoice), strong: true }] : [],
    terms: compileText('Please pay {{total}} by {{dueDate}}, quoting {{number}}. {{companyName}}')(data),
    locale,
  });
}
