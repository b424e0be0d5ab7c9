import { randomUUID } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Collection, Document } from 'mongodb';
import { inParallel } from '../../platform/concurrency.js';
import { BULK_UPDATE_LIMIT, bulkWriteBounded } from '../../platform/db/bulk-writes.js';
import { op } from '../../platform/db/operators.js';
import { claimModel, claimOnce } from '../../platform/db/claim-once.js';
import { duplicateKeyIndexes, isDuplicateKeyError } from '../../platform/errors.js';
import { servesIdsInOneRead } from '../../platform/records/records-by-id.js';
import { readKeys, type Contribution } from './metrics.js';
import { contributionEntries, packEntries, unpackEntries, rollupApplierModel, rollupContributionModel, rollupModel, rollupOutboxModel, type RollupOutboxEntry, type RollupPlan } from './reporting.model.js';

export const LEASE_MS = 60_000;
const BATCH = 200;
/** Records of a batch planned at once (each may read its stored contribution). */
const PLANNED_AT_ONCE = 4;
const RETRY_MS = 250;
const RETRIES = 40;
/**
 * How long a kick waits before it applies: the writes of that moment join one batch, whose shared buckets
 * (the agency's day, month, pipeline...) are written once instead of once per record, which keeps the
 * applier's share of the database small while requests write.
 */
const GATHER_MS = 150;
/**
 * Under a stream of writes (entries queued while a batch was applied), the pause before the next batch:
 * the writes of that second share one batch, whose buckets are written once, instead of a small batch
 * after every other. Figures under a stream lag the writes by up to about this long.
 */
const STREAM_GATHER_MS = 1_000;
/**
 * Contributions a process keeps after applying them (all agencies together, least recently used dropped
 * first; ~1.5 KB each, packed): the next change of the same record is applied without reading its
 * contribution back, as long as nobody else has written the agency's roll-ups since (see `known` below).
 */
export const KNOWN_CONTRIBUTIONS = 10_000;
/** How the applier found stored contributions, over every applier of the process (the bench prints it). */
export const contributionLookups = { fromMemory: 0, read: 0, readForgotten: 0, absent: 0 };
/**
 * A record whose id was made this long after the applier's memory of an agency began (see `absentAfter`)
 * is known to have no stored contribution unless remembered: the margin covers the id's one-second
 * resolution and a clock of another API process running up to 9 s ahead of this one's (processes on one
 * machine share the clock; hosts kept by NTP differ by milliseconds). A record made within it is read.
 */
export const CLOCK_MARGIN_MS = 10_000;
/** When a record id made as an ObjectId (every record the API creates) was made, in ms; null for other ids. */
function idTime(recordId: string): number | null {
  return /^[0-9a-f]{24}$/.test(recordId) ? Number.parseInt(recordId.slice(0, 8), 16) * 1000 : null;
}


/** Money and counts: sums kept to the cent, so adding and taking away the same amounts returns to the same figure. */
export const cents = (n: number) => Math.round(n * 100) / 100;

/** The `_id` of a bucket in an agency. */
export const rollupId = (tenantId: Types.ObjectId, bucket: string) => `${String(tenantId)}|${bucket}`;

/** A bucket id's parts, with its read keys (the fields a bucket document carries besides its value). */
export function bucketFields(bucket: string) {
  const [metric, period, periodStart, dimension, ...rest] = bucket.split('|');
  const c = { metric: metric!, period: period!, periodStart: periodStart!, dimension: dimension!, key: rest.join('|') };
  return { ...c, year: Number(c.periodStart.slice(0, 4)), ...readKeys(c as Omit<Contribution, 'value'>) };
}

/** A queued record as the roll-ups read it: written as one JSON string since 2026-12-07, an object before. */
export function queuedRecord(entry: Pick<RollupOutboxEntry, 'record'>): Record<string, unknown> | null {
  return typeof entry.record === 'string' ? (JSON.parse(entry.record) as Record<string, unknown>) : entry.record;
}

