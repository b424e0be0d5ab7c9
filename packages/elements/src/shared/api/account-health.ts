// What <crm-account-health> asks of the API: an account's weekly snapshots, through the SDK's `crm.accountHealth`.
import type { AccountSnapshot, CrmClient as SdkClient } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

export type { AccountSnapshot };

/** A client that reads account health. */
export type AccountHealthClient = CrmClient & Pick<SdkClient, 'accountHealth'>;

/** Narrows the provider's client to one with account health, or throws a clear error. */
export function accountHealthClient(client: CrmClient | undefined): AccountHealthClient {
  const api = (client as { accountHealth?: { history?: unknown } } | undefined)?.accountHealth;
  if (!api || typeof api.history !== 'function') throw new Error('No CRM client with accountHealth: put the element inside a <crm-provider> with a client of @crm/client-sdk.');
  return client as AccountHealthClient;
}
