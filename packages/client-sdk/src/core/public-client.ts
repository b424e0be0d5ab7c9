import { staticToken } from '../internal/token-source.js';
import { PublicResource } from '../resources/public.js';
import { CrmError } from './errors.js';
import { Transport, type FetchLike, type RetryPolicy } from './transport.js';

/** Options of `createPublicClient`. */
export interface PublicClientOptions {
  /** Where the API lives, e.g. `https://crm.example.com`. */
  baseUrl: string;
  /** The publishable key `pk_...`; it only reaches `/v1/public/*`, and only from its allowed origins. */
  publishableKey: string;
  /** The `fetch` to use; defaults to the global one. */
  fetch?: FetchLike | undefined;
  /** The deadline of each attempt in milliseconds. Default 30000. */
  timeoutMs?: number | undefined;
  /** A number of retries, or a partial retry policy. */
  retries?: number | Partial<RetryPolicy> | undefined;
}

/** A client for partner pages and widgets: it holds a publishable key and exposes only `public`. */
export class PublicCrmClient {
  /** The request machinery, for custom resources. */
  readonly transport: Transport;
  /** The `/v1/public/*` routes. */
  readonly public: PublicResource;

  constructor(options: PublicClientOptions) {
    if (!options.publishableKey?.startsWith('pk_')) {
      throw new CrmError('createPublicClient needs a publishable key (pk_...); never put a secret key in a page.');
    }
    this.transport = new Transport({ ...options, tokenSource: staticToken(options.publishableKey) });
    this.public = new PublicResource(this.transport);
  }
}

/**
 * Creates a client for the public routes with a publishable key. It is its own entry point
 * (`@crm/client-sdk/public`) so a widget bundle carries none of the session, realtime or record code.
 */
export function createPublicClient(options: PublicClientOptions): PublicCrmClient {
  return new PublicCrmClient(options);
}
