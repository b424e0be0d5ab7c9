import { createHash, randomUUID } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { deleteManyBounded } from '../db/bulk-writes.js';
import { op } from '../db/operators.js';
import type { ListSpec } from '../records/list-query.js';
import { recordCountBaseModel, recordCountDeltaModel, type RecordCountDelta } from './record-count.model.js';

/**
 * Counts of records kept with the writes, so `count` never counts records (FerretDB decodes every match
 * of a count in Go: seconds at 100k). Per agency and kind there is a counter for the total, for each
 * value of each counted filter (`status`, `stage`, `ownerId`) and for each pair of them.
 *
 * FerretDB v1 runs `$inc` and compare-and-set as read-then-write, so concurrent writers cannot share a
 * counter document. A write instead inserts one delta per counter it changes, under an `_id` that names
 * the write once and for all: `<record>:<version>|<counter>` for a write of one record, and
 * `created:<batch>|<counter>` for a batch of creates (an import batch, a seed), where `<batch>` is a hash
 * of the batch's record ids and the delta carries the batch's net count for that counter (one delta per
 * counter per batch, not per record: 100,000 imported contacts leave hundreds of deltas, not 400,000).
 * Inserts never collide, and the same write counted again (a retry, an import batch run again after a
 * crash: its records keep their ids, derived from the import and the row) is refused by the unique `_id`;
 * a crash half-way through a batch's deltas leaves some of its counters written, and the batch run again
 * writes only the others. A counter reads its base and its deltas by equality on its key. The recurring
 * fold job (one runner at a time, Agenda's lock) moves deltas into the base: it marks them with a fold
 * id, adds them to the base, which records the fold, then deletes the deltas of the fold before it; a
 * crash at any step leaves marks that the reader and the next fold tell apart by the base's fold ids, so
 * nothing is counted twice or lost. The rebuild job recounts an agency's kind from its records (for
 * counters that a write past this module left wrong).
 */

/** What counting needs to know about a kind of record. */
export interface CountedKind {
  resource: string;
  list: ListSpec;
}

/** The filter parameters that have counters (each one a scalar at the path of its own name). */
const COUNTED_PARAMS = ['ownerId', 'stage', 'status'] as const;

/** The counted filter parameters of a kind, in key order. */
export function countedParams(kind: CountedKind): string[] {
  return COUNTED_PARAMS.filter((p) => {
    const f = kind.list.filters[p];
    return f && f.path === p && (f.kind === 'id' || f.kind === 'enum' || f.kind === 'string');
  });
}

const valueText = (v: unknown) => (v === null || v === undefined ? '-' : v instanceof Types.ObjectId ? v.toHexString() : String(v));

/** The key of the counter of `kind` in the agency under the equalities given (counted params only). */
export function counterKey(tenantId: Types.ObjectId, resource: string, equalities: Record<string, unknown>): string {
  const parts = Object.keys(equalities)
    .sort()
    .map((p) => `${p}=${valueText(equalities[p])}`);
  return `${tenantId.toHexString()}|${resource}|${parts.join('&')}`;
}

/** Every counter a record counts in: the total, each counted value, each pair. */
export function countersOf(kind: CountedKind, doc: Record<string, unknown> & { tenantId: Types.ObjectId }): string[] {
  const params = countedParams(kind);
  const keys = [counterKey(doc.tenantId, kind.resource, {})];
  for (let i = 0; i < params.length; i += 1) {
    keys.push(counterKey(doc.tenantId, kind.resource, { [params[i]!]: doc[params[i]!] }));
    for (let j = i + 1; j < params.length; j += 1) keys.push(counterKey(doc.tenantId, kind.resource, { [params[i]!]: doc[params[i]!], [params[j]!]: doc[params[j]!] }));
  }
  return keys;
}

const kindsByConnection = new WeakMap<Connection, Map<string, CountedKind>>();

/** Records a kind as counted on a connection (the record service does it for the kinds it runs), keyed by its collection. */
export function registerCountedKind(connection: Connection, collection: string, kind: CountedKind): void {
  recordCountDeltaModel(connection);
  recordCountBaseModel(connection);
  const kinds = kindsByConnection.get(connection) ?? new Map<string, CountedKind>();
  kinds.set(collection, kind);
  kindsByConnection.set(connection, kinds);
}

/** The counted kind whose records live in `collection`, if any. */
export function countedKindOfCollection(connection: Connection, collection: string): CountedKind | undefined {
  return kindsByConnection.get(connection)?.get(collection);
}

