import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenancy.plugin.js';

/**
 * One change of a counter (see record-counts.ts): `_id` is `<write>|<key>` (the record, its version or
 * `del`, and the counter), so the same write counted again is refused by the unique `_id`. `fold` is the
 * fold that took it into its counter's base (null until then).
 */
export interface RecordCountDelta {
  _id: string;
  tenantId: Types.ObjectId;
  kind: string;
  key: string;
  d: number;
  fold: string | null;
}

/** A counter's folded base: `n` holds every delta marked with one of `folds` (the last two folds). */
export interface RecordCountBase {
  _id: string;
  tenantId: Types.ObjectId;
  kind: string;
  n: number;
  folds: string[];
}

const deltaSchema = new Schema<RecordCountDelta>(
  { _id: { type: String, required: true }, kind: { type: String, required: true }, key: { type: String, required: true }, d: { type: Number, required: true }, fold: { type: String, default: null } },
  { collection: 'record_count_deltas', versionKey: false },
);
deltaSchema.plugin(tenantScoped);
// Read by equality on the counter's key (pushed down by FerretDB's PostgreSQL handler), never by tenant alone.
deltaSchema.path('tenantId').index(false);
deltaSchema.index({ key: 1 });

const baseSchema = new Schema<RecordCountBase>(
  { _id: { type: String, required: true }, kind: { type: String, required: true }, n: { type: Number, default: 0 }, folds: { type: [String], default: [] } },
  { collection: 'record_counts', versionKey: false },
);
baseSchema.plugin(tenantScoped);
baseSchema.path('tenantId').index(false);

export function recordCountDeltaModel(connection: Connection): Model<RecordCountDelta> {
  return (connection.models.RecordCountDelta as Model<RecordCountDelta> | undefined) ?? connection.model<RecordCountDelta>('RecordCountDelta', deltaSchema);
}

export function recordCountBaseModel(connection: Connection): Model<RecordCountBase> {
  return (connection.models.RecordCountBase as Model<RecordCountBase> | undefined) ?? connection.model<RecordCountBase>('RecordCountBase', baseSchema);
}
