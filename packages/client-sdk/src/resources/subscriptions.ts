import type { Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import type { RequestOptions } from '../core/request-options.js';
import type { Transport } from '../core/transport.js';

/** What messages a contact or customer receives, per category and channel, and whether their address is suppressed. */
export type MessageSubscriptions = Schema<'Subscriptions'>;
/** The body of `setSubscription`: subscribe to or unsubscribe from a category on a channel. */
export type SubscriptionChangeParams = Schema<'SubscriptionChange'>;

/** The message subscriptions of one kind of recipient (`contacts` or `customers`). */
export async function getSubscriptions(transport: Transport, collection: 'contacts' | 'customers', id: string, options?: RequestOptions): Promise<MessageSubscriptions> {
  return transport.get<MessageSubscriptions>(`/v1/${collection}` + path`/${id}/subscriptions`, undefined, options);
}

/** Changes one subscription of a recipient and answers with all of them. */
export async function setSubscription(
  transport: Transport,
  collection: 'contacts' | 'customers',
  id: string,
  params: SubscriptionChangeParams,
  options?: RequestOptions,
): Promise<MessageSubscriptions> {
  const request = { method: 'PUT' as const, path: `/v1/${collection}` + path`/${id}/subscriptions`, body: params };
  return (await transport.request<MessageSubscriptions>(request, options)).data;
}
