import { compileHtml, compileText, renderPricedPdf } from '../../platform/documents/priced-document.js';
import { formatMoney } from '../../platform/money/money.js';
import type { Quote, QuoteSettings } from './quote.model.js';

/** The texts a new agency starts with; a sysadmin edits them (PUT /v1/quote-settings). */
export const defaultQuoteTexts = {
  introTemplate: 'Dear {{customerName}},\n\nthank you for your interest. Please find our quotation for "{{title}}" below.',
  termsTemplate: 'This quotation is valid until {{validUntil}}. Prices are in {{currency}}. {{companyName}}',
  emailSubjectTemplate: 'Quotation {{number}}: {{title}}',
  emailBodyTemplate: 'Dear {{customerName}},\n\nplease find attached our quotation {{number}} for "{{title}}" over {{total}}, valid until {{validUntil}}.\n\nKind regards,\n{{senderName}}',
} as const;

export type QuoteTexts = Record<keyof typeof defaultQuoteTexts, string>;

export { compileHtml, compileText };

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

/** The quote as a PDF (pdfkit, the layout shared with invoices): branding, the intro text, the lines, the totals, the terms. */
export function renderQuotePdf(quote: Quote, settings: Pick<QuoteSettings, 'accentColor'> & QuoteTexts, data: ReturnType<typeof quoteTemplateData>, locale: string): Promise<Buffer> {
  return renderPricedPdf({
    title: `${data.number} ${quote.title}`,
    companyName: data.companyName,
    accentColor: settings.accentColor,
    heading: `Quotation ${data.number}`,
    intro: compileText(settings.introTemplate)(data),
    currency: quote.currency,
    lines: quote.lines,
    subtotal: quote.subtotal,
    taxes: quote.taxes,
    total: quote.total,
    terms: compileText(settings.termsTemplate)(data),
    locale,
  });
}
