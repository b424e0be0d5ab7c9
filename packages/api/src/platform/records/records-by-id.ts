import type { Connection, Model, Types } from 'mongoose';
import { op } from '../db/operators.js';
import { findByIdInTenant } from '../db/tenancy.plugin.js';
import { keptRecord } from '../lists/list-page-cache.js';

/**
 * Reading a page of records named by id (a search page's candidates), in as few round trips as the
 * engine can serve fast. MongoDB serves `{ _id: { $in: ids } }` from the `_id` index: one read for the
 * whole page. FerretDB 1.24 pushes `$in` down on neither handler (`prepareWhereClause` skips it, the
 * SQLite handler pushes down a lone `_id` only), so the same read would decode every document of the
 * collection, or of the agency with `tenantId` beside it: there the page is read by `_id` equality, one
 * row per read, the reads sent at once. Which engine answers is asked once per connection
 * (`buildInfo`: FerretDB adds `ferretdbVersion`).
 */

const inByIndex = new WeakMap<Connection, Promise<boolean>>();

/** Whether the connection's engine serves `_id: {$in: [...]}` from an index (MongoDB), not by decoding the collection (FerretDB). */
export function servesIdsInOneRead(connection: Connection): Promise<boolean> {
  let known = inByIndex.get(connection);
  if (!known) {
    known = (async () => {
      const db = connection.db;
      if (!db) return false;
      const info = (await db.admin().command({ buildInfo: 1 })) as { ferretdbVersion?: unknown };
      return info.ferretdbVersion === undefined;
    })().catch(() => {
      // Unknown engine: the reads by `_id` are right everywhere; ask again next time.
      inByIndex.delete(connection);
      return false;
    });
    inByIndex.set(connection, known);
  }
  return known;
}

/**
 * The records of `tenantId` with these ids, in the order of `ids` (null where there is none, or it is
 * another agency's: the tenant is checked on each document). `oneRead` chooses the single `$in` read
 * (true) or one read per id (false); by default the engine decides (`servesIdsInOneRead`). `kept` (reads
 * only, never a write's check): the listed kind whose records kept under its list stamp may answer
 * (platform/lists/list-page-cache.ts `keptRecord`), where the engine reads one record per read.
 */
export async function readRecordsById<Doc extends { tenantId: Types.ObjectId }>(
  model: Model<Doc>,
  tenantId: Types.ObjectId,
  ids: readonly Types.ObjectId[],
  options: { oneRead?: boolean; kept?: string | undefined } = {},
): Promise<Array<Doc | null>> {
  if (!ids.length) return [];
  const oneRead = options.oneRead ?? (await servesIdsInOneRead(model.db));
  if (!oneRead || ids.length === 1) {
    // For reads of a listed kind (`kept`: its resource), the records kept under its list stamp serve; the rest are read.
    const asOf = performance.now();
    const kind = options.kept;
    return Promise.all(ids.map((id) => (kind ? keptRecord(model.db, tenantId, kind, id, asOf, () => findByIdInTenant(model, tenantId, id)) : findByIdInTenant(model, tenantId, id))));
  }
  const docs = await model
    .find({ tenantId, _id: op({ $in: [...ids] }) } as never)
    .batchSize(ids.length + 1)
    .lean<Array<Doc & { _id: Types.ObjectId }>>();
  const byId = new Map(docs.filter((d) => d.tenantId?.equals(tenantId)).map((d) => [d._id.toHexString(), d]));
  return ids.map((id) => byId.get(id.toHexString()) ?? null);
}
