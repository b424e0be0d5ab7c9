import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { searchedWithoutPendingList } from '../db/pushdown-options.js';
import { tenantScoped } from '../db/tenancy.plugin.js';

/**
 * One list row per record (`_id` = the record's id), kept beside the records in `list_rows`: what a
 * list filters on, what it sorts by, and the list item itself, so a page is read from rows alone. Each
 * row sits in two write-order blocks (see list-blocks.ts): `cb` (the block of its creation, never
 * changes) and `ub` (the block of its last write), each also named at three levels by a key the
 * database can match by equality: `c0`/`u0` one block, `c1`/`u1` 16 blocks, `c2`/`u2` 256 blocks (never
 * the whole kind: a walk goes on bucket by bucket, so no page reads every row). Filter values are stored under their query parameter's name (`status`,
 * `tag`, `city`...), the access fields under their own, so the access module's visibility filter
 * applies to rows unchanged. The list item is stored as ONE field, `itemJson` (the DTO as JSON text):
 * FerretDB decodes every field of every row it returns, in Go, so a nested `item` document cost a page
 * about as much again as all the other fields (docs/database.md, "Lists"). Rows written before hold
 * `item` (a nested document); `itemOf` reads either, and the start-up backfill rewrites them once.
 * Kinds with name sorts also hold each sort's key (`nk_<sort>`) and its prefix buckets (`n1`/`n2`/`n3`,
 * list-names.ts), what an alphabetical walk reads (list-name-walk.ts).
 */
export interface ListRow {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  kind: string;
  cb: number;
  ub: number;
  c0: string;
  c1: string;
  c2: string;
  u0: string;
  u1: string;
  u2: string;
  /** Order inside the update block: the write time (ms, 13 digits) then the id, as text. */
  us: string;
  version: number;
  /** The list item (the record's DTO) as JSON text: what a row stores. */
  itemJson?: string;
  /** The list item as a nested document: what rows written before `itemJson` store; on a row answered by a walk, the item either way. */
  item?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A row as a walk answers it: with its list item decoded, whichever form it was stored in. */
export type AnsweredListRow = ListRow & { item: Record<string, unknown> };

/** A row's list item, from `itemJson` or (a row written before it) the nested `item`. */
export function itemOf(row: Pick<ListRow, 'itemJson' | 'item'>): Record<string, unknown> {
  return typeof row.itemJson === 'string' ? (JSON.parse(row.itemJson) as Record<string, unknown>) : (row.item ?? {});
}

/** Row fields that are not filter values; a list filter parameter may not take one of these names. */
export const ROW_META_FIELDS = new Set(['_id', 'tenantId', 'kind', 'cb', 'ub', 'c0', 'c1', 'c2', 'u0', 'u1', 'u2', 'us', 'version', 'item', 'itemJson', 'custom', 'n1', 'n2', 'n3']);

/** The row field of a list filter: its parameter's name, or `<name>Value` when a row field has that name (a lead's `kind`). */
export function rowFieldOf(param: string): string {
  return ROW_META_FIELDS.has(param) ? `${param}Value` : param;
}

/** Blocks per bucket at each level; the level past the last is "every row of the kind". */
export const LEVEL_SPANS = [1, 16, 256] as const;

const schema = new Schema<ListRow>(
  {
    kind: { type: String, required: true },
    cb: Number,
    ub: Number,
    c0: String,
    c1: String,
    c2: String,
    u0: String,
    u1: String,
    u2: String,
    us: String,
    version: Number,
    itemJson: String,
    item: { type: Schema.Types.Mixed },
  },
  // Filter fields differ per kind and come only from list specs (never from request names), so queries keep them.
  { collection: 'list_rows', versionKey: false, autoIndex: false, strict: false, strictQuery: false, minimize: false },
);
schema.plugin(tenantScoped);
// As for search entries: an index on `tenantId` alone would make PostgreSQL build a bitmap of every row
// of the agency; the bucket keys start with the tenant, and `tenantId` is checked on the rows found.
schema.path('tenantId').index(false);
for (const field of ['c0', 'c1', 'c2', 'u0', 'u1', 'u2']) schema.index({ [field]: 1 });
// The name-order prefix buckets (list-names.ts): `n1`/`n2`/`n3`, arrays of `<tenant>:<kind>:<sort>:<label>`.
for (const field of ['n1', 'n2', 'n3']) schema.index({ [field]: 1 });
// Every list page reads buckets by these keys right after the writes that file rows in them. With
// PostgreSQL's default GIN `fastupdate`, each bucket read also read the whole pending list: after a bulk
// write of 20,000 rows, 158 buffers and 1.4 ms of a 1.9 ms read (0.5 ms once merged), five reads a page.
searchedWithoutPendingList(schema);

/** The key of bucket `n` at `level` of a kind's blocks in one order (`c` creation, `u` last write). */
export function bucketKey(tenantId: Types.ObjectId, kind: string, order: 'c' | 'u', level: number, block: number): string {
  return `${tenantId.toHexString()}:${kind}:${order}${level}:${Math.floor(block / LEVEL_SPANS[level]!)}`;
}

/** The list rows of a connection's database. */
export function listRowModel(connection: Connection): Model<ListRow> {
  return (connection.models.ListRow as Model<ListRow> | undefined) ?? connection.model<ListRow>('ListRow', schema);
}
