import type { Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { APIResource } from '../core/resource.js';
import type { RequestOptions } from '../core/request-options.js';

/** An invoice with the agency's consecutive number, amounts in minor units, balance and status. */
export type Invoice = Schema<'Invoice'>;
/** The body of `crm.invoices.create`. */
export type InvoiceCreateParams = Schema<'InvoiceCreate'>;
/** A payment of an invoice. */
export type InvoicePayment = Schema<'InvoicePayment'>;
/** The body of `crm.invoices.recordPayment`: amount in minor units, date, method, reference, asCredit. */
export type InvoicePaymentParams = Schema<'InvoicePaymentCreate'>;
/** The payment and the invoice after it. */
export type InvoicePaymentResult = Schema<'InvoicePaymentResult'>;
/** The agency's payment reminder schedule. */
export type DunningSettings = Schema<'DunningSettings'>;
/** The body of `crm.invoices.putDunningSettings`. */
export type DunningSettingsParams = Schema<'DunningSettingsInput'>;

/**
 * Invoices (`crm.invoices`): invoice an account (numbered without gaps, sent automatically when the
 * account says so), list an account's, the PDF, payments, and the reminder schedule.
 *
 * @example
 * const invoice = await crm.invoices.create({ accountId, lines: [{ serviceId, specId, quantity: 1 }] });
 * await crm.invoices.recordPayment(invoice.id, { amount: 5000, method: 'bankTransfer', reference: 'TX-1' });
 */
export class Invoices extends APIResource {
  /** Invoices an account; the SDK sends an `Idempotency-Key`, so a retry never invoices twice. */
  create(params: InvoiceCreateParams, options?: RequestOptions): Promise<Invoice> {
    return this._transport.post<Invoice>('/v1/invoices', params, options, true);
  }

  /** An account's invoices, newest number first. */
  async listForAccount(accountId: string, options?: RequestOptions): Promise<Invoice[]> {
    return (await this._transport.get<{ data: Invoice[] }>('/v1/invoices', { accountId }, options)).data;
  }

  /** One invoice. */
  get(id: string, options?: RequestOptions): Promise<Invoice> {
    return this._transport.get<Invoice>(path`/v1/invoices/${id}`, undefined, options);
  }

  /** The invoice as a PDF with the agency's branding. */
  async pdf(id: string, params: { locale?: 'en' | 'de' } = {}, options?: RequestOptions): Promise<Blob> {
    return (await this._transport.request<Blob>({ method: 'GET', path: path`/v1/invoices/${id}/pdf`, query: params, responseType: 'blob' }, options)).data;
  }

  /** An invoice's payments, in the order they were recorded. */
  async payments(id: string, options?: RequestOptions): Promise<InvoicePayment[]> {
    return (await this._transport.get<{ data: InvoicePayment[] }>(path`/v1/invoices/${id}/payments`, undefined, options)).data;
  }

  /** Records a payment (partial or full); the SDK sends an `Idempotency-Key`, so a retry records it once. */
  recordPayment(id: string, params: InvoicePaymentParams, options?: RequestOptions): Promise<InvoicePaymentResult> {
    return this._transport.post<InvoicePaymentResult>(path`/v1/invoices/${id}/payments`, params, options, true);
  }

  /** The agency's payment reminder schedule and its templates. */
  dunningSettings(options?: RequestOptions): Promise<DunningSettings> {
    return this._transport.get<DunningSettings>('/v1/dunning-settings', undefined, options);
  }

  /** Replaces the reminder schedule (templates are checked first). */
  async putDunningSettings(params: DunningSettingsParams, options?: RequestOptions): Promise<DunningSettings> {
    return (await this._transport.request<DunningSettings>({ method: 'PUT', path: '/v1/dunning-settings', body: params }, options)).data;
  }
}

export { PortalInvoices, type PortalInvoiceList } from './portal-invoices.js';
