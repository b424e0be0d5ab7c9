import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import { etagOf, type RequestOptions, type UpdateOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** A webhook subscription as listed and read: never its secret. */
export type WebhookSubscription = Schema<'WebhookSubscription'>;
/** The answer of `create` and `rotateSecret`: the subscription with its `whsec_...` secret, shown this once. */
export type WebhookSubscriptionWithSecret = Schema<'WebhookSubscriptionWithSecret'>;
/** The body of `crm.webhooks.create`. */
export type WebhookCreateParams = Schema<'WebhookSubscriptionInput'>;
/** The body of `crm.webhooks.update` (`active: false` pauses, `true` resumes). */
export type WebhookUpdateParams = Schema<'WebhookSubscriptionUpdate'>;
/** One delivery of the log: the request and every answer. */
export type WebhookDelivery = Schema<'WebhookDelivery'>;
/** The query of `crm.webhooks.deliveries`. */
export type WebhookDeliveryListParams = OperationQuery<'listWebhookDeliveries'> & ListParams;
/** The body of `crm.webhooks.replayRange`. */
export type WebhookReplayRangeParams = Schema<'WebhookReplayRange'>;
/** The kinds and actions a subscription can filter on. */
export type WebhookEventTypes = Schema<'WebhookEventTypes'>;

/**
 * Signed outbound webhooks (`crm.webhooks`): subscriptions, their secrets and the delivery log. Check
 * what arrives with `verifyWebhookSignature`.
 *
 * @example const { id, secret } = await crm.webhooks.create({ url: 'https://erp.example.com/hooks', kinds: ['opportunity'], actions: ['won'] });
 */
export class Webhooks extends APIResource {
  /** Lists subscriptions (admins: the agency's; others: their own). */
  list(options?: RequestOptions): PagePromise<WebhookSubscription> {
    return requestPage<WebhookSubscription>(this._transport, '/v1/webhooks', undefined, options);
  }

  /** Fetches one subscription (without its secret). */
  get(id: string, options?: RequestOptions): Promise<WebhookSubscription> {
    return this._transport.get<WebhookSubscription>(path`/v1/webhooks/${id}`, undefined, options);
  }

  /** The event kinds and actions to pick from. */
  eventTypes(options?: RequestOptions): Promise<WebhookEventTypes> {
    return this._transport.get<WebhookEventTypes>('/v1/webhooks/event-types', undefined, options);
  }

  /**
   * Subscribes a URL; the answer's `secret` is the only time it is shown. A retry with the same
   * `Idempotency-Key` is refused (`CrmConflictError` naming the id), never answered with the secret again.
   */
  create(params: WebhookCreateParams, options?: RequestOptions): Promise<WebhookSubscriptionWithSecret> {
    return this._transport.post<WebhookSubscriptionWithSecret>('/v1/webhooks', params, options, true);
  }

  /** Changes the URL or filter, pauses or resumes; `ifMatch` makes it conditional on the version read. */
  update(id: string, params: WebhookUpdateParams, options?: UpdateOptions): Promise<WebhookSubscription> {
    return this._transport.patch<WebhookSubscription>(path`/v1/webhooks/${id}`, params, options, options?.ifMatch === undefined ? undefined : { 'If-Match': etagOf(options.ifMatch) });
  }

  /** Deletes a subscription. */
  delete(id: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(path`/v1/webhooks/${id}`, options);
  }

  /** A new secret (shown once); the previous one keeps signing for `overlapHours` (default 24). */
  rotateSecret(id: string, params: { overlapHours?: number } = {}, options?: RequestOptions): Promise<WebhookSubscriptionWithSecret> {
    return this._transport.post<WebhookSubscriptionWithSecret>(path`/v1/webhooks/${id}/rotate-secret`, params, options);
  }

  /** Sends a `webhook.ping` event now. */
  ping(id: string, options?: RequestOptions): Promise<WebhookDelivery> {
    return this._transport.post<WebhookDelivery>(path`/v1/webhooks/${id}/ping`, undefined, options, true);
  }

  /** The delivery log, newest first. */
  deliveries(id: string, params?: WebhookDeliveryListParams, options?: RequestOptions): PagePromise<WebhookDelivery> {
    return requestPage<WebhookDelivery>(this._transport, path`/v1/webhooks/${id}/deliveries`, params, options);
  }

  /** One delivery with its request body and every answer. */
  delivery(id: string, deliveryId: string, options?: RequestOptions): Promise<WebhookDelivery> {
    return this._transport.get<WebhookDelivery>(path`/v1/webhooks/${id}/deliveries/${deliveryId}`, undefined, options);
  }

  /** Sends one delivery again: a new delivery id, the same event id. */
  replay(id: string, deliveryId: string, options?: RequestOptions): Promise<WebhookDelivery> {
    return this._transport.post<WebhookDelivery>(path`/v1/webhooks/${id}/deliveries/${deliveryId}/replay`, undefined, options, true);
  }

  /** Sends every event of a time range again, once each. */
  replayRange(id: string, params: WebhookReplayRangeParams, options?: RequestOptions): Promise<{ replayed: number }> {
    return this._transport.post<{ replayed: number }>(path`/v1/webhooks/${id}/replay`, params, options);
  }
}
