import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { APIResource } from '../core/resource.js';
import { etagOf, type RequestOptions, type UpdateOptions } from '../core/request-options.js';

/** A price book: services, their specs with unit of measure, prices per currency (minor units) with validity days. */
export type PriceBook = Schema<'PriceBook'>;
/** The body of `crm.priceBooks.create` and `replace`. */
export type PriceBookParams = Schema<'PriceBookInput'>;
/** The price an account gets for a spec, in minor units, after its price adjuster. */
export type ResolvedPrice = Schema<'ResolvedPrice'>;
/** The query of `crm.priceBooks.resolve`. */
export type ResolvePriceParams = OperationQuery<'resolvePrice'>;

/**
 * Price books (`crm.priceBooks`): list, get, create, replace, and `resolve` (the one price resolver).
 *
 * @example const price = await crm.priceBooks.resolve({ accountId, serviceId, specId, currency: 'EUR' });
 */
export class PriceBooks extends APIResource {
  /** The agency's price books, the default first. */
  async list(options?: RequestOptions): Promise<PriceBook[]> {
    return (await this._transport.get<{ data: PriceBook[] }>('/v1/price-books', undefined, options)).data;
  }

  /** One price book. */
  get(id: string, options?: RequestOptions): Promise<PriceBook> {
    return this._transport.get<PriceBook>(path`/v1/price-books/${id}`, undefined, options);
  }

  /** Makes a price book; a retried create never makes two. */
  create(params: PriceBookParams, options?: RequestOptions): Promise<PriceBook> {
    return this._transport.post<PriceBook>('/v1/price-books', params, options, true);
  }

  /** Replaces a book's content; with `ifMatch` only if it still has that `version`. */
  async replace(id: string, params: PriceBookParams, options: UpdateOptions = {}): Promise<PriceBook> {
    const { ifMatch, ...requestOptions } = options;
    const headers = ifMatch === undefined ? undefined : { 'If-Match': etagOf(ifMatch) };
    return (await this._transport.request<PriceBook>({ method: 'PUT', path: path`/v1/price-books/${id}`, body: params, ...(headers ? { headers } : {}) }, requestOptions)).data;
  }

  /** The price an account (or the default book) gets for a spec in a currency on a day. */
  resolve(params: ResolvePriceParams, options?: RequestOptions): Promise<ResolvedPrice> {
    return this._transport.get<ResolvedPrice>('/v1/price-books/resolve', params, options);
  }
}
