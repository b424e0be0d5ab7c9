import type { Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';
import type { User } from './users.js';

/** Who the caller is: the user, their role and their agency (`GET /v1/me`). */
export type Me = Schema<'Me'>;
/** One signed-in device or browser of the current user. */
export type Session = Schema<'Session'>;
/** The body of `crm.auth.updateProfile`: name, phone, picture, locale, time zone, notification settings. */
export type ProfileUpdateParams = Schema<'UpdateProfileRequest'>;
/** The body of `crm.auth.changePassword`: the current password and the new one. */
export type PasswordChangeParams = Schema<'ChangePasswordRequest'>;
/** The body of `crm.auth.requestPasswordReset`. */
export type PasswordResetRequestParams = Schema<'PasswordResetRequest'>;
/** The body of `crm.auth.confirmPasswordReset`: the emailed token and the new password. */
export type PasswordResetConfirmParams = Schema<'PasswordResetConfirmRequest'>;
/** The answer of `crm.auth.requestPasswordReset`: always accepted, whether or not the email has an account. */
export type PasswordResetAccepted = Schema<'Accepted'>;

/**
 * The signed-in identity (`crm.auth`): who I am, my profile, password and sessions, and the password
 * reset flow. Logging in, refreshing, accepting an invitation and signing out belong to `crm.session`,
 * which keeps the tokens.
 */
export class Auth extends APIResource {
  /** The caller's user, role and agency. */
  me(options?: RequestOptions): Promise<Me> {
    return this._transport.get<Me>('/v1/me', undefined, options);
  }

  /** Updates my profile; notification settings are merged with the current ones. */
  updateProfile(params: ProfileUpdateParams, options?: RequestOptions): Promise<User> {
    return this._transport.patch<User>('/v1/me', params, options);
  }

  /** Changes my password; every other session of mine is signed out, this one stays. */
  async changePassword(params: PasswordChangeParams, options?: RequestOptions): Promise<void> {
    await this._transport.post<unknown>('/v1/me/password', params, options);
  }

  /** Asks for a password reset email; answers the same whether or not the email has an account. */
  requestPasswordReset(params: PasswordResetRequestParams, options?: RequestOptions): Promise<PasswordResetAccepted> {
    return this.#public<PasswordResetAccepted>('/v1/auth/password-reset', params, options);
  }

  /** Sets a new password with the emailed token; every session of the account is signed out. */
  async confirmPasswordReset(params: PasswordResetConfirmParams, options?: RequestOptions): Promise<void> {
    await this.#public<unknown>('/v1/auth/password-reset/confirm', params, options);
  }

  /** The current user's active sessions; the one making this call has `current: true`. */
  listSessions(options?: RequestOptions): PagePromise<Session> {
    return requestPage<Session>(this._transport, '/v1/auth/sessions', undefined, options);
  }

  /** Signs one of the current user's sessions out everywhere it is used. */
  revokeSession(id: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(path`/v1/auth/sessions/${id}`, options);
  }

  // Routes for people who are not signed in: no token, and a 401 never triggers a refresh.
  async #public<T>(route: string, body: unknown, options?: RequestOptions): Promise<T> {
    return (await this._transport.request<T>({ method: 'POST', path: route, body, authenticate: false }, options)).data;
  }
}