/** An agency's plan as stored: one JSON string since 2026-12-07 (FerretDB decodes a string as one value), an object before. */
export function storedPlan(plan: RollupPlan | string): RollupPlan {
  return typeof plan === 'string' ? (JSON.parse(plan) as RollupPlan) : plan;
}

/**
 * Writes whole documents of the agency's roll-ups, in batches (`bulkWriteBounded`): a document known to be
 * absent (`existing` says which are there) is one statement of one bulk insert, with no read before it;
 * one that is there is a whole-document replace, sent 16 to a command (FerretDB 1.24 runs an upsert as a
 * find and then a write, and holds a connection per update statement until the command ends). Only the
 * holder of the agency's applier lease writes these documents (the rebuild, the applier), so a document
 * taken for absent is absent, unless this write was made before: a plan replayed after a crash, or a holder
 * that lost its lease. An insert that meets its document is sent again as a replace (the same content in a
 * replay). Used by the rebuild (every contribution and bucket of a fresh seed or import is an insert) and
 * by each batch of the applier (the contribution of every record it had not counted before).
 */
export async function writeWhole<T extends { _id: string; tenantId: Types.ObjectId }>(collection: Collection<Document>, docs: T[], existing: { has(id: string): boolean }): Promise<void> {
  if (!docs.length) return;
  const inserts = docs.filter((d) => !existing.has(d._id));
  const replaces = docs.filter((d) => existing.has(d._id));
  if (inserts.length) {
    try {
      await collection.bulkWrite(inserts.map((document) => ({ insertOne: { document } })) as never, { ordered: false });
    } catch (error) {
      const duplicates = duplicateKeyIndexes(error);
      if (!duplicates) throw error;
      replaces.push(...duplicates.map((i) => inserts[i]!));
    }
  }
  await bulkWriteBounded(collection, replaces.map((d) => ({ replaceOne: { filter: { _id: d._id, tenantId: d.tenantId }, replacement: d, upsert: true } })) as never, { ordered: false });
}

/** What a process may be told when a batch has changed buckets (metric.changed goes out from here). */
export type OnApplied = (tenantId: Types.ObjectId, deltas: Map<string, number>) => Promise<void>;

/**
 * Applies queued roll-up entries off the request path (issue 19's write overhead), exactly once:
 *
 * 1. A process takes an agency's lease (one document per agency, taken by a unique claim: `acquire`), so one applier
 *    at a time works on an agency's buckets.
 * 2. It reads the agency's queue, compares each record's newest entry with its stored contribution
 *    (a lower version, or anything after a deletion, changes nothing) and sums the bucket deltas.
 * 3. It stores that batch as the agency's plan, numbered one above the last (`seq`), before writing.
 * 4. It writes the contributions (whole documents: idempotent), each bucket with `$inc` on the condition
 *    that its `seq` is below the batch's (a bucket already changed by this batch refuses, and an upsert
 *    of it hits the unique `_id`), removes the batch's entries from the queue, then clears the plan.
 *
 * A crash anywhere leaves either the queue (nothing planned yet) or the plan, which the next holder
 * replays first: nothing is lost and no bucket counts a batch twice. Idle agencies are drained by the
 * recurring job `reporting.rollups.drain` (at most a minute after a start).
 */
