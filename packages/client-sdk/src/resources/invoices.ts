import type { Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { APIResource } from '../core/resource.js';
import type { RequestOptions } from '../core/request-options.js';

/** An invoice with the agency's consecutive number and amounts in minor units. */
export type Invoice = Schema<'Invoice'>;
/** The body of `crm.invoices.create`. */
export type InvoiceCreateParams = Schema<'InvoiceCreate'>;

/**
 * Invoices (`crm.invoices`): invoice an account (numbered without gaps), list an account's, get one.
 *
 * @example const invoice = await crm.invoices.create({ accountId, lines: [{ serviceId, specId, quantity: 1 }] });
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
}
