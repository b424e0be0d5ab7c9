import { Types, type Connection, type Model } from 'mongoose';
import { findByIdInTenant } from '../db/tenancy.plugin.js';
import { ACCESS_FIELDS } from '../search/search-entry.model.js';
import type { ListSpec } from '../records/list-query.js';
import { bucketKey, listRowModel, LEVEL_SPANS, rowFieldOf, type ListRow } from './list-row.model.js';
import { bulkBlocks, writeBlock } from './list-blocks.js';
import { listStampModel, moveListStamps } from './list-page-cache.js';
import { listNameLabels, nameFields, nameLabelModel } from './list-names.js';

/** What list rows need to know about a kind of record. */
export interface ListedKind<Doc = Record<string, unknown>> {
  /** The row `kind` (the access resource). */
  resource: string;
  model: Model<Doc>;
  list: ListSpec;
  /** The list item (the record's DTO), stored in the row as JSON text and answered as it is (JSON-safe: what the response serialises). */
  toDto(doc: Doc): Record<string, unknown>;
}

const INSERT_BATCH = 2000;

/** Every value at a dotted path, through arrays (`addresses.city` → each address's city). */
function valuesAt(doc: unknown, path: string[]): unknown[] {
  if (doc === null || doc === undefined) return [];
  if (Array.isArray(doc)) return doc.flatMap((item) => valuesAt(item, path));
  if (!path.length) return [doc];
  if (typeof doc !== 'object' || doc instanceof Types.ObjectId || doc instanceof Date) return [];
  return valuesAt((doc as Record<string, unknown>)[path[0]!], path.slice(1));
}

/** A filter parameter's row value: a scalar (or null) for a plain path, an array when the path crosses one. */
function rowValue(doc: Record<string, unknown>, path: string): unknown {
  const parts = path.split('.');
  let crossesArray = false;
  let at: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(at)) crossesArray = true;
    at = at && typeof at === 'object' && !Array.isArray(at) ? (at as Record<string, unknown>)[part] : undefined;
  }
  if (Array.isArray(at)) crossesArray = true;
  const values = valuesAt(doc, parts);
  return crossesArray ? values : (values[0] ?? null);
}

/** Checks once that a kind's filter names fit in a row next to its own fields. */
export function assertRowFields(kind: Pick<ListedKind, 'resource' | 'list'>): void {
  for (const [param, def] of Object.entries(kind.list.filters)) {
    if (param.includes('.') || param.startsWith('$') || param.endsWith('Value')) throw new Error(`${kind.resource}: list filter '${param}' cannot be a list row field`);
    if ((ACCESS_FIELDS as readonly string[]).includes(param) && def.path !== param) throw new Error(`${kind.resource}: list filter '${param}' must read the access field of that name`);
  }
}

/** The row of a record as stored now, in block `block` (creation block `created`). */
export function rowOf<Doc>(kind: ListedKind<Doc>, doc: Doc, block: number, created: number): ListRow {
  const record = doc as unknown as Record<string, unknown> & { _id: Types.ObjectId; tenantId: Types.ObjectId };
  const row: Record<string, unknown> = {
    _id: record._id,
    tenantId: record.tenantId,
    kind: kind.resource,
    cb: created,
    ub: block,
    us: `${String(new Date((record.updatedAt as Date | undefined) ?? record._id.getTimestamp()).getTime()).padStart(13, '0')}${record._id.toHexString()}`,
    version: Number(record.version ?? 0),
    itemJson: JSON.stringify(kind.toDto(doc)),
    custom: record.custom ?? {},
    ...nameFields(record.tenantId, kind.resource, kind.list, record),
  };
  for (const level of LEVEL_SPANS.keys()) {
    row[`c${level}`] = bucketKey(record.tenantId, kind.resource, 'c', level, created);
    row[`u${level}`] = bucketKey(record.tenantId, kind.resource, 'u', level, block);
  }
  for (const field of ACCESS_FIELDS) if (field in record) row[field] = record[field] ?? null;
  for (const [param, def] of Object.entries(kind.list.filters)) row[rowFieldOf(param)] = rowValue(record, def.path);
  return row as ListRow;
}

