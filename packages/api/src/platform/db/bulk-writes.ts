import type { AnyBulkWriteOperation, BulkWriteOptions, Collection, Document, Filter } from 'mongodb';

/**
 * The most updates, replaces or deletes one bulk write may carry. FerretDB 1.24 on PostgreSQL holds a
 * backend connection for each such statement of one command until the command ends, from a pool of 50:
 * one bulk write of 400 updates took every connection and wedged the server (the audit sealer, every
 * client hung, even a ping), and one of 1,000 updates by `_id` hung the nightly credit run at 20,000
 * accounts (bench/RESULTS.md, 2026-12-06). Inserts are not held this way.
 */
export const BULK_UPDATE_LIMIT = 16;

/**
 * `collection.bulkWrite(ops)`, sent as one command for the inserts and commands of at most
 * `BULK_UPDATE_LIMIT` for everything else, one after another (in order when `ordered`). Use it for every
 * bulk write whose number of updates depends on data.
 */
export async function bulkWriteBounded<T extends Document>(collection: Collection<T>, ops: AnyBulkWriteOperation<T>[], options: BulkWriteOptions = {}): Promise<void> {
  const isInsert = (op: AnyBulkWriteOperation<T>) => 'insertOne' in op;
  if (!ops.length) return;
  if (ops.every(isInsert)) {
    await collection.bulkWrite(ops, options);
    return;
  }
  if (options.ordered === false) {
    // Unordered: every command is sent even when one fails (as one bulk write would try every statement); the first error is thrown at the end.
    const inserts = ops.filter(isInsert);
    const rest = ops.filter((op) => !isInsert(op));
    const commands = [...(inserts.length ? [inserts] : []), ...Array.from({ length: Math.ceil(rest.length / BULK_UPDATE_LIMIT) }, (_, k) => rest.slice(k * BULK_UPDATE_LIMIT, (k + 1) * BULK_UPDATE_LIMIT))];
    let first: unknown = null;
    for (const command of commands) {
      try {
        await collection.bulkWrite(command, options);
      } catch (error) {
        first ??= error;
      }
    }
    if (first) throw first;
    return;
  }
  // In order: consecutive inserts together, other statements in chunks, never reordered; the first error stops it.
  let i = 0;
  while (i < ops.length) {
    const insert = isInsert(ops[i]!);
    let j = i;
    while (j < ops.length && isInsert(ops[j]!) === insert && (insert || j - i < BULK_UPDATE_LIMIT)) j += 1;
    await collection.bulkWrite(ops.slice(i, j), options);
    i = j;
  }
}

/**
 * The most documents one `deleteMany` statement may remove. FerretDB 1.24 on PostgreSQL deletes a whole
 * match in one SQL statement with one parameter per document, and PostgreSQL's extended protocol takes at
 * most 65,535 parameters: a larger match fails whole ("extended protocol limited to 65535 parameters")
 * and deletes nothing. Found by the 100,000-contact bench in the counter fold (docs/database.md).
 */
export const DELETE_STATEMENT_LIMIT = 30_000;

/**
 * `collection.deleteMany(filter)` for a match of any size: one delete when at most `limit` documents
 * match (one extra read of up to `limit + 1` ids to know), otherwise rounds of `limit` by their `_id`s
 * (each round's filter keeps `filter`'s equalities, which FerretDB pushes down). Use it for every delete
 * whose match grows with the data: retention sweeps, an import's undo, a send's ledger. The filter must
 * not name `_id` (the rounds add it). Answers how many were deleted.
 */
export async function deleteManyBounded<T extends Document>(collection: Collection<T>, filter: Filter<T>, limit = DELETE_STATEMENT_LIMIT): Promise<number> {
  if ('_id' in filter) throw new Error('deleteManyBounded: the filter must not name _id');
  let deleted = 0;
  for (;;) {
    const ids = (await collection.find(filter, { projection: { _id: 1 } }).limit(limit + 1).toArray()).map((d) => d._id);
    if (ids.length <= limit) return deleted + (ids.length ? (await collection.deleteMany(filter)).deletedCount : 0);
    deleted += (await collection.deleteMany({ ...filter, _id: { $in: ids.slice(0, limit) } } as Filter<T>)).deletedCount;
  }
}
