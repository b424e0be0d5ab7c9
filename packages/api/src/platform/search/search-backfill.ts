import { Types, type Connection } from 'mongoose';
import { op } from '../db/operators.js';
import { searchEntryModel } from './search-entry.model.js';
import { indexRecords, syncRecordSearch, type SearchableKind } from './search-index.js';
import { searchableKinds } from './search-registry.js';

/**
 * The one-time move from `searchTokens` arrays inside records (before the search index existed) to
 * search entries. For every searchable kind, streams its collection once (no filter, no sort, so
 * FerretDB reads it as it comes), and for each record that still carries `searchTokens`: writes its
 * entries, removes any an interrupted run wrote before, checks the record did not change meanwhile,
 * and only then drops the array. So it can stop anywhere and start again (what is done is skipped,
 * what was half done is redone, nothing is indexed twice), and a finished kind is recorded in
 * `search_backfill` with its entry format and not read again; a kind recorded in an older format has
 * every record indexed again.
 */
const BATCH = 500;
const PARALLEL = 16;

interface BackfillState {
  _id: string;
  done: boolean;
  /** The entry format the kind was indexed in; an older one (or none) is indexed again, every record. */
  format?: number;
  indexed: number;
  at: Date;
}

/**
 * Entries written before `key` existed (format 1) cannot be looked up, and entries without `sk` and an
 * explicit `exact` (format 2) cannot be read a shard at a time: a kind indexed in them is redone. Format
 * 3 also stored 2-letter prefixes (`li` for Lisbon), which format 4 drops (search-tokens.ts,
 * `MIN_PREFIX`): redoing a kind removes them. Until then a search confirms every match on the record's
 * own tokens (the current rule), so it finds the same records before, during and after the redo.
 */
export const SEARCH_ENTRY_FORMAT = 4;
const FORMAT = SEARCH_ENTRY_FORMAT;
/** How long a process trusts what it read of a kind's backfill state while the kind is still being redone. */
const STATE_RECHECK_MS = 5000;
const ready = new WeakMap<Connection, Map<string, number>>();

/**
 * Whether the kind's entries are all in the current format (so a search may read them by shard): true
 * unless the kind was indexed in an older format and is not redone yet. Once true it stays true for the
 * process (one read); until then it is read again at most every 5 s.
 */
export async function searchFormatReady(connection: Connection, resource: string): Promise<boolean> {
  const known = ready.get(connection) ?? new Map<string, number>();
  ready.set(connection, known);
  const checked = known.get(resource);
  if (checked === Infinity) return true;
  if (checked !== undefined && Date.now() - checked < STATE_RECHECK_MS) return false;
  const state = await connection.db!.collection<BackfillState>('search_backfill').findOne({ _id: resource });
  const current = !state || (state.done && (state.format ?? 0) >= FORMAT);
  known.set(resource, current ? Infinity : Date.now());
  return current;
}

/** Backfills every kind registered on the connection; returns how many records were indexed. */
export async function backfillSearchIndex(connection: Connection, options: { log?: (line: string) => void; signal?: AbortSignal } = {}): Promise<number> {
  const state = connection.db!.collection<BackfillState>('search_backfill');
  let total = 0;
  for (const kind of searchableKinds(connection)) {
    if (options.signal?.aborted) break;
    const previous = await state.findOne({ _id: kind.resource });
    if (previous?.done && previous.format === FORMAT) continue;
    const indexed = await backfillKind(connection, kind, { ...options, everyRecord: Boolean(previous) });
    if (indexed === null) break;
    total += indexed;
    await state.updateOne({ _id: kind.resource }, { $set: { done: true, format: FORMAT, indexed, at: new Date() } }, { upsert: true });
    if (indexed) options.log?.(`search index: ${indexed} ${kind.resource} records indexed`);
  }
  return total;
}

/** Indexes the kind's old-shape records; null when stopped by the signal before the end. */
async function backfillKind(connection: Connection, kind: SearchableKind<Record<string, unknown>>, options: { signal?: AbortSignal; everyRecord: boolean }): Promise<number | null> {
  const cursor = kind.model.collection.find({}, { batchSize: 1000 });
  let batch: Record<string, unknown>[] = [];
  let indexed = 0;
  try {
    for await (const doc of cursor) {
      if (options.signal?.aborted) return null;
      if (!options.everyRecord && !Array.isArray(doc.searchTokens)) continue;
      batch.push(doc);
      if (batch.length >= BATCH) {
        indexed += await backfillBatch(connection, kind, batch);
        batch = [];
      }
    }
    if (batch.length) indexed += await backfillBatch(connection, kind, batch);
  } finally {
    await cursor.close();
  }
  return indexed;
}

async function backfillBatch(connection: Connection, kind: SearchableKind<Record<string, unknown>>, docs: Record<string, unknown>[]): Promise<number> {
  const Entries = searchEntryModel(connection);
  const first = new Types.ObjectId();
  await indexRecords(connection, kind, docs);
  for (let i = 0; i < docs.length; i += PARALLEL) {
    await Promise.all(
      docs.slice(i, i + PARALLEL).map(async (doc) => {
        const recordId = doc._id as Types.ObjectId;
        const tenantId = doc.tenantId as Types.ObjectId;
        await Entries.deleteMany({ tenantId, recordId, _id: op({ $lt: first }) } as never);
        const now = await kind.model.collection.findOne({ _id: recordId });
        // Changed or deleted while this batch ran: index it as it is now.
        if (!now || (now.version ?? 0) !== (doc.version ?? 0)) await syncRecordSearch(connection, kind, tenantId, recordId, now ? (now as never) : null);
        if (now) await kind.model.collection.updateOne({ _id: recordId }, { $unset: { searchTokens: '' } });
      }),
    );
  }
  return docs.length;
}
