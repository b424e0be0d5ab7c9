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
 * skips what is done.
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
    const rows = await backfillKind(connection, kind, options.signal);
    if (rows === null) break;
    total += rows;
    await state.updateOne({ _id: kind.resource }, { $set: { done: true, format: FORMAT, rows, at: new Date() } }, { upsert: true });
    if (rows) options.log?.(`list rows: ${rows} ${kind.resource} rows written`);
  }
  return total;
}

async function backfillKind(connection: Connection, kind: ListedKind<Record<string, unknown>>, signal?: AbortSignal): Promise<number | null> {
  const cursor = kind.model.collection.find({}, { batchSize: BATCH });
  let batch: Record<string, unknown>[] = [];
  let written = 0;
  const flush = async () => {
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
  return written;
}

async function backfillBatch(connection: Connection, kind: ListedKind<Record<string, unknown>>, docs: Record<string, unknown>[]): Promise<number> {
  const Rows = listRowModel(connection);
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
