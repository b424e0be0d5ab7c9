import { staticToken } from '../internal/token-source.js';
import { Auth } from '../resources/auth.js';
import { Realtime, type SocketIoLoader } from '../resources/realtime.js';
import { CrmError } from './errors.js';
import { createPublicClient, type PublicCrmClient } from './public-client.js';
import { CrmSession, type SessionAuth } from './session.js';
import { Transport, type FetchLike, type RetryPolicy, type TokenSource } from './transport.js';

/** Auth of a host product's server with a secret key. */
export interface SecretKeyAuth {
  type: 'secretKey';
  /** The secret key `sk_...`. */
  key: string;
  /** A secret key in a browser gives every visitor its powers; set this only if you really mean it. */
  dangerouslyAllowBrowser?: boolean | undefined;
}

/** Auth of a widget with a publishable key; `createCrmClient` then returns a `PublicCrmClient`. */
export interface PublishableKeyAuth {
  type: 'publishableKey';
  /** The publishable key `pk_...`. */
  key: string;
}

/** The three ways a client can authenticate. */
export type CrmAuth = SessionAuth | SecretKeyAuth | PublishableKeyAuth;

/** Options of `createCrmClient`. */
export interface CrmClientOptions<TAuth extends CrmAuth = CrmAuth> {
  /** Where the API lives, e.g. `https://crm.example.com` (without `/v1`); `''` means the page's own origin. */
  baseUrl: string;
  /** Who the client acts as. */
  auth: TAuth;
  /** The `fetch` to use; defaults to the global one. */
  fetch?: FetchLike | undefined;
  /** The deadline of each attempt in milliseconds. Default 30000. */
  timeoutMs?: number | undefined;
  /** A number of retries, or a partial retry policy. Default: 2 retries, backoff from 500 ms to 8 s. */
  retries?: number | Partial<RetryPolicy> | undefined;
  /** How realtime loads socket.io-client; by default a dynamic `import('socket.io-client')` on first use. */
  loadSocketIo?: SocketIoLoader | undefined;
}

/** A client for a signed-in user or a server with a secret key. */
export class CrmClient {
  /** The request machinery, for custom resources: `new MyResource(crm.transport)`. */
  readonly transport: Transport;
  /** The signed-in user's session; null for a secret-key client. */
  readonly session: CrmSession | null;
  /** Who the caller is, and the current user's sessions. */
  readonly auth: Auth;
  /** Live changes over socket.io, loaded on first use. */
  readonly realtime: Realtime;

  constructor(options: CrmClientOptions<SessionAuth | SecretKeyAuth>) {
    const { auth, loadSocketIo, ...transportOptions } = options;
    let tokenSource: TokenSource;
    if (auth.type === 'session') {
      // Login and refresh go through a transport of their own: they must not wait for the session itself.
      this.session = new CrmSession(new Transport(transportOptions), auth);
      tokenSource = this.session;
    } else if (auth.type === 'secretKey') {
      assertSecretKey(auth);
      this.session = null;
      tokenSource = staticToken(auth.key);
    } else {
      throw new CrmError(`Unknown auth type ${JSON.stringify((auth as { type?: unknown }).type)}.`);
    }
    this.transport = new Transport({ ...transportOptions, tokenSource });
    this.auth = new Auth(this.transport);
    this.realtime = new Realtime({ baseUrl: options.baseUrl, tokenSource, loadSocketIo });
  }
}

function assertSecretKey(auth: SecretKeyAuth): void {
  if (!auth.key?.startsWith('sk_')) throw new CrmError('A secretKey client needs a secret key (sk_...).');
  const inBrowser = typeof (globalThis as { document?: unknown }).document !== 'undefined';
  if (inBrowser && !auth.dangerouslyAllowBrowser) {
    throw new CrmError('A secret key must never reach a browser; use session auth, or a publishable key for widgets.');
  }
}

/**
 * Creates a CRM client. With `session` or `secretKey` auth it is a full `CrmClient`; with `publishableKey`
 * auth it is a `PublicCrmClient` (prefer `createPublicClient` from `@crm/client-sdk/public` in widgets).
 *
 * @example
 * const crm = createCrmClient({ baseUrl: 'https://crm.example.com', auth: { type: 'secretKey', key: process.env.CRM_KEY! } });
 */
export function createCrmClient(options: CrmClientOptions<PublishableKeyAuth>): PublicCrmClient;
/** Creates a full client for a signed-in user (`session`) or a server (`secretKey`). */
export function createCrmClient(options: CrmClientOptions<SessionAuth | SecretKeyAuth>): CrmClient;
/** Creates the client that matches `options.auth` when its type is only known at run time. */
export function createCrmClient(options: CrmClientOptions): CrmClient | PublicCrmClient;
export function createCrmClient(options: CrmClientOptions): CrmClient | PublicCrmClient {
  const { auth, loadSocketIo: _loadSocketIo, ...transportOptions } = options;
  if (auth.type === 'publishableKey') return createPublicClient({ ...transportOptions, publishableKey: auth.key });
  return new CrmClient({ ...options, auth });
}
