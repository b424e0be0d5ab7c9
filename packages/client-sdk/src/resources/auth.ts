import type { components } from '../generated/openapi.js';
import { path } from '../core/path.js';
import { requestPage, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** Who the caller is: the user, their role and their agency (`GET /v1/me`). */
export type Me = components['schemas']['Me'];
/** One signed-in device or browser of the current user. */
export type Session = components['schemas']['Session'];
/** An agency: the tenant every record belongs to. */
export type Tenant = components['schemas']['Tenant'];

/**
 * The signed-in identity (`crm.auth`). Logging in, refreshing and signing out belong to `crm.session`,
 * which keeps the tokens.
 */
export class Auth extends APIResource {
  /** The caller's user, role and agency. */
  me(options?: RequestOptions): Promise<Me> {
    return this._transport.get<Me>('/v1/me', undefined, options);
  }

  /** The current user's active sessions; the one making this call has `current: true`. */
  listSessions(options?: RequestOptions): PagePromise<Session> {
    return requestPage<Session>(this._transport, '/v1/auth/sessions', undefined, options);
  }

  /** Signs one of the current user's sessions out everywhere it is used. */
  revokeSession(id: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(path`/v1/auth/sessions/${id}`, options);
  }
}
