import type { Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { APIResource } from '../core/resource.js';
import { etagOf, type RequestOptions, type UpdateOptions } from '../core/request-options.js';
import type { QuoteAcceptParams, QuoteDecisionResult, QuoteRejectParams } from './orders.js';

/** A quote on an opportunity: priced lines and totals in minor units, its workflow status and revision. */
export type Quote = Schema<'Quote'>;
/** The body of `crm.quotes.create`. */
export type QuoteCreateParams = Schema<'QuoteCreate'>;
/** The body of `crm.quotes.update`. */
export type QuoteUpdateParams = Schema<'QuoteUpdate'>;
/** The body of `crm.quotes.preview`. */
export type QuotePreviewParams = Schema<'QuotePreviewInput'>;
/** Priced lines and totals as the server computes them. */
export type QuotePreview = Schema<'QuotePreview'>;
/** One line as a rep enters it. */
export type QuoteLineParams = QuotePreviewParams['lines'][number];
/** The body of `crm.quotes.send`. */
export type QuoteSendParams = Schema<'QuoteSend'>;
/** The agency's quote branding and handlebars texts. */
export type QuoteSettings = Schema<'QuoteSettings'>;
/** The body of `crm.quotes.putSettings`. */
export type QuoteSettingsParams = Schema<'QuoteSettingsInput'>;

/**
 * Quotes (`crm.quotes`): preview totals, create, edit (a sent quote becomes its next revision), send
 * through the rep's own SMTP with the PDF, move in the workflow, download the PDF.
 *
 * @example const totals = await crm.quotes.preview({ opportunityId, lines: [{ serviceId, specId, quantity: 2 }] });
 */
export class Quotes extends APIResource {
  /** Prices lines for an opportunity without saving: the totals the server would store. */
  preview(params: QuotePreviewParams, options?: RequestOptions): Promise<QuotePreview> {
    return this._transport.post<QuotePreview>('/v1/quotes/preview', params, options);
  }

  /** Makes a quote on an opportunity; a retried create never makes two. */
  create(params: QuoteCreateParams, options?: RequestOptions): Promise<Quote> {
    return this._transport.post<Quote>('/v1/quotes', params, options, true);
  }

  /** One quote. */
  get(id: string, options?: RequestOptions): Promise<Quote> {
    return this._transport.get<Quote>(path`/v1/quotes/${id}`, undefined, options);
  }

  /** The quotes of an opportunity, newest first. */
  async listForOpportunity(opportunityId: string, options?: RequestOptions): Promise<Quote[]> {
    return (await this._transport.get<{ data: Quote[] }>(path`/v1/opportunities/${opportunityId}/quotes`, undefined, options)).data;
  }

  /** Edits a quote; with `ifMatch` only if it still has that `version`. */
  update(id: string, params: QuoteUpdateParams, options: UpdateOptions = {}): Promise<Quote> {
    const { ifMatch, ...requestOptions } = options;
    return this._transport.patch<Quote>(path`/v1/quotes/${id}`, params, requestOptions, ifMatch === undefined ? undefined : { 'If-Match': etagOf(ifMatch) });
  }

  /** Moves a quote to another state of the agency's quote workflow (accepted, rejected, expired). */
  transition(id: string, params: Schema<'QuoteTransition'>, options?: RequestOptions): Promise<Quote> {
    return this._transport.post<Quote>(path`/v1/quotes/${id}/transition`, params, options);
  }

  /** Sends the current revision to the customer with its PDF, through the caller's own mailbox. */
  send(id: string, params: QuoteSendParams, options?: RequestOptions): Promise<Quote> {
    return this._transport.post<Quote>(path`/v1/quotes/${id}/send`, params, options);
  }

  /** Records the customer's acceptance (by phone, say): the latest sent revision, once; makes the order and wins the opportunity. */
  accept(id: string, params: QuoteAcceptParams = {}, options?: RequestOptions): Promise<QuoteDecisionResult> {
    return this._transport.post<QuoteDecisionResult>(path`/v1/quotes/${id}/accept`, params, options);
  }

  /** Records the customer's rejection, with an optional reason. */
  reject(id: string, params: QuoteRejectParams = {}, options?: RequestOptions): Promise<QuoteDecisionResult> {
    return this._transport.post<QuoteDecisionResult>(path`/v1/quotes/${id}/reject`, params, options);
  }

  /** The quote as a PDF. */
  async pdf(id: string, params: { locale?: 'en' | 'de' } = {}, options?: RequestOptions): Promise<Blob> {
    return (await this._transport.request<Blob>({ method: 'GET', path: path`/v1/quotes/${id}/pdf`, query: params, responseType: 'blob' }, options)).data;
  }

  /** The agency's quote branding and texts. */
  settings(options?: RequestOptions): Promise<QuoteSettings> {
    return this._transport.get<QuoteSettings>('/v1/quote-settings', undefined, options);
  }

  /** Saves the agency's quote branding and texts (templates are checked first). */
  async putSettings(params: QuoteSettingsParams, options?: RequestOptions): Promise<QuoteSettings> {
    return (await this._transport.request<QuoteSettings>({ method: 'PUT', path: '/v1/quote-settings', body: params }, options)).data;
  }
}
