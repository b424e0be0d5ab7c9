import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import { readWithoutTenantIndex } from '../../platform/db/pushdown-indexes.js';
import { searchedWithoutPendingList } from '../../platform/db/pushdown-options.js';
import type { WidgetSpec } from './dashboard-defaults.js';

/**
 * One roll-up bucket: a metric's amount in one period for one dimension key. `_id` is
 * `<tenantId>|<metric>|<period>|<periodStart>|<dimension>|<key>`, so writes are `$inc` upserts by id.
 * Reads are one equality each on `line` (one key's buckets of a read group: a month of days or weeks,
 * a year of longer periods) or `slice` (every key's), which FerretDB pushes down and one GIN index
 * serves (metrics.ts `readKeys`). `seq` is the applier batch that last changed it: a batch replayed
 * after a crash skips the buckets it already changed (rollup-applier.ts).
 */
export interface Rollup {
  _id: string;
  tenantId: Types.ObjectId;
  metric: string;
  period: string;
  periodStart: string;
  year: number;
  dimension: string;
  key: string;
  line: string;
  slice: string;
  value: number;
  seq: number;
}

const rollupSchema = new Schema<Rollup>(
  {
    _id: { type: String, required: true },
    metric: { type: String, required: true },
    period: { type: String, required: true },
    periodStart: { type: String, required: true },
    year: { type: Number, required: true },
    dimension: { type: String, required: true },
    key: { type: String, required: true },
    line: { type: String, required: true },
    slice: { type: String, required: true },
    value: { type: Number, default: 0 },
    seq: { type: Number, default: 0 },
  },
  { versionKey: false, _id: false },
);
rollupSchema.plugin(tenantScoped);
rollupSchema.index({ tenantId: 1, line: 1 });
rollupSchema.index({ tenantId: 1, slice: 1 });
// Every dashboard widget reads buckets by `line` or `slice`; a rebuild or a busy applier must not leave those reads walking a GIN pending list.
searchedWithoutPendingList(rollupSchema);
// Read by `_id`, `line` or `slice` (and whole by the rebuild); a GIN index on `tenantId`, which every
// bucket of the agency shares, would only add an insert into the agency's posting tree to every bucket
// update (an update is a new row version in every index).
readWithoutTenantIndex(rollupSchema);

export function rollupModel(connection: Connection): Model<Rollup> {
  return (connection.models.Rollup as Model<Rollup>) ?? connection.model<Rollup>('Rollup', rollupSchema, 'rollups');
}

/** One amount a record adds to one bucket (`b`, the bucket's id inside the agency). */
export interface ContributionEntry {
  b: string;
  v: number;
}

/**
 * A record's entries as one string (`packed`): JSON of `[shared, rest, value, ...]`, each bucket id
 * written as the length of the prefix it shares with the one before it and the rest. FerretDB decodes
 * and encodes a document field by field (an array of ~50 `{ b, v }` subdocuments is ~150 values, one
 * string is one), and the shared prefixes (`deals.created|month|2026-12-01|`) keep it under ~1.5 KB.
 */
export function packEntries(entries: readonly ContributionEntry[]): string {
  const out: (string | number)[] = [];
  let prev = '';
  for (const { b, v } of entries) {
    const max = Math.min(prev.length, b.length);
    let shared = 0;
    while (shared < max && prev.charCodeAt(shared) === b.charCodeAt(shared)) shared += 1;
    // JSON has no Infinity or NaN: such a value is kept as its string.
    out.push(shared, b.slice(shared), Number.isFinite(v) ? v : String(v));
    prev = b;
  }
  return JSON.stringify(out);
}

export function unpackEntries(packed: string): ContributionEntry[] {
  if (!packed) return [];
  const parts = JSON.parse(packed) as (string | number)[];
  const out: ContributionEntry[] = [];
  let prev = '';
  for (let i = 0; i + 2 < parts.length; i += 3) {
    const b = prev.slice(0, parts[i] as number) + (parts[i + 1] as string);
    out.push({ b, v: Number(parts[i + 2]) });
    prev = b;
  }
  return out;
}