export function createRollupApplier(deps: {
  connection: Connection;
  logger?: Logger | undefined;
  /** A queued record's share of the buckets (empty for a deletion), under the agency's teams and time zone. */
  sharesOf: (tenantId: Types.ObjectId, entry: Omit<RollupOutboxEntry, 'record'> & { record: Record<string, unknown> | null }) => Promise<{ b: string; v: number }[]>;
  onApplied: OnApplied;
  beforePlanCleared?: () => Promise<void>;
  /** What the memory keeps (`KNOWN_CONTRIBUTIONS`) and the clock margin (`CLOCK_MARGIN_MS`); tests make them small. */
  memory?: { contributions?: number; clockMarginMs?: number };
}) {
  const { connection } = deps;
  const Rollups = rollupModel(connection);
  const Contributions = rollupContributionModel(connection);
  const Outbox = rollupOutboxModel(connection);
  const Appliers = rollupApplierModel(connection);
  const me = `${process.pid}:${randomUUID()}`;
  const capacity = deps.memory?.contributions ?? KNOWN_CONTRIBUTIONS;
  const clockMargin = deps.memory?.clockMarginMs ?? CLOCK_MARGIN_MS;
  const draining = new Map<string, { done: Promise<void>; again: boolean }>();
  // A process that is stopping (its connection closed) leaves the rest to the next holder or the drain job.
  const open = () => connection.readyState === 1;

  /**
   * Takes the agency's lease (answers its state), or null while another process holds it or takes it.
   *
   * Exclusive on every engine we run on. A conditional `findOneAndUpdate` on `leaseUntil < now` alone is
   * atomic on MongoDB, but FerretDB 1.24 runs it as find-then-write: eight takers of a lease that had run
   * out, at one moment, were five holders (rollup-rebuild.test), and two holders apply one batch twice. So
   * a take claims the state it found first, with a unique insert (`claimOnce` of the state's `turn`, a
   * fresh value each take writes): of the takers that found one state, one claims it; a taker that found
   * an older state claims a turn already claimed. Only then is the lease written, with a new turn.
   *
   * A taker that dies between its claim and its write leaves the turn claimed and the lease free: once that
   * claim is a lease old (`LEASE_MS`, as for a holder that died), the next takers claim the turn's next
   * attempt. A new agency's state is made by a unique insert of its `_id`. A take costs one claim more
   * than before (an insert of about a millisecond), once per drain: a stream keeps the lease it has.
   */
  async function acquire(tenantId: Types.ObjectId, ms = LEASE_MS) {
    const _id = String(tenantId);
    const found = await Appliers.findOne({ _id, tenantId }).lean();
    if (!found) {
      try {
        return (await Appliers.create({ _id, tenantId, holder: me, leaseUntil: new Date(Date.now() + ms), seq: 0, stamp: 0, plan: null, turn: randomUUID() })).toObject();
      } catch (error) {
        if (isDuplicateKeyError(error)) return null;
        throw error;
      }
    }
    if (found.leaseUntil.getTime() >= Date.now()) return null;
    for (let attempt = 0; ; attempt += 1) {
      const key = leaseClaimKey(_id, found.turn ?? null, attempt);
      if (await claimOnce(connection, key, { until: new Date(Date.now() + LEASE_MS) })) break;
      const claim = await claimModel(connection).findOne({ _id: key }).lean();
      // Claimed within a lease: another taker has it (or is writing it).
      if (!claim || claim.at.getTime() > Date.now() - LEASE_MS) return null;
      // An old claim whose turn is still the agency's: its taker died before writing. Unless the state moved on meanwhile.
      const now = await Appliers.findOne({ _id, tenantId }, { turn: 1, leaseUntil: 1 }).lean();
      if (!now || (now.turn ?? null) !== (found.turn ?? null) || now.leaseUntil.getTime() >= Date.now()) return null;
    }
    // This process alone claimed the turn it found: the write below is by `_id`.
    return Appliers.findOneAndUpdate({ _id, tenantId }, { $set: { holder: me, leaseUntil: new Date(Date.now() + ms), turn: randomUUID() } }, { returnDocument: 'after' }).lean();
  }

  /** Extends the lease (answers false when it was lost: another process took it after it ran out). */
  async function renew(tenantId: Types.ObjectId, set: Record<string, unknown> = {}, ms = LEASE_MS, bump = false): Promise<boolean> {
    const done = await Appliers.updateOne({ _id: String(tenantId), tenantId, holder: me }, { $set: { ...set, leaseUntil: new Date(Date.now() + ms) }, ...(bump ? { $inc: { stamp: 1 } } : {}) });
    return done.matchedCount === 1;
  }

  /**
   * Gives the lease back; the agency's `stamp` moves on, so answers cached from its buckets before are read
   * again (a rebuild ends here). Answers the agency's `seq` and `stamp` as it left them (null when the lease
   * was no longer this process's).
   */
  async function release(tenantId: Types.ObjectId): Promise<{ seq: number; stamp: number } | null> {
    const left = await Appliers.findOneAndUpdate({ _id: String(tenantId), tenantId, holder: me }, { $set: { holder: null, leaseUntil: new Date(0) }, $inc: { stamp: 1 } }, { returnDocument: 'after' }).lean();
    // (No projection: FerretDB 1.24 does not take one on findAndModify; the plan is cleared by then.)
    return left ? { seq: left.seq ?? 0, stamp: left.stamp ?? 0 } : null;
  }

  /**
   * What this process knows of contributions without reading them: those it read or wrote while it held
   * an agency's lease. They are trusted only while the agency's `seq` and `stamp` are what this process
   * left when it last gave the lease back after applying without an error: every other holder moves
   * them (a batch takes a new `seq` before it writes anything, a rebuild moves `stamp` before it writes,
   * and every release moves `stamp`), so a process that finds them as it left them is the last one that
   * wrote the agency's contributions. Anything else (another holder, an error, a lost lease) forgets the
   * agency's (`epoch` moves on; entries of an earlier epoch are never answered).
   *
   * The same reasoning answers "none stored" without a read for a record made after the epoch began
   * (`absentAfter`, plus `CLOCK_MARGIN_MS`): only a holder of the lease writes contributions, every holder
   * since then was this process, and this process remembers what it wrote. When the memory drops an entry
   * of the epoch (it keeps `KNOWN_CONTRIBUTIONS`), `absentAfter` moves up to that record's making, so a
   * record is taken as absent only where nothing of its time was forgotten. Every new record (a create)
   * is applied without a read that way.
   */
  const known = new Map<string, { epoch: number; recordVersion: number; deleted: boolean; packed: string }>();
  const agencies = new Map<string, { epoch: number; absentAfter: number; trusted: { seq: number; stamp: number } | null }>();
  const agencyMemory = (key: string) => {
    let memory = agencies.get(key);
    if (!memory) agencies.set(key, (memory = { epoch: 0, absentAfter: Number.POSITIVE_INFINITY, trusted: null }));
    return memory;
  };
  const remember = (_id: string, epoch: number, c: { recordVersion: number; deleted: boolean; packed: string }) => {
    known.delete(_id);
    known.set(_id, { epoch, recordVersion: c.recordVersion, deleted: c.deleted, packed: c.packed });
    if (known.size > capacity) {
      const [dropped, entry] = known.entries().next().value!;
      known.delete(dropped);
      // `<tenantId>|<resource>|<recordId>`: what is forgotten of the current epoch is no longer known absent either.
      const [tenant, , recordId = ''] = dropped.split('|');
      const memory = agencies.get(tenant!);
      if (memory && memory.epoch === entry.epoch) memory.absentAfter = Math.max(memory.absentAfter, idTime(recordId) ?? Number.POSITIVE_INFINITY);
    }
  };
  /** A record's contribution: from memory when trusted (see above), else read (and then remembered). */
  async function storedContribution(tenantId: Types.ObjectId, _id: string, epoch: number): Promise<{ recordVersion: number; deleted: boolean; packed: string } | null> {
    const hit = known.get(_id);
    if (hit && hit.epoch === epoch) {
      known.delete(_id);
      known.set(_id, hit);
      contributionLookups.fromMemory += 1;
      return hit;
    }
    const memory = agencies.get(String(tenantId));
    const made = idTime(_id.split('|')[2] ?? '');
    if (!hit && made !== null && memory?.epoch === epoch && made > memory.absentAfter + clockMargin) {
      contributionLookups.absent += 1;
      return null;
    }
    contributionLookups.read += 1;
    if (hit) contributionLookups.readForgotten += 1;
    const stored = await Contributions.findOne({ _id, tenantId }).lean();
    if (!stored) return null;
    const found = { recordVersion: stored.recordVersion, deleted: Boolean(stored.deleted), packed: typeof stored.packed === 'string' ? stored.packed : packEntries(contributionEntries(stored)) };
    remember(_id, epoch, found);
    return found;
  }

  /** Turns queued entries into a plan: each record's newest entry against its stored contribution. */
  async function planFor(tenantId: Types.ObjectId, queued: RollupOutboxEntry[], epoch: number): Promise<RollupPlan> {
    const newest = new Map<string, RollupOutboxEntry>();
    for (const entry of queued) {
      const id = `${String(tenantId)}|${entry.resource}|${entry.recordId}`;
      const had = newest.get(id);
      if (!had || (!had.deleted && (entry.deleted || entry.recordVersion > had.recordVersion))) newest.set(id, entry);
    }
    const deltas = new Map<string, number>();
    const contributions: RollupPlan['contributions'] = [];
    await inParallel([...newest], PLANNED_AT_ONCE, async ([_id, entry]) => {
      const [stored, entries] = await Promise.all([storedContribution(tenantId, _id, epoch), deps.sharesOf(tenantId, { ...entry, record: queuedRecord(entry) })]);
      const version = entry.deleted ? Number.MAX_SAFE_INTEGER : entry.recordVersion;
      // A deleted record stays deleted; an entry older than the one applied changes nothing.
      if (stored?.deleted || (stored && version < stored.recordVersion)) return;
      const change = new Map<string, number>();
      for (const { b, v } of stored ? unpackEntries(stored.packed) : []) change.set(b, -v);
      for (const { b, v } of entries) change.set(b, cents((change.get(b) ?? 0) + v));
      for (const [b, d] of change) if (d !== 0) deltas.set(b, cents((deltas.get(b) ?? 0) + d));
      if (stored && ![...change.values()].some((d) => d !== 0) && stored.recordVersion === version) return;
      contributions.push({ _id, resource: entry.resource, recordId: entry.recordId, recordVersion: version, deleted: entry.deleted, packed: packEntries(entries), ...(stored ? {} : { absent: true }) });
    });
    for (const [b, d] of deltas) if (d === 0) deltas.delete(b);
    return { outboxIds: queued.map((e) => e._id), contributions, deltas: [...deltas].map(([b, d]) => ({ b, d })) };
  }

  /**
   * Adds a batch's deltas to their buckets, each with `$inc` on the condition that its `seq` is below the
   * batch's: in ordered bulk writes of `BULK_UPDATE_LIMIT` (bulk-writes.ts), one chunk at a time, so a
   * batch's ~50 buckets are 4 commands rather than 50 (FerretDB spends about a millisecond of its own on
   * each command, whatever it holds). A bucket that refuses (already changed by this batch: a replay after
   * a crash) fails its upsert on the unique `_id`; the chunk stopped there and goes on after it.
   * (Not unordered: FerretDB 1.24 stalled every connection on an unordered bulk of upserts.)
   */
  async function writeBuckets(tenantId: Types.ObjectId, seq: number, deltas: RollupPlan['deltas']): Promise<void> {
    const ops = deltas.map(({ b, d }) => ({
      updateOne: {
        filter: { _id: rollupId(tenantId, b), tenantId, $or: [{ seq: op({ $lt: seq }) }, { seq: op({ $exists: false }) }] },
        update: { $inc: { value: d }, $set: { seq }, $setOnInsert: bucketFields(b) },
        upsert: true,
      },
    }));
    for (let from = 0; from < ops.length; ) {
      const chunk = ops.slice(from, from + BULK_UPDATE_LIMIT);
      try {
        await Rollups.collection.bulkWrite(chunk as never, { ordered: true });
        from += chunk.length;
      } catch (error) {
        const failed = (error as { writeErrors?: { index: number; code?: number }[] | { index: number; code?: number } }).writeErrors;
        const first = Array.isArray(failed) ? failed[0] : failed;
        // Anything but "this bucket has this batch already" is an error (the plan stays, and is replayed).
        if (!first || first.code !== 11000) throw error;
        from += first.index + 1;
      }
    }
  }

  /** Writes a plan numbered `seq`; safe to run again for the same plan and number (see above). */
  async function applyPlan(tenantId: Types.ObjectId, seq: number, plan: RollupPlan, epoch?: number, queueWasShort = false): Promise<void> {
    const absent = new Set(plan.contributions.filter((c) => c.absent).map((c) => c._id));
    const written = plan.contributions.map(({ entries, packed, absent: _absent, ...c }) => ({ ...c, tenantId, rev: seq, packed: packed ?? packEntries(entries ?? []) }));
    // Each record's contribution whole (one per record in a plan): those of records never counted before in
    // one insert, without the find an upsert makes; the others replaced, 16 to a command (`writeWhole`).
    await writeWhole(Contributions.collection, written, { has: (id) => !absent.has(id) });
    if (epoch !== undefined) for (const c of written) remember(c._id, epoch, c);
    await writeBuckets(tenantId, seq, plan.deltas);
    // The batch's entries deleted: on MongoDB by one `$in` (served by the `_id` index); on FerretDB by `_id`
    // equality, 16 to a command, since FerretDB pushes down only the agency's equality of a `$in` delete and
    // matches the ids in Go over every entry the agency has queued (msg_delete.go): a backlog made each batch's
    // delete decode the whole queue. A batch that took everything queued (`queueWasShort`: fewer than a full
    // batch) leaves only what arrived since, so there one `$in` decodes a few hundred small entries at most
    // instead of one delete statement per entry.
    if (plan.outboxIds.length) {
      if (queueWasShort || (await servesIdsInOneRead(connection))) await Outbox.deleteMany({ tenantId, _id: op({ $in: plan.outboxIds }) });
      else await bulkWriteBounded(Outbox.collection, plan.outboxIds.map((_id) => ({ deleteOne: { filter: { _id, tenantId } } })) as never, { ordered: false });
    }
    await deps.beforePlanCleared?.();
    // Cleared with the agency's `stamp` moved on (answers cached from the buckets before are stale), and
    // only then announced, so a client that reads again on `metric.changed` gets the new figures.
    await renew(tenantId, { plan: null }, LEASE_MS, plan.deltas.length > 0);
    if (plan.deltas.length) await deps.onApplied(tenantId, new Map(plan.deltas.map(({ b, d }) => [b, d])));
  }

  /**
   * Applies everything queued for an agency, plan by plan, while this process holds its lease: a plan
   * left by a crash first. Answers false when another process holds the lease.
   */
  async function drainOnce(tenantId: Types.ObjectId, streaming: () => boolean = () => false): Promise<boolean> {
    const state = await acquire(tenantId);
    if (!state) return false;
    const memory = agencyMemory(String(tenantId));
    // Trusted only when nobody has written the agency's roll-ups since this process last left them (see `known`).
    if (!(memory.trusted && memory.trusted.seq === (state.seq ?? 0) && memory.trusted.stamp === (state.stamp ?? 0))) {
      memory.epoch += 1;
      memory.absentAfter = Date.now();
    }
    memory.trusted = null;
    const { epoch } = memory;
    let clean = false;
    try {
      let seq = state.seq ?? 0;
      if (state.plan) await applyPlan(tenantId, seq, storedPlan(state.plan), epoch);
      while (open()) {
        const queued = await Outbox.find({ tenantId }).limit(BATCH).lean();
        if (!queued.length) return (clean = true);
        const plan = await planFor(tenantId, queued, epoch);
        seq += 1;
        if (!(await renew(tenantId, { seq, plan: JSON.stringify(plan) }))) return false;
        await applyPlan(tenantId, seq, plan, epoch, queued.length < BATCH);
        // A backlog is applied batch after batch. After a partial batch, while writes keep queueing (`streaming`:
        // kicked during this drain), the next batch waits `STREAM_GATHER_MS`, the lease kept (taking it again each
        // time would give other holders, a rebuild say, that many more chances to race for it); else it ends.
        if (queued.length < BATCH) {
          if (!streaming() || !open()) return (clean = true);
          await new Promise((r) => setTimeout(r, STREAM_GATHER_MS));
        }
      }
      return true;
    } finally {
      const left = open() ? await release(tenantId).catch((error: unknown) => void deps.logger?.error({ err: error }, 'roll-up lease not released; it runs out')) : null;
      if (clean && left && memory.epoch === epoch) memory.trusted = left;
      else memory.epoch += 1;
    }
  }

  /**
   * Starts applying an agency's queue in this process, in the background (the request that queued does
   * not wait). A drain already running goes round once more; a lease held elsewhere is tried again a
   * little later, in case its holder read the queue just before the entry arrived.
   */
  function kick(tenantId: Types.ObjectId): Promise<void> {
    const key = String(tenantId);
    const running = draining.get(key);
    if (running) {
      running.again = true;
      return running.done;
    }
    const entry = { again: false, done: Promise.resolve() };
    entry.done = (async () => {
      await new Promise((r) => setTimeout(r, GATHER_MS));
      let attempts = 0;
      do {
        entry.again = false;
        if (!open()) return;
        // Kicks during the drain mean a stream: it gathers them a second at a time (see drainOnce).
        const streaming = () => {
          const kicked = entry.again;
          entry.again = false;
          return kicked;
        };
        if (!(await drainOnce(tenantId, streaming)) && attempts++ < RETRIES) {
          await new Promise((r) => setTimeout(r, RETRY_MS));
          entry.again = true;
        }
      } while (entry.again);
    })()
      .catch((error: unknown) => deps.logger?.error({ err: error, tenantId: key }, 'roll-up batch not applied; it stays queued and is applied by the next write or the drain job'))
      .finally(() => draining.delete(key));
    draining.set(key, entry);
    return entry.done;
  }

  return {
    kick,
    drainOnce,
    acquire,
    renew,
    release,
    /** Drains every agency with queued entries or a plan left behind (the recurring job, and at start). */
    async drainAll(): Promise<number> {
      const tenants = new Map<string, Types.ObjectId>();
      for await (const e of Outbox.find({}, { tenantId: 1 }, { crossTenant: 'the drain job finds every agency with queued roll-ups' }).lean().cursor()) tenants.set(String(e.tenantId), e.tenantId);
      for await (const a of Appliers.find({ plan: op({ $ne: null }) }, { tenantId: 1 }, { crossTenant: 'the drain job replays plans left by a crash' }).lean().cursor()) tenants.set(String(a.tenantId), new Types.ObjectId(String(a.tenantId)));
      for (const tenantId of tenants.values()) await kick(tenantId);
      return tenants.size;
    },
    /** Resolves when this process has nothing left to apply for the agency (tests, the bench). */
    async settled(tenantId: Types.ObjectId): Promise<void> {
      for (let running = draining.get(String(tenantId)); running; running = draining.get(String(tenantId))) await running.done;
    },
  };
}

