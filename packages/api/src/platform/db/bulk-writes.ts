import type { AnyBulkWriteOperation, BulkWriteOptions, Collection, Document } from 'mongodb';

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