/** A stored contribution's entries, in either form: `packed` (written since 2026-12-07) or the earlier `entries` array. */
export function contributionEntries(doc: { packed?: string | null; entries?: readonly ContributionEntry[] | null }): ContributionEntry[] {
  return typeof doc.packed === 'string' ? unpackEntries(doc.packed) : [...(doc.entries ?? [])];
}

/**
 * What one record has added to the roll-ups, as last applied: the next event of that record applies
 * only the difference, so a duplicated or retried event adds nothing, and an event older than the one
 * applied (a lower record version) is ignored. `_id` is `<tenantId>|<resource>|<recordId>`; `rev`
 * orders concurrent writers (compare and set). The entries are written `packed` (one string,
 * `packEntries`); documents written before that have them as `entries` (an array of `{ b, v }`), which
 * the applier reads as well (`contributionEntries`) and the rebuild rewrites packed.
 */
export interface RollupContribution {
  _id: string;
  tenantId: Types.ObjectId;
  resource: string;
  recordId: string;
  recordVersion: number;
  deleted: boolean;
  rev: number;
  packed?: string;
  entries?: ContributionEntry[];
}

const contributionSchema = new Schema<RollupContribution>(
  {
    _id: { type: String, required: true },
    resource: { type: String, required: true },
    recordId: { type: String, required: true },
    recordVersion: { type: Number, required: true },
    deleted: { type: Boolean, default: false },
    rev: { type: Number, required: true },
    packed: { type: String },
    // The earlier form, read as well (`contributionEntries`); not written any more.
    entries: { type: [{ _id: false, b: String, v: Number }], default: undefined },
  },
  { versionKey: false, _id: false },
);
contributionSchema.plugin(tenantScoped);
// Read by `_id` (and whole by the rebuild): no GIN index on `tenantId` to update with each replace.
readWithoutTenantIndex(contributionSchema);
// The applier reads a contribution by `_id` for every record it has not applied itself: after a rebuild
// (tens of thousands written at once) a pending list made each of those reads walk ~50 pages (EXPLAIN,
// bench/RESULTS.md 2026-12-07), and the insert that filled the list merged it in the foreground.
searchedWithoutPendingList(contributionSchema);

export function rollupContributionModel(connection: Connection): Model<RollupContribution> {
  return (connection.models.RollupContribution as Model<RollupContribution>) ?? connection.model<RollupContribution>('RollupContribution', contributionSchema, 'rollup_contributions');
}

/**
 * A record as the roll-ups read it (metrics.ts `countedPart`: a few scalar fields), queued on the write
 * path (one small insert, awaited before the request answers) and turned into its share of the buckets
 * by the applier shortly after. `_id` is `<tenantId>|<resource>|<recordId>|<version>` (`deleted` for a
 * deletion), so a retried or duplicated event queues nothing twice.
 */
export interface RollupOutboxEntry {
  _id: string;
  tenantId: Types.ObjectId;
  resource: string;
  recordId: string;
  recordVersion: number;
  deleted: boolean;
  /** `countedPart` of the record as one JSON string (an object in entries queued before 2026-12-07; `queuedRecord` reads both). */
  record: Record<string, unknown> | string | null;
  queuedAt: Date;
}

const outboxSchema = new Schema<RollupOutboxEntry>(
  {
    _id: { type: String, required: true },
    resource: { type: String, required: true },
    recordId: { type: String, required: true },
    recordVersion: { type: Number, required: true },
    deleted: { type: Boolean, default: false },
    record: { type: Schema.Types.Mixed, default: null },
    queuedAt: { type: Date, required: true },
  },
  { versionKey: false, _id: false },
);
outboxSchema.plugin(tenantScoped);
// A queue: every batch reads it by `tenantId` and deletes its entries by `_id`, which a pending list
// (filled by the inserts of every write) would make walk the list each time.
searchedWithoutPendingList(outboxSchema);

export function rollupOutboxModel(connection: Connection): Model<RollupOutboxEntry> {
  return (connection.models.RollupOutboxEntry as Model<RollupOutboxEntry>) ?? connection.model<RollupOutboxEntry>('RollupOutboxEntry', outboxSchema, 'rollup_outbox');
}

/**
 * A batch of queued entries turned into what it changes: the records' new contributions (their entries
 * `packed`; a plan left by a crash before that has them as `entries`) and the bucket deltas.
 */
