import { Types, type Connection } from 'mongoose';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { DomainEvent, EventBus } from '../../platform/events.js';
import { tenantModel } from '../identity/tenant.model.js';
import { entryHash, normalizeChanges, normalizeValue } from './audit.chain.js';
import { auditEntryModel, auditHeadModel, type AuditEntry } from './audit.model.js';

const MAX_APPEND_ATTEMPTS = 100;
const VERIFY_BATCH = 500;

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

  return {
    /**
     * Appends one event. The next seq comes from the head (advanced with a compare-and-`$inc`), after
     * catching up past entries a concurrent or crashed writer inserted but did not count yet; the unique
     * (tenantId, seq) index refuses a second entry with the same seq, and the loser retries on top of it.
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
        const head = await readHead(event.tenantId);
        let seq = Math.max(head.seq, head.anchorSeq);
        let prevHash = head.seq >= head.anchorSeq ? head.hash : head.anchorHash;
        for (;;) {
          const next = await Entry.findOne({ tenantId: event.tenantId, seq: seq + 1 }).select('seq hash').lean();
          if (!next) break;
          seq = next.seq;
          prevHash = next.hash;
        }
        const entry = { _id: new Types.ObjectId(), ...base, seq: seq + 1, prevHash, hash: '' };
        entry.hash = entryHash(prevHash, entry);
        try {
          // The raw driver stores exactly the normalised values the hash covers (no casting or minimising).
          await Entry.collection.insertOne(entry);
        } catch (error) {
          if (isDuplicateKeyError(error)) continue;
          throw error;
        }
        await Head.findOneAndUpdate({ tenantId: event.tenantId, _id: event.tenantId, seq: head.seq }, { $inc: { seq: entry.seq - head.seq }, $set: { hash: entry.hash } });
        return entry as AuditEntry;
      }
      throw new AppError('unavailable', 'The audit trail is too busy; retry');
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
     * Walks the chain from the retention anchor: every seq present, each entry's prevHash equal to the
     * hash before it, each hash equal to a fresh hash of its content, and nothing cut off after the head.
     */
    async verify(tenantId: Types.ObjectId): Promise<VerifyResult> {
      const head = await Head.findOne({ tenantId, _id: tenantId }).lean();
      const anchor = { seq: head?.anchorSeq ?? 0, hash: head?.anchorHash ?? '' };
      let expectedSeq = anchor.seq + 1;
      let prevHash = anchor.hash;
      let checked = 0;
      const broken = (brokenAt: number, reason: 'missing' | 'altered', detail: string): VerifyResult => ({ ok: false, checked, anchor, lastSeq: expectedSeq - 1, brokenAt, reason, detail });
      for (;;) {
        const batch = await Entry.find({ tenantId, seq: op({ $gte: expectedSeq }) }).sort({ seq: 1 }).limit(VERIFY_BATCH).lean();
        for (const entry of batch) {
          if (entry.seq !== expectedSeq) return broken(expectedSeq, 'missing', `entry ${expectedSeq} is missing`);
          if (entry.prevHash !== prevHash) return broken(entry.seq, 'altered', `entry ${entry.seq} does not link to the entry before it`);
          if (entryHash(prevHash, entry) !== entry.hash) return broken(entry.seq, 'altered', `entry ${entry.seq} was changed after it was written`);
          prevHash = entry.hash;
          expectedSeq += 1;
          checked += 1;
        }
        if (batch.length < VERIFY_BATCH) break;
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
      const last = await Entry.findOne({ tenantId, at: op({ $lt: cutoff }) }).sort({ seq: -1 }).select('seq hash').lean();
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
