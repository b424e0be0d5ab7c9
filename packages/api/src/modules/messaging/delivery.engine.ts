import { randomUUID } from 'node:crypto';
import type { Types } from 'mongoose';
import { type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { publicBaseUrl, type Config } from '../../platform/config.js';
import { op } from '../../platform/db/operators.js';
import { AppError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import type { CompiledMessage } from '../../platform/mail/message-renderer.js';
import { mailErrorKind, type MailRoute } from '../../platform/mail/transports.js';
import { USER_MESSAGE_EVENT } from '../../platform/realtime/realtime.js';
import type { MailSettingsService } from '../mail-settings/mail-settings.service.js';
import { marketingCategories, type MessageCategory } from '../templates/template.model.js';
import { compileOrThrow, type TemplatesService } from '../templates/templates.service.js';
import { createDeliveryLedger } from './delivery.ledger.js';
import { sendModel, type Delivery, type Send, type SendState } from './messaging.model.js';
import type { Recipient, Recipients } from './recipients.js';
import type { SendHooks } from './send-hooks.js';
import type { SubscriptionsService } from './subscriptions.service.js';
import type { UnsubscribeTokens } from './unsubscribe.js';

export { pruneDeliveryLedger } from './delivery.ledger.js';

/** The job that runs a send; its data is `{ tenantId, sendId }`, and there is one job per send. */
export const SEND_JOB = 'messaging.send';
/** The recurring job that brings back sends whose job died or failed (no gap, whatever happened to it). */
export const RESUME_SENDS_JOB = 'messaging.resume-stalled-sends';
/** The daily job that forgets the delivery ledger of sends that ended long ago. */
export const LEDGER_PRUNE_JOB = 'messaging.ledger.prune';

export interface EngineDeps {
  connection: Connection;
  config: Pick<Config, 'PUBLIC_URL' | 'PORT' | 'NODE_ENV' | 'MAIL_RETRY_ATTEMPTS' | 'MAIL_RETRY_BASE_MS' | 'SMTP_POOL_SIZE' | 'MAIL_SEND_LEASE_MS'>;
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
  /** Campaign analytics: tracking links and pixel, return path, the sent count (send-hooks.ts). */
  hooks?: SendHooks;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** About how many messages one lot claims, sends and records together (at most the pool's share of a lane). */
const LOT = 5;
/** How often a run writes and pushes a send's live progress. */
const PROGRESS_MS = 2000;

/** The progress of a send as the API answers it and pushes it live (the counts come from its ledger). */
export function toProgress(s: Pick<Send, '_id' | 'state' | 'total' | 'sent' | 'failed' | 'skipped'> & { uncertain?: number }) {
  const uncertain = s.uncertain ?? 0;
  const done = s.sent + s.failed + s.skipped + uncertain;
  return { sendId: String(s._id), state: s.state, total: s.total, sent: s.sent, failed: s.failed, skipped: s.skipped, uncertain, pending: Math.max(0, s.total - done) };
}

/** A run lost its lease (its heartbeats stopped reaching the database): it stops before anyone takes over. */
class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/** The one job of a send: the key of `jobs.scheduleUnique`. */
export const sendJobKey = (sendId: Types.ObjectId | string) => String(sendId);

/**
 * Runs sends exactly once per (send, recipient, channel) through the delivery ledger (delivery.ledger.ts,
 * docs/email.md): every recipient gets a `queued` entry first; runs then walk the entries still `queued`
 * (a takeover continues from the ledger, never from the top of the list), claim each by a unique insert,
 * send with a Message-ID fixed before the SMTP transaction, and record the outcome. A run holds a lease
 * renewed every third of MAIL_SEND_LEASE_MS (with its Agenda job's lock, of the same lifetime), so a
 * send whose worker died resumes within a lease plus the scheduler's poll.
 */
export function createDeliveryEngine(deps: EngineDeps) {
  const Send = sendModel(deps.connection);
  const lease = deps.config.MAIL_SEND_LEASE_MS;
  const ledger = createDeliveryLedger(deps.connection, lease);
  const workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  let runs = 0;
  // One run per send per process: Agenda may start a send's job again while it still runs (a lock touch
  // delayed past its lifetime on a loaded machine); a second run here would add lanes, and with them
  // messages in flight, beyond SMTP_POOL_SIZE. Other processes are kept apart by the ledger's claims.
  const active = new Set<string>();
  const publicBase = publicBaseUrl(deps.config);

  interface RunContext {
    runId: string;
    send: Send;
    compiled: CompiledMessage;
    agency: { name: string; locale: string; timeZone: string };
    route: MailRoute;
    valid: () => boolean;
    /** Renews the run's lease now (a heartbeat written before the lanes start). */
    renew: () => Promise<void>;
    allowed: (r: Recipient) => Promise<boolean>;
  }

  function render(ctx: RunContext, r: Recipient) {
    const { send, agency, route } = ctx;
    const marketing = marketingCategories.includes(send.category as MessageCategory);
    const unsubscribeUrl = marketing ? `${publicBase}/v1/unsubscribe/${deps.tokens.issue({ tenantId: send.tenantId, subjectType: r.type, subjectId: r.id, category: send.category })}` : null;
    const message = ctx.compiled.render({ ...deps.extraData?.(send, r), recipient: r.fields, agency: { name: agency.name }, sender: { address: route.from }, unsubscribeUrl }, agency);
    if (unsubscribeUrl) {
      const escaped = unsubscribeUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
      message.html += `<p style="font-size:12px;color:#666">You receive this because you are in touch with ${agency.name.replace(/[<>&"]/g, '')}. <a href="${escaped}">Unsubscribe</a></p>`;
      message.text += `\n\n--\nUnsubscribe: ${unsubscribeUrl}\n`;
    }
    return { message, unsubscribeUrl };
  }

  type Outcome = 'sent' | 'failed' | 'skipped' | 'uncertain' | 'held' | 'done';
  type Recorded = { state: 'sent' | 'failed' | 'skipped' | 'uncertain'; set: Partial<Delivery>; claimed: Partial<Delivery> };

  /**
   * A lot of ledger entries: claimed together (one insert of their attempt documents), sent in parallel
   * over the pool, their outcomes recorded together (one bulk write), so a message costs a fraction of a
   * database command instead of two (the database being what limits a send's rate, bench/email.ts).
   * A lot is at most the run's share of SMTP_POOL_SIZE, so claims not yet recorded, which a crash turns
   * into `uncertain`, stay at most the pool. Answers each entry's new state, or why it was left.
   */
  async function deliverLot(ctx: RunContext, lot: { entry: Delivery; r: Recipient | undefined }[]): Promise<Outcome[]> {
    if (!ctx.valid()) throw new LeaseLostError('the run lost its lease');
    const claims = await ledger.claimMany(
      lot.map((l) => l.entry),
      ctx.runId,
    );
    const sends = await Promise.allSettled(
      lot.map(async ({ entry, r }, i): Promise<Outcome | Recorded> => {
        const claim = claims[i]!;
        if (claim === 'held' || claim === 'done') return claim;
        return sendClaimed(ctx, entry, r, claim.attempt);
      }),
    );
    // Whatever happened to the others, the outcomes known are recorded before the lot ends or throws.
    const recorded = sends.flatMap((s, i) => (s.status === 'fulfilled' && typeof s.value === 'object' ? [{ i, value: s.value }] : []));
    if (recorded.length) await ledger.recordMany(recorded.map(({ i, value }) => ({ _id: lot[i]!.entry._id, set: value.set })));
    if (deps.hooks?.onSent && ctx.send.campaignId) {
      for (const { i, value } of recorded) {
        if (value.state !== 'sent') continue;
        // The count is idempotent per entry; a failure to count never turns a sent message into a failed one.
        await deps.hooks.onSent(ctx.send, { ...lot[i]!.entry, ...value.claimed }).catch((error: unknown) => deps.logger.warn({ err: error, sendId: String(ctx.send._id) }, 'sent message not counted in campaign analytics'));
      }
    }
    const failure = sends.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
    return sends.map((s) => {
      const value = (s as PromiseFulfilledResult<Outcome | Recorded>).value;
      return typeof value === 'object' ? value.state : value;
    });
  }

  /** One claimed entry: check, send; answers the outcome to record (the caller records it with its lot's). */
  async function sendClaimed(ctx: RunContext, entry: Delivery, r: Recipient | undefined, attempt: number): Promise<Recorded> {
    const messageId = `<${String(entry._id)}@deliveries.crm>`;
    // Checked at the last moment (within a couple of seconds), so an unsubscribe counts for every message not yet out.
    if (!r || !r.email || !(await ctx.allowed(r))) {
      const error = !r ? 'the recipient no longer exists' : r.email ? 'unsubscribed or suppressed' : 'no email address';
      return { state: 'skipped', claimed: {}, set: { state: 'skipped', attempts: attempt, claimedBy: ctx.runId, claimedAt: new Date(), error } };
    }
    // The attempt document is the claim and names the run, so the entry is not written before the SMTP
    // transaction: a crash from here on leaves an attempt held by a dead run, which the next claim turns
    // into `uncertain` (ledger.claim). The entry gets its run, attempt and Message-ID with its outcome, in
    // one write (with the rest of its lot's).
    const claimed = { attempts: attempt, claimedBy: ctx.runId, claimedAt: new Date(), messageId, email: r.email };
    const { message, unsubscribeUrl } = render(ctx, r);
    const decorated = deps.hooks?.decorate && ctx.send.campaignId ? await deps.hooks.decorate(ctx.send, entry, message, unsubscribeUrl) : null;
    if (decorated) Object.assign(message, { html: decorated.html, text: decorated.text });
    // A campaign message's one-click URL (RFC 8058) names its delivery, so a POST to it counts in the campaign's analytics.
    const listUnsubscribe = decorated?.unsubscribeUrl ?? unsubscribeUrl;
    let lastError = '';
    let tries = 0;
    for (let tryNo = 1; tryNo <= deps.config.MAIL_RETRY_ATTEMPTS; tryNo += 1) {
      // The fence: past two thirds of the lease without a heartbeat, others may soon call this run dead.
      if (!ctx.valid()) throw new LeaseLostError('the run lost its lease');
      try {
        await ctx.route.transport.sendMail({
          from: ctx.route.from,
          to: r.name ? { name: r.name, address: r.email } : r.email,
          subject: message.subject,
          html: message.html,
          text: message.text,
          messageId,
          ...(decorated?.returnPath ? { envelope: { from: decorated.returnPath, to: [r.email] } } : {}),
          headers: listUnsubscribe ? { 'List-Unsubscribe': `<${listUnsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {},
        });
        return { state: 'sent', claimed, set: { ...claimed, state: 'sent', sentAt: new Date(), tries: tryNo, error: null } };
      } catch (error) {
        lastError = (error instanceof Error ? error.message : String(error)).slice(0, 500);
        const kind = mailErrorKind(error);
        if (kind === 'unknown') {
          // The connection broke mid-transaction: the server may have the message. Never resend blindly.
          return { state: 'uncertain', claimed, set: { ...claimed, state: 'uncertain', tries: tryNo, error: `no reply from the mail server (${lastError}): it may or may not have the message; resend it explicitly` } };
        }
        tries = tryNo;
        if (kind === 'final' || tryNo === deps.config.MAIL_RETRY_ATTEMPTS) break;
        await delay(deps.config.MAIL_RETRY_BASE_MS * 4 ** (tryNo - 1));
      }
    }
    deps.logger.warn({ sendId: String(ctx.send._id), recipient: String(entry.recipientId), error: lastError }, 'message failed');
    return { state: 'failed', claimed, set: { ...claimed, state: 'failed', tries, error: lastError } };
  }

  /** Whether a recipient may get this send's category, from a snapshot renewed every 2 s (two reads, not two per message). */
  function allowedCheck(send: Send) {
    let at = 0;
    let snapshot: Promise<(r: Recipient) => boolean> | null = null;
    return async (r: Recipient) => {
      if (!snapshot || Date.now() - at > 2000) {
        at = Date.now();
        snapshot = deps.subscriptions.snapshot(send.tenantId, send.category, 'email');
      }
      return (await snapshot)(r);
    };
  }

  async function publishProgress(send: Send) {
    // Only the counters: a send's document holds its targets (10,000 ids for 10,000 recipients).
    const fresh = await Send.findOne({ tenantId: send.tenantId, _id: send._id }).select('_id state total sent failed skipped uncertain').lean();
    if (!fresh) return;
    await deps.events.publish({ type: USER_MESSAGE_EVENT, tenantId: send.tenantId, resource: 'send', resourceId: String(send._id), actor: null, data: { userId: String(send.createdBy), name: 'send.progress', payload: toProgress(fresh) } });
  }

  /** Writes the ledger's counts onto the send (the counters are always the ledger's, never increments). */
  async function writeCounts(send: Send, extra: Partial<Send> = {}) {
    const c = await ledger.counts(send.tenantId, send._id);
    await Send.updateOne({ tenantId: send.tenantId, _id: send._id }, { $set: { sent: c.sent, failed: c.failed, skipped: c.skipped, uncertain: c.uncertain, ...extra } });
    return c;
  }

  /** The run itself, under its lease. */
  async function runLeased(ctx: RunContext, keepAlive: () => Promise<void>) {
    const { send } = ctx;
    const { tenantId, _id: sendId } = send;
    let loaded: Recipient[] | null = null;
    if (!send.ledgerReadyAt) {
      // First run (or a takeover of a first run that died early): one queued entry per recipient.
      loaded = await deps.recipients.many(tenantId, send.targets, keepAlive);
      await ledger.queue(tenantId, sendId, loaded, keepAlive);
      await Send.updateOne({ tenantId, _id: sendId }, { $set: { total: loaded.length, ledgerReadyAt: new Date() } });
      send.total = loaded.length;
      send.ledgerReadyAt = new Date();
    }
    for (;;) {
      await ledger.settle(tenantId, sendId);
      const queued = await ledger.inState(tenantId, sendId, 'queued');
      if (queued.length) {
        const people =
          loaded ??
          (await deps.recipients.many(
            tenantId,
            { contactIds: queued.filter((e) => e.recipientType === 'contact').map((e) => e.recipientId), customerIds: queued.filter((e) => e.recipientType === 'customer').map((e) => e.recipientId) },
            keepAlive,
          ));
        loaded = null;
        const byKey = new Map(people.map((p) => [`${p.type}:${String(p.id)}`, p]));
        // Live progress: the ledger's counts at the start of the pass plus this pass's outcomes (a full
        // count per second would cost a scan of the send's entries each time); the end recounts.
        const base = await writeCounts(send);
        const delta = { sent: 0, failed: 0, skipped: 0, uncertain: 0 };
        let lastProgress = Date.now();
        // Two runs walking the same list from the same end would collide on every entry: start anywhere.
        const offset = Math.floor(Math.random() * queued.length);
        let next = 0;
        let moved = 0;
        let lost: LeaseLostError | null = null;
        // The pool's parallel sends go out in lots of about LOT (claimed and recorded together), from at
        // least two lanes, so one lane's messages are on the wire while another's lot is written.
        const pool = Math.max(1, deps.config.SMTP_POOL_SIZE);
        const laneCount = Math.min(pool, Math.max(2, Math.ceil(pool / LOT)));
        const lane = async (size: number) => {
          for (;;) {
            const first = next;
            if (first >= queued.length || lost) return;
            next = Math.min(queued.length, first + size);
            const lot: Delivery[] = [];
            for (let i = first; i < next; i += 1) lot.push(queued[(i + offset) % queued.length]!);
            let outcomes: Outcome[];
            try {
              outcomes = await deliverLot(
                ctx,
                lot.map((entry) => ({ entry, r: byKey.get(`${entry.recipientType}:${String(entry.recipientId)}`) })),
              );
            } catch (error) {
              // Every lane stops taking entries; the lots in flight finish before the run gives up.
              if (error instanceof LeaseLostError) lost = error;
              throw error;
            }
            for (const outcome of outcomes) {
              if (outcome !== 'held') moved += 1;
              if (outcome !== 'held' && outcome !== 'done') delta[outcome] += 1;
            }
            // Every PROGRESS_MS: each write rewrites the send's whole document (its targets included) on FerretDB.
            if (Date.now() - lastProgress >= PROGRESS_MS) {
              lastProgress = Date.now();
              await Send.updateOne({ tenantId, _id: sendId }, { $set: { sent: base.sent + delta.sent, failed: base.failed + delta.failed, skipped: base.skipped + delta.skipped, uncertain: base.uncertain + delta.uncertain } });
              await publishProgress(send);
            }
          }
        };
        // A pass starts with reads over the send's queued entries and its recipients, which on a large send
        // and a loaded machine can outlast the fence (two thirds of the lease) while heartbeats wait on the
        // same database: renew the lease once, after them, so the lanes do not stop at their first lot.
        await ctx.renew();
        const ended = await Promise.allSettled(Array.from({ length: laneCount }, (_, k) => lane(Math.floor(pool / laneCount) + (k < pool % laneCount ? 1 : 0))));
        const failure = ended.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failure) throw failure.reason;
        // Entries may have been queued meanwhile (a resend); entries held by another live run are looked
        // at again once it had time to finish them or its lease lapsed.
        if (!moved) await delay(Math.min(500, lease / 4));
        continue;
      }
      const { live } = await ledger.settle(tenantId, sendId);
      const left = await ledger.counts(tenantId, sendId);
      if (!live && !left.queued && !left.sending) break;
      // Another run holds entries: wait for them to finish, or for its lease to lapse (then they settle).
      await delay(Math.min(500, lease / 4));
    }
    const counts = await writeCounts(send);
    await Send.updateOne({ tenantId, _id: sendId, state: 'running' }, { $set: { state: 'completed', completedAt: new Date() } });
    await publishProgress(send);
    // A resend that queued entries just as this run finished (and found the job still locked) is not
    // left waiting for the resume sweep: the send goes back to running and this run takes them.
    if (!counts.queued && (await ledger.counts(tenantId, sendId)).queued) {
      await Send.updateOne({ tenantId, _id: sendId }, { $set: { state: 'running', completedAt: null } });
      await runLeased(ctx, keepAlive);
    }
  }

  return {
    workerId,
    ledger,
    /** Makes sure the send's one job runs at `when` (no second job, however often this is called). */
    async schedule(send: Pick<Send, '_id' | 'tenantId'>, when: Date) {
      return deps.jobs.scheduleUnique(sendJobKey(send._id), when, SEND_JOB, { tenantId: String(send.tenantId), sendId: String(send._id) });
    },
    /**
     * Finds due sends that are `scheduled` or `running` and have made no progress for two leases (their
     * job failed, or its worker died and Agenda's lock lapsed without anyone taking it) and makes their
     * one job due again. Running a send that is in fact alive is harmless: the ledger holds its entries.
     */
    async resumeStalled(now: Date): Promise<number> {
      const quiet = new Date(now.getTime() - 2 * lease);
      let resumed = 0;
      for (const state of ['scheduled', 'running'] as SendState[]) {
        const stalled = await Send.find({ state, sendAt: op({ $lte: quiet }), updatedAt: op({ $lte: quiet }) }).setOptions({ crossTenant: 'the resume job visits every agency' }).select('_id tenantId state').limit(100).lean();
        for (const s of stalled) {
          deps.logger.warn({ sendId: String(s._id), state: s.state }, 'send made no progress for two leases; making its job due again');
          await Send.updateOne({ tenantId: s.tenantId, _id: s._id }, { $set: { resumedAt: now } });
          await this.schedule(s, now);
        }
        resumed += stalled.length;
      }
      return resumed;
    },
    /** Runs (or resumes) a send; safe to call again, from any process, at any time. */
    async run(tenantId: Types.ObjectId, sendId: Types.ObjectId, keepAlive: () => Promise<void> = async () => {}) {
      if (active.has(String(sendId))) return;
      active.add(String(sendId));
      try {
        await runOnce(tenantId, sendId, keepAlive);
      } finally {
        active.delete(String(sendId));
      }
    },
    /**
     * Queues again, once, the send's entries that are `uncertain` (an operator's decision that a possible
     * second copy is better than none) and makes its job due. Idempotent: see `ledger.resendUncertain`.
     */
    async resendUncertain(tenantId: Types.ObjectId, sendId: Types.ObjectId, by: string): Promise<number> {
      const queued = await ledger.resendUncertain(tenantId, sendId, by);
      if (queued) {
        await Send.updateOne({ tenantId, _id: sendId, state: 'completed' }, { $set: { state: 'running', completedAt: null } });
        await writeCounts({ tenantId, _id: sendId } as Send);
        await deps.jobs.scheduleUnique(sendJobKey(sendId), new Date(), SEND_JOB, { tenantId: String(tenantId), sendId: String(sendId) });
      }
      return queued;
    },
  };

  async function runOnce(tenantId: Types.ObjectId, sendId: Types.ObjectId, keepAlive: () => Promise<void>) {
    const found = await Send.findOne({ tenantId, _id: sendId }).lean();
    if (!found || (found.state !== 'scheduled' && found.state !== 'running')) return;
    const route = await deps.mailSettings.routeFor(tenantId, found.fromUser ? found.createdBy : null);
    if (!route.delivers && deps.config.NODE_ENV === 'production') {
      throw new AppError('conflict', 'No SMTP server is configured (SMTP_URL or the mail settings): the send waits until one is');
    }
    await Send.updateOne({ tenantId, _id: sendId }, { $set: { state: 'running', ...(found.startedAt ? {} : { startedAt: new Date() }) } });
    const send: Send = { ...found, state: 'running' };
    const template = await deps.templates.load(tenantId, send.templateId);
    const compiled = compileOrThrow(template);
    const agency = await deps.recipients.agency(tenantId);
    // A run that lost its lease (heartbeats that did not reach the database in time) stops sending and
    // starts again here under a new lease, from the ledger; what it had claimed and not finished becomes uncertain.
    for (let lap = 1; ; lap += 1) {
      const runId = `${workerId}-${(runs += 1)}`;
      const runLease = await ledger.lease(tenantId, sendId, runId);
      // The heartbeat: the run's lease and its Agenda job lock, every quarter of the lease, off the send path.
      let beating: Promise<void> | null = null;
      const timer = setInterval(() => {
        beating ??= Promise.all([runLease.beat(), keepAlive()])
          .then(() => undefined)
          .catch((error: unknown) => deps.logger.warn({ err: error, sendId: String(sendId) }, 'send heartbeat failed'))
          .finally(() => (beating = null));
      }, Math.max(100, Math.floor(lease / 4)));
      const ctx: RunContext = { runId, send, compiled, agency, route, valid: runLease.valid, renew: runLease.beat, allowed: allowedCheck(send) };
      try {
        await runLeased(ctx, keepAlive);
        await runLease.end();
        return;
      } catch (error) {
        if (!(error instanceof LeaseLostError) || lap >= 5) throw error;
        deps.logger.error({ sendId: String(sendId), runId }, 'send run lost its lease and stopped; starting again under a new lease');
      } finally {
        clearInterval(timer);
        await beating;
      }
    }
  }
}

export type DeliveryEngine = ReturnType<typeof createDeliveryEngine>;
