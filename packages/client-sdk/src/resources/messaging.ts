import type { Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** Outgoing mail settings (SMTP host, port, sender); the password is write-only and never returned. */
export type MailSettings = Schema<'MailSettings'>;
/** The body of `crm.mailSettings.replace` and `replaceMine`. */
export type MailSettingsParams = Schema<'MailSettingsInput'>;
/** An address that receives no marketing email. */
export type Suppression = Schema<'Suppression'>;
/** The body of `crm.suppressions.add`. */
export interface SuppressionAddParams {
  /** The address to suppress. */
  email: string;
  /** Why; default `manual`. */
  reason?: string;
}
/** The answer of `crm.suppressions.unsubscribe`: the category the link was for, now unsubscribed on email. */
export interface UnsubscribeResult {
  /** Always true. */
  unsubscribed: true;
  /** The message category, e.g. `marketing`. */
  category: string;
  /** Always `email`. */
  channel: 'email';
}
/** A greeting: a template sent to a segment or to chosen contacts and customers, now or at a set time. */
export type Greeting = Schema<'Greeting'>;
/** The body of `crm.greetings.create`. */
export type GreetingCreateParams = Schema<'CreateGreeting'>;
/** A message whose worker stopped mid-send: the mail server may or may not have it. */
export type UncertainDelivery = Schema<'UncertainDelivery'>;
/** The answer of `crm.greetings.resendUncertain`: how many were queued again, and the greeting. */
export type ResendUncertainResult = Schema<'ResendUncertainResult'>;

/**
 * Outgoing mail settings (`crm.mailSettings`): the agency's (admins) and my own.
 *
 * @example await crm.mailSettings.replaceMine({ host: 'smtp.example.com', port: 587, username, password, fromName: 'Ada' });
 */
export class MailSettingsResource extends APIResource {
  /** The agency's mail settings. */
  get(options?: RequestOptions): Promise<MailSettings> {
    return this._transport.get<MailSettings>('/v1/mail-settings', undefined, options);
  }

  /** Replaces the agency's mail settings. */
  async replace(params: MailSettingsParams, options?: RequestOptions): Promise<MailSettings> {
    return (await this._transport.request<MailSettings>({ method: 'PUT', path: '/v1/mail-settings', body: params }, options)).data;
  }

  /** Removes the agency's mail settings: mail goes out through the platform's server again. */
  remove(options?: RequestOptions): Promise<void> {
    return this._transport.delete('/v1/mail-settings', options);
  }

  /** My own mail settings. */
  getMine(options?: RequestOptions): Promise<MailSettings> {
    return this._transport.get<MailSettings>('/v1/me/mail-settings', undefined, options);
  }

  /** Replaces my own mail settings. */
  async replaceMine(params: MailSettingsParams, options?: RequestOptions): Promise<MailSettings> {
    return (await this._transport.request<MailSettings>({ method: 'PUT', path: '/v1/me/mail-settings', body: params }, options)).data;
  }

  /** Removes my own mail settings. */
  removeMine(options?: RequestOptions): Promise<void> {
    return this._transport.delete('/v1/me/mail-settings', options);
  }
}

/**
 * The suppression list (`crm.suppressions`): addresses that receive no marketing email.
 *
 * @example await crm.suppressions.add({ email: 'no-mail@example.com', reason: 'asked by phone' });
 */
export class Suppressions extends APIResource {
  /** Lists suppressed addresses. */
  list(params?: ListParams, options?: RequestOptions): PagePromise<Suppression> {
    return requestPage<Suppression>(this._transport, '/v1/suppressions', params, options);
  }

  /** Suppresses an address. */
  add(params: SuppressionAddParams, options?: RequestOptions): Promise<Suppression> {
    return this._transport.post<Suppression>('/v1/suppressions', params, options, true);
  }

  /** Lets an address receive marketing email again. */
  remove(email: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(path`/v1/suppressions/${email}`, options);
  }

  /**
   * One-click unsubscribe by the token of an email's unsubscribe link (`/v1/unsubscribe/<token>`), for a
   * host that serves its own unsubscribe page: no sign-in, the token is the credential. The recipient stops
   * getting that category by email; a forged token rejects with `CrmNotFoundError`.
   */
  async unsubscribe(token: string, options?: RequestOptions): Promise<UnsubscribeResult> {
    const request = { method: 'POST' as const, path: path`/v1/unsubscribe/${token}`, authenticate: false };
    return (await this._transport.request<UnsubscribeResult>(request, options)).data;
  }
}

/**
 * Greetings (`crm.greetings`): a template sent to a segment or to chosen recipients.
 *
 * @example await crm.greetings.create({ name: 'Season greetings', templateId, sendAt: '2026-12-20T09:00:00Z', targets: { segmentId } });
 */
export class Greetings extends APIResource {
  /** Lists greetings, newest first. */
  list(params?: ListParams, options?: RequestOptions): PagePromise<Greeting> {
    return requestPage<Greeting>(this._transport, '/v1/greetings', params, options);
  }

  /** Fetches one greeting with its delivery counts. */
  get(id: string, options?: RequestOptions): Promise<Greeting> {
    return this._transport.get<Greeting>(path`/v1/greetings/${id}`, undefined, options);
  }

  /** Schedules a greeting to go out at `sendAt`; a retried create schedules it once. */
  create(params: GreetingCreateParams, options?: RequestOptions): Promise<Greeting> {
    return this._transport.post<Greeting>('/v1/greetings', params, options, true);
  }

  /** Cancels a greeting that has not gone out yet. */
  cancel(id: string, options?: RequestOptions): Promise<Greeting> {
    return this._transport.post<Greeting>(path`/v1/greetings/${id}/cancel`, undefined, options);
  }

  /** Lists the greeting's uncertain messages (its worker stopped mid-send; `progress.uncertain` counts them). */
  listUncertain(id: string, params?: ListParams, options?: RequestOptions): PagePromise<UncertainDelivery> {
    return requestPage<UncertainDelivery>(this._transport, path`/v1/greetings/${id}/uncertain`, params, options);
  }

  /** Sends the uncertain messages once more (same Message-ID). Idempotent: a repeat queues nothing (`requeued: 0`). */
  resendUncertain(id: string, options?: RequestOptions): Promise<ResendUncertainResult> {
    return this._transport.post<ResendUncertainResult>(path`/v1/greetings/${id}/resend-uncertain`, undefined, options);
  }
}