export interface RollupPlan {
  outboxIds: string[];
  /** `absent`: no contribution of the record was stored when the plan was made (it is inserted, not replaced). */
  contributions: { _id: string; resource: string; recordId: string; recordVersion: number; deleted: boolean; packed?: string; entries?: ContributionEntry[]; absent?: boolean }[];
  deltas: { b: string; d: number }[];
}

/**
 * One agency's applier: who holds it (a lease, so one process applies an agency's batches at a time),
 * the number of its last batch, and the batch being applied (kept until it is done, so a crash leaves
 * it to be replayed). `_id` is the tenant id as a string.
 */
export interface RollupApplierState {
  _id: string;
  tenantId: Types.ObjectId;
  holder: string | null;
  leaseUntil: Date;
  seq: number;
  /** Moves on each time buckets were written (a batch cleared, the lease given back): what cached reads of the buckets are checked against. */
  stamp?: number;
  /** The batch in flight: one JSON string (`storedPlan` reads it, and the object form of a plan left before 2026-12-07). */
  plan: RollupPlan | string | null;
  /** A fresh value written by each take of the lease: a take claims the turn it found first (rollup-applier.ts `acquire`). */
  turn?: string | null;
}

const applierSchema = new Schema<RollupApplierState>(
  {
    _id: { type: String, required: true },
    holder: { type: String, default: null },
    leaseUntil: { type: Date, required: true },
    seq: { type: Number, default: 0 },
    stamp: { type: Number, default: 0 },
    // Written whole with each batch and cleared when it is done.
    plan: { type: Schema.Types.Mixed, default: null },
    turn: { type: String, default: null },
  },
  { versionKey: false, _id: false, minimize: false },
);
applierSchema.plugin(tenantScoped);

export function rollupApplierModel(connection: Connection): Model<RollupApplierState> {
  return (connection.models.RollupApplier as Model<RollupApplierState>) ?? connection.model<RollupApplierState>('RollupApplier', applierSchema, 'rollup_appliers');
}

/** A target (quota) for one metric, period and subject (a user, a team, a product or the agency). */
export interface Target {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  metric: string;
  period: string;
  periodStart: string;
  dimension: string;
  key: string;
  value: number;
  setBy: Types.ObjectId | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const targetSchema = new Schema<Target>(
  {
    metric: { type: String, required: true },
    period: { type: String, required: true },
    periodStart: { type: String, required: true },
    dimension: { type: String, required: true },
    key: { type: String, required: true },
    value: { type: Number, required: true },
    setBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, versionKey: 'version' },
);
targetSchema.plugin(tenantScoped);
// One target per subject and period: a second create for the same one is a 409.
targetSchema.index({ tenantId: 1, metric: 1, period: 1, periodStart: 1, dimension: 1, key: 1 }, { unique: true });

export function targetModel(connection: Connection): Model<Target> {
  return (connection.models.Target as Model<Target>) ?? connection.model<Target>('Target', targetSchema, 'targets');
}

/** A dashboard: a role's default (role set) or a person's own (ownerId set), with its widgets as data. */
export interface Dashboard {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  name: string;
  role: string | null;
  ownerId: Types.ObjectId | null;
  widgets: WidgetSpec[];
  /** A role default's memory of the built-in template it was last given (its hash and widget ids), so a release adds only its new widgets. */
  seeded?: { hash: string; widgetIds: string[] } | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const dashboardSchema = new Schema<Dashboard>(
  {
    name: { type: String, required: true },
    role: { type: String, default: null },
    ownerId: { type: Schema.Types.ObjectId, default: null },
    // Validated by the route's schema and rewritten whole, never patched item by item.
    widgets: { type: Schema.Types.Mixed, default: () => [] },
    seeded: { type: Schema.Types.Mixed, default: null },
  },
  { timestamps: true, versionKey: 'version', minimize: false },
);
dashboardSchema.plugin(tenantScoped);
dashboardSchema.index({ tenantId: 1, ownerId: 1 });
dashboardSchema.index({ tenantId: 1, role: 1 });

export function dashboardModel(connection: Connection): Model<Dashboard> {
  return (connection.models.Dashboard as Model<Dashboard>) ?? connection.model<Dashboard>('Dashboard', dashboardSchema, 'dashboards');
}