/**
 * Makes the record's row match the record as stored now: moves it to this process's current block
 * (its creation block is kept; a record without a row gets one there too), then reads the record
 * again and, when another write moved it on meanwhile, writes again from that version, so
 * concurrent writers end on the last state. A record that is gone loses its row. `created`: the record
 * was just inserted, so its row is inserted first (an update would find nothing); `recheck: false`:
 * the caller reads the record again itself after this and its other derived writes (record service).
 * The kind's list stamp moves after the row write (list-page-cache.ts), unless `stamped: false` (a
 * caller writing many rows moves it once before and once after them all). One record's write moves it
 * only after: a page read while the write runs is kept under the stamp it began with, which the move
 * then retires; the move before would only narrow what a process killed between the row write and the
 * move leaves behind (pages without that write, read again within the 60 s a page is kept at most), at
 * one more upsert, a tenth of an update's CPU (bench/RESULTS.md, 2026-12-07 01:31).
 */
export async function syncListRow<Doc>(
  connection: Connection,
  kind: ListedKind<Doc>,
  tenantId: Types.ObjectId,
  recordId: Types.ObjectId,
  current?: Doc | null,
  options: { created?: boolean; recheck?: boolean; stamped?: boolean } = {},
): Promise<void> {
  if (options.stamped === false) return writeRow(connection, kind, tenantId, recordId, current, options);
  try {
    await writeRow(connection, kind, tenantId, recordId, current, options);
  } finally {
    await moveListStamps(connection, tenantId, [kind.resource]);
  }
}

async function writeRow<Doc>(connection: Connection, kind: ListedKind<Doc>, tenantId: Types.ObjectId, recordId: Types.ObjectId, current: Doc | null | undefined, options: { created?: boolean; recheck?: boolean }): Promise<void> {
  const Rows = listRowModel(connection);
  let doc = current === undefined ? ((await findByIdInTenant(kind.model as never, tenantId, recordId)) as Doc | null) : current;
  let created = options.created === true;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    if (!doc) {
      await Rows.deleteOne({ tenantId, _id: recordId });
      return;
    }
    const block = await writeBlock(connection, tenantId, kind.resource);
    const { _id, cb, c0, c1, c2, ...moved } = rowOf(kind, doc, block, block);
    // A name label is listed before a row is filed under it (list-names.ts).
    await listNameLabels(connection, [moved]);
    let inserted = false;
    if (created) {
      created = false;
      try {
        await Rows.collection.insertOne({ _id, cb, c0, c1, c2, ...moved } as never);
        inserted = true;
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error; // a row already there: updated below
      }
    }
    const { matchedCount } = inserted ? { matchedCount: 1 } : await Rows.updateOne({ tenantId, _id }, { $set: moved, $unset: { item: 1 } });
    if (matchedCount === 0) {
      try {
        await Rows.collection.insertOne({ _id, cb, c0, c1, c2, ...moved } as never);
      } catch (error) {
        // Another writer made the row first: update it from the record again.
        if ((error as { code?: number }).code !== 11000) throw error;
        doc = (await findByIdInTenant(kind.model as never, tenantId, recordId)) as Doc | null;
        continue;
      }
    }
    if (options.recheck === false) return;
    const now = (await findByIdInTenant(kind.model as never, tenantId, recordId)) as (Doc & { version?: number }) | null;
    if (now && (now.version ?? 0) === ((doc as Doc & { version?: number }).version ?? 0)) return;
    doc = now;
  }
}

/** Forgets a deleted record's row (of kind `kind`: its list stamp moves after, as syncListRow's, unless `stamped: false`, a caller removing many moving it around them all). */
export async function removeListRow(connection: Connection, tenantId: Types.ObjectId, recordId: Types.ObjectId, kind: string, options: { stamped?: boolean } = {}): Promise<void> {
  if (options.stamped === false) {
    await listRowModel(connection).deleteOne({ tenantId, _id: recordId });
    return;
  }
  try {
    await listRowModel(connection).deleteOne({ tenantId, _id: recordId });
  } finally {
    await moveListStamps(connection, tenantId, [kind]);
  }
}

/**
 * Bulk row writer for records just inserted without rows (a seed, an import, the backfill): claims
 * whole blocks for them, in the order given, and inserts their rows 2,000 at a time; a record that
 * already has a row keeps it (the duplicate `_id` is skipped). `docs` are full stored documents of one
 * tenant. Returns the number of rows written. The kind's list stamp of each tenant moves once before its
 * rows are written and once after (list-page-cache.ts), not per row.
 */
