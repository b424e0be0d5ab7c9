// What <crm-webhook-admin> asks of the API, through the SDK's `crm.webhooks`: subscriptions, their
// secrets (shown once), pausing, rotation, the delivery log and replay.
import type { CrmClient as SdkClient, WebhookDelivery, WebhookEventTypes, WebhookSubscription, WebhookSubscriptionWithSecret } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

export type { WebhookDelivery, WebhookEventTypes, WebhookSubscription, WebhookSubscriptionWithSecret };

/** A client that can manage webhooks: the SDK's `webhooks`. */
export type WebhookClient = CrmClient & Pick<SdkClient, 'webhooks'>;

/** Narrows the provider's client to one with webhooks, or throws a clear error. */
export function webhookClient(client: CrmClient | undefined): WebhookClient {
  if (!client || typeof (client as Partial<WebhookClient>).webhooks?.list !== 'function') throw new Error('No CRM client with webhooks: put the element inside a <crm-provider> with a client of @crm/client-sdk.');
  return client as WebhookClient;
}
