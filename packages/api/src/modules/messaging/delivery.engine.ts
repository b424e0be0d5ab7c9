import { randomUUID } from 'node:crypto';
import type { Types} from 'mongoose';
import { type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { publicBaseUrl, type Config } from '../../platform/config.js';
import { op } from '../../platform/db/operators.js';
import { isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import type { CompiledMessage } from '../../platform/mail/message-renderer.js';
import { isTransientMailError, type MailRoute } from '../../platform/mail/transports.js';
import { USER_MESSAGE_EVENT } from '../../platform/realtime/realtime.js';
import type { MailSettingsService } from '../mail-settings/mail-settings.service.js';
import { marketingCategories, type MessageCategory } from '../templates/template.model.js';
import { compileOrThrow, type TemplatesService } from '../templates/templates.service.js';
import { deliveryIdFor, deliveryKey, deliveryModel, deliveryTakeoverModel, sendModel, type Delivery, type Send, type SendState } from './messaging.model.js';
import type { Recipient, Recipients } from './recipients.js';
import type { SubscriptionsService } from './subscriptions.service.js';
import type { UnsubscribeTokens } from './unsubscribe.js';

/** The job that runs a send; its data is `{ tenantId, sendId }`. */
export const SEND_JOB = 'messaging.send';
/** The recurring job that restarts sends whose job died or failed (no gap, whatever happened to it). */
export const RESUME_SENDS_JOB = 'messaging.resume-stalled-sends';
/** The daily job that forgets the delivery ledger of sends that ended long ago. */
export const LEDGER_PRUNE_JOB = 'messaging.ledger.prune';

/**
 * Forgets the delivery ledger of sends that ended (completed or canceled) more than `retentionDays` ago.
 * The ledger is what makes a send exactly once while it can still run; an ended send never runs again
 * (the resume job looks at scheduled and running sends only), and its counts stay on the send. Takeover
 * rows matter only while workers race for one stale entry, so they are kept a day.
 */
export async function pruneDeliveryLedger(connection: Connection, now: Date, retentionDays: number): Promise<{ sends: number; entries: number; takeovers: number }> {
  const Send = sendModel(connection);
  const all = { crossTenant: 'the ledger retention job visits every agency' };
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  let sends = 0;
  let entries = 0;
  for (;;) {
    const ended = await Send.find({ state: op({ $in: ['completed', 'canceled'] as SendState[] }), updatedAt: op({ $lt: cutoff }), ledgerPrunedAt: null })
      .setOptions(all)
      .select('_id tenantId')
      .limit(200)
      .lean();
    if (!ended.length) break;
    entries += (await deliveryModel(connection).deleteMany({ sendId: op({ $in: ended.map((s) => s._id) }) }).setOptions(all)).deletedCount;
    for (const s of ended) await Send.updateOne({ tenantId: s.tenantId, _id: s._id }, { $set: { ledgerPrunedAt: now } }, { timestamps: false });
    sends += ended.length;
    if (ended.length < 200) break;
  }
  const takeovers = (await deliveryTakeoverModel(connection).deleteMany({ createdAt: op({ $lt: new Date(now.getTime() - 86_400_000) }) }).setOptions(all)).deletedCount;
  return { sends, entries, takeovers };
}

export interface EngineDeps {
  connection: Connection;
  config: Pick<Config, 'PUBLIC_URL' | 'PORT' | 'MAIL_RETRY_ATTEMPTS' | 'MAIL_RETRY_BASE_MS' | 'SMTP_POOL_SIZE'>;
  logger: Logger;
  events: EventBus;
  jobs: Jobs;
  recipients: Recipients;
  subscriptions: SubscriptionsService;
  templates: TemplatesService;
  mailSettings: MailSettingsService;
  tokens: UnsubscribeTokens;
  /** Values a kind of send adds to each recipient's template data (a survey's rating links). */
  extraData?: (send: Send, recipient: Recipient) => Record<string, unknown>;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The progress of a send as the API answers it and pushes it live. */
export function toProgress(s: Pick<Send, '_id' | 'state' | 'total' | 'sent' | 'failed' | 'skipped'>) {
  const done = s.sent + s.failed + s.skipped;
  return { sendId: String(s._id), state: s.state, total: s.total, sent: s.sent, failed: s.failed, skipped: s.skipped, pending: Math.max(0, s.total - done) };
}

/**
 * Runs sends exactly once per (send, recipient, channel). Before a message goes out, its ledger entry is
 * inserted under a unique key and claimed by this worker; after the SMTP server accepts it, the entry is
 * marked sent. A second worker, a retry of the job or a restart after a crash finds the entry and does
 * not send again; an entry left `pending` by a dead worker is taken over once its claim is older than the
 * lease (the job lock lifetime), so nothing is skipped either.
 */
export function createDeliveryEngine(deps: EngineDeps) {
  const Delivery = deliveryModel(deps.connection);
  const Send = sendModel(deps.connection);
  const Takeover = deliveryTakeoverModel(deps.connection);
  const workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  let runs = 0;
  const lease = deps.jobs.lockLifetime;
  const publicBase = publicBaseUrl(deps.config);

  // FerretDB's SQLite handler pushes a filter that is `_id` alone down to SQL and decodes and filters the
  // whole collection in Go for anything else (even `_id` plus `tenantId`), several times slower; on
  // MongoDB and the PostgreSQL handler both are index or SQL lookups. So the ledger is read and written
  // by `_id` alone (derived from the key, which holds the send id, so it cannot reach another agency's
  // entry) and the tenant is checked here.
  const byId = { crossTenant: 'ledger entry by its key-derived _id; the tenant is checked on read' };
  async function entryById(tenantId: Types.ObjectId, _id: Types.ObjectId): Promise<Delivery | null> {
    const entry = await Delivery.findOne({ _id }).setOptions(byId).lean();
    return entry && String(entry.tenantId) === String(tenantId) ? entry : null;
  }
  const updateById = (_id: Types.ObjectId, $set: Partial<Delivery>) => Delivery.updateOne({ _id }, { $set }).setOptions(byId);

  /** Claims the ledger entry for one recipient, or answers why not (already done, held by a live worker). */
  async function claim(claimer: string, tenantId: Types.ObjectId, send: Send, r: Recipient): Promise<Delivery | 'done' | 'held'> {
    const key = deliveryKey(send._id, r.type, r.id, 'email');
    const _id = deliveryIdFor(key);
    const now = new Date();
    try {
      const created = await Delivery.create({ _id, tenantId, key, sendId: send._id, recipientType: r.type, recipientId: r.id, channel: 'email', email: r.email, state: 'pending', claimedBy: claimer, claimedAt: now });
      return created.toObject();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    // Entries written before ids were derived from keys have another id: found by key (a scan, once).
    const existing = (await entryById(tenantId, _id)) ?? (await Delivery.findOne({ tenantId, key }).lean());
    if (!existing || existing.state !== 'pending') return 'done';
    if (existing.claimedAt && existing.claimedAt.getTime() > now.getTime() - lease) return 'held';
    return takeOver(existing, claimer, now);
  }

  /**
   * Takes over an entry whose claim went stale (its worker died). The takeover is a unique insert named
   * after the stale claim, so only one of several workers that find it wins (a conditional update is not
   * atomic under concurrency on FerretDB v1); the winner then moves the claim and sends.
   */
  async function takeOver(stale: Delivery, claimer: string, now: Date): Promise<Delivery | 'done' | 'held'> {
    const staleClaim = `${String(stale._id)}:${stale.claimedBy ?? ''}:${stale.claimedAt?.getTime() ?? 0}`;
    try {
      await Takeover.create({ _id: staleClaim, tenantId: stale.tenantId, deliveryId: stale._id, claimedBy: claimer });
    } catch (error) {
      if (isDuplicateKeyError(error)) return 'held';
      throw error;
    }
    const current = await entryById(stale.tenantId, stale._id);
    if (!current || current.state !== 'pending') return 'done';
    if (current.claimedBy !== stale.claimedBy || current.claimedAt?.getTime() !== stale.claimedAt?.getTime()) return 'held';
    await updateById(stale._id, { claimedBy: claimer, claimedAt: now });
    // The dead worker may have had this message accepted just before it died (RFC 1047): say so.
    deps.logger.warn({ sendId: String(stale.sendId), recipient: String(stale.recipientId), previousClaim: stale.claimedBy }, 'ledger entry taken over from a dead worker');
    return { ...current, claimedBy: claimer, claimedAt: now };
  }

  /** Records the outcome, unless another worker took the entry over meanwhile (its claim went stale). */
  async function finish(entry: Delivery, $set: Partial<Delivery>): Promise<boolean> {
    const current = await entryById(entry.tenantId, entry._id);
    if (!current || current.state !== 'pending' || current.claimedBy !== entry.claimedBy) return false;
    const res = await updateById(entry._id, $set);
    return res.modifiedCount === 1;
  }

  function render(send: Send, compiled: CompiledMessage, agency: { name: string; locale: string; timeZone: string }, route: MailRoute, r: Recipient) {
    const marketing = marketingCategories.includes(send.category as MessageCategory);
    const unsubscribeUrl = marketing ? `${publicBase}/v1/unsubscribe/${deps.tokens.issue({ tenantId: send.tenantId, subjectType: r.type, subjectId: r.id, category: send.category })}` : null;
    const message = compiled.render({ ...deps.extraData?.(send, r), recipient: r.fields, agency: { name: agency.name }, sender: { address: route.from }, unsubscribeUrl }, agency);
    if (unsubscribeUrl) {
      const escaped = unsubscribeUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
      message.html += `<p style="font-size:12px;color:#666">You receive this because you are in touch with ${agency.name.replace(/[<>&"]/g, '')}. <a href="${escaped}">Unsubscribe</a></p>`;
      message.text += `\n\n--\nUnsubscribe: ${unsubscribeUrl}\n`;
    }
    return { message, unsubscribeUrl };
  }

  async function deliverOne(ctx: RunContext, r: Recipient): Promise<'sent' | 'failed' | 'skipped' | 'done' | 'held'> {
    const entry = await claim(ctx.claimer, ctx.send.tenantId, ctx.send, r);
    if (entry === 'done' || entry === 'held') return entry;
    // Checked at the last moment, so an unsubscribe counts for every message not yet out.
    if (!(await deps.subscriptions.allows(ctx.send.tenantId, r, ctx.send.category, 'email'))) {
      return (await finish(entry, { state: 'skipped', error: r.email ? 'unsubscribed or suppressed' : 'no email address' })) ? 'skipped' : 'done';
    }
    const { message, unsubscribeUrl } = render(ctx.send, ctx.compiled, ctx.agency, ctx.route, r);
    let lastError = '';
    for (let attempt = 1; attempt <= deps.config.MAIL_RETRY_ATTEMPTS; attempt += 1) {
      try {
        const info = (await ctx.route.transport.sendMail({
          from: ctx.route.from,
          to: r.name ? { name: r.name, address: r.email! } : r.email!,
          subject: message.subject,
          html: message.html,
          text: message.text,
          messageId: `<${String(entry._id)}@deliveries.crm>`,
          headers: unsubscribeUrl ? { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {},
        })) as { messageId?: string };
        return (await finish(entry, { state: 'sent', sentAt: new Date(), attempts: attempt, messageId: info.messageId ?? null, error: null })) ? 'sent' : 'done';
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        if (!isTransientMailError(error) || attempt === deps.config.MAIL_RETRY_ATTEMPTS) break;
        await updateById(entry._id, { attempts: attempt, error: lastError, claimedAt: new Date() });
        await delay(deps.config.MAIL_RETRY_BASE_MS * 4 ** (attempt - 1));
        await ctx.keepAlive();
      }
    }
    deps.logger.warn({ sendId: String(ctx.send._id), recipient: String(r.id), error: lastError }, 'message failed');
    return (await finish(entry, { state: 'failed', error: lastError.slice(0, 500), attempts: deps.config.MAIL_RETRY_ATTEMPTS })) ? 'failed' : 'done';
  }

  interface RunContext {
    /** This run's claim id: even two runs in one process never take each other's fresh entries. */
    claimer: string;
    send: Send;
    compiled: CompiledMessage;
    agency: { name: string; locale: string; timeZone: string };
    route: MailRoute;
    keepAlive: () => Promise<void>;
  }

  async function publishProgress(send: Send) {
    const fresh = await Send.findOne({ tenantId: send.tenantId, _id: send._id }).lean();
    if (!fresh) return;
    await deps.events.publish({ type: USER_MESSAGE_EVENT, tenantId: send.tenantId, resource: 'send', resourceId: String(send._id), actor: null, data: { userId: String(send.createdBy), name: 'send.progress', payload: toProgress(fresh) } });
  }

  /** Recounts a send from its ledger (the truth; the live counters are increments that a crash may cut short). */
  async function recount(send: Send) {
    const counts = { sent: 0, failed: 0, skipped: 0, pending: 0 };
    for (const state of ['sent', 'failed', 'skipped', 'pending'] as const) counts[state] = await Delivery.countDocuments({ tenantId: send.tenantId, sendId: send._id, state });
    return counts;
  }

  return {
    workerId,
    /**
     * Finds sends that are due and have made no progress for two leases (their job failed, was canceled
     * by Agenda for outliving its lock, or was lost with its worker) and schedules them again. Running a
     * send that is in fact alive is harmless: the ledger holds its entries.
     */
    async resumeStalled(now: Date): Promise<number> {
      const quiet = new Date(now.getTime() - 2 * lease);
      const stalled = await Send.find({ state: op({ $in: ['scheduled', 'running'] as SendState[] }), sendAt: op({ $lte: quiet }), updatedAt: op({ $lte: quiet }) })
        .setOptions({ crossTenant: 'the resume job visits every agency' })
        .select('_id tenantId state')
        .limit(100)
        .lean();
      for (const s of stalled) {
        deps.logger.warn({ sendId: String(s._id), state: s.state }, 'send made no progress for two leases; scheduling it again');
        // Marks it touched, so the next sweep waits two more leases before trying again.
        await Send.updateOne({ tenantId: s.tenantId, _id: s._id }, { $set: { resumedAt: now } });
        await deps.jobs.schedule(now, SEND_JOB, { tenantId: String(s.tenantId), sendId: String(s._id) });
      }
      return stalled.length;
    },
    /** Runs (or resumes) a send; safe to call again, from any process, at any time. */
    async run(tenantId: Types.ObjectId, sendId: Types.ObjectId, keepAlive: () => Promise<void> = async () => {}) {
      const send = await Send.findOneAndUpdate(
        { tenantId, _id: sendId, state: op({ $in: ['scheduled', 'running'] as SendState[] }) },
        { $set: { state: 'running' } },
        { returnDocument: 'after' },
      ).lean();
      if (!send) return;
      if (!send.startedAt) await Send.updateOne({ tenantId, _id: sendId, startedAt: null }, { $set: { startedAt: new Date() } });
      const template = await deps.templates.load(tenantId, send.templateId);
      const compiled = compileOrThrow(template);
      const agency = await deps.recipients.agency(tenantId);
      const route = await deps.mailSettings.routeFor(tenantId, send.fromUser ? send.createdBy : null);
      // Loading 10,000 recipients can outlast the job's lock: renew it as the batches come in.
      const recipients = await deps.recipients.many(tenantId, send.targets, keepAlive);
      await keepAlive();
      await Send.updateOne({ tenantId, _id: sendId }, { $set: { total: recipients.length } });
      const ctx: RunContext = { claimer: `${workerId}-${(runs += 1)}`, send, compiled, agency, route, keepAlive };

      const delta = { sent: 0, failed: 0, skipped: 0 };
      let lastFlush = Date.now();
      const flush = async () => {
        lastFlush = Date.now();
        const $inc = { ...delta };
        delta.sent = delta.failed = delta.skipped = 0;
        // Only while running: a completed send's counts are the ledger's recount, never increments on top.
        if ($inc.sent || $inc.failed || $inc.skipped) await Send.updateOne({ tenantId, _id: sendId, state: 'running' }, { $inc });
        await keepAlive();
        await publishProgress(send);
      };
      let next = 0;
      let held = 0;
      const lane = async () => {
        for (;;) {
          const i = next++;
          if (i >= recipients.length) return;
          const outcome = await deliverOne(ctx, recipients[i]!);
          if (outcome === 'sent' || outcome === 'failed' || outcome === 'skipped') delta[outcome] += 1;
          if (outcome === 'held') held += 1;
          if (Date.now() - lastFlush > 500) await flush();
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, deps.config.SMTP_POOL_SIZE) }, lane));
      await flush();

      const counts = await recount(send);
      if (counts.pending > 0 || held > 0) {
        // Entries held by another worker: look again once their claims could be stale.
        await Send.updateOne({ tenantId, _id: sendId }, { $set: { sent: counts.sent, failed: counts.failed, skipped: counts.skipped } });
        await deps.jobs.schedule(new Date(Date.now() + lease), SEND_JOB, { tenantId: String(tenantId), sendId: String(sendId) });
        return;
      }
      await Send.updateOne(
        { tenantId, _id: sendId, state: 'running' },
        { $set: { state: 'completed', completedAt: new Date(), total: recipients.length, sent: counts.sent, failed: counts.failed, skipped: counts.skipped } },
      );
      await publishProgress(send);
    },
  };
}

export type DeliveryEngine = ReturnType<typeof createDeliveryEngine>;
