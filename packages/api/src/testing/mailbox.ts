import type { Runtime } from '../runtime.js';
import { outboxMessages } from '../platform/mail/outbox.js';
import { parseMail, receivedAt, type ReceivedMail } from '../platform/mail/testing.js';

/**
 * What the runtime's mailer has delivered so far (to `to`, when given), read where it really went: the
 * test SMTP server its SMTP_URL names (one started in this process), else the in-memory outbox used when
 * no SMTP is set.
 */
export function deliveredMail(runtime: Pick<Runtime, 'ctx'>, to?: string): ReceivedMail[] {
  const address = to?.toLowerCase();
  const isFor = (recipients: string[]) => !address || recipients.some((r) => r.toLowerCase() === address);
  const smtpUrl = runtime.ctx.config.SMTP_URL;
  if (smtpUrl) {
    const received = receivedAt(smtpUrl);
    if (!received) throw new Error(`no test SMTP server of this process listens at ${smtpUrl}; start it with startSmtpCapture or startSmtpSink`);
    return received.filter((m) => isFor(m.to));
  }
  // Only the messages for `to` are decoded: the outbox may hold hundreds of a campaign's.
  return outboxMessages()
    .filter((m) => isFor(m.to))
    .map((m) => parseMail(m.raw, { from: '', to: m.to }));
}

/** Waits (polling, with a deadline) for a message to `to` that `match` accepts, and returns it. */
export async function waitForMail(runtime: Pick<Runtime, 'ctx'>, to: string, match: (mail: ReceivedMail) => boolean = () => true, timeoutMs = 15_000): Promise<ReceivedMail> {
  const deadline = Date.now() + timeoutMs;
  const address = to.toLowerCase();
  for (;;) {
    const found = deliveredMail(runtime, address).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no email to ${to} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The token of the sign-up link (`…/confirm-registration?token=…`) in a registration email's text. */
export function registrationToken(mail: ReceivedMail): string {
  const match = /\/confirm-registration\?token=([A-Za-z0-9_%.-]+)/.exec(mail.text);
  if (!match) throw new Error(`no sign-up link in the email "${mail.subject}": ${mail.text}`);
  return decodeURIComponent(match[1]!);
}
