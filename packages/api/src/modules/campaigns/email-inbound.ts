import type { ParsedMail } from 'mailparser';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { activityModel } from '../activities/activity.model.js';
import type { EmailTracking } from './email-tracking.js';

/** One recipient's block of an RFC 3464 delivery-status report. */
export interface DsnRecipient {
  action: string;
  status: string;
  finalRecipient: string | null;
}

/**
 * The per-recipient fields of a `message/delivery-status` body (RFC 3464 §2.3): blocks separated by blank
 * lines, the first being the per-message fields; continuation lines folded.
 */
export function parseDeliveryStatus(body: string): DsnRecipient[] {
  const blocks = body.replace(/\r\n?/g, '\n').replace(/\n[ \t]+/g, ' ').split(/\n\s*\n/);
  const out: DsnRecipient[] = [];
  for (const block of blocks.slice(1)) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const action = fields.get('action')?.toLowerCase();
    if (!action) continue;
    const final = fields.get('final-recipient') ?? fields.get('original-recipient') ?? null;
    out.push({ action, status: (fields.get('status') ?? '').split(/\s/)[0] ?? '', finalRecipient: final ? final.replace(/^[^;]*;\s*/, '').toLowerCase() : null });
  }
  return out;
}

/**
 * Routes the inbound mail that belongs to campaign sends (support/inbound-mail.ts asks it first): a
 * delivery status notification for one of our messages (found by the VERP address it was sent to, or by
 * the Message-ID in the returned headers) is a bounce; a reply whose In-Reply-To or References names one
 * of our Message-IDs is recorded on the recipient's timeline and counted.
 */
export function createCampaignMailRouter(deps: { connection: Connection; tracking: EmailTracking; logger: Logger }) {
  const Activity = activityModel(deps.connection);
  const { tracking } = deps;

  /**
   * The report of a `multipart/report; report-type=delivery-status` message: mailparser folds the
   * `message/delivery-status` part into the text, so that part is read from the raw message.
   */
  function statusReport(mail: ParsedMail, raw: Buffer): { recipients: DsnRecipient[]; original: string } | null {
    const type = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
    if (type?.value?.toLowerCase() !== 'multipart/report') return null;
    const text = raw.toString('utf8');
    const part = /content-type:\s*message\/(?:global-)?delivery-status[^\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)(?:\r?\n--[^\r\n]+)/i.exec(text);
    if (!part) return null;
    const original = (mail.attachments ?? []).filter((a) => /^(message\/rfc822|text\/rfc822-headers|message\/rfc822-headers)$/i.test(a.contentType)).map((a) => a.content.toString('utf8')).join('\n') || text;
    return { recipients: parseDeliveryStatus(part[1]!), original };
  }

  return {
    acceptsRecipient: tracking.acceptsRecipient,

    /** Takes the message if it is a bounce or a reply of a campaign send; answers what it was, or null to let support have it. */
    async take(mail: ParsedMail, recipients: string[], raw: Buffer): Promise<'bounce' | 'reply' | null> {
      const report = statusReport(mail, raw);
      const verp = recipients.map((r) => tracking.deliveryOfAddress(r)).find(Boolean) ?? null;
      if (report) {
        const deliveryId = verp ?? tracking.deliveryOfMessageId(report.original);
        if (!deliveryId) return verp ? 'bounce' : null;
        const failed = report.recipients.find((r) => r.action === 'failed');
        // A delayed or relayed report is news, not a bounce: the message may still arrive.
        if (failed) await tracking.bounce(deliveryId, failed.status.startsWith('5'), failed.status || 'failed');
        return 'bounce';
      }
      const references = [mail.inReplyTo ?? '', ...(Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : [])].join(' ');
      const deliveryId = tracking.deliveryOfMessageId(references);
      if (!deliveryId) return verp ? 'bounce' : null;
      const entry = await tracking.reply(deliveryId);
      if (!entry) return null;
      const from = mail.from?.value[0]?.address ?? '';
      await Activity.create({
        tenantId: entry.tenantId,
        type: 'email',
        title: `Reply: ${mail.subject ?? '(no subject)'}`.slice(0, 300),
        body: (mail.text ?? '').slice(0, 20_000) || null,
        subject: { type: entry.recipientType, id: entry.recipientId },
        subjectType: entry.recipientType,
        subjectId: entry.recipientId,
        occurredAt: mail.date ?? new Date(),
        direction: 'inbound',
        tags: ['campaign-reply'],
        custom: {},
      });
      deps.logger.info({ tenantId: String(entry.tenantId), deliveryId, from }, 'reply to a campaign email recorded');
      return 'reply';
    },
  };
}

export type CampaignMailRouter = ReturnType<typeof createCampaignMailRouter>;
