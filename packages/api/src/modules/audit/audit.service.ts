import type { AnyBulkWriteOperation } from 'mongodb';
import { Types, type Connection } from 'mongoose';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { DomainEvent, EventBus } from '../../platform/events.js';
import { tenantModel } from '../identity/tenant.model.js';
import { entryHash, normalizeChanges, normalizeValue } from './audit.chain.js';
import { auditEntryModel, auditHeadModel, type AuditEntry } from './audit.model.js';

const MAX_APPEND_ATTEMPTS = 100;
const VERIFY_BATCH = 500;
/** How long a seq may stay missing before the sealer records it as a gap (a writer between `$inc` and insert). */
const GAP_GRACE_MS = 60_000;
/** How far back the sealer looks for the last sealed entry across missing seqs. */
const MAX_GAP_WALK = 100;

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

function decodeCursor(cursor: string): number {
  const match = /^a:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
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

  /** Hands out the tenant's next seq: one `$inc` on the head, never a read of the chain. */
  async function nextSeq(tenantId: Types.ObjectId): Promise<number> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const head = await Head.findOneAndUpdate({ tenantId, _id: tenantId }, { $inc: { seq: 1 }, $setOnInsert: { hash: '', anchorSeq: 0, anchorHash: '' } }, { upsert: true, returnDocument: 'after' }).lean();
        return head!.seq;
      } catch (error) {
        if (!isDuplicateKeyError(error) || attempt > 3) throw error;
      }
    }
  }

  /**
   * The chain hash that entry `seq + 1` links to: the anchor, the start, or a sealed entry's hash; null
   * when that entry is itself unsealed, undefined when it is missing.
   */
  async function sealedHashAt(tenantId: Types.ObjectId, seq: number, head: { anchorSeq: number; anchorHash: string } | null): Promise<string | null | undefined> {
    if (head && seq === head.anchorSeq) return head.anchorHash;
    if (seq === 0) return '';
    const entry = await Entry.findOne({ tenantId, seq }).select('hash sealed').lean();
    if (!entry) return undefined;
    return entry.sealed !== false ? entry.hash : null;
  }

  return {
    /**
     * Appends one event with two commands and no read of the chain: a seq from the head (`$inc`), then
     * the entry, hashed over its own content and seq and marked unsealed; `seal` links it into the chain
     * later. Concurrent writers of a tenant never wait for each other. The unique (tenantId, seq) index
     * refuses a second entry with the same seq (a head update lost by the database), and the loser
     * takes the next seq.
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
        const entry = { _id: new Types.ObjectId(), ...base, seq, prevHash: '', hash: '', sealed: false as const };
        entry.hash = entryHash('', entry);
        try {
          // The raw driver stores exactly the normalised values the hash covers (no casting or minimising).
          await Entry.collection.insertOne(entry);
        } catch (error) {
          if (isDuplicateKeyError(error)) continue;
          throw error;
        }
        return entry as AuditEntry;
      }
      throw new AppError('unavailable', 'The audit trail is too busy; retry');
    },

    /**
     * Links a tenant's unsealed entries into the chain, in seq order from the last sealed one: each gets
     * `prevHash` (the hash before it) and `hash` over both, the same formula as every entry written
     * before sealing existed, so old and new entries verify alike. It reads only the unsealed entries
     * (by equality) and the one before them, and is deterministic: two sealers write the same values, and
     * a crash halfway is finished by the next run. It stops at an entry whose own hash no longer matches
     * (verify reports it), and at a missing seq younger than GAP_GRACE_MS (its writer may still be
     * inserting); an older missing seq (a writer failed after taking it) is filled with an `audit.gap`
     * entry, so the gap is visible in the trail instead of breaking every later verification.
     */
    async seal(tenantId: Types.ObjectId, now = Date.now()): Promise<{ sealed: number }> {
      const pending = (await Entry.find({ tenantId, sealed: false }).lean()).sort((a, b) => a.seq - b.seq);
      if (!pending.length) return { sealed: 0 };
      const head = await Head.findOne({ tenantId, _id: tenantId }).lean();
      // The last sealed entry: normally right before the first unsealed one; a few seqs back after a gap.
      let seq = pending[0]!.seq - 1;
      let prevHash = await sealedHashAt(tenantId, seq, head);
      for (let back = 0; prevHash === undefined && back < MAX_GAP_WALK && seq > 0; back += 1) {
        seq -= 1;
        prevHash = await sealedHashAt(tenantId, seq, head);
      }
      if (prevHash === null || prevHash === undefined) return { sealed: 0 };
      let sealed = 0;
      let batch: AnyBulkWriteOperation[] = [];
      const flush = async () => {
        if (batch.length) await Entry.collection.bulkWrite(batch, { ordered: true });
        sealed += batch.length;
        batch = [];
      };
      for (const entry of pending) {
        while (entry.seq > seq + 1) {
          if (now - entry._id.getTimestamp().getTime() < GAP_GRACE_MS) return await flush(), { sealed };
          await flush();
          const content = { tenantId, seq: seq + 1, type: 'audit.gap', resource: 'audit', resourceId: null, actorUserId: null, actorApiKeyId: null, ip: null, userAgent: null, changes: [], data: { reason: 'this seq was handed out but its entry was never written' }, at: new Date(now) };
          const gapHash: string = entryHash(prevHash!, content);
          const gap = { _id: new Types.ObjectId(), ...content, prevHash: prevHash!, hash: gapHash };
          try {
            await Entry.collection.insertOne(gap);
          } catch (error) {
            if (isDuplicateKeyError(error)) return { sealed }; // its writer came after all; the next run seals it
            throw error;
          }
          sealed += 1;
          seq += 1;
          prevHash = gapHash;
        }
        if (entry.seq !== seq + 1 || entry.prevHash !== '' || entryHash('', entry) !== entry.hash) break;
        const hash = entryHash(prevHash!, entry);
        // By `_id` alone (globally unique, read from this tenant above): the one filter every FerretDB handler pushes down.
        batch.push({ updateOne: { filter: { _id: entry._id, sealed: false }, update: { $set: { prevHash, hash }, $unset: { sealed: '' } } } });
        seq = entry.seq;
        prevHash = hash;
      }
      await flush();
      return { sealed };
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

    /** A page of entries, newest first, filtered by actor, resource, record, type and time. */
    async list(tenantId: Types.ObjectId, query: AuditQuery) {
      const filter: Record<string, unknown> = { tenantId };
      const and: Record<string, unknown>[] = [];
      if (query.actor) {
        const actor = new Types.ObjectId(query.actor);
        and.push({ $or: [{ actorUserId: actor }, { actorApiKeyId: actor }] });
      }
      if (query.resource) filter.resource = query.resource;
      if (query.resourceId) filter.resourceId = query.resourceId;
      if (query.type) filter.type = query.type;
      if (query.from || query.to) filter.at = op({ ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) });
      if (query.cursor) filter.seq = op({ $lt: decodeCursor(query.cursor) });
      if (and.length) filter.$and = and;
      const docs = await Entry.find(filter).sort({ seq: -1 }).limit(query.limit + 1).lean();
      const page = docs.slice(0, query.limit);
      const hasMore = docs.length > query.limit;
      return { object: 'list' as const, data: page.map(toAuditDto), hasMore, nextCursor: hasMore ? encodeCursor(page[page.length - 1]!.seq) : null };
    },

    /**
     * Seals what is pending, then walks the chain from the retention anchor: every seq present, each
     * sealed entry's prevHash equal to the hash before it and its hash equal to a fresh hash of both, each
     * entry still unsealed (after the last sealed one only) hashing to its own content, and nothing cut
     * off after the head.
     */
    async verify(tenantId: Types.ObjectId): Promise<VerifyResult> {
      await this.seal(tenantId);
      const head = await Head.findOne({ tenantId, _id: tenantId }).lean();
      const anchor = { seq: head?.anchorSeq ?? 0, hash: head?.anchorHash ?? '' };
      let expectedSeq = anchor.seq + 1;
      let prevHash = anchor.hash;
      let checked = 0;
      let unsealedSince: number | null = null;
      const broken = (brokenAt: number, reason: 'missing' | 'altered', detail: string): VerifyResult => ({ ok: false, checked, anchor, lastSeq: expectedSeq - 1, brokenAt, reason, detail });
      {
        // One pass over one cursor: FerretDB filters and sorts in its own process, so pages of `seq >= n`
        // would each decode the agency's whole trail again (quadratic in its length).
        const entries = Entry.find({ tenantId, seq: op({ $gte: expectedSeq }) }).sort({ seq: 1 }).batchSize(VERIFY_BATCH).lean().cursor();
        for await (const entry of entries) {
          if (entry.seq !== expectedSeq) return broken(expectedSeq, 'missing', `entry ${expectedSeq} is missing`);
          if (entry.sealed === false || unsealedSince !== null) {
            // Past the sealed chain: each entry stands on its own hash until the sealer links it.
            if (entry.sealed !== false) return broken(entry.seq, 'altered', `entry ${entry.seq} claims a place in the chain after an unsealed entry`);
            if (entry.prevHash !== '' || entryHash('', entry) !== entry.hash) return broken(entry.seq, 'altered', `entry ${entry.seq} was changed after it was written`);
            unsealedSince ??= entry.seq;
            expectedSeq += 1;
            checked += 1;
            continue;
          }
          if (entry.prevHash !== prevHash) return broken(entry.seq, 'altered', `entry ${entry.seq} does not link to the entry before it`);
          if (entryHash(prevHash, entry) !== entry.hash) return broken(entry.seq, 'altered', `entry ${entry.seq} was changed after it was written`);
          prevHash = entry.hash;
          expectedSeq += 1;
          checked += 1;
        }
      }
      if (head && head.seq >= expectedSeq) return broken(expectedSeq, 'missing', `entries from ${expectedSeq} to ${head.seq} are missing`);
      return { ok: true, checked, anchor, lastSeq: expectedSeq - 1, brokenAt: null, reason: null, detail: null };
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
      const result = await Entry.deleteMany({ tenantId, seq: op({ $lte: last.seq }) });
      return { deleted: result.deletedCount, anchorSeq: last.seq };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

/** Applies a tenant's audit retention (see AuditService.prune); for the scheduler and scripts. */
export function pruneAudit(connection: Connection, tenantId: Types.ObjectId, now = new Date()) {
  return createAuditService({ connection }).prune(tenantId, now);
}
