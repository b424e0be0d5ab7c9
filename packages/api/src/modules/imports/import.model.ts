import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import type { DedupeKey, ImportKind, ImportMode } from './import-fields.js';
import type { ImportLocale } from './import-locale.js';
import type { ImportFormat } from './import-reader.js';

export const importStatuses = ['uploaded', 'mapped', 'queued', 'running', 'completed', 'failed', 'cancelled', 'undone'] as const;
export type ImportStatus = (typeof importStatuses)[number];

export interface ImportCounts {
  read: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

/** File values of the status column to workflow states; a value that is none of them fails its row, or gets `default` (the workflow's initial state when null). */
export interface StatusMap {
  values: Array<{ value: string; status: string }>;
  unknown: 'error' | 'default';
  default: string | null;
}

/** An assignment rule of a mapping: rows without an owner cell get the team's active members in turn. */
export interface AssignRule {
  teamId: Types.ObjectId;
  strategy: 'round-robin';
}

/** An import: the uploaded file, its mapping, and how far its run got (the checkpoint it resumes from). */
export interface ImportJob {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  createdBy: Types.ObjectId;
  apiKeyId: Types.ObjectId | null;
  kind: ImportKind;
  fileName: string;
  format: ImportFormat;
  size: number;
  path: string;
  encoding: 'utf-8' | 'windows-1252' | null;
  delimiter: string | null;
  headers: string[];
  sample: Array<{ cells: string[] }>;
  suggested: Array<string | null>;
  mapping: {
    columns: Array<string | null>;
    dedupeKey: DedupeKey;
    mode: ImportMode;
    productId: Types.ObjectId | null;
    teamId: Types.ObjectId | null;
    tags: string[];
    /** How the file writes dates and numbers; null: ISO dates, numbers with a decimal point or comma. */
    locale?: ImportLocale | null;
    /** The file's values of the status column, mapped to the kind's workflow states. */
    statusMap?: StatusMap | null;
    /** Owners for rows without an owner cell: the active members of a team, in turn by row number. */
    assign?: AssignRule | null;
  } | null;
  /**
   * The members an assignment rule deals rows to, taken once when the run first starts (ids in order), so a
   * run resumed after a crash gives every row the same owner: row n goes to `assignees[n % length]`.
   */
  assignees?: Types.ObjectId[] | null;
  /**
   * The records the run's committed batches gave each person (user id → count: created with them as owner,
   * or a task's assignee, and updated to them), moved with the checkpoint; their one summary is sent from it.
   */
  ownerCounts?: Record<string, number> | null;
  status: ImportStatus;
  /** The last data row (file row number) whose batch is fully written: a resumed run starts after it. */
  checkpointRow: number;
  counts: ImportCounts;
  rowsPerSecond: number;
  /** Seconds since the epoch when the run first started: the time part of the ids it gives records. */
  idEpoch: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** When the retention job removed the uploaded file (IMPORT_FILE_RETENTION_DAYS after the import was last touched); it cannot be run or dry-run again. */
  fileRemovedAt?: Date | null;
  heartbeatAt: Date | null;
  failure: string | null;
  /** Why a run stopped short of the file's end on its own: the agency's daily row cap (it resumes with a run on a later day). */
  stopReason: 'daily_row_cap' | null;
  /** When a run stopped by the daily cap may go on: the start of the agency's next day. */
  resumesAt: Date | null;
  /**
   * The agency's day (YYYY-MM-DD in its time zone) of the rows below, and the rows (created or updated)
   * its runs wrote that day: moved with the checkpoint in one update, so a batch is counted exactly once.
   */
  usageDay: string | null;
  usageRows: number;
  dryRun: (ImportCounts & { errors: Array<{ field: string; count: number; rows: number[] }> }) | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const counts = { _id: false, read: { type: Number, default: 0 }, created: { type: Number, default: 0 }, updated: { type: Number, default: 0 }, skipped: { type: Number, default: 0 }, failed: { type: Number, default: 0 } };

const importSchema = new Schema<ImportJob>(
  {
    createdBy: { type: Schema.Types.ObjectId, required: true, index: true },
    apiKeyId: { type: Schema.Types.ObjectId, default: null },
    kind: { type: String, required: true },
    fileName: { type: String, required: true },
    format: { type: String, required: true },
    size: { type: Number, required: true },
    path: { type: String, required: true },
    encoding: { type: String, default: null },
    delimiter: { type: String, default: null },
    headers: { type: [String], default: [] },
    sample: { type: Schema.Types.Mixed, default: () => [] },
    suggested: { type: Schema.Types.Mixed, default: () => [] },
    mapping: { type: Schema.Types.Mixed, default: null },
    status: { type: String, required: true },
    checkpointRow: { type: Number, default: 1 },
    counts: { type: counts, default: () => ({}) },
    rowsPerSecond: { type: Number, default: 0 },
    idEpoch: { type: Number, default: null },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    fileRemovedAt: { type: Date, default: null },
    heartbeatAt: { type: Date, default: null },
    failure: { type: String, default: null },
    stopReason: { type: String, default: null },
    resumesAt: { type: Date, default: null },
    usageDay: { type: String, default: null },
    usageRows: { type: Number, default: 0 },
    dryRun: { type: Schema.Types.Mixed, default: null },
    assignees: { type: Schema.Types.Mixed, default: null },
    ownerCounts: { type: Schema.Types.Mixed, default: null },
  },
  { timestamps: true, versionKey: 'version', minimize: false },
);
importSchema.plugin(tenantScoped);
// The agency's rows today: its imports by (tenant, day), an equality read FerretDB pushes down.
importSchema.index({ tenantId: 1, usageDay: 1 });

/** A row that failed, with the field and the reason: what the error file lists. */
export interface ImportError {
  _id: string;
  tenantId: Types.ObjectId;
  importId: Types.ObjectId;
  row: number;
  field: string;
  column: string | null;
  message: string;
  cells: string[];
}

const errorSchema = new Schema<ImportError>(
  {
    _id: { type: String, required: true },
    importId: { type: Schema.Types.ObjectId, required: true, index: true },
    row: { type: Number, required: true },
    field: { type: String, required: true },
    column: { type: String, default: null },
    message: { type: String, required: true },
    cells: { type: [String], default: [] },
  },
  { versionKey: false },
);
errorSchema.plugin(tenantScoped);

/**
 * What an import did to a record: `created`, or `updated` with the fields as they were before (what
 * an undo puts back). Its `_id` is derived from (import, record), so a batch run again records nothing twice.
 */
export interface ImportChange {
  _id: string;
  tenantId: Types.ObjectId;
  importId: Types.ObjectId;
  recordId: Types.ObjectId;
  /** The file row that updated it (an update by a later row of the same file is a repeat, skipped). */
  row?: number;
  previous: Record<string, unknown>;
}

const changeSchema = new Schema<ImportChange>(
  {
    _id: { type: String, required: true },
    importId: { type: Schema.Types.ObjectId, required: true, index: true },
    recordId: { type: Schema.Types.ObjectId, required: true },
    row: { type: Number },
    previous: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  { versionKey: false, minimize: false },
);
changeSchema.plugin(tenantScoped);

/**
 * External ids and phones of records imports created, per agency and kind (emails are found through the
 * records' own `primaryEmail`): `_id` is the key itself, so a lookup is one row and a second record
 * under the same key is refused by the database.
 */
export interface ImportKey {
  _id: string;
  tenantId: Types.ObjectId;
  importId: Types.ObjectId;
  recordId: Types.ObjectId;
}

const keySchema = new Schema<ImportKey>(
  {
    _id: { type: String, required: true },
    importId: { type: Schema.Types.ObjectId, required: true, index: true },
    recordId: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false },
);
keySchema.plugin(tenantScoped);

export function importModel(connection: Connection): Model<ImportJob> {
  return (connection.models.ImportJob as Model<ImportJob>) ?? connection.model<ImportJob>('ImportJob', importSchema, 'imports');
}

export function importErrorModel(connection: Connection): Model<ImportError> {
  return (connection.models.ImportError as Model<ImportError>) ?? connection.model<ImportError>('ImportError', errorSchema, 'import_errors');
}

export function importChangeModel(connection: Connection): Model<ImportChange> {
  return (connection.models.ImportChange as Model<ImportChange>) ?? connection.model<ImportChange>('ImportChange', changeSchema, 'import_changes');
}

export function importKeyModel(connection: Connection): Model<ImportKey> {
  return (connection.models.ImportKey as Model<ImportKey>) ?? connection.model<ImportKey>('ImportKey', keySchema, 'import_keys');
}
