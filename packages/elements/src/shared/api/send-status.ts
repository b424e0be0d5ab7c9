// What <crm-send-status> asks of the API, through the SDK's resources: one greeting with the progress of
// its send (`crm.greetings.get`) and, for messages whose outcome is unknown after a crash, their resend
// (`crm.greetings.resendUncertain`, idempotent: a repeat queues nothing).
import type { Greeting, ResendUncertainResult } from '@crm/client-sdk';
import type { CrmCallOptions, CrmDataClient } from './transport.js';

export type { Greeting };

/** The greeting with its delivery counts. */
export function loadGreeting(client: CrmDataClient, id: string, options?: CrmCallOptions): Promise<Greeting> {
  return client.greetings.get(id, options);
}

/** Queues the greeting's uncertain messages once more; answers how many and the greeting. */
export function resendUncertain(client: CrmDataClient, id: string, options?: CrmCallOptions): Promise<ResendUncertainResult> {
  return client.greetings.resendUncertain(id, options);
}
