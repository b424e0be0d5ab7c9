// Browser tests of data flow run against the real API that web-test-runner starts beside them
// (scripts/e2e-api-plugin.mjs); this helper gets a fresh agency and a signed-in SDK client.
import { createCrmClient, type CrmClient } from '@crm/client-sdk';
import type { CrmUser } from '../context/client-context.js';
import type { CrmDataClient } from '../shared/api/transport.js';

/** A signed-in client of a fresh agency on the real API, and its admin's credentials (for a sign-in form). */
export interface LiveApi {
  client: CrmClient;
  user: CrmUser;
  baseUrl: string;
  email: string;
  password: string;
}

/** Registers a new agency on the running API and signs its admin in with the real SDK. */
export async function liveApi(): Promise<LiveApi> {
  const answer = (await (await fetch('/__crm-e2e/agency')).json()) as { baseUrl: string; email: string; password: string; error?: string };
  if (answer.error) throw new Error(`The test API did not start: ${answer.error}`);
  const client = createCrmClient({ baseUrl: answer.baseUrl, auth: { type: 'session', email: answer.email, password: answer.password } });
  await client.session!.login();
  const user = client.session!.user!;
  return { client, user: { id: user.id, name: user.name, email: user.email }, baseUrl: answer.baseUrl, email: answer.email, password: answer.password };
}

/** Resolves once `check` holds, or fails after `timeoutMs`; no fixed sleeps. */
export async function until(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`${what} not met in time`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The SDK's client is what the data elements take: this fails to compile when they drift apart. */
export const sdkClientFits = (client: CrmClient): CrmDataClient => client;
