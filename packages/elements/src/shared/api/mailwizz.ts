// What <crm-mailwizz-settings> asks of the API, through the SDK's `crm.mailwizz` and `crm.segments`.
import type { CrmClient as SdkClient } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

/** A client with the Mailwizz connection and segments: the SDK's `mailwizz` and `segments`. */
export type MailwizzClient = CrmClient & Pick<SdkClient, 'mailwizz' | 'segments'>;

/** Narrows the provider's client to one with the Mailwizz connection, or throws a clear error. */
export function mailwizzClient(client: CrmClient | undefined): MailwizzClient {
  if (!client || typeof (client as Partial<MailwizzClient>).mailwizz?.syncs !== 'function') throw new Error('No CRM client with the Mailwizz connection: put the element inside a <crm-provider> with a client of @crm/client-sdk.');
  return client as MailwizzClient;
}
