import type { Schema } from '../core/api-types.js';
import type { PortalSession } from '../core/portal-session.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';
import type { Transport } from '../core/transport.js';
import { PortalTickets } from './portal-tickets.js';
import { PortalArticles } from './portal-articles.js';
import { PortalInvoices } from './portal-invoices.js';
import { PortalQuotes } from './orders.js';

/** The signed-in customer's contact details and account. */
export type PortalProfile = Schema<'PortalProfile'>;
/** The body of `crm.portal.me.update`. */
export type UpdatePortalProfileParams = Schema<'UpdatePortalProfile'>;
/** The customer's consent and subscriptions. */
export type PortalPreferences = Schema<'PortalPreferences'>;
/** The body of `crm.portal.me.updatePreferences`. */
export type UpdatePortalPreferencesParams = Schema<'UpdatePortalPreferences'>;

/** The terms I am asked to accept: current versions, my acceptances and the documents pending. */
export type PortalTerms = Schema<'PortalTerms'>;

/** `crm.portal.me`: the customer's own profile, consent, subscriptions and password. */
export class PortalMe extends APIResource {
  /** My contact details and account. */
  get(options?: RequestOptions): Promise<PortalProfile> {
    return this._transport.get<PortalProfile>('/v1/portal/me', undefined, options);
  }

  /** Changes my contact details (names, phone, job title) or the portal's language. */
  update(params: UpdatePortalProfileParams, options?: RequestOptions): Promise<PortalProfile> {
    return this._transport.patch<PortalProfile>('/v1/portal/me', params, options);
  }

  /** My consent and subscriptions (no entry for a category means subscribed). */
  preferences(options?: RequestOptions): Promise<PortalPreferences> {
    return this._transport.get<PortalPreferences>('/v1/portal/me/preferences', undefined, options);
  }

  /** Changes my consent to marketing and my subscriptions. */
  async updatePreferences(params: UpdatePortalPreferencesParams, options?: RequestOptions): Promise<PortalPreferences> {
    return (await this._transport.request<PortalPreferences>({ method: 'PUT', path: '/v1/portal/me/preferences', body: params }, options)).data;
  }

  /** The current terms and privacy versions, what I accepted, and what is pending (ask on first use after sign-in). */
  terms(options?: RequestOptions): Promise<PortalTerms> {
    return this._transport.get<PortalTerms>('/v1/portal/me/terms', undefined, options);
  }

  /** Accepts the current version of the terms or privacy notice (an outdated version is refused, 400 on `version`). */
  acceptTerms(params: { document: 'terms' | 'privacy'; version: string }, options?: RequestOptions): Promise<PortalTerms> {
    return this._transport.post<PortalTerms>('/v1/portal/me/terms', params, options);
  }

  /** Sets my portal password (the current one is needed when one is set); my other sessions end. */
  async setPassword(params: { password: string; currentPassword?: string }, options?: RequestOptions): Promise<void> {
    await this._transport.request({ method: 'PUT', path: '/v1/portal/me/password', body: params }, options);
  }
}

/**
 * `crm.portal`: everything a signed-in customer may call, under `/v1/portal/*`, with the customer's
 * token. Tickets and articles are added here by their resources (`crm.portal.tickets`,
 * `crm.portal.articles`), each a getter on this class.
 */
export class PortalResource extends APIResource {
  /** The customer's session: sign-in link, password, refresh, sign-out. */
  readonly session: PortalSession;

  constructor(transport: Transport, session: PortalSession) {
    super(transport);
    this.session = session;
  }

  /** The customer's own profile and preferences. */
  get me(): PortalMe {
    return new PortalMe(this._transport);
  }

  /** The customer's tickets (their own, or their account tree's for a case manager). */
  get tickets(): PortalTickets {
    return new PortalTickets(this._transport);
  }

  /** The customer's invoices (their account's) and their PDFs. */
  get invoices(): PortalInvoices {
    return new PortalInvoices(this._transport);
  }

  /** The quotes sent to the customer's account, to accept or reject. */
  get quotes(): PortalQuotes {
    return new PortalQuotes(this._transport);
  }

  /** The knowledge base as a customer reads it: public and customers-only articles. */
  get articles(): PortalArticles {
    return new PortalArticles(this._transport, '/v1/portal');
  }
}
