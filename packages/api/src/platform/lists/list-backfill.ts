import type { Connection, Types } from 'mongoose';
import { findByIdInTenant } from '../db/tenancy.plugin.js';
import { listRowModel } from './list-row.model.js';
import { listedKinds, syncListRow, writeListRows, type ListedKind } from './list-rows.js';

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
 */
const BATCH = 1000;
const PARALLEL = 16;
/** Bumped when the row shape changes, so every kind is written again. */
const FORMAT = 1;

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
  return total;
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
