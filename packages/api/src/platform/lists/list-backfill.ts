import type { Connection, Types } from 'mongoose';
import { findByIdInTenant } from '../db/tenancy.plugin.js';
import { listRowModel } from './list-row.model.js';
import { moveListStamps } from './list-page-cache.js';
import { listedKinds, syncListRow, writeListRows, type ListedKind } from './list-rows.js';
import { listNameLabels, nameFields, nameKeyField, nameSortsOf } from './list-names.js';

/**
 * Gives every record written before list rows existed its row. For every listed kind, streams the
 * collection once (no filter, no sort: FerretDB reads it as it comes) and writes rows in bulk, whole
 * blocks at a time in the order read; a record that got its row from a write meanwhile keeps that
 * one (the insert of a duplicate `_id` is skipped), and each inserted row is checked against its
 * record afterwards, so one changed or deleted while the batch ran is made right. A finished kind is
 * recorded in `list_backfill` and not read again; a stopped run starts again from the beginning and
 * skips what is done. A kind is marked done only when its records were read and each has a row: a kind
 * with no records yet is not (its state says so), so records that reach the database later by a path
 * that writes no rows (a restore, an old process still running) are given theirs at the next start. A
 * record that already has its row is skipped before any block is claimed, so a run over rows that exist
 * adds no empty blocks.
 *
 * Then, once, rows written before the list item was stored as JSON text (`itemJson`) get it from their
 * nested `item`, which is removed (`compactListItems`, recorded in `list_backfill` as `rows:itemJson`);
 * and rows written before the name orders get their name keys and prefix buckets (`backfillNameFields`,
 * recorded as `rows:names`; until then lists in those orders are read from the records, `namesReady`).
 */
const BATCH = 1000;
const PARALLEL = 16;
/** Bumped when the row shape changes, so every kind is written again. */
const FORMAT = 1;
/** Rows rewritten at once by `compactListItems`: about one core (each row is ~2.8 ms of CPU across API, FerretDB and PostgreSQL). */
const COMPACT_PARALLEL = 2;

export async function backfillListRows(connection: Connection, options: { log?: (line: string) => void; signal?: AbortSignal } = {}): Promise<number> {
  const state = connection.db!.collection<{ _id: string; done: boolean; format: number; rows: number; at: Date }>('list_backfill');
  let total = 0;
  for (const kind of listedKinds(connection)) {
    if (options.signal?.aborted) break;
    const previous = await state.findOne({ _id: kind.resource });
    if (previous?.done && previous.format === FORMAT) continue;
    const result = await backfillKind(connection, kind, options.signal);
    if (result === null) break;
    const { rows, records } = result;
    total += rows;
    await state.updateOne({ _id: kind.resource }, { $set: { done: records > 0, format: FORMAT, rows, records, at: new Date() } }, { upsert: true });
    if (rows) options.log?.(`list rows: ${rows} ${kind.resource} rows written`);
  }
  if (!options.signal?.aborted) {
    const compacted = await compactListItems(connection, options.signal);
    if (compacted) options.log?.(`list rows: ${compacted} rows' items stored as JSON text`);
  }
  if (!options.signal?.aborted) {
    const named = await backfillNameFields(connection, options.signal);
    if (named) options.log?.(`list rows: ${named} rows given their name keys`);
  }
  return total;
}

/** The `list_backfill` entry of the one-time rewrite of nested `item`s into `itemJson`. */
export const COMPACT_ITEMS = 'rows:itemJson';

/**
 * Rewrites every row that still holds its list item as a nested document (`item`, written before
 * `itemJson`) to hold it as JSON text, once: streams `list_rows` (no sort; the `$exists` is matched in
 * Go on FerretDB, so each row is decoded once, the rewritten ones cheaply) and updates each by `_id`,
 * only while it still holds `item`, so a row that a write moved meanwhile (it writes `itemJson` and
 * removes `item`) is left as that write made it. Recorded as done in `list_backfill`; a stopped run
 * starts again and finds only what is left. Measured at about 2.8 ms of CPU per row (1.7 FerretDB, 0.7
 * PostgreSQL, 0.4 API; bench/item-forms.ts), two at a time: about 5 minutes of one core at 100,000 rows,
 * once, after which every read of those rows costs ~350 µs less each. Returns the rows rewritten (null when stopped).
 */
