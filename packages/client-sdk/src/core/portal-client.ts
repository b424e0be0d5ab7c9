import { PortalResource } from '../resources/portal.js';
import { CrmError } from './errors.js';
import { memoryTokenStore, PortalSession, type PortalTokenStore } from './portal-session.js';
import { Transport, type FetchLike, type RetryPolicy } from './transport.js';

/** Options of `createPortalClient`. */
export interface PortalClientOptions {
  /** Where the API lives, e.g. `https://crm.example.com`; `''` for the page's own origin (the hosted portal). */
  baseUrl: string;
  /** The agency's slug, as in its hosted portal's address `/portal/{tenant}`. */
  tenant: string;
  /** Where the customer's tokens are kept; in memory by default. */
  tokens?: PortalTokenStore | undefined;
  /** The `fetch` to use; defaults to the global one. */
  fetch?: FetchLike | undefined;
  /** The deadline of each attempt in milliseconds. Default 30000. */
  timeoutMs?: number | undefined;
  /** A number of retries, or a partial retry policy. */
  retries?: number | Partial<RetryPolicy> | undefined;
}

/**
 * A client for the customer self-service portal: a customer's session (its own tokens, with the portal
 * audience, so they reach `/v1/portal/*` only) and `crm.portal`.
 *
 * @example
 * const crm = createPortalClient({ baseUrl: 'https://crm.example.com', tenant: 'acme-travel' });
 * await crm.portal.session.requestLink({ email: 'ada@example.com' });
 */
export class PortalCrmClient {
  /** The request machinery, for custom resources. */
  readonly transport: Transport;
  /** The `/v1/portal/*` routes. */
  readonly portal: PortalResource;

  constructor(options: PortalClientOptions) {
    if (!options.tenant) throw new CrmError('createPortalClient needs the agency slug (tenant).');
    const source: { session?: PortalSession } = {};
    this.transport = new Transport({ ...options, tokenSource: { token: () => source.session!.token(), renew: (failed) => source.session!.renew(failed) } });
    source.session = new PortalSession(this.transport, options.tenant, options.tokens ?? memoryTokenStore());
    this.portal = new PortalResource(this.transport, source.session);
  }
}

/** Creates a portal client for one agency's customers. */
export function createPortalClient(options: PortalClientOptions): PortalCrmClient {
  return new PortalCrmClient(options);
}