type Counted = Record<string, unknown> & { _id: Types.ObjectId; tenantId: Types.ObjectId };

/**
 * Counts one write of a record: `before` (null for a create) and `after` (null for a delete). `write`
 * names the write once and for all (`v<version>` or `del`), so counting it again changes nothing.
 */
export async function countWrite(connection: Connection, kind: CountedKind, before: Counted | null, after: Counted | null, write: string): Promise<void> {
  const record = (after ?? before)!;
  const change = new Map<string, number>();
  if (before) for (const key of countersOf(kind, before)) change.set(key, (change.get(key) ?? 0) - 1);
  if (after) for (const key of countersOf(kind, after)) change.set(key, (change.get(key) ?? 0) + 1);
  const deltas = [...change].filter(([, d]) => d !== 0).map(([key, d]) => ({ _id: `${record._id.toHexString()}:${write}|${key}`, tenantId: record.tenantId, kind: kind.resource, key, d, fold: null }));
  await insertDeltas(connection, deltas);
}

/**
 * Counts many records created at once (an import batch, a seed): one delta per counter carrying the
 * batch's net count, under an `_id` derived from the batch's record ids, so the same batch counted again
 * (run again after a crash, with the same rows and so the same ids) changes nothing. A batch that
 * accepted other records the second time (a rule of the agency changed between the crash and the
 * resume) is another batch: the records of both would count twice, which the rebuild job repairs.
 */
export async function countCreated(connection: Connection, kind: CountedKind, docs: ReadonlyArray<Counted>): Promise<void> {
  if (!docs.length) return;
  const batch = createHash('sha256')
    .update(docs.map((doc) => doc._id.toHexString()).sort().join(','))
    .digest('hex')
    .slice(0, 32);
  const net = new Map<string, { tenantId: Types.ObjectId; d: number }>();
  for (const doc of docs) {
    for (const key of countersOf(kind, doc)) {
      const entry = net.get(key);
      if (entry) entry.d += 1;
      else net.set(key, { tenantId: doc.tenantId, d: 1 });
    }
  }
  await insertDeltas(
    connection,
    [...net].map(([key, { tenantId, d }]) => ({ _id: `created:${batch}|${key}`, tenantId, kind: kind.resource, key, d, fold: null })),
  );
}

async function insertDeltas(connection: Connection, deltas: RecordCountDelta[]): Promise<void> {
  const Deltas = recordCountDeltaModel(connection);
  for (let i = 0; i < deltas.length; i += 2000) {
    try {
      await Deltas.collection.insertMany(deltas.slice(i, i + 2000) as never[], { ordered: false });
    } catch (error) {
      // The driver gives one write error as an object and several as an array; a duplicate is a write counted already.
      const e = error as { code?: number; writeErrors?: { code: number } | Array<{ code: number }> };
      const writeErrors = e.writeErrors === undefined ? [] : Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
      const codes = writeErrors.length ? writeErrors.map((w) => w.code) : [e.code];
      if (codes.some((c) => c !== 11000)) throw error;
    }
  }
}

/** The value of one counter: its base and the deltas no fold has taken into it (two reads by equality). */
export async function readCounter(connection: Connection, tenantId: Types.ObjectId, key: string): Promise<number> {
  const base = await recordCountBaseModel(connection).findOne({ tenantId, _id: key }).lean();
  const deltas = await recordCountDeltaModel(connection).find({ tenantId, key }).lean();
  const folded = new Set(base?.folds ?? []);
  return (base?.n ?? 0) + deltas.reduce((n, delta) => (delta.fold && folded.has(delta.fold) ? n : n + delta.d), 0);
}

/**
 * Takes a counter's pending deltas into its base. Must not run twice at once for the same counter (the
 * fold job runs one at a time): the base is written as read-then-write.
 */
