import type { Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { APIResource } from '../core/resource.js';
import { etagOf, type RequestOptions, type UpdateOptions } from '../core/request-options.js';

/** An order: lines and totals in minor units, its PO number, workflow status and (from a quote) who accepted it. */
export type Order = Schema<'Order'>;
/** An account's credit: the limit (manual override, calculated by the agency's rule, or none), exposure, available, the rule's inputs and the purchase summary. */
export type AccountCredit = Schema<'AccountCredit'>;
/** The agency's credit limit rule (data: base, share of spend, bands by days late, floor, ceiling). */
export type CreditRule = Schema<'CreditRule'>;
/** The body of `crm.orders.setCreditRule`. */
export type CreditRuleInput = Schema<'CreditRuleInput'>;
/** The body of `crm.orders.create`. */
export type OrderCreateParams = Schema<'OrderCreate'>;
/** The body of `crm.orders.transition`. */
export type OrderTransitionParams = Schema<'OrderTransition'>;
/** The body of an acceptance (`crm.quotes.accept`, `crm.portal.quotes.accept`, `crm.quoteLinks.accept`). */
export type QuoteAcceptParams = Schema<'QuoteAccept'>;
/** The body of a rejection, with its optional reason. */
export type QuoteRejectParams = Schema<'QuoteReject'>;
/** What an acceptance or rejection answers: the quote as the customer sees it, the decision and (accepted) the order. */
export type QuoteDecisionResult = Schema<'QuoteDecisionResult'>;
/** A quote as the customer sees it on the portal or by its link. */
export type PortalQuote = Schema<'PortalQuote'>;
/** What a signed quote link shows, and whether it can still be used. */
export type QuoteLinkView = Schema<'QuoteLinkView'>;

/**
 * Orders (`crm.orders`): an account's orders, made by an accepted quote or entered here. Every new order
 * passes the credit gate: a blacklisted account is refused (`CrmConflictError` naming it), a line below
 * its `unitCost` is refused unless the account allows negative profit, and an order beyond the available
 * credit is stored as `pending_approval` with its `hold` reason.
 *
 * @example const order = await crm.orders.create({ accountId, poNumber: 'PO-42', lines: [{ serviceId, specId, quantity: 3 }] });
 */
export class Orders extends APIResource {
  /** An account's orders, newest number first. */
  async listForAccount(accountId: string, options?: RequestOptions): Promise<Order[]> {
    return (await this._transport.get<{ data: Order[] }>('/v1/orders', { accountId }, options)).data;
  }

  /** One order. */
  get(id: string, options?: RequestOptions): Promise<Order> {
    return this._transport.get<Order>(path`/v1/orders/${id}`, undefined, options);
  }

  /** Enters an order for an account (priced from its book today); a retried create never makes two. */
  create(params: OrderCreateParams, options?: RequestOptions): Promise<Order> {
    return this._transport.post<Order>('/v1/orders', params, options, true);
  }

  /** Sets or clears the PO number (an account invoiced per PO is invoiced now); with `ifMatch` only at that `version`. */
  async setPo(id: string, poNumber: string | null, options: UpdateOptions = {}): Promise<Order> {
    const { ifMatch, ...requestOptions } = options;
    const request = { method: 'PUT' as const, path: path`/v1/orders/${id}/po`, body: { poNumber }, ...(ifMatch === undefined ? {} : { headers: { 'If-Match': etagOf(ifMatch) } }) };
    return (await this._transport.request<Order>(request, requestOptions)).data;
  }

  /** Moves an order in the agency's order workflow: `open` approves a held order, `fulfilled`, `cancelled`. */
  transition(id: string, params: OrderTransitionParams, options?: RequestOptions): Promise<Order> {
    return this._transport.post<Order>(path`/v1/orders/${id}/transition`, params, options);
  }

  /** Cancels an order that is not invoiced (a transition to `cancelled`). */
  cancel(id: string, note?: string, options?: RequestOptions): Promise<Order> {
    return this.transition(id, { to: 'cancelled', ...(note ? { note } : {}) }, options);
  }

  /** An account's credit limit, exposure and available credit, with how the limit was reached (`inputs`) and its purchase summary. */
  credit(accountId: string, options?: RequestOptions): Promise<AccountCredit> {
    return this._transport.get<AccountCredit>(path`/v1/customers/${accountId}/credit`, undefined, options);
  }

  /** Recalculates one account's limit and purchase summary now (the nightly job does every account). */
  recalculateCredit(accountId: string, options?: RequestOptions): Promise<AccountCredit> {
    return this._transport.post<AccountCredit>(path`/v1/customers/${accountId}/credit/recalculate`, {}, options);
  }

  /** Recalculates every account of the agency now (admins). */
  recalculateAllCredit(options?: RequestOptions): Promise<{ accounts: number }> {
    return this._transport.post<{ accounts: number }>('/v1/credit/recalculate', {}, options);
  }

  /** The agency's credit limit rule. */
  creditRule(options?: RequestOptions): Promise<CreditRule> {
    return this._transport.get<CreditRule>('/v1/credit/rule', undefined, options);
  }

  /** Replaces the agency's credit limit rule (admins); with `ifMatch` only at that `version`. */
  async setCreditRule(rule: CreditRuleInput, options: UpdateOptions = {}): Promise<CreditRule> {
    const { ifMatch, ...requestOptions } = options;
    const request = { method: 'PUT' as const, path: '/v1/credit/rule', body: rule, ...(ifMatch === undefined ? {} : { headers: { 'If-Match': etagOf(ifMatch) } }) };
    return (await this._transport.request<CreditRule>(request, requestOptions)).data;
  }
}

/** `crm.portal.quotes`: the quotes sent to the signed-in customer's account, to accept or reject. */
export class PortalQuotes extends APIResource {
  /** The quotes sent to my account, newest first; `decidable` says which I can still accept. */
  async list(options?: RequestOptions): Promise<PortalQuote[]> {
    return (await this._transport.get<{ data: PortalQuote[] }>('/v1/portal/quotes', undefined, options)).data;
  }

  /** One quote sent to my account. */
  get(id: string, options?: RequestOptions): Promise<PortalQuote> {
    return this._transport.get<PortalQuote>(path`/v1/portal/quotes/${id}`, undefined, options);
  }

  /** One quote sent to my account as a PDF (as the agency sent it). */
  async pdf(id: string, params: { locale?: 'en' | 'de' } = {}, options?: RequestOptions): Promise<Blob> {
    return (await this._transport.request<Blob>({ method: 'GET', path: path`/v1/portal/quotes/${id}/pdf`, query: params, responseType: 'blob' }, options)).data;
  }

  /** Accepts the quote (its latest sent revision, once); answers the order it made. */
  accept(id: string, params: QuoteAcceptParams = {}, options?: RequestOptions): Promise<QuoteDecisionResult> {
    return this._transport.post<QuoteDecisionResult>(path`/v1/portal/quotes/${id}/accept`, params, options);
  }

  /** Rejects the quote, with an optional reason. */
  reject(id: string, params: QuoteRejectParams = {}, options?: RequestOptions): Promise<QuoteDecisionResult> {
    return this._transport.post<QuoteDecisionResult>(path`/v1/portal/quotes/${id}/reject`, params, options);
  }
}

/**
 * `crm.quoteLinks`: a quote by the signed, single-use link of its email (`/portal/quote-links/<token>`),
 * for a host that serves its own page. No sign-in: the token is the credential. A second use rejects with
 * `CrmConflictError` (`reason: link_used`), an expired link with `link_expired`, a forged one with `CrmNotFoundError`.
 */
export class QuoteLinks extends APIResource {
  /** The quote the link names; reading it does not use it up. */
  async get(token: string, options?: RequestOptions): Promise<QuoteLinkView> {
    return (await this._transport.request<QuoteLinkView>({ method: 'GET', path: path`/v1/public/quote-links/${token}`, authenticate: false }, options)).data;
  }

  /** Accepts the quote by its link, once. */
  async accept(token: string, params: QuoteAcceptParams = {}, options?: RequestOptions): Promise<QuoteDecisionResult> {
    return (await this._transport.request<QuoteDecisionResult>({ method: 'POST', path: path`/v1/public/quote-links/${token}/accept`, body: params, authenticate: false }, options)).data;
  }

  /** Rejects the quote by its link, once, with an optional reason. */
  async reject(token: string, params: QuoteRejectParams = {}, options?: RequestOptions): Promise<QuoteDecisionResult> {
    return (await this._transport.request<QuoteDecisionResult>({ method: 'POST', path: path`/v1/public/quote-links/${token}/reject`, body: params, authenticate: false }, options)).data;
  }
}
