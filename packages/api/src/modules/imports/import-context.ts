import { Types, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import type { Principal } from '../../platform/access/principal.js';
import type { CustomFields } from '../../platform/custom-fields/custom-fields.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { AppError, type FieldError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import type { RecordBase, RecordService } from '../../platform/records/record-service.js';
import type { ImportLocale } from './import-locale.js';
import type { WorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import type { DedupeKey, ImportKind, ImportMode } from './import-fields.js';
import { importChangeModel, importErrorModel, importKeyModel, importModel, type ImportChange, type ImportError, type ImportJob, type ImportKey } from './import.model.js';

/** An agency's daily import row cap (0: none) and the time zone its day is counted in (import-daily-cap.ts). */
export interface DailyRowCap {
  cap: number;
  timeZone: string;
}

/** What an import writes a kind through: a record service, or (products) a service with the same calls. */
export type ImportWriter = Pick<RecordService<RecordBase>, 'definition' | 'createMany' | 'update' | 'removeMany' | 'findVisible'>;

/** A kind's cells read before its create schema (a product's department, a task's due time and subject columns), into the row's input: the row's errors. */
export type RowRule = (values: ReadonlyMap<string, string>, input: Record<string, unknown>) => { errors: FieldError[] };

/** One kind an import writes: its record service, the API's create schema, and the rules its create adds to that schema. */
export interface ImportKindDeps {
  service: ImportWriter;
  create: ZodType;
  resource: 'contact' | 'lead' | 'customer' | 'opportunity' | 'product' | 'task';
  /** The kind's create rules beyond the schema, compiled once per principal (leads: participation); none by default. */
  compileRules?(principal: Principal): Promise<(input: Record<string, unknown>) => FieldError[]>;
  /** The kind's own reading of cells before the schema, compiled once per run (the agency's departments, its time zone). */
  compileRowRule?(principal: Principal, job: ImportJob): Promise<RowRule>;
  /**
   * Fields the kind's `update` leaves out, which an updated duplicate (mode `update`) gets through a path of
   * their own, and an undo puts back the same way: an opportunity's stage (its move), an account's parent
   * (its tree move). `move` is called before the update, with the values of those fields.
   */
  movedOnUpdate?: { fields: readonly string[]; move(principal: Principal, id: string, values: Record<string, unknown>, existing: RecordBase | null): Promise<void> };
}

/** What the import service works with: the record services it writes through and the platform parts. */
export interface ImportDeps {
  connection: Connection;
  dataDir: string;
  maxBytes: number;
  batchSize: number;
  events: EventBus;
  jobs: Jobs;
  logger: Logger;
  customFields: CustomFields;
  workflows: WorkflowEngine;
  /** The agency's users by lower-case email (one read per run): what an `ownerEmail` column resolves to. */
  usersByEmail(tenantId: Types.ObjectId): Promise<Map<string, { id: Types.ObjectId; active: boolean }>>;
  /** A team's active members, in the order of their ids (an assignment rule's turns); null when the agency has no such team. */
  teamMembers(tenantId: Types.ObjectId, teamId: Types.ObjectId): Promise<Array<{ id: Types.ObjectId; email: string }> | null>;
  kinds: Record<ImportKind, ImportKindDeps>;
  /** The agency's daily import row cap (its own setting, else the server's default; 0: none) and its time zone. */
  dailyRowCapOf(tenantId: Types.ObjectId): Promise<DailyRowCap>;
  /**
   * One in-app notification (notifications' `notify`, handed in by the composition root): exactly once per
   * `dedupeKey`. A completed run sends the summaries (import-summary.ts).
   */
  notify(input: { tenantId: Types.ObjectId; userId: Types.ObjectId; category: string; title: string; body: string; link: string | null; resource: string; resourceId: string; dedupeKey: string }): Promise<unknown>;
  /** The principal a run acts as: the user who started it, with their role as it is now. */
  principalOf(job: ImportJob): Promise<Principal | null>;
}

export interface MappingInput {
  columns: Array<{ column: string; field: string | null }>;
  dedupeKey: DedupeKey;
  mode: ImportMode;
  productId?: string | null | undefined;
  teamId?: string | null | undefined;
  tags?: string[] | undefined;
  locale?: ImportLocale | null | undefined;
  statusMap?: { values: Array<{ value: string; status: string }>; unknown: 'error' | 'default'; default?: string | null | undefined } | null | undefined;
  assign?: { teamId: string; strategy: 'round-robin' } | null | undefined;
}

/** A data row as checked: its file row number, cells, the create body it stands for (null when it failed), dedupe key and errors. */
export interface RowOutcome {
  row: number;
  cells: string[];
  input: Record<string, unknown> | null;
  key: string | null;
  errors: FieldError[];
  /** The parent account a row names (customers), by name or external id: resolved per batch (import-parents). */
  parent?: string | null;
  /** The workflow state a created record starts in (the status column, through the mapping's statusMap); null: the initial one. */
  status?: string | null;
  /** The owner (a task's assignee) the mapping's assignment rule gave the row, which had no owner cell. */
  ruleOwner?: string;
}

/** The models and lookups every part of the import service shares. */
export interface ImportContext {
  deps: ImportDeps;
  Imports: Model<ImportJob>;
  Errors: Model<ImportError>;
  Changes: Model<ImportChange>;
  Keys: Model<ImportKey>;
  kindOf(job: Pick<ImportJob, 'kind'>): ImportKindDeps;
  /** The import if the principal may see it: the one who started it, or an admin of the agency. */
  findVisible(principal: Principal, id: string): Promise<ImportJob>;
}

export function importContext(deps: ImportDeps): ImportContext {
  const Imports = importModel(deps.connection);
  return {
    deps,
    Imports,
    Errors: importErrorModel(deps.connection),
    Changes: importChangeModel(deps.connection),
    Keys: importKeyModel(deps.connection),
    kindOf: (job) => deps.kinds[job.kind],
    async findVisible(principal, id) {
      const job = /^[a-f0-9]{24}$/i.test(id) ? await findByIdInTenant(Imports as never, principal.tenantId, new Types.ObjectId(id)) : null;
      if (!job || !((job as ImportJob).createdBy.equals(principal.userId) || principal.role.isAdmin)) throw AppError.notFound('Import');
      return job as ImportJob;
    },
  };
}


/** The column a field was mapped from, for the error file. */
export function columnOf(job: ImportJob, field: string): string | null {
  const i = job.mapping?.columns.indexOf(field) ?? -1;
  return i >= 0 ? (job.headers[i] ?? null) : null;
}
