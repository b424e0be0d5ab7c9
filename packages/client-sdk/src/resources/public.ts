import { CrmError } from '../core/errors.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';
import type { QueryValue } from '../internal/query.js';
import { path } from '../core/path.js';
import type { Schema } from '../core/api-types.js';

/** A public campaign as a widget shows it (title, period, counts, form and a signed form token). */
export type PublicCampaign = Schema<'PublicCampaign'>;
/** The body of `crm.public.campaigns.signUp`. */
export type PublicSignupParams = Schema<'PublicSignup'>;
/** The answer of a signup: the same whether the person was already known or not. */
export type PublicSignupResult = Schema<'PublicSignupResult'>;
/** The answer of `crm.public.campaigns.confirmSignup`: confirmed, with the campaign's thank-you message or redirect. */
export type PublicSignupConfirmation = Schema<'PublicSignupConfirmation'>;
/** Whether an engagement counted, and the counts now. */
export type PublicEngagementResult = Schema<'PublicEngagementResult'>;
/** What a visitor can do to a campaign, each counted once per visitor. */
export type EngagementKind = 'view' | 'like' | 'enrol';

/** An open sales event as the registration widget shows it (dates, venue, seats left, the privacy notice to accept). */
export type PublicSalesEvent = Schema<'PublicSalesEvent'>;
/** The body of `crm.public.salesEvents.register`. */
export type PublicSalesEventRegistrationParams = Schema<'PublicSalesEventRegistrationInput'>;
/** The answer of a registration: the same whether the address registered now or before. */
export type PublicSalesEventRegistration = Schema<'PublicSalesEventRegistration'>;

/** The answer of `crm.public.ping`: the agency the key belongs to, by its display name. */
export type PublicPing = Schema<'PublicPing'>;

const publicPrefix = '/v1/public/';

function assertPublic(path: string): string {
  if (!path.startsWith(publicPrefix)) {
    throw new CrmError(`A publishable key reaches only ${publicPrefix}* routes, not ${JSON.stringify(path)}.`);
  }
  return path;
}

/**
 * The `/v1/public/*` routes a publishable key may call from a partner's page (`crm.public`): `ping`, the
 * `campaigns` the widgets show, and generic `get` / `list` / `post` for public routes this SDK does not
 * name yet (build their paths with the `path` tag).
 *
 * @example const { tenant } = await crm.public.ping();
 */
export class PublicResource extends APIResource {
  /** The public campaign routes the widgets use: get by code, view/like/enrol, sign up, confirm a signup. */
  get campaigns(): PublicCampaigns {
    return new PublicCampaigns(this._transport);
  }

  /** The public sales event routes the registration widget uses: get an open event, register for it. */
  get salesEvents(): PublicSalesEvents {
    return new PublicSalesEvents(this._transport);
  }

  /**
   * Checks the publishable key from this page: answers with the agency's display name, or rejects with
   * `CrmAuthenticationError` (unknown or revoked key) or `CrmPermissionError` (an origin the key does not allow).
   */
  ping(options?: RequestOptions): Promise<PublicPing> {
    return this._transport.get<PublicPing>('/v1/public/ping', undefined, options);
  }

  /** GETs a public route. */
  get<T = unknown>(path: string, query?: Record<string, QueryValue>, options?: RequestOptions): Promise<T> {
    return this._transport.get<T>(assertPublic(path), query, options);
  }

  /** Lists a public collection page by page; `for await` it for every record. */
  list<T = unknown>(path: string, params?: ListParams, options?: RequestOptions): PagePromise<T> {
    return requestPage<T>(this._transport, assertPublic(path), params, options);
  }

  /**
   * POSTs to a public route with a generated `Idempotency-Key`, the same on every retry. The API does not
   * deduplicate public routes by that key yet: a retry is only as safe as the route itself.
   */
  post<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this._transport.post<T>(assertPublic(path), body, options, true);
  }
}

/**
 * The public campaign routes a publishable key reaches from a partner page (`crm.public.campaigns`):
 * what the embeddable widgets call.
 */
export class PublicCampaigns extends APIResource {
  /** A public campaign by code, with a fresh signed `formToken`. */
  get(code: string, options?: RequestOptions): Promise<PublicCampaign> {
    return this._transport.get<PublicCampaign>(path`/v1/public/campaigns/${code}`, undefined, options);
  }

  /** Counts a view, like or enrolment for a visitor (once per visitor, so a retry never counts twice). */
  engage(code: string, kind: EngagementKind, visitorId: string, options?: RequestOptions): Promise<PublicEngagementResult> {
    return this._transport.post<PublicEngagementResult>(path`/v1/public/campaigns/${code}/${kind}`, { visitorId }, options, true);
  }

  /**
   * Submits the campaign's signup form. It is retried like a create, but the API does not honour
   * `Idempotency-Key` on public routes yet: a retry after a lost answer can record the signup twice (the
   * lead and contact it makes are still matched by email).
   */
  signUp(code: string, params: PublicSignupParams, options?: RequestOptions): Promise<PublicSignupResult> {
    return this._transport.post<PublicSignupResult>(path`/v1/public/campaigns/${code}/signups`, params, options, true);
  }

  /**
   * Confirms a double opt-in signup with the `token` of the emailed link, for a page that handles the link
   * itself. No key is sent: the signed token is the credential. Confirming twice changes nothing.
   */
  async confirmSignup(token: string, options?: RequestOptions): Promise<PublicSignupConfirmation> {
    const request = { method: 'GET' as const, path: '/v1/public/signup-confirmations', query: { token }, authenticate: false };
    return (await this._transport.request<PublicSignupConfirmation>(request, options)).data;
  }
}

/**
 * The sales events a publishable key reaches from a partner page (`crm.public.salesEvents`): what
 * `<crm-event-registration>` calls.
 */
export class PublicSalesEvents extends APIResource {
  /** An open event by id (404 for events that take no registrations). */
  get(id: string, options?: RequestOptions): Promise<PublicSalesEvent> {
    return this._transport.get<PublicSalesEvent>(path`/v1/public/sales-events/${id}`, undefined, options);
  }

  /**
   * Registers the visitor (a lead of the agency). Registering an address twice answers the same and creates
   * nothing, so a retry after a lost answer is safe; a full event rejects with `CrmConflictError`
   * (`errors[0].code` `full`).
   */
  register(id: string, params: PublicSalesEventRegistrationParams, options?: RequestOptions): Promise<PublicSalesEventRegistration> {
    return this._transport.post<PublicSalesEventRegistration>(path`/v1/public/sales-events/${id}/registrations`, params, options, true);
  }
}
