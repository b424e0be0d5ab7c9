// What <crm-privacy-console> asks of the API, through the SDK's `crm.privacy`: look-up, export,
// erasure and the request history.
import type { CrmClient as SdkClient } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

/** A client that can answer privacy requests: the SDK's `privacy`. */
export type PrivacyClient = CrmClient & Pick<SdkClient, 'privacy'>;

/** Narrows the provider's client to one with privacy requests, or throws a clear error. */
export function privacyClient(client: CrmClient | undefined): PrivacyClient {
  if (!client || typeof (client as Partial<PrivacyClient>).privacy?.lookup !== 'function') throw new Error('No CRM client with privacy requests: put the element inside a <crm-provider> with a client of @crm/client-sdk.');
  return client as PrivacyClient;
}
