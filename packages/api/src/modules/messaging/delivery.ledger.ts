import type { Types, Connection } from 'mongoose';
import { bulkWriteBounded, deleteManyBounded } from '../../platform/db/bulk-writes.js';
import { op } from '../../platform/db/operators.js';
import { isDuplicateKeyError } from '../../platform/errors.js';
import { deliveryAttemptModel, deliveryIdFor, deliveryKey, deliveryModel, sendModel, sendRunModel, type Delivery, type DeliveryState, type SendState } from './messaging.model.js';
import type { Recipient } from './recipients.js';

/**
 * The delivery ledger's rules (docs/email.md): one entry per (send, recipient, channel), written `queued`
 * before anything goes out; a worker claims one attempt of an entry by INSERTING the attempt document
 * `<entry>:<n>` (unique `_id`), then marks the entry `sending` with its run and the Message-ID, then
 * sends, then records `sent` / `failed`. Why an insert: on FerretDB v1 two concurrent updates of one
 * document are not atomic (`$inc`, findAndModify and compare-and-set filters can both succeed), while an
 * insert refused by a unique index is; so two workers that race for attempt n cannot both win it.
 *
 * A run proves it is alive by a lease (`send_runs`, written only by that run every third of the lease)
 * and stops sending by itself when its last heartbeat is older than two thirds of the lease (a fence:
 * it stops before others may consider it dead). An entry still `sending` under a run whose lease has
 * lapsed is never sent again blindly: its worker may have died after the SMTP server's 250 and before
 * writing `sent` (RFC 1047), so it becomes `uncertain`, and only an operator's resend queues it again.
 */