export async function foldCounter(connection: Connection, tenantId: Types.ObjectId, key: string): Promise<void> {
  const Bases = recordCountBaseModel(connection);
  const Deltas = recordCountDeltaModel(connection);
  const base = await Bases.findOne({ tenantId, _id: key }).lean();
  const folds = base?.folds ?? [];
  const deltas = await Deltas.find({ tenantId, key }).select({ _id: 1, fold: 1 }).lean();
  const held = (delta: { fold: string | null }) => Boolean(delta.fold && folds.includes(delta.fold));
  const stale = deltas.filter((delta) => delta.fold && delta.fold === folds[0]);
  if (deltas.some((delta) => !held(delta))) {
    const fold = randomUUID();
    // Marked by equality (pushed down), never by a list of ids: the `$in` of every pending id was a
    // command of about 30 bytes per delta, past MongoDB's 16 MB command limit after an import of a million
    // records. Marks a crashed fold left (the base does not hold them) are taken over first, then every
    // unmarked delta, those that arrived since the read too; the sum is read back from what carries this
    // fold's mark. Each mark is one command, but FerretDB 1.24 runs an update of many documents as one
    // UPDATE statement per document (`handler/common/update.go`), so marking costs one statement per
    // delta whatever the commands: what keeps it cheap is few deltas (a batch of creates writes one per
    // counter, see countCreated).
    for (const orphan of new Set(deltas.filter((delta) => delta.fold && !held(delta)).map((delta) => delta.fold!))) {
      await Deltas.updateMany({ tenantId, key, fold: orphan }, { $set: { fold } });
    }
    await Deltas.updateMany({ tenantId, key, fold: null }, { $set: { fold } });
    const marked = await Deltas.find({ tenantId, key, fold }).select({ d: 1, kind: 1 }).lean();
    if (marked.length) {
      const n = (base?.n ?? 0) + marked.reduce((sum, d) => sum + d.d, 0);
      await Bases.updateOne({ tenantId, _id: key }, { $set: { n, folds: [folds[folds.length - 1] ?? '', fold].filter(Boolean), kind: marked[0]!.kind } }, { upsert: true });
    }
  }
  // The fold before the last is older than any read in flight could still need: its deltas go by equality
  // on the counter and that fold's mark (pushed down), one delete of at most 30,000 at a time through
  // deleteManyBounded: FerretDB 1.24 deletes a whole match in one SQL statement with a parameter per
  // document and refuses it past 65,535, which failed every fold of a counter after an import of 100,000
  // records (bench/RESULTS.md, 2026-12-06). Deleting them by `_id`, 16 to a command, took about 650 a second.
  if (stale.length) await deleteManyBounded(Deltas.collection, { tenantId, key, fold: folds[0]! });
}

/** Folds every counter that has deltas (the recurring job). Answers how many counters it folded. */
export async function foldAllCounters(connection: Connection): Promise<number> {
  const deltas = await recordCountDeltaModel(connection).find({}).setOptions({ crossTenant: 'the fold job folds every agency' }).select({ tenantId: 1, key: 1 }).lean();
  const keys = new Map<string, Types.ObjectId>();
  for (const delta of deltas) keys.set(delta.key, delta.tenantId);
  for (const [key, tenantId] of keys) await foldCounter(connection, tenantId, key);
  return keys.size;
}

/**
 * Recounts an agency's records of one kind from the records (the repair path): reads the counted fields
 * of every record, writes each counter's base, and drops the deltas seen before the read. Run it when
 * that kind's writes are quiet: a write that lands during the read may be counted twice or not at all.
 */
export async function rebuildCounters(connection: Connection, tenantId: Types.ObjectId, collection: string): Promise<number> {
  const kind = countedKindOfCollection(connection, collection);
  if (!kind) return 0;
  const Deltas = recordCountDeltaModel(connection);
  const Bases = recordCountBaseModel(connection);
  const before = await Deltas.find({ tenantId, kind: kind.resource }).select({ _id: 1 }).lean();
  const params = countedParams(kind);
  const totals = new Map<string, number>();
  const cursor = connection.collection(collection).find({ tenantId }, { projection: { _id: 1, tenantId: 1, ...Object.fromEntries(params.map((p) => [p, 1])) }, batchSize: 2000 });
  let records = 0;
  for await (const doc of cursor) {
    records += 1;
    for (const key of countersOf(kind, doc as Counted)) totals.set(key, (totals.get(key) ?? 0) + 1);
  }
  const existing = await Bases.find({ tenantId, kind: kind.resource }).select({ _id: 1 }).lean();
  for (const { _id } of existing) if (!totals.has(_id)) totals.set(_id, 0);
  const fold = `rebuild:${randomUUID()}`;
  for (const [key, n] of totals) await Bases.updateOne({ tenantId, _id: key }, { $set: { n, folds: [fold], kind: kind.resource } }, { upsert: true });
  for (let i = 0; i < before.length; i += 500) await Deltas.deleteMany({ tenantId, kind: kind.resource, _id: op({ $in: before.slice(i, i + 500).map((d) => d._id) }) });
  return records;
}
