import type { Schema } from './api-types.js';
import { CrmAuthenticationError } from './errors.js';
import type { RequestOptions } from './request-options.js';
import type { TokenSource, Transport } from './transport.js';

/** The answer of a portal sign-in or refresh: tokens, their lifetime and the customer. */
export type PortalSessionTokens = Schema<'PortalSessionTokens'>;
/** A customer identity (as agents and the customer see it). */
export type CustomerUser = Schema<'CustomerUser'>;

/** The tokens of a signed-in customer, as a portal keeps them. */
export interface PortalTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, in epoch milliseconds. */
  expiresAt: number;
}

/**
 * Where a portal client keeps its customer's tokens: its own store, never the agents' (a customer
 * token is refused by every agent route anyway). `memoryTokenStore()` by default; a page passes one
 * over `sessionStorage`/`localStorage` (`storageTokenStore`) to survive a reload.
 */
export interface PortalTokenStore {
  read(): PortalTokens | null;
  write(tokens: PortalTokens | null): void;
}

/** Keeps the tokens in memory only (gone on reload). */
export function memoryTokenStore(): PortalTokenStore {
  let tokens: PortalTokens | null = null;
  return { read: () => tokens, write: (next) => void (tokens = next) };
}

/** Keeps the tokens in a Web Storage under `key` (`crm-portal:<tenant>` by default in the portal element). */
export function storageTokenStore(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>, key: string): PortalTokenStore {
  return {
    read() {
      try {
        const parsed = JSON.parse(storage.getItem(key) ?? 'null') as PortalTokens | null;
        return parsed && typeof parsed.accessToken === 'string' && typeof parsed.refreshToken === 'string' ? parsed : null;
      } catch {
        return null;
      }
    },
    write(tokens) {
      try {
        if (tokens) storage.setItem(key, JSON.stringify(tokens));
        else storage.removeItem(key);
      } catch {
        // A full or blocked storage keeps the session for this page only.
      }
    },
  };
}

const signedOut = () =>
  new CrmAuthenticationError({
    status: 401,
    problem: { type: 'urn:crm:problem:unauthenticated', status: 401, code: 'unauthenticated', title: 'Authentication is required', detail: 'Sign in to the portal first (a sign-in link or a password).' },
  });

/**
 * A customer's portal session (`crm.portal.session`): asks for a sign-in link, trades it for tokens,
 * signs in with a password, refreshes before expiry or after a 401, and signs out. Concurrent calls
 * share one refresh.
 */
export class PortalSession implements TokenSource {
  readonly #transport: Transport;
  readonly #store: PortalTokenStore;
  readonly #tenant: string;
  #renewal: Promise<PortalTokens> | undefined;
  #listeners = new Set<(customer: CustomerUser | null) => void>();

  constructor(transport: Transport, tenant: string, store: PortalTokenStore) {
    this.#transport = transport;
    this.#tenant = tenant;
    this.#store = store;
  }

  /** True while tokens are kept (they may still turn out to be revoked). */
  get signedIn(): boolean {
    return this.#store.read() !== null;
  }

  /** Calls `listener` with the customer after each sign-in, and with null when the session ends. */
  onChange(listener: (customer: CustomerUser | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Emails a sign-in link to `email` if it is a customer of the agency; resolves the same either way. */
  async requestLink(params: { email: string; returnUrl?: string | undefined }, options?: RequestOptions): Promise<void> {
    await this.#transport.request({ method: 'POST', path: '/v1/portal/session/link', body: { tenant: this.#tenant, ...params }, authenticate: false }, options);
  }

  /** Trades the token of an emailed link (after `#crm-portal-link=`) for a session. */
  async exchangeLink(link: string, options?: RequestOptions): Promise<CustomerUser> {
    const answer = await this.#transport.request<PortalSessionTokens>({ method: 'POST', path: '/v1/portal/session', body: { link }, authenticate: false }, options);
    return this.#keep(answer.data);
  }

  /** Signs in with a password the customer set on the portal. */
  async signInWithPassword(params: { email: string; password: string }, options?: RequestOptions): Promise<CustomerUser> {
    const answer = await this.#transport.request<PortalSessionTokens>({ method: 'POST', path: '/v1/portal/session/password', body: { tenant: this.#tenant, ...params }, authenticate: false }, options);
    return this.#keep(answer.data);
  }

  /** Rotates the refresh token now (calls made meanwhile wait for this one request). */
  async refresh(): Promise<void> {
    await (this.#renewal ?? this.#refresh());
  }

  /** Who is signed in, their agency and the accounts they see account-wide. */
  get(options?: RequestOptions): Promise<Schema<'PortalSession'>> {
    return this.#transport.get<Schema<'PortalSession'>>('/v1/portal/session', undefined, options);
  }

  /** Ends the session on the API and forgets the tokens (even when the API cannot be reached). */
  async signOut(options?: RequestOptions): Promise<void> {
    const tokens = this.#store.read();
    try {
      if (tokens) await this.#transport.request({ method: 'DELETE', path: '/v1/portal/session', headers: { Authorization: `Bearer ${tokens.accessToken}` }, authenticate: false }, options);
    } catch (error) {
      if (!(error instanceof CrmAuthenticationError)) throw error;
    } finally {
      this.#end();
    }
  }

  /** For the transport: the customer's access token, refreshed first when about to expire. */
  async token(): Promise<string | undefined> {
    if (this.#renewal) return (await this.#renewal).accessToken;
    const tokens = this.#store.read();
    if (!tokens) throw signedOut();
    if (tokens.expiresAt - 30_000 > Date.now()) return tokens.accessToken;
    return (await this.#refresh()).accessToken;
  }

  /** For the transport, after a 401: refreshes once when the failed token is still the current one. */
  async renew(failedToken: string | undefined): Promise<boolean> {
    if (this.#renewal) {
      await this.#renewal;
      return true;
    }
    const tokens = this.#store.read();
    if (!tokens) return false;
    if (tokens.accessToken !== failedToken) return true;
    await this.#refresh();
    return true;
  }

  #refresh(): Promise<PortalTokens> {
    const tokens = this.#store.read();
    if (!tokens) return Promise.reject(signedOut());
    const renewal = this.#transport
      .request<PortalSessionTokens>({ method: 'POST', path: '/v1/portal/session/refresh', body: { refreshToken: tokens.refreshToken }, authenticate: false })
      .then(
        (answer) => {
          this.#keep(answer.data);
          return this.#store.read()!;
        },
        (error: unknown) => {
          if (error instanceof CrmAuthenticationError) this.#end();
          throw error;
        },
      );
    this.#renewal = renewal;
    const settle = () => {
      if (this.#renewal === renewal) this.#renewal = undefined;
    };
    renewal.then(settle, settle);
    return renewal;
  }

  #keep(result: PortalSessionTokens): CustomerUser {
    this.#store.write({ accessToken: result.accessToken, refreshToken: result.refreshToken, expiresAt: Date.now() + result.expiresIn * 1000 });
    for (const listener of this.#listeners) listener(result.customer);
    return result.customer;
  }

  #end(): void {
    this.#store.write(null);
    for (const listener of this.#listeners) listener(null);
  }
}