export function createDeliveryLedger(connection: Connection, lease: number) {
  const Delivery = deliveryModel(connection);
  const Attempt = deliveryAttemptModel(connection);
  const Run = sendRunModel(connection);

  // FerretDB's SQLite handler pushes down a filter on `_id` alone and nothing else, so single entries are
  // read and written by their key-derived `_id` (which holds the send id, so it cannot reach another
  // agency's entry); the tenant is checked on read.
  const byId = { crossTenant: 'ledger entry by its key-derived _id; the tenant is checked on read' };
  async function entryById(tenantId: Types.ObjectId, _id: Types.ObjectId): Promise<Delivery | null> {
    const entry = await Delivery.findOne({ _id }).setOptions(byId).lean();
    return entry && String(entry.tenantId) === String(tenantId) ? entry : null;
  }
  const updateById = (_id: Types.ObjectId, $set: Partial<Delivery>, state?: DeliveryState) =>
    Delivery.updateOne(state ? { _id, state } : { _id }, { $set }).setOptions(byId);

  /**
   * Whether a run's lease is current (a missing lease is a run that ended cleanly or never existed). Only
   * "alive" is remembered, briefly: believing a dead run alive only delays; the reverse could duplicate.
   */
  const aliveSeen = new Map<string, number>();
  async function runAlive(runId: string | null, now = Date.now()): Promise<boolean> {
    if (!runId) return false;
    if (now - (aliveSeen.get(runId) ?? 0) < 250) return true;
    const run = await Run.findOne({ _id: runId }).setOptions({ crossTenant: 'a run lease by its id' }).lean();
    const alive = Boolean(run && run.heartbeatAt.getTime() > now - lease);
    if (alive) aliveSeen.set(runId, now);
    else aliveSeen.delete(runId);
    return alive;
  }

  const ledger = {
    entryById,
    updateById,
    runAlive,

    /** Writes a `queued` entry for every recipient (again after a crash: existing entries stay as they are). */
    async queue(tenantId: Types.ObjectId, sendId: Types.ObjectId, recipients: Recipient[], onBatch: () => Promise<void>): Promise<void> {
      for (let i = 0; i < recipients.length; i += 500) {
        const docs = recipients.slice(i, i + 500).map((r) => {
          const key = deliveryKey(sendId, r.type, r.id, 'email');
          return { _id: deliveryIdFor(key), tenantId, key, sendId, recipientType: r.type, recipientId: r.id, channel: 'email' as const, email: r.email, state: 'queued' as const, attempts: 0 };
        });
        try {
          await Delivery.insertMany(docs, { ordered: false, lean: true });
        } catch (error) {
          const writeErrors = (error as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors;
          const onlyDuplicates = isDuplicateKeyError(error) || (writeErrors?.length && writeErrors.every((e) => (e.code ?? e.err?.code) === 11000));
          if (!onlyDuplicates) throw error;
        }
        await onBatch();
      }
    },

    /** Entries of a send in one state (top-level equality: pushed down to PostgreSQL by FerretDB). */
    inState(tenantId: Types.ObjectId, sendId: Types.ObjectId, state: DeliveryState) {
      return Delivery.find({ tenantId, sendId, state }).lean<Delivery[]>();
    },

    /**
     * Claims the next attempt of an entry read as `queued`, or answers why not. The claim is the insert
     * of attempt `attempts + 1`; if that attempt exists, its run either is alive (the entry is `held`)
     * or died holding it: from the claim on, the dead run may have handed the message to the server (the
     * `sending` write runs alongside the SMTP transaction, so an entry can still read `queued`), so the
     * entry becomes `uncertain`, never sent again blindly.
     */
    async claim(entry: Delivery, runId: string): Promise<{ attempt: number } | 'held' | 'done'> {
      return (await ledger.claimMany([entry], runId))[0]!;
    },

    /**
     * `claim` for a lot of entries: their attempt documents in one unordered `insertMany` (one command,
     * one multi-row INSERT on FerretDB), each refused insert (another run has that attempt) answered as
     * `claim` does. The lot is at most the run's parallel sends, so what a crash can leave `uncertain`
     * stays at most the pool.
     */
    async claimMany(entries: Delivery[], runId: string): Promise<({ attempt: number } | 'held' | 'done')[]> {
      const createdAt = new Date();
      const docs = entries.map((entry) => ({ _id: `${String(entry._id)}:${entry.attempts + 1}` as never, tenantId: entry.tenantId, sendId: entry.sendId, deliveryId: entry._id, attempt: entry.attempts + 1, kind: 'claim', claimedBy: runId, createdAt }));
      const refused = new Set<number>();
      try {
        await Attempt.collection.insertMany(docs, { ordered: false });
      } catch (error) {
        const writeErrors = (error as { writeErrors?: { index: number; code?: number; err?: { code?: number } }[] | { index: number; code?: number } }).writeErrors;
        const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
        if (!list.length && isDuplicateKeyError(error) && entries.length === 1) refused.add(0);
        else if (!list.length || !list.every((e) => (e.code ?? (e as { err?: { code?: number } }).err?.code) === 11000)) throw error;
        for (const e of list) refused.add(e.index);
      }
      return Promise.all(entries.map((entry, i) => (refused.has(i) ? ledger.claimRefused(entry) : { attempt: entry.attempts + 1 })));
    },

    /** An entry whose next attempt another run inserted first: `held` if that run is alive, else `uncertain` (`done`). */
    async claimRefused(entry: Delivery): Promise<'held' | 'done'> {
      const n = entry.attempts + 1;
      const _id = `${String(entry._id)}:${n}`;
      const holder = await Attempt.findOne({ _id }).setOptions(byId).lean();
      if (holder && (await runAlive(holder.claimedBy))) return 'held';
      await Delivery.updateOne(
        { _id: entry._id, state: 'queued', attempts: entry.attempts },
        { $set: { state: 'uncertain', attempts: n, claimedBy: holder?.claimedBy ?? null, messageId: `<${String(entry._id)}@deliveries.crm>`, error: `its worker stopped during attempt ${n}: the mail server may or may not have it; resend it explicitly` } },
      ).setOptions(byId);
      return 'done';
    },

    /**
     * Records the outcomes of a lot (each a `$set` on an entry by its key-derived `_id`) in one bulk write
     * (`bulkWriteBounded`: at most 16 updates per command, FerretDB holding a connection per update).
     */
    async recordMany(outcomes: { _id: Types.ObjectId; set: Partial<Delivery> }[]): Promise<void> {
      await bulkWriteBounded(
        Delivery.collection,
        outcomes.map((o) => ({ updateOne: { filter: { _id: o._id }, update: { $set: o.set } } })),
        { ordered: false },
      );
    },

    /**
     * Turns entries left `sending` by runs whose lease lapsed into `uncertain` (never sent again by a
     * worker). The write is filtered on the same state and run, which narrows (FerretDB cannot close)
     * the window in which it could overwrite a later state.
     */
    async settle(tenantId: Types.ObjectId, sendId: Types.ObjectId): Promise<{ uncertain: number; live: number }> {
      let uncertain = 0;
      let live = 0;
      for (const state of ['sending', 'pending'] as const) {
        for (const entry of await Delivery.find({ tenantId, sendId, state }).lean<Delivery[]>()) {
          if (await runAlive(entry.claimedBy)) {
            live += 1;
            continue;
          }
          const res = await Delivery.updateOne(
            { _id: entry._id, state, claimedBy: entry.claimedBy },
            { $set: { state: 'uncertain', error: `its worker stopped during attempt ${entry.attempts}: the mail server may or may not have it; resend it explicitly` } },
          ).setOptions(byId);
          uncertain += res.modifiedCount;
        }
      }
      return { uncertain, live };
    },

    /**
     * Queues again the entries of a send that are `uncertain`, each at most once per uncertain attempt:
     * the resend is the unique insert `<entry>:resend:<attempt>`, so two clicks, two operators or a
     * retried request queue it once. Answers how many were queued.
     */
    async resendUncertain(tenantId: Types.ObjectId, sendId: Types.ObjectId, by: string): Promise<number> {
      let queued = 0;
      for (const entry of await Delivery.find({ tenantId, sendId, state: 'uncertain' }).lean<Delivery[]>()) {
        try {
          await Attempt.create({ _id: `${String(entry._id)}:resend:${entry.attempts}`, tenantId, sendId, deliveryId: entry._id, attempt: entry.attempts, kind: 'resend', claimedBy: by });
        } catch (error) {
          if (isDuplicateKeyError(error)) continue;
          throw error;
        }
        const res = await updateById(entry._id, { state: 'queued', error: null, claimedBy: null }, 'uncertain');
        queued += res.modifiedCount;
      }
      return queued;
    },

    /** Counts per state, from the ledger (the truth the send's counters are set from). */
    async counts(tenantId: Types.ObjectId, sendId: Types.ObjectId) {
      const counts = { queued: 0, sending: 0, sent: 0, failed: 0, skipped: 0, uncertain: 0 };
      const rows = await Delivery.aggregate<{ _id: DeliveryState; n: number }>([{ $match: { tenantId, sendId } }, { $group: { _id: '$state', n: { $sum: 1 } } }]);
      for (const row of rows) counts[row._id === 'pending' ? 'sending' : row._id] += row.n;
      return counts;
    },

    /** Starts a run's lease; `beat` renews it, `end` removes it (a run that ends cleanly holds nothing). */
    async lease(tenantId: Types.ObjectId, sendId: Types.ObjectId, runId: string) {
      let heartbeatAt = new Date();
      await Run.create({ _id: runId, tenantId, sendId, heartbeatAt });
      return {
        /** Whether this run may still send: its last heartbeat is fresh enough that nobody thinks it dead. */
        valid: () => Date.now() - heartbeatAt.getTime() < (lease * 2) / 3,
        async beat() {
          const at = new Date();
          await Run.updateOne({ _id: runId }, { $set: { heartbeatAt: at } }).setOptions({ crossTenant: 'a run lease by its id' });
          heartbeatAt = at;
        },
        async end() {
          await Run.deleteOne({ _id: runId }).setOptions({ crossTenant: 'a run lease by its id' });
        },
      };
    },
  };
  return ledger;
}

export type DeliveryLedger = ReturnType<typeof createDeliveryLedger>;

/** Where stale claims were taken over before claims became attempts (`delivery_attempts`); only pruned now. */
export const LEGACY_TAKEOVERS = 'delivery_takeovers';

/** Longer than any run lease (`MAIL_SEND_LEASE_MS` is at most 10 minutes): a lease this old reads as a run that ended. */
const DEAD_LEASE_MS = 86_400_000;

/**
 * Forgets the delivery ledger (entries, attempts, run leases) of sends that ended (completed or
 * canceled) more than `retentionDays` ago; their counts stay on the send. A scheduled job's deleteMany,
 * since FerretDB has no TTL indexes. A send that is still due or running is never touched.
 *
 * Sooner, whatever the send's state: the leases of runs dead for a day (a missing lease and a lapsed
 * one both read as a dead run, so forgetting it changes no decision), and the `delivery_takeovers`
 * rows the ledger wrote before claims became attempts (nothing reads them any more; they are kept a
 * day, as they were, for a worker of the previous version still finishing a send).
 */
export async function pruneDeliveryLedger(connection: Connection, now: Date, retentionDays: number): Promise<{ sends: number; entries: number; leases: number; takeovers: number }> {
  const Send = sendModel(connection);
  const all = { crossTenant: 'the ledger retention job visits every agency' };
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  let sends = 0;
  let entries = 0;
  for (const state of ['completed', 'canceled'] as SendState[]) {
    for (;;) {
      const ended = await Send.find({ state, ledgerPrunedAt: null, updatedAt: op({ $lt: cutoff }) }).setOptions(all).select('_id tenantId').limit(200).lean();
      for (const s of ended) {
        const scope = { tenantId: s.tenantId, sendId: s._id };
        // A send to 100,000 recipients has as many entries: more than one FerretDB delete may take.
        entries += await deleteManyBounded(deliveryModel(connection).collection, scope);
        await deleteManyBounded(deliveryAttemptModel(connection).collection, scope);
        await sendRunModel(connection).deleteMany(scope);
        await Send.updateOne({ tenantId: s.tenantId, _id: s._id }, { $set: { ledgerPrunedAt: now } }, { timestamps: false });
      }
      sends += ended.length;
      if (ended.length < 200) break;
    }
  }
  const deadSince = new Date(now.getTime() - DEAD_LEASE_MS);
  const leases = (await sendRunModel(connection).deleteMany({ heartbeatAt: op({ $lt: deadSince }) }).setOptions(all)).deletedCount;
  const takeovers = (await connection.collection(LEGACY_TAKEOVERS).deleteMany({ createdAt: op({ $lt: deadSince }) })).deletedCount;
  return { sends, entries, leases, takeovers };
}