export async function compactListItems(connection: Connection, signal?: AbortSignal): Promise<number | null> {
  const state = connection.db!.collection<{ _id: string; done: boolean; rows: number; at: Date }>('list_backfill');
  if ((await state.findOne({ _id: COMPACT_ITEMS }))?.done) return 0;
  const Rows = listRowModel(connection).collection;
  const cursor = Rows.find({ item: { $exists: true } }, { projection: { _id: 1, tenantId: 1, kind: 1, item: 1 }, batchSize: BATCH });
  let rewritten = 0;
  let batch: Array<{ _id: unknown; tenantId: Types.ObjectId; kind: string; item: unknown }> = [];
  // The list stamps of the batch's (agency, kind) pairs move once before its rewrites and once after (list-page-cache.ts).
  const moveStamps = async () => {
    const kinds = new Map<string, { tenantId: Types.ObjectId; kinds: Set<string> }>();
    for (const row of batch) {
      const entry = kinds.get(String(row.tenantId)) ?? { tenantId: row.tenantId, kinds: new Set<string>() };
      entry.kinds.add(row.kind);
      kinds.set(String(row.tenantId), entry);
    }
    for (const { tenantId, kinds: of } of kinds.values()) await moveListStamps(connection, tenantId, of);
  };
  const flush = async () => {
    await moveStamps();
    try {
      await rewrite();
    } finally {
      await moveStamps();
    }
    batch = [];
  };
  const rewrite = async () => {
    for (let i = 0; i < batch.length; i += COMPACT_PARALLEL) {
      const results = await Promise.all(
        batch.slice(i, i + COMPACT_PARALLEL).map((row) => Rows.updateOne({ _id: row._id, tenantId: row.tenantId, item: { $exists: true } } as never, { $set: { itemJson: JSON.stringify(row.item) }, $unset: { item: 1 } })),
      );
      rewritten += results.reduce((n, r) => n + r.modifiedCount, 0);
    }
  };
  try {
    for await (const row of cursor) {
      if (signal?.aborted) return null;
      batch.push(row as never);
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length) await flush();
  } finally {
    await cursor.close();
  }
  await state.updateOne({ _id: COMPACT_ITEMS }, { $set: { done: true, rows: rewritten, at: new Date() } }, { upsert: true });
  return rewritten;
}

async function backfillKind(connection: Connection, kind: ListedKind<Record<string, unknown>>, signal?: AbortSignal): Promise<{ rows: number; records: number } | null> {
  const cursor = kind.model.collection.find({}, { batchSize: BATCH });
  let batch: Record<string, unknown>[] = [];
  let written = 0;
  let records = 0;
  const flush = async () => {
    records += batch.length;
    written += await backfillBatch(connection, kind, batch);
    batch = [];
  };
  try {
    for await (const doc of cursor) {
      if (signal?.aborted) return null;
      batch.push(doc);
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length) await flush();
  } finally {
    await cursor.close();
  }
  return { rows: written, records };
}

/** The records of `docs` that have no row yet, in their order: one read by `_id` each, pushed down by every engine. */
async function withoutRows(connection: Connection, docs: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const Rows = listRowModel(connection);
  const missing: boolean[] = [];
  for (let i = 0; i < docs.length; i += PARALLEL) {
    const chunk = docs.slice(i, i + PARALLEL);
    missing.push(...(await Promise.all(chunk.map(async (doc) => !(await findByIdInTenant(Rows, doc.tenantId as Types.ObjectId, doc._id as Types.ObjectId))))));
  }
  return docs.filter((_, i) => missing[i]);
}

async function backfillBatch(connection: Connection, kind: ListedKind<Record<string, unknown>>, batch: Record<string, unknown>[]): Promise<number> {
  const Rows = listRowModel(connection);
  const docs = await withoutRows(connection, batch);
  if (!docs.length) return 0;
  const written = await writeListRows(connection, kind, docs);
  for (let i = 0; i < docs.length; i += PARALLEL) {
    await Promise.all(
      docs.slice(i, i + PARALLEL).map(async (doc) => {
        const tenantId = doc.tenantId as Types.ObjectId;
        const recordId = doc._id as Types.ObjectId;
        const now = (await findByIdInTenant(kind.model as never, tenantId, recordId)) as Record<string, unknown> | null;
        if (now && now.version === doc.version) return;
        const row = await Rows.findOne({ tenantId, _id: recordId }).select({ version: 1 }).lean();
        if (!now || !row || row.version !== now.version) await syncListRow(connection, kind, tenantId, recordId, now);
      }),
    );
  }
  return written;
}

/** The `list_backfill` entry of the one-time addition of name keys and prefix buckets to rows written before them. */
export const NAME_FIELDS = 'rows:names';
const readyConnections = new WeakMap<Connection, { ready: boolean; at: number; checking?: Promise<boolean> }>();
const READY_RECHECK_MS = 2_000;

