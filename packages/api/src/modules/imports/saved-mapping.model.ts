import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import type { DedupeKey, ImportKind, ImportMode } from './import-fields.js';
import type { ImportLocale } from './import-locale.js';
import type { AssignRule, StatusMap } from './import.model.js';

/**
 * A mapping saved for the next file of the same kind (issue 20): columns by header name, the dedupe key,
 * the mode and the defaults. Per agency and kind; the name is unique within them.
 */
export interface SavedMapping {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  kind: ImportKind;
  name: string;
  columns: Array<{ column: string; field: string | null }>;
  dedupeKey: DedupeKey;
  mode: ImportMode;
  productId: Types.ObjectId | null;
  teamId: Types.ObjectId | null;
  tags: string[];
  locale?: ImportLocale | null;
  statusMap?: StatusMap | null;
  assign?: AssignRule | null;
  createdBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<SavedMapping>(
  {
    kind: { type: String, required: true },
    name: { type: String, required: true },
    // Objects in an array (FerretDB stores no array directly inside an array).
    columns: { type: Schema.Types.Mixed, default: () => [] },
    dedupeKey: { type: String, required: true },
    mode: { type: String, required: true },
    productId: { type: Schema.Types.ObjectId, default: null },
    teamId: { type: Schema.Types.ObjectId, default: null },
    tags: { type: [String], default: [] },
    locale: { type: String, default: null },
    statusMap: { type: Schema.Types.Mixed, default: null },
    assign: { type: Schema.Types.Mixed, default: null },
    createdBy: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'import_mappings', timestamps: true, versionKey: false, minimize: false },
);
schema.plugin(tenantScoped);
schema.index({ tenantId: 1, kind: 1, name: 1 }, { unique: true });

export function savedMappingModel(connection: Connection): Model<SavedMapping> {
  return (connection.models.SavedImportMapping as Model<SavedMapping>) ?? connection.model<SavedMapping>('SavedImportMapping', schema);
}
