// What <crm-invoice-list> asks of the API, through the SDK's `crm.invoices`: an account's invoices,
// recording a payment, voiding, credit notes, and the PDFs.
import type { CreditNote, CreditNoteParams, CreditNoteResult, CrmClient as SdkClient, Invoice, InvoicePaymentParams, InvoicePaymentResult, UncertainInvoiceMail } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

export type { CreditNote, CreditNoteParams, CreditNoteResult, Invoice, InvoicePaymentParams, InvoicePaymentResult, UncertainInvoiceMail };

/** A client that can read invoices: the SDK's `invoices`. */
export type InvoiceClient = CrmClient & Pick<SdkClient, 'invoices'>;

/** Narrows the provider's client to one with invoices, or throws a clear error. */
export function invoiceClient(client: CrmClient | undefined): InvoiceClient {
  if (!client || typeof (client as Partial<InvoiceClient>).invoices?.listForAccount !== 'function') throw new Error('No CRM client with invoices: put the element inside a <crm-provider> with a client of @crm/client-sdk.');
  return client as InvoiceClient;
}

/** The number of digits after the point of a currency (EUR 2, JPY 0, BHD 3), from Intl. */
export function currencyExponent(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** "120.50" in EUR as minor units (12050), by its digits: never a float; null when it is not a plain decimal. */
export function toMinor(text: string, currency: string): number | null {
  const exponent = currencyExponent(currency);
  const match = /^(\d{1,13})(?:\.(\d+))?$/.exec(text.trim());
  if (!match || (match[2] ?? '').length > exponent) return null;
  return Number(`${match[1]}${(match[2] ?? '').padEnd(exponent, '0')}`);
}

/** An amount in minor units as the locale writes it, from its exact decimal text (no float on the way). */
export function formatAmount(minor: number, currency: string, locale: string): string {
  const exponent = currencyExponent(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const text = `${negative ? '-' : ''}${exponent ? `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}` : digits}`;
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(text as unknown as number);
}

/**
 * An amount as a person types it in their locale ("1.234,50" in German, "1,234.50" in English) as minor
 * units: the locale's grouping marks and spaces go, its decimal sign becomes a point, then `toMinor`
 * reads the digits (never a float). Null when it is not a plain decimal of the currency's precision.
 */
export function localizedToMinor(text: string, currency: string, locale: string): number | null {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  const group = parts.find((p) => p.type === 'group')?.value ?? ',';
  const decimal = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  let plain = text.trim().replace(/[\s\u00a0\u202f]/g, '');
  // A German user may still type "12.50": a lone point followed by fewer than three digits is read as the decimal sign.
  if (decimal !== '.' && !plain.includes(decimal) && /^\d+\.\d{1,2}$/.test(plain)) return toMinor(plain, currency);
  plain = plain.split(group).join('');
  if (decimal !== '.') plain = plain.replace(decimal, '.');
  return toMinor(plain, currency);
}

/** Minor units as the plain decimal a person would type in their locale (12050 EUR in German: "120,50"). */
export function minorToInput(minor: number, currency: string, locale: string): string {
  const exponent = currencyExponent(currency);
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const decimal = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
  return `${minor < 0 ? '-' : ''}${exponent ? `${digits.slice(0, -exponent)}${decimal}${digits.slice(-exponent)}` : digits}`;
}
