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
/** A credit note: its own consecutive number (CN-000001), the lines and amounts credited, in minor units. */
export type CreditNote = Schema<'CreditNote'>;
/** The body of `crm.invoices.createCreditNote`: a reason and either `lines` or a gross `amount`. */
export type CreditNoteParams = Schema<'CreditNoteCreate'>;
/** The credit note and the invoice after it. */
export type CreditNoteResult = Schema<'CreditNoteResult'>;
/** The body of `crm.invoices.putDunningSettings`. */
export type DunningSettingsParams = Schema<'DunningSettingsInput'>;
/** An invoice email or reminder left uncertain by a crash: the customer may or may not have it. */
export type UncertainInvoiceMail = Schema<'UncertainInvoiceMail'>;
/** What `crm.invoices.resendUncertainMail` did with each message. */
export type InvoiceMailResendResult = Schema<'InvoiceMailResendResult'>;

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

  /** Voids an invoice on which nothing is paid or credited (else 409: issue a credit note). */
  void(id: string, params: { reason: string }, options?: RequestOptions): Promise<Invoice> {
    return this._transport.post<Invoice>(path`/v1/invoices/${id}/void`, params, options);
  }

  /** Issues a credit note (by lines or amount, never beyond the uncredited total); the SDK sends an `Idempotency-Key`. */
  createCreditNote(id: string, params: CreditNoteParams, options?: RequestOptions): Promise<CreditNoteResult> {
    return this._transport.post<CreditNoteResult>(path`/v1/invoices/${id}/credit-notes`, params, options, true);
  }

  /** An invoice's credit notes, newest number first. */
  async creditNotes(id: string, options?: RequestOptions): Promise<CreditNote[]> {
    return (await this._transport.get<{ data: CreditNote[] }>(path`/v1/invoices/${id}/credit-notes`, undefined, options)).data;
  }

  /** A credit note as a PDF with the agency's branding. */
  async creditNotePdf(id: string, creditNoteId: string, params: { locale?: 'en' | 'de' } = {}, options?: RequestOptions): Promise<Blob> {
    return (await this._transport.request<Blob>({ method: 'GET', path: path`/v1/invoices/${id}/credit-notes/${creditNoteId}/pdf`, query: params, responseType: 'blob' }, options)).data;
  }

  /** The agency's payment reminder schedule and its templates. */
  dunningSettings(options?: RequestOptions): Promise<DunningSettings> {
    return this._transport.get<DunningSettings>('/v1/dunning-settings', undefined, options);
  }

  /** Replaces the reminder schedule (templates are checked first). */
  async putDunningSettings(params: DunningSettingsParams, options?: RequestOptions): Promise<DunningSettings> {
    return (await this._transport.request<DunningSettings>({ method: 'PUT', path: '/v1/dunning-settings', body: params }, options)).data;
  }

  /** Invoice emails and reminders left uncertain by a crash (never sent again by a job), oldest first. */
  async uncertainMail(options?: RequestOptions): Promise<UncertainInvoiceMail[]> {
    return (await this._transport.get<{ data: UncertainInvoiceMail[] }>('/v1/invoice-mail/uncertain', undefined, options)).data;
  }

  /** Sends the uncertain messages (or those of `keys`) once more, same Message-ID; a repeat resends nothing. */
  resendUncertainMail(params: { keys?: string[] } = {}, options?: RequestOptions): Promise<InvoiceMailResendResult> {
    return this._transport.post<InvoiceMailResendResult>('/v1/invoice-mail/resend-uncertain', params, options);
  }
}

export { PortalInvoices, type PortalInvoiceList } from './portal-invoices.js';
