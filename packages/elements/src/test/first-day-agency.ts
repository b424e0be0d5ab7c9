// A fresh agency on the first-day API (scripts/first-day-api-plugin.mjs), for browser tests that need the
// API's Agenda jobs to run: the API every other browser test shares (scripts/e2e-api-plugin.mjs) runs
// none. The first-day API runs them every 500 ms, with realtime and a mail catcher, proxied onto the test
// runner's origin (/v1/, /socket.io/, the built portal at /app/). The agency is signed up through the SDK
// and the link its email carries, so the demo agency there stays as it was.
import { createCrmClient, type CrmClient } from '@crm/client-sdk';

/** A signed-in client of a new agency on the first-day API, and its admin's credentials (for a sign-in form). */
export interface JobsAgency {
  client: CrmClient;
  email: string;
  password: string;
}

/** Signs up a new agency named `name` on the first-day API (starting it on first use) and signs its admin in. */
export async function jobsAgency(name: string): Promise<JobsAgency> {
  const day = (await (await fetch('/__crm-e2e/first-day')).json()) as { error?: string };
  if (day.error) throw new Error(`The first-day API did not start: ${day.error}`);
  const email = `admin.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@jobs.test`;
  const password = 'jobs-agency-password';
  const asked = Date.now() - 1000;
  const client = createCrmClient({ baseUrl: location.origin, auth: { type: 'session' } });
  await client.session!.register({ agency: { name }, admin: { name: 'Erin Admin', email, password } });
  const deadline = performance.now() + 20_000;
  for (;;) {
    const mails = (await (await fetch(`/__crm-e2e/first-day/mail?to=${encodeURIComponent(email)}`)).json()) as Array<{ text: string; receivedAt: string }>;
    const token = mails.filter((m) => Date.parse(m.receivedAt) >= asked).map((m) => /confirm-registration\?token=([^\s"'<>]+)/.exec(m.text)?.[1]).find(Boolean);
    if (token) {
      await client.session!.confirmRegistration({ token: decodeURIComponent(token) });
      return { client, email, password };
    }
    if (performance.now() > deadline) throw new Error(`no sign-up email to ${email} within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
