import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/**
 * What happened with an account in one week, counted as it happens: an `$inc` upsert per activity,
 * order or ticket (the writes' events), so the weekly job reads one small row per active account by
 * equality on `(tenantId, week)` instead of scanning activities, orders and tickets.
 */
export interface AccountWeekCount {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  accountId: Types.ObjectId;
  /** The Monday (UTC) the week starts on, `YYYY-MM-DD`. */
  week: string;
  /** `<week>:<accountId>`: the unique key (top-level, so every engine enforces it). */
  key: string;
  activities: number;
  orders: number;
  tickets: number;
}

const weekCountSchema = new Schema<AccountWeekCount>(
  {
    accountId: { type: Schema.Types.ObjectId, required: true },
    week: { type: String, required: true },
    key: { type: String, required: true },
    activities: { type: Number, default: 0 },
    orders: { type: Number, default: 0 },
    tickets: { type: Number, default: 0 },
  },
  { versionKey: false, collection: 'account_week_counts' },
);
weekCountSchema.plugin(tenantScoped);
weekCountSchema.index({ tenantId: 1, key: 1 }, { unique: true });
weekCountSchema.index({ tenantId: 1, week: 1 });

export const healthFlags = ['activity_drop', 'late_payment'] as const;
export type HealthFlag = (typeof healthFlags)[number];

/** The weekly snapshot of an account: its counts, the trailing average it is compared with, the flags raised. */
export interface AccountSnapshot {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  accountId: Types.ObjectId;
  week: string;
  key: string;
  activities: number;
  orders: number;
  tickets: number;
  /** The mean weekly activities of the snapshots before it (up to four weeks); null without history. */
  trailingActivities: number | null;
  trailingWeeks: number;
  /** This week's activities and the weeks before it, newest first (at most the trailing window + 1), so next week reads one row. */
  window: number[];
  lateInvoices: number;
  lateAmount: number;
  flags: HealthFlag[];
  accountManagerId: Types.ObjectId | null;
  createdAt: Date;
}

const snapshotSchema = new Schema<AccountSnapshot>(
  {
    accountId: { type: Schema.Types.ObjectId, required: true },
    week: { type: String, required: true },
    key: { type: String, required: true },
    activities: { type: Number, default: 0 },
    orders: { type: Number, default: 0 },
    tickets: { type: Number, default: 0 },
    trailingActivities: { type: Number, default: null },
    trailingWeeks: { type: Number, default: 0 },
    window: { type: [Number], default: [] },
    lateInvoices: { type: Number, default: 0 },
    lateAmount: { type: Number, default: 0 },
    flags: { type: [String], default: [] },
    accountManagerId: { type: Schema.Types.ObjectId, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'account_snapshots' },
);
snapshotSchema.plugin(tenantScoped);
snapshotSchema.index({ tenantId: 1, key: 1 }, { unique: true });
snapshotSchema.index({ tenantId: 1, week: 1 });
snapshotSchema.index({ tenantId: 1, accountId: 1 });

export function accountWeekCountModel(connection: Connection): Model<AccountWeekCount> {
  return (connection.models.AccountWeekCount as Model<AccountWeekCount> | undefined) ?? connection.model<AccountWeekCount>('AccountWeekCount', weekCountSchema);
}

export function accountSnapshotModel(connection: Connection): Model<AccountSnapshot> {
  return (connection.models.AccountSnapshot as Model<AccountSnapshot> | undefined) ?? connection.model<AccountSnapshot>('AccountSnapshot', snapshotSchema);
}

/** The Monday 00:00 UTC of the week `at` falls in, as `YYYY-MM-DD`. */
export function weekOf(at: Date): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/** The week `n` weeks after (negative: before) `week`. */
export function addWeeks(week: string, n: number): string {
  const d = new Date(`${week}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 7 * n);
  return d.toISOString().slice(0, 10);
}