export async function writeListRows<Doc>(connection: Connection, kind: ListedKind<Doc>, docs: ReadonlyArray<Doc>, options: { perBlock?: number } = {}): Promise<number> {
  const byTenant = new Map<string, Doc[]>();
  for (const doc of docs) {
    const tenant = String((doc as { tenantId: Types.ObjectId }).tenantId);
    byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), doc]);
  }
  let written = 0;
  for (const [tenant, group] of byTenant) {
    const tenantId = new Types.ObjectId(tenant);
    await moveListStamps(connection, tenantId, [kind.resource]);
    try {
      written += await insertRows(connection, kind, tenantId, group, options.perBlock);
    } finally {
      await moveListStamps(connection, tenantId, [kind.resource]);
    }
  }
  return written;
}

async function insertRows<Doc>(connection: Connection, kind: ListedKind<Doc>, tenantId: Types.ObjectId, group: Doc[], perBlock: number | undefined): Promise<number> {
  let written = 0;
  const blocks = await bulkBlocks(connection, tenantId, kind.resource, group.length, perBlock);
  const rows = group.map((doc, i) => rowOf(kind, doc, blocks[i]!, blocks[i]!));
  await listNameLabels(connection, rows);
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    try {
      const result = await listRowModel(connection).collection.insertMany(rows.slice(i, i + INSERT_BATCH) as never[], { ordered: false });
      written += result.insertedCount;
    } catch (error) {
      // The driver gives one write error as an object and several as an array.
      const e = error as { code?: number; result?: { insertedCount?: number }; insertedCount?: number; writeErrors?: { code: number } | Array<{ code: number }> };
      const writeErrors = e.writeErrors === undefined ? [] : Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
      const codes = writeErrors.length ? writeErrors.map((w) => w.code) : [e.code];
      if (codes.some((c) => c !== 11000)) throw error;
      written += e.insertedCount ?? e.result?.insertedCount ?? 0;
    }
  }
  return written;
}

const kindsByConnection = new WeakMap<Connection, Map<string, ListedKind<never>>>();

/** Records a kind as listed from rows on a connection (the record service does it for the kinds it runs). */
export function registerListedKind<Doc>(connection: Connection, kind: ListedKind<Doc>): void {
  assertRowFields(kind);
  listRowModel(connection);
  nameLabelModel(connection);
  // Registered now, before the indexes are made at start (platform/db/write-stamps.ts).
  listStampModel(connection);
  const kinds = kindsByConnection.get(connection) ?? new Map<string, ListedKind<never>>();
  kinds.set(kind.resource, kind as unknown as ListedKind<never>);
  kindsByConnection.set(connection, kinds);
}

/** Every kind listed from rows on the connection (what the backfill fills). */
export function listedKinds(connection: Connection): ListedKind<Record<string, unknown>>[] {
  return [...(kindsByConnection.get(connection)?.values() ?? [])] as unknown as ListedKind<Record<string, unknown>>[];
}

/**
 * Brings the rows of the records matching `filter` up to date after a write that went past the record
 * service (a bulk `updateMany` of a copied field): reads their ids, then syncs them 16 at a time, the
 * kind's list stamp moved once before and once after them all.
 */
export async function syncListRowsWhere(connection: Connection, resource: string, filter: Record<string, unknown> & { tenantId: Types.ObjectId }): Promise<number> {
  const kind = kindsByConnection.get(connection)?.get(resource) as ListedKind<Record<string, unknown>> | undefined;
  if (!kind) return 0;
  const ids = (await kind.model.find(filter as never).select({ _id: 1 }).lean<Array<{ _id: Types.ObjectId }>>()).map((d) => d._id);
  if (!ids.length) return 0;
  await moveListStamps(connection, filter.tenantId, [kind.resource]);
  try {
    for (let i = 0; i < ids.length; i += 16) await Promise.all(ids.slice(i, i + 16).map((id) => syncListRow(connection, kind, filter.tenantId, id, undefined, { stamped: false })));
  } finally {
    await moveListStamps(connection, filter.tenantId, [kind.resource]);
  }
  return ids.length;
}

/** The listed kind whose records live in `collection` on the connection (what a versioned write keeps the row of). */
export function listedKindOfCollection(connection: Connection, collection: string): ListedKind<Record<string, unknown>> | undefined {
  for (const kind of kindsByConnection.get(connection)?.values() ?? []) if (kind.model.collection.collectionName === collection) return kind as unknown as ListedKind<Record<string, unknown>>;
  return undefined;
}

/** The listed kind registered under `resource` on the connection, if that kind is listed from rows. */
export function listedKind(connection: Connection, resource: string): ListedKind<Record<string, unknown>> | undefined {
  return kindsByConnection.get(connection)?.get(resource) as ListedKind<Record<string, unknown>> | undefined;
}
