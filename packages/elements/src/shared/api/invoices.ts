// What <crm-invoice-list> asks of the API, through the SDK's `crm.invoices`: an account's invoices,
// recording a payment, and the PDF.
import type { CrmClient as SdkClient, Invoice, InvoicePaymentParams, InvoicePaymentResult } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

export type { Invoice, InvoicePaymentParams, InvoicePaymentResult };

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