export type RollupApplier = ReturnType<typeof createRollupApplier>;

/**
 * Resolves once an agency has nothing queued and no batch in flight, whichever process applies it
 * (tests and the bench, after writes through HTTP); polls up to `deadlineMs` (30 s: a kick applies within
 * a second, but a CI machine of 2 cores running several test files at once took longer than 15 s once;
 * still under the 60 s lease, so a lease left behind fails the wait). Each poll asks for one queued entry's
 * `_id` (not a count: FerretDB would decode every queued record to count them, which on a bench's backlog
 * cost more than the applier itself) and the agency's state, every 10 ms at first, then less often up to
 * every 100 ms.
 */
export async function waitUntilApplied(connection: Connection, tenantId: Types.ObjectId, deadlineMs = 30_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (let pause = 10; ; pause = Math.min(100, Math.round(pause * 1.5))) {
    const [queued, state] = await Promise.all([
      rollupOutboxModel(connection).findOne({ tenantId }, { _id: 1 }).lean(),
      rollupApplierModel(connection).findOne({ _id: String(tenantId), tenantId }, { plan: 1, holder: 1 }).lean(),
    ]);
    if (!queued && !state?.plan && !state?.holder) return;
    if (Date.now() > until) throw new Error(`roll-ups of ${String(tenantId)} not applied within ${deadlineMs} ms (${await rollupOutboxModel(connection).countDocuments({ tenantId })} queued)`);
    await new Promise((r) => setTimeout(r, pause));
  }
}

/** The claim (platform/db/claim-once.ts) of one take of an agency's lease: its state's `turn`, and the attempt. */
export const leaseClaimKey = (tenantId: string, turn: string | null, attempt: number) => `rollup.lease:${tenantId}:${turn ?? 'first'}:${attempt}`;
