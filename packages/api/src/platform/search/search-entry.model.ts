import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenancy.plugin.js';

/**
 * One token of one record: `(tenantId, kind, token, recordId)`, small so that FerretDB decodes it
 * cheaply. It is looked up by equality on `key`, the three joined (`<tenantId>:<kind>:<token>`): on
 * FerretDB's PostgreSQL handler every top-level equality becomes a GIN index condition, and a GIN
 * bitmap of `tenantId` alone (every entry of the agency) cost 42 ms at 95,000 entries, so `key` is the
 * only field looked up through an index (with `recordId` for a record's own entries); `tenantId` stays
 * in every filter, checked on the rows found. `exact` marks a whole word. The record's access fields
 * are copied so the caller's visibility filter can be applied to the entries before any record is
 * read; a null one is left out.
 */
export interface SearchEntry {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  kind: string;
  token: string;
  key: string;
  recordId: Types.ObjectId;
  exact?: true;
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
schema.index({ recordId: 1 });

/** The lookup key of a token of a kind in a tenant. */
export function searchKey(tenantId: Types.ObjectId, kind: string, token: string): string {
  return `${tenantId.toHexString()}:${kind}:${token}`;
}

/** The search entries of a connection's database. */
export function searchEntryModel(connection: Connection): Model<SearchEntry> {
  return (connection.models.SearchEntry as Model<SearchEntry> | undefined) ?? connection.model<SearchEntry>('SearchEntry', schema);
}
