import type { AnyBulkWriteOperation } from 'mongodb';
import { Types, type Connection } from 'mongoose';
import { op } from '../../platform/db/operators.js';
import { deleteManyBounded } from '../../platform/db/bulk-writes.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { DomainEvent, EventBus } from '../../platform/events.js';
import { tenantModel } from '../identity/tenant.model.js';
import { entryHash, normalizeChanges, normalizeValue } from './audit.chain.js';
import { createBlockReader, firstFreeSeq } from './audit.blocks.js';
import { AUDIT_BLOCK, auditEntryModel, auditHeadModel, blockOf, type AuditEntry } from './audit.model.js';

const MAX_APPEND_ATTEMPTS = 100;
/**
 * Updates per bulk write of the sealer. FerretDB 1.24 on PostgreSQL holds a backend connection for each
 * update of one command until the command ends: one bulk write of 400 updates took all 50 connections
 * of its pool and wedged the server (every client hung, even a ping). Small batches never come near it.
 */
const SEAL_WRITE_BATCH = 16;
/** How long a seq may stay missing before the sealer records it as a gap (a writer that failed between claim and insert). */
const GAP_GRACE_MS = 60_000;
/** Blocks one seal call links at most (AUDIT_BLOCK seqs each): a request that seals first stays bounded. */
const SEAL_BLOCKS = 20;
/** Blocks one list page reads at most (AUDIT_BLOCK seqs each); past them the page is answered short with a cursor. */
const LIST_BLOCKS = 20;
/** Blocks a list page reads at once. */
const LIST_PARALLEL = 2;
/** Point lookups one list page spends at most on seqs missing from their block (entries from before blocks). */
const LIST_LEGACY_LOOKUPS = 200;
/** Blocks one verification page walks at most; `nextCursor` carries on from there. */
const VERIFY_BLOCKS = 50;
/** Filters of the audit query route. */
export interface AuditQuery {
  limit: number;
  cursor?: string | undefined;
  actor?: string | undefined;
  resource?: string | undefined;
  resourceId?: string | undefined;
  type?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** The outcome of walking a tenant's chain. */
export interface VerifyResult {
  ok: boolean;
  checked: number;
  anchor: { seq: number; hash: string };
  lastSeq: number;
  brokenAt: number | null;
  reason: 'missing' | 'altered' | null;
  detail: string | null;
  nextCursor: string | null;
}

function toAuditDto(entry: AuditEntry) {
  return {
    id: String(entry._id),
    seq: entry.seq,
    type: entry.type,
    resource: entry.resource,
    resourceId: entry.resourceId,
    actor: {
      userId: entry.actorUserId ? String(entry.actorUserId) : null,
      apiKeyId: entry.actorApiKeyId ? String(entry.actorApiKeyId) : null,
      ip: entry.ip,
      userAgent: entry.userAgent,
    },
    changes: entry.changes,
    data: entry.data,
    at: entry.at.toISOString(),
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}

function encodeCursor(seq: number): string {
  return Buffer.from(`a:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string, prefix = 'a'): number {
  const match = new RegExp(`^${prefix}:(\\d{1,15})$`).exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw AppError.invalidField('query.cursor', 'is not a cursor this route issued; pass nextCursor back unchanged');
  return Number(match[1]);
}

/** Events that only carry something to a user's sockets and change nothing (see platform/realtime). */
export function isDeliveryOnly(type: string): boolean {
  return type.startsWith('realtime.');
}

function subtractMonths(date: Date, months: number): Date {
  const d = new Date(date);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
}

/**
 * The audit trail: an append-only, hash-chained log per tenant, fed by the event bus. Nothing here
 * updates or deletes an entry except retention pruning, which leaves an anchor so the chain still verifies.
 */
export function createAuditService(deps: { connection: Connection }) {
  const Entry = auditEntryModel(deps.connection);
  const Head = auditHeadModel(deps.connection);
  /** The last seq this instance claimed per tenant: a hint only; the unique index is what decides. */
  const lastClaimed = new Map<string, number>();
  const probing = new Map<string, Promise<void>>();

  async function readHead(tenantId: Types.ObjectId) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return (await Head.findOneAndUpdate({ tenantId, _id: tenantId }, { $setOnInsert: { seq: 0, hash: '', anchorSeq: 0, anchorHash: '' } }, { upsert: true, returnDocument: 'after' }).lean())!;
      } catch (error) {
        // Two first writers raced to create the head; the loser reads the winner's.
        if (!isDuplicateKeyError(error) || attempt > 3) throw error;
      }
    }
  }

  /** Moves the hint past `taken` to the seq before the first free one found by point lookups. */
  async function probe(tenantId: Types.ObjectId, taken: number): Promise<void> {
    const key = String(tenantId);
    const free = await firstFreeSeq(Entry, tenantId, taken + 1);
    lastClaimed.set(key, Math.max(lastClaimed.get(key) ?? 0, free - 1));
  }

  /** The seq this instance tries next: the hint plus one (concurrent appends in one process never collide). */
  async function nextSeq(tenantId: Types.ObjectId): Promise<number> {
    const key = String(tenantId);
    if (!lastClaimed.has(key)) {
      // First append of this tenant in this instance: one head read and O(log n) point lookups, shared by concurrent appends.
      let pending = probing.get(key);
      if (!pending) {
        pending = (async () => {
          const head = await Head.findOne({ tenantId, _id: tenantId }).lean();
          await probe(tenantId, Math.max(head?.anchorSeq ?? 0, head?.sealedSeq ?? 0, head?.seq ?? 0));
        })().finally(() => probing.delete(key));
        probing.set(key, pending);
      }
      await pending;
    }
    const seq = (lastClaimed.get(key) ?? 0) + 1;
    lastClaimed.set(key, seq);
    return seq;
  }

  /** Records where the sealer stopped (deterministic values: a concurrent sealer writes the same or an earlier point, which is only resumed from). */
  async function saveSealed(tenantId: Types.ObjectId, sealedSeq: number, sealedHash: string): Promise<void> {
    const update = { $set: { sealedSeq, sealedHash }, $setOnInsert: { anchorSeq: 0, anchorHash: '' } };
    try {
      await Head.updateOne({ tenantId, _id: tenantId }, update, { upsert: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      await Head.updateOne({ tenantId, _id: tenantId }, { $set: update.$set });
    }
  }

  return {
    /**
     * Appends one event with one command and no read of the chain: the insert of the entry, unsealed
     * (hashed over its own content and seq), claims its seq through the unique (tenantId, seq) index.
     * The seq comes from this instance's hint, so concurrent appends of one process take distinct seqs
     * without a round trip; an append that loses to another process (duplicate key) finds the next free
     * seq by point lookups and retries. No shared document is updated, so FerretDB's non-atomic
     * updates cannot hand a seq out twice; `seal` links entries into the chain later.
     */
    async append(event: DomainEvent): Promise<AuditEntry> {
      const base = {
        tenantId: event.tenantId,
        type: event.type,
        resource: event.resource,
        resourceId: event.resourceId ?? null,
        actorUserId: event.actor?.userId ?? null,
        actorApiKeyId: event.actor?.apiKeyId ?? null,
        ip: event.actor?.ip ?? null,
        userAgent: event.actor?.userAgent ? event.actor.userAgent.slice(0, 500) : null,
        changes: normalizeChanges(event.changes),
        data: event.data ? (normalizeValue(event.data) as Record<string, unknown>) : null,
        at: event.at,
      };
      for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt += 1) {
        const seq = await nextSeq(event.tenantId);
        const entry = { _id: new Types.ObjectId(), ...base, seq, block: blockOf(seq), prevHash: '', hash: '', sealed: false as const };
        entry.hash = entryHash('', entry);
        try {
          // The raw driver stores exactly the normalised values the hash covers (no casting or minimising).
          await Entry.collection.insertOne(entry);
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          await probe(event.tenantId, seq);
          continue;
        }
        return entry as AuditEntry;
      }
      throw new AppError('unavailable', 'The audit trail is too busy; retry');
    },

    /**
     * Links a tenant's unsealed entries into the chain, in seq order from where the last run stopped
     * (the head's `sealedSeq`): each gets `prevHash` (the hash before it) and `hash` over both, the same
     * formula as every entry written before sealing existed, so old and new entries verify alike.
     * Bounded: it reads at most SEAL_BLOCKS blocks by equality and answers `more` when it stopped at that
     * limit. Deterministic: two sealers write the same values, and a crash halfway is finished by the
     * next run. It stops at an entry whose own hash no longer matches (verify reports it), and at a
     * missing seq younger than GAP_GRACE_MS (its writer may still be inserting); an older missing seq (a
     * writer failed after taking it) is filled with an `audit.gap` entry, so the gap is visible in the
     * trail instead of breaking every later verification.
     */
    async seal(tenantId: Types.ObjectId, now = Date.now()): Promise<{ sealed: number; more: boolean }> {
      const head = await Head.findOne({ tenantId, _id: tenantId }).lean();
      const anchorSeq = head?.anchorSeq ?? 0;
      const resume = head?.sealedSeq !== undefined && head.sealedHash !== undefined && head.sealedSeq >= anchorSeq;
      let seq = resume ? head.sealedSeq! : anchorSeq;
      let prevHash = resume ? head.sealedHash! : (head?.anchorHash ?? '');
      const startSeq = seq;
      const limit = seq + SEAL_BLOCKS * AUDIT_BLOCK;
      const reader = createBlockReader(Entry, tenantId);
      let sealed = 0;
      let batch: AnyBulkWriteOperation[] = [];
      const flush = async () => {
        if (batch.length) await Entry.collection.bulkWrite(batch, { ordered: true });
        sealed += batch.length;
        batch = [];
      };
      while (seq < limit) {
        const entry = await reader.at(seq + 1);
        if (!entry) {
          const later = await reader.firstAfter(seq + 1);
          if (!later || now - later._id.getTimestamp().getTime() < GAP_GRACE_MS) break;
          await flush();
          const content = { tenantId, seq: seq + 1, type: 'audit.gap', resource: 'audit', resourceId: null, actorUserId: null, actorApiKeyId: null, ip: null, userAgent: null, changes: [], data: { reason: 'this seq was handed out but its entry was never written' }, at: new Date(now) };
          const gapHash: string = entryHash(prevHash, content);
          try {
            await Entry.collection.insertOne({ _id: new Types.ObjectId(), ...content, block: blockOf(seq + 1), prevHash, hash: gapHash });
          } catch (error) {
            if (isDuplicateKeyError(error)) break; // its writer came after all; the next run seals it
            throw error;
          }
          sealed += 1;
          seq += 1;
          prevHash = gapHash;
          continue;
        }
        if (entry.sealed === false) {
          if (entry.prevHash !== '' || (!entry.redacted && entryHash('', entry) !== entry.hash)) break;
          const hash = entryHash(prevHash, entry);
          // By `_id` alone (globally unique, read from this tenant above): the one filter every FerretDB handler pushes down.
          batch.push({ updateOne: { filter: { _id: entry._id, sealed: false }, update: { $set: { prevHash, hash }, $unset: { sealed: '' } } } });
          if (batch.length >= SEAL_WRITE_BATCH) await flush();
          prevHash = hash;
        } else {
          // Already linked (by an earlier run, or before sealing existed): it must still link, or the walk stops here.
          if (entry.prevHash !== prevHash || (!entry.redacted && entryHash(prevHash, entry) !== entry.hash)) break;
          prevHash = entry.hash;
        }
        seq = entry.seq;
      }
      await flush();
      if (seq > startSeq) await saveSealed(tenantId, seq, prevHash);
      return { sealed, more: seq >= limit };
    },

    /**
     * Subscribes to every domain event, so every write, sign-in, export and permission change is recorded.
     * `realtime.*` events are deliveries to a user's sockets (a notification shown, a send's progress),
     * not changes: the change behind them is audited where it happens, so they are left out.
     */
    subscribe(events: EventBus): () => void {
      return events.subscribe('*', async (event) => {
        if (isDeliveryOnly(event.type)) return;
        await this.append(event);
      });
    },

    /**
     * A page of entries, newest first, filtered by actor, resource, record, type and time. Read by keyset
     * over the seq claim, a block of AUDIT_BLOCK seqs at a time by equality (`{tenantId, block}`, pushed
     * down, never sorted by the database): from the newest block (the first free seq found by point
     * lookups from the sealed point, and the block after it, in case a writer left a hole) or from the
     * cursor's seq downwards, LIST_PARALLEL blocks at once, until the page is full. A page reads at most
     * LIST_BLOCKS blocks: a filter that matches little is answered short, `hasMore: true`, with a cursor
     * where the walk stopped, so no page decodes the tenant's whole trail. Entries written before blocks
     * existed are found by point lookups where a block has a seq missing, and get their block then.
     */
    async list(tenantId: Types.ObjectId, query: AuditQuery) {
      const actor = query.actor ? new Types.ObjectId(query.actor) : null;
      const keep = (entry: AuditEntry) =>
        (!query.resource || entry.resource === query.resource) &&
        (!query.resourceId || entry.resourceId === query.resourceId) &&
        (!query.type || entry.type === query.type) &&
        (!actor || Boolean(entry.actorUserId?.equals(actor)) || Boolean(entry.actorApiKeyId?.equals(actor))) &&
        (!query.from || entry.at >= query.from) &&
        (!query.to || entry.at < query.to);
      const head = await Head.findOne({ tenantId, _id: tenantId }).lean();
      const floor = head?.anchorSeq ?? 0;
      let below: number;
      let top: number;
      if (query.cursor) {
        below = decodeCursor(query.cursor);
        top = below - 1;
      } else {
        const known = Math.max(floor, head?.sealedSeq ?? 0, head?.seq ?? 0, lastClaimed.get(String(tenantId)) ?? 0);
        top = (await firstFreeSeq(Entry, tenantId, known + 1)) - 1;
        below = Infinity;
      }
      const reader = createBlockReader(Entry, tenantId);
      const lowest = blockOf(floor + 1);
      let next = query.cursor ? blockOf(below - 1) : blockOf(top) + 1;
      let read = 0;
      let lookups = 0;
      const found: AuditEntry[] = [];
      while (next >= lowest && read < LIST_BLOCKS && found.length <= query.limit) {
        const group = Array.from({ length: Math.min(LIST_PARALLEL, next - lowest + 1, LIST_BLOCKS - read) }, (_, i) => next - i);
        const blocks = await Promise.all(group.map((b) => reader.entriesOf(b)));
        for (const [i, b] of group.entries()) {
          const entries = blocks[i]!;
          // A seq of the block (below the top) that no entry holds by block: an entry from before blocks, or a hole.
          const first = Math.max(b * AUDIT_BLOCK, floor + 1);
          const last = Math.min((b + 1) * AUDIT_BLOCK - 1, top, below - 1);
          if (entries.size < last - first + 1 && lookups < LIST_LEGACY_LOOKUPS) {
            for (let seq = first; seq <= last && lookups < LIST_LEGACY_LOOKUPS; seq += 1) {
              if (entries.has(seq)) continue;
              lookups += 1;
              await reader.at(seq);
            }
          }
          for (const entry of entries.values()) if (entry.seq < below && entry.seq > floor && keep(entry)) found.push(entry);
        }
        read += group.length;
        next -= group.length;
      }
      found.sort((a, b) => b.seq - a.seq);
      const page = found.slice(0, query.limit);
      if (found.length > query.limit) return { object: 'list' as const, data: page.map(toAuditDto), hasMore: true, nextCursor: encodeCursor(page[page.length - 1]!.seq) };
      // Every block above `next` was read: the next page starts below them.
      const hasMore = next >= lowest;
      return { object: 'list' as const, data: page.map(toAuditDto), hasMore, nextCursor: hasMore ? encodeCursor((next + 1) * AUDIT_BLOCK) : null };
    },

    /**
     * Seals what is pending (one bounded run), then walks the chain from the retention anchor, or from
     * `cursor` (the `nextCursor` of the previous page), at most VERIFY_BLOCKS blocks per call: every seq
     * present, each sealed entry's prevHash equal to the hash before it and its hash equal to a fresh hash
     * of both, each entry still unsealed (after the last sealed one only) hashing to its own content, and,
     * at the end, nothing cut off below the head's sealed point. `nextCursor` is null once the walk
     * reached the end.
     */
    async verify(tenantId: Types.ObjectId, cursor?: string): Promise<VerifyResult> {
      await this.seal(tenantId);
      const head = await Head.findOne({ tenantId, _id: tenantId }).lean();
      const anchor = { seq: head?.anchorSeq ?? 0, hash: head?.anchorHash ?? '' };
      const reader = createBlockReader(Entry, tenantId);
      let expectedSeq = anchor.seq + 1;
      let prevHash = anchor.hash;
      let checked = 0;
      let unsealed = false;
      const broken = (brokenAt: number, reason: 'missing' | 'altered', detail: string): VerifyResult => ({ ok: false, checked, anchor, lastSeq: expectedSeq - 1, brokenAt, reason, detail, nextCursor: null });
      const from = cursor === undefined ? anchor.seq : decodeCursor(cursor, 'v');
      if (from > anchor.seq) {
        // Carry on after the last entry the previous page checked: its stored hash is what the next links to.
        const last = await reader.at(from);
        if (!last) return broken(from, 'missing', `entry ${from} is missing`);
        expectedSeq = from + 1;
        prevHash = last.hash;
        unsealed = last.sealed === false;
      }
      const limit = expectedSeq + VERIFY_BLOCKS * AUDIT_BLOCK;
      while (expectedSeq < limit) {
        const entry = await reader.at(expectedSeq);
        if (!entry) {
          if (await reader.firstAfter(expectedSeq)) return broken(expectedSeq, 'missing', `entry ${expectedSeq} is missing`);
          const top = Math.max(head?.seq ?? 0, head?.sealedSeq ?? 0);
          if (top >= expectedSeq) return broken(expectedSeq, 'missing', `entries from ${expectedSeq} to ${top} are missing`);
          return { ok: true, checked, anchor, lastSeq: expectedSeq - 1, brokenAt: null, reason: null, detail: null, nextCursor: null };
        }
        if (entry.sealed === false || unsealed) {
          // Past the sealed chain: each entry stands on its own hash until the sealer links it.
          if (entry.sealed !== false) return broken(entry.seq, 'altered', `entry ${entry.seq} claims a place in the chain after an unsealed entry`);
          if (entry.prevHash !== '' || (!entry.redacted && entryHash('', entry) !== entry.hash)) return broken(entry.seq, 'altered', `entry ${entry.seq} was changed after it was written`);
          unsealed = true;
        } else {
          if (entry.prevHash !== prevHash) return broken(entry.seq, 'altered', `entry ${entry.seq} does not link to the entry before it`);
          // A redacted entry (a person erased, docs/privacy.md) keeps its stored hash: its link is checked, its values cannot be.
          if (!entry.redacted && entryHash(prevHash, entry) !== entry.hash) return broken(entry.seq, 'altered', `entry ${entry.seq} was changed after it was written`);
          prevHash = entry.hash;
        }
        expectedSeq += 1;
        checked += 1;
      }
      return { ok: true, checked, anchor, lastSeq: expectedSeq - 1, brokenAt: null, reason: null, detail: null, nextCursor: Buffer.from(`v:${expectedSeq - 1}`).toString('base64url') };
    },

    /**
     * Deletes entries older than the tenant's retention (settings.auditRetentionMonths, default 24).
     * The anchor (seq and hash of the last entry deleted) is stored first, so verification starts there
     * and a crash halfway leaves a chain that still verifies. Run by the scheduler, never by a route.
     */
    async prune(tenantId: Types.ObjectId, now = new Date()): Promise<{ deleted: number; anchorSeq: number }> {
      const tenant = await tenantModel(deps.connection).findById(tenantId).select('settings').lean();
      if (!tenant) throw AppError.notFound('Agency');
      const cutoff = subtractMonths(now, tenant.settings?.auditRetentionMonths ?? 24);
      await this.seal(tenantId);
      let last = await Entry.findOne({ tenantId, at: op({ $lt: cutoff }) }).sort({ seq: -1 }).select('seq hash sealed').lean();
      // Only sealed entries are pruned: the anchor must be a hash of the chain.
      const firstUnsealed = await Entry.findOne({ tenantId, sealed: false }).sort({ seq: 1 }).select('seq').lean();
      if (last && firstUnsealed && last.seq >= firstUnsealed.seq) last = await Entry.findOne({ tenantId, seq: firstUnsealed.seq - 1 }).select('seq hash sealed').lean();
      const head = await readHead(tenantId);
      if (!last || last.seq <= head.anchorSeq) return { deleted: 0, anchorSeq: head.anchorSeq };
      await Head.updateOne({ tenantId, _id: tenantId, anchorSeq: op({ $lt: last.seq }) }, { $set: { anchorSeq: last.seq, anchorHash: last.hash } });
      const deleted = await deleteManyBounded(Entry.collection, { tenantId, seq: { $lte: last.seq } });
      return { deleted, anchorSeq: last.seq };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

/** Applies a tenant's audit retention (see AuditService.prune); for the scheduler and scripts. */
export function pruneAudit(connection: Connection, tenantId: Types.ObjectId, now = new Date()) {
  return createAuditService({ connection }).prune(tenantId, now);
}
