import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { readWithoutIdIndex } from '../db/pushdown-indexes.js';
import { tenantScoped } from '../db/tenancy.plugin.js';

/**
 * One token of one record: `(tenantId, kind, token, recordId)`, small so that FerretDB decodes it
 * cheaply. It is looked up by equality on `key`, the three joined (`<tenantId>:<kind>:<token>`): on
 * FerretDB's PostgreSQL handler every top-level equality becomes a GIN index condition, and a GIN
 * bitmap of `tenantId` alone (every entry of the agency) cost 42 ms at 95,000 entries, so `key` (and
 * `sk`, `key` with the record's shard, for tokens too common to read whole) are the only fields looked
 * up through an index (with `recordId` for a record's own entries); `tenantId` stays in every filter,
 * checked on the rows found. `exact` marks a whole word. The record's access fields
 * are copied so the caller's visibility filter can be applied to the entries before any record is
 * read; a null one is left out.
 */
export interface SearchEntry {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  kind: string;
  token: string;
  key: string;
  /** `key` and the record's shard (`<key>|<n>`, see `searchShardKey`): a common token is read a shard at a time. */
  sk?: string;
  recordId: Types.ObjectId;
  /** Whether the token is a whole word; always set since entry format 3 (so `exact: false` is an equality too). */
  exact?: boolean;
  ownerId?: Types.ObjectId;
  teamId?: Types.ObjectId;
  productId?: Types.ObjectId;
  departmentId?: Types.ObjectId;
  assigneeId?: Types.ObjectId;
}

/** The record fields the access module's visibility filters name, copied onto every entry. */
export const ACCESS_FIELDS = ['ownerId', 'teamId', 'productId', 'departmentId', 'assigneeId'] as const;

const schema = new Schema<SearchEntry>(
  {
    kind: { type: String, required: true },
    token: { type: String, required: true },
    key: { type: String, required: true },
    sk: { type: String },
    recordId: { type: Schema.Types.ObjectId, required: true },
    exact: { type: Boolean },
    ownerId: { type: Schema.Types.ObjectId },
    teamId: { type: Schema.Types.ObjectId },
    productId: { type: Schema.Types.ObjectId },
    departmentId: { type: Schema.Types.ObjectId },
    assigneeId: { type: Schema.Types.ObjectId },
  },
  { collection: 'search_entries', versionKey: false, autoIndex: false },
);
schema.plugin(tenantScoped);
// No index on `tenantId` alone (see above): `key` starts with it.
schema.path('tenantId').index(false);
schema.index({ key: 1 });
schema.index({ sk: 1 });
schema.index({ recordId: 1 });
// Nor a GIN index on `_id`: no read names it (entries are read by `key`/`sk`, removed by `recordId`).
readWithoutIdIndex(schema);

/** The lookup key of a token of a kind in a tenant. */
export function searchKey(tenantId: Types.ObjectId, kind: string, token: string): string {
  return `${tenantId.toHexString()}:${kind}:${token}`;
}

/**
 * How many shards a token's entries are split into, by the record's id. A token that many records share
 * (`lisbon`, `marti` in a big agency) is read one shard at a time, so a page decodes about 1/64 of its
 * entries instead of every one; a rare token is read whole by `key`.
 */
export const SEARCH_SHARDS = 64;

/** The shard of a record: the low bits of its id's counter (ids made in a row fall in every shard in turn). */
export function shardOf(recordId: Types.ObjectId): number {
  return parseInt(recordId.toHexString().slice(-2), 16) % SEARCH_SHARDS;
}

/** The lookup key of one shard of a token (`sk`). */
export function searchShardKey(key: string, shard: number): string {
  return `${key}|${shard}`;
}

/** The search entries of a connection's database. */
export function searchEntryModel(connection: Connection): Model<SearchEntry> {
  return (connection.models.SearchEntry as Model<SearchEntry> | undefined) ?? connection.model<SearchEntry>('SearchEntry', schema);
}
