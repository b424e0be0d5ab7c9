// What <crm-call-button> and <crm-voip-settings> ask of the API, through the SDK's `crm.voip`.
import type { CrmClient as SdkClient } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

/** A client with Yealink VOIP: the SDK's `voip`. */
export type VoipClient = CrmClient & Pick<SdkClient, 'voip'>;

/** Narrows the provider's client to one with `crm.voip`, or throws a clear error. */
export function voipClient(client: CrmClient | undefined): VoipClient {
  if (!client || typeof (client as Partial<VoipClient>).voip?.call !== 'function') throw new Error('No CRM client with VOIP: put the element inside a <crm-provider> with a client of @crm/client-sdk.');
  return client as VoipClient;
}