/**
 * Whether every row holds its name fields (`rows:names` done), so lists in name orders may be read from
 * rows: true for good once seen; while not, asked again at most every 2 s (shared by the callers of the moment).
 */
export async function namesReady(connection: Connection): Promise<boolean> {
  const entry = readyConnections.get(connection) ?? { ready: false, at: 0 };
  readyConnections.set(connection, entry);
  if (entry.ready) return true;
  if (Date.now() - entry.at < READY_RECHECK_MS) return false;
  entry.checking ??= (async () => {
    try {
      const state = connection.db!.collection<{ _id: string; done: boolean }>('list_backfill');
      entry.ready = (await state.findOne({ _id: NAME_FIELDS }))?.done === true;
      entry.at = Date.now();
      return entry.ready;
    } finally {
      delete entry.checking;
    }
  })();
  return entry.checking;
}

/** Forgets what `namesReady` saw (tests that undo the backfill). */
export function forgetNamesReady(connection: Connection): void {
  readyConnections.delete(connection);
}

/**
 * Gives every row of a kind with name sorts that lacks its name fields (written before them) those fields,
 * from its record as stored now, once: streams `list_rows` (no filter the database can use: each row is
 * decoded once), reads each such row's record by id and sets the fields only while the row's version is
 * the one read (a write meanwhile wrote them itself). A row whose record is gone is left to the record's
 * deletion. The labels are listed first; the list stamps move around each batch. Recorded as done in
 * `list_backfill`; a stopped run starts again and finds only what is left. Returns the rows given their
 * fields (null when stopped).
 */
export async function backfillNameFields(connection: Connection, signal?: AbortSignal): Promise<number | null> {
  const state = connection.db!.collection<{ _id: string; done: boolean; rows: number; at: Date }>('list_backfill');
  if ((await state.findOne({ _id: NAME_FIELDS }))?.done) return 0;
  const kinds = new Map(listedKinds(connection).filter((kind) => nameSortsOf(kind.list).length).map((kind) => [kind.resource, kind]));
  const Rows = listRowModel(connection).collection;
  const cursor = Rows.find({}, { projection: { _id: 1, tenantId: 1, kind: 1, version: 1, ...Object.fromEntries([...kinds.values()].flatMap((k) => nameSortsOf(k.list).map((s) => [nameKeyField(s), 1]))) }, batchSize: BATCH });
  let written = 0;
  let batch: Array<{ _id: Types.ObjectId; tenantId: Types.ObjectId; kind: string; version: number }> = [];
  const flush = async () => {
    const byTenant = new Map<string, { tenantId: Types.ObjectId; kinds: Set<string> }>();
    for (const row of batch) {
      const entry = byTenant.get(String(row.tenantId)) ?? { tenantId: row.tenantId, kinds: new Set<string>() };
      entry.kinds.add(row.kind);
      byTenant.set(String(row.tenantId), entry);
    }
    const moveStamps = async () => {
      for (const { tenantId, kinds: of } of byTenant.values()) await moveListStamps(connection, tenantId, of);
    };
    await moveStamps();
    try {
      for (let i = 0; i < batch.length; i += PARALLEL) {
        const results = await Promise.all(
          batch.slice(i, i + PARALLEL).map(async (row) => {
            const kind = kinds.get(row.kind)!;
            const record = (await findByIdInTenant(kind.model as never, row.tenantId, row._id)) as Record<string, unknown> | null;
            if (!record) return 0;
            const fields = nameFields(row.tenantId, kind.resource, kind.list, record);
            await listNameLabels(connection, [fields]);
            const result = await Rows.updateOne({ _id: row._id, tenantId: row.tenantId, version: row.version } as never, { $set: fields });
            return result.modifiedCount;
          }),
        );
        written += results.reduce((n, m) => n + m, 0);
      }
    } finally {
      await moveStamps();
    }
    batch = [];
  };
  try {
    for await (const row of cursor) {
      if (signal?.aborted) return null;
      const kind = kinds.get(row.kind as string);
      if (!kind || nameSortsOf(kind.list).every((sort) => typeof row[nameKeyField(sort)] === 'string')) continue;
      batch.push(row as never);
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length) await flush();
  } finally {
    await cursor.close();
  }
  await state.updateOne({ _id: NAME_FIELDS }, { $set: { done: true, rows: written, at: new Date() } }, { upsert: true });
  return written;
}
