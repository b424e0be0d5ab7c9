import type { Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { APIResource } from '../core/resource.js';
import type { RequestOptions } from '../core/request-options.js';

/** An invoice as its customer sees it (amounts in minor units, balance, status). */
export type PortalInvoice = Schema<'Invoice'>;
/** A portal customer's invoices with their open balance per currency. */
export type PortalInvoiceList = Schema<'PortalInvoiceList'>;

/** `crm.portal.invoices`: the signed-in customer's invoices (their account's) and their PDFs. */
export class PortalInvoices extends APIResource {
  /** My account's invoices, newest first, with the open balance per currency. */
  list(options?: RequestOptions): Promise<PortalInvoiceList> {
    return this._transport.get<PortalInvoiceList>('/v1/portal/invoices', undefined, options);
  }

  /** A credit note of one of my invoices as a PDF (the list's `creditNotes`). */
  async creditNotePdf(id: string, creditNoteId: string, params: { locale?: 'en' | 'de' } = {}, options?: RequestOptions): Promise<Blob> {
    return (await this._transport.request<Blob>({ method: 'GET', path: path`/v1/portal/invoices/${id}/credit-notes/${creditNoteId}/pdf`, query: params, responseType: 'blob' }, options)).data;
  }

  /** One of my invoices as a PDF. */
  async pdf(id: string, params: { locale?: 'en' | 'de' } = {}, options?: RequestOptions): Promise<Blob> {
    return (await this._transport.request<Blob>({ method: 'GET', path: path`/v1/portal/invoices/${id}/pdf`, query: params, responseType: 'blob' }, options)).data;
  }
}
