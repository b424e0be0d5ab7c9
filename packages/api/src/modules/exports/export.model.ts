import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** The record kinds an export job makes a file of (each a kind with `GET /v1/{kind}/export`). */
export const exportKinds = ['contacts', 'leads', 'customers', 'opportunities', 'tasks', 'activities', 'tickets', 'campaigns'] as const;
export type ExportKind = (typeof exportKinds)[number];

export const exportFormats = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const exportStatuses = ['queued', 'running', 'completed', 'failed', 'expired'] as const;
export type ExportStatus = (typeof exportStatuses)[number];

/**
 * An export made in the background: what was asked (kind, format, list filters), whose it is, how far its
 * file has got, and where the file is until it expires. Filters are kept as name/value pairs, since a
 * custom-field filter's name has a dot, which a stored key may not.
 */
export interface ExportJob {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  createdBy: Types.ObjectId;
  apiKeyId: Types.ObjectId | null;
  kind: ExportKind;
  format: ExportFormat;
  filters: Array<{ name: string; value: string }>;
  status: ExportStatus;
  /** Rows written to the file so far (all of them once completed). */
  rows: number;
  /** The role's columns, once the run started. */
  columns: string[];
  /** Bytes of the finished file. */
  size: number;
  /** The finished file; null until completed and again once expired. */
  path: string | null;
  failure: string | null;
  /** Runs started: a run taken over from a dead worker is the next attempt, and writes a file of its own. */
  attempt: number;
  heartbeatAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** When the file is removed (completed exports only). */
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<ExportJob>(
  {
    createdBy: { type: Schema.Types.ObjectId, required: true },
    apiKeyId: { type: Schema.Types.ObjectId, default: null },
    kind: { type: String, required: true },
    format: { type: String, required: true },
    filters: { type: [{ _id: false, name: String, value: String }], default: [] },
    status: { type: String, required: true },
    rows: { type: Number, default: 0 },
    columns: { type: [String], default: [] },
    size: { type: Number, default: 0 },
    path: { type: String, default: null },
    failure: { type: String, default: null },
    attempt: { type: Number, default: 0 },
    heartbeatAt: { type: Date, default: null },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    expiresAt: { type: Date, default: null },
  },
  { collection: 'export_jobs', timestamps: true, versionKey: false },
);
schema.plugin(tenantScoped);
// A user's own exports (the list); the retention job reads completed ones by status.
schema.index({ tenantId: 1, createdBy: 1 });
schema.index({ status: 1 });

export function exportJobModel(connection: Connection): Model<ExportJob> {
  return (connection.models.ExportJob as Model<ExportJob> | undefined) ?? connection.model<ExportJob>('ExportJob', schema);
}
