import { Schema, Types, type Connection, type Model } from 'mongoose';
import { searchedWithoutPendingList } from '../db/pushdown-options.js';
import { createFreshRead } from '../fresh-read.js';

/**
 * Who the caller is, cached per signed-in session, and checked against the database in one round trip.
 *
 * Every change to what a principal is made of (roles, users, teams and departments, products) and every
 * session revocation bumps its agency's stamp in `access_versions` (`{ _id: tenantId, v }`, a fresh unique value per change, by the
 * `invalidatesAccess` plugin, after the write). A request reads that one document by `_id` (pushed down
 * by every engine) and reuses the cached principal while the counter is what it was when the principal
 * was loaded; any change, made by any API process, is seen by the next request everywhere.
 */
export const ACCESS_VERSIONS = 'access_versions';

const accessVersionSchema = new Schema<{ _id: Types.ObjectId; v: string }>({ _id: { type: Schema.Types.ObjectId, required: true }, v: { type: String, required: true } }, { collection: ACCESS_VERSIONS, versionKey: false });
// Read by `_id` on every request, right after the writes that move it: no pending list in front of its GIN index.
searchedWithoutPendingList(accessVersionSchema);

/**
 * The counters' model, registered while the app is built (modules/index.ts), so the collection and its `_id`
 * index exist from start: made by its first write instead, on FerretDB's PostgreSQL handler every read of a
 * counter was a sequential scan of every agency's.
 */
export function accessVersionModel(connection: Connection): Model<{ _id: Types.ObjectId; v: string }> {
  return (connection.models.AccessVersion as Model<{ _id: Types.ObjectId; v: string }>) ?? connection.model('AccessVersion', accessVersionSchema, ACCESS_VERSIONS);
}

/** The stamp each agency's most recently started read returned, per connection (see lastReadAccessVersion). */
const lastReads = new WeakMap<Connection, Map<string, { seq: number; startedAt: number; value: string }>>();
let readSeq = 0;

/** Each connection's shared reads of the stamp (platform/fresh-read.ts), per agency. */
const freshReads = new WeakMap<Connection, (key: string, asOf?: number) => Promise<string>>();

/**
 * The agency's access stamp now ('' before its first change): a read that started after this call, so
 * every change made before it is seen. Calls made while a read runs share the next one (at most one in
 * flight and one waiting per agency and connection), so 50 requests at once send one or two reads of the
 * counter, not fifty, and each still waits for a read no older than itself.
 */
export function readAccessVersion(connection: Connection, tenantId: Types.ObjectId): Promise<string> {
  let fresh = freshReads.get(connection);
  if (!fresh) freshReads.set(connection, (fresh = createFreshRead((key) => readStoredAccessVersion(connection, new Types.ObjectId(key)))));
  return fresh(String(tenantId));
}

async function readStoredAccessVersion(connection: Connection, tenantId: Types.ObjectId): Promise<string> {
  const seq = (readSeq += 1);
  const startedAt = Date.now();
  const doc = await connection.collection<{ _id: Types.ObjectId; v: unknown }>(ACCESS_VERSIONS).findOne({ _id: tenantId }, { projection: { v: 1 } });
  const value = doc?.v === undefined || doc.v === null ? '' : String(doc.v);
  let reads = lastReads.get(connection);
  if (!reads) lastReads.set(connection, (reads = new Map()));
  const key = String(tenantId);
  const previous = reads.get(key);
  if (!previous || previous.seq < seq) {
    reads.delete(key);
    reads.set(key, { seq, startedAt, value });
    if (reads.size > 10_000) reads.delete(reads.keys().next().value!);
  }
  return value;
}

/**
 * What this process's most recently *started* read of the agency's stamp returned, and when it started.
 * A request signed in by session read the stamp before its handler runs, so the latest-started read is
 * at least as new as that request's own: a cache checked against it (the workflow engine's) sees every
 * change made before the request began, without a round trip of its own.
 */
export function lastReadAccessVersion(connection: Connection, tenantId: Types.ObjectId): { value: string; startedAt: number } | undefined {
  return lastReads.get(connection)?.get(String(tenantId));
}

/** Moves the counters of `tenantIds` on (all agencies' when a write's agency cannot be told). */
export async function bumpAccessVersion(connection: Connection, tenantIds: Types.ObjectId[] | 'all'): Promise<void> {
  // A new unique stamp, never an $inc: FerretDB does not apply concurrent updates of one document
  // atomically, so two $inc could both land on the same value and a revocation would not be seen by a
  // principal cached between them. Any two writes leave a stamp no reader has cached.
  const versions = connection.collection<{ _id: Types.ObjectId; v: string }>(ACCESS_VERSIONS);
  const stamp = () => new Types.ObjectId().toHexString();
  if (tenantIds === 'all') {
    await versions.updateMany({}, { $set: { v: stamp() } });
    return;
  }
  for (const tenantId of tenantIds) await versions.updateOne({ _id: tenantId }, { $set: { v: stamp() } }, { upsert: true });
}

/** The agency ids a write names, or undefined when it cannot be told (then every agency's counter moves). */
export function tenantIdsOf(value: unknown): Types.ObjectId[] | undefined {
  if (value instanceof Types.ObjectId) return [value];
  if (typeof value === 'string' && Types.ObjectId.isValid(value)) return [new Types.ObjectId(value)];
  if (value && typeof value === 'object' && '$in' in value && Array.isArray((value as { $in: unknown[] }).$in)) {
    const ids = (value as { $in: unknown[] }).$in.map((v) => tenantIdsOf(v));
    return ids.every(Boolean) ? ids.flatMap((v) => v!) : undefined;
  }
  return undefined;
}

/** A bounded map of cached principals, each with the access counter it was loaded at. */
export class PrincipalCache<T> {
  readonly #entries = new Map<string, { version: string; value: T; until: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    /** An upper bound on an entry's life even while nothing changes (a session's natural expiry). */
    private readonly maxAgeMs = 5 * 60_000,
  ) {}

  /** The cached value when it was loaded at `version` and is not too old. */
  get(key: string, version: string): T | undefined {
    const hit = this.#entries.get(key);
    if (!hit) return undefined;
    if (hit.version !== version || Date.now() > hit.until) {
      this.#entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: string, version: string, value: T, untilMs = Date.now() + this.maxAgeMs): void {
    this.#entries.delete(key);
    this.#entries.set(key, { version, value, until: Math.min(untilMs, Date.now() + this.maxAgeMs) });
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }

  get size(): number {
    return this.#entries.size;
  }
}
