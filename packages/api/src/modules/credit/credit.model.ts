import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** One band of payment behaviour: accounts whose average days late is at most `maxAverageDaysLate` get this multiplier and cap. */
export interface CreditBand {
  maxAverageDaysLate: number;
  multiplierBp: number;
  capMinor: number | null;
}

/**
 * The agency's rule for calculated credit limits (issue 21 item 5), as data. In minor units of the
 * account's currency:
 *   raw = baseMinor + trailing spend over `windowDays` × spendShareBp / 10 000
 *   limit = raw × band.multiplierBp / 10 000 (× overdueMultiplierBp / 10 000 while an invoice is overdue),
 *           at most the band's cap, then at least `floorMinor` and at most `ceilingMinor`.
 * The band is the first (in `maxAverageDaysLate` order) that the account's average days late fits; an
 * account late beyond every band gets `lateMultiplierBp`. A manual `finance.creditLimit` on the account wins.
 * One per agency: its `_id` is the tenant's id, so two first writes cannot make two rules.
 */
export interface CreditRule {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  enabled: boolean;
  baseMinor: number;
  spendShareBp: number;
  windowDays: number;
  bands: CreditBand[];
  lateMultiplierBp: number;
  overdueMultiplierBp: number;
  floorMinor: number;
  ceilingMinor: number | null;
  version: number;
  updatedAt?: Date;
}

const ruleSchema = new Schema<CreditRule>(
  {
    enabled: { type: Boolean, default: false },
    baseMinor: { type: Number, default: 0 },
    spendShareBp: { type: Number, default: 0 },
    windowDays: { type: Number, default: 365 },
    bands: { type: [{ _id: false, maxAverageDaysLate: Number, multiplierBp: Number, capMinor: { type: Number, default: null } }], default: [] },
    lateMultiplierBp: { type: Number, default: 0 },
    overdueMultiplierBp: { type: Number, default: 10_000 },
    floorMinor: { type: Number, default: 0 },
    ceilingMinor: { type: Number, default: null },
  },
  { timestamps: true, versionKey: 'version', minimize: false },
);
ruleSchema.plugin(tenantScoped);

export function creditRuleModel(connection: Connection): Model<CreditRule> {
  return (connection.models.CreditRule as Model<CreditRule>) ?? connection.model<CreditRule>('CreditRule', ruleSchema, 'creditRules');
}

/** The inputs a calculated limit was reached from, kept with it so a person can follow the sum. */
export interface CreditInputs {
  currency: string;
  spendMinor: number;
  windowDays: number;
  averageDaysLate: number;
  maxDaysLate: number;
  paidCount: number;
  openOverdueCount: number;
  band: number | null;
  baseMinor: number;
  spendShareBp: number;
  multiplierBp: number;
  capMinor: number | null;
  floorMinor: number;
  ceilingMinor: number | null;
  rawMinor: number;
}

/** The revenue invoiced to an account in one calendar month (UTC), in one currency. */
export interface MonthRevenue {
  month: string;
  currency: string;
  amount: number;
}

/**
 * Per account (one document, `accountId` unique per tenant): its calculated credit limit with the inputs,
 * and the purchase summary segments read (ordered products, last order, invoiced revenue by month), kept
 * by order writes and by the nightly recalculation so no segment scans orders or invoices.
 */
export interface AccountCredit {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  accountId: Types.ObjectId;
  calculatedMinor: number | null;
  inputs: CreditInputs | null;
  calculatedAt: Date | null;
  productIds: Types.ObjectId[];
  lastOrderAt: Date | null;
  orderCount: number;
  revenue: MonthRevenue[];
  summarizedAt: Date | null;
}

const accountCreditSchema = new Schema<AccountCredit>(
  {
    accountId: { type: Schema.Types.ObjectId, required: true },
    calculatedMinor: { type: Number, default: null },
    inputs: { type: Schema.Types.Mixed, default: null },
    calculatedAt: { type: Date, default: null },
    productIds: { type: [Schema.Types.ObjectId], default: [] },
    lastOrderAt: { type: Date, default: null },
    orderCount: { type: Number, default: 0 },
    revenue: { type: [{ _id: false, month: String, currency: String, amount: Number }], default: [] },
    summarizedAt: { type: Date, default: null },
  },
  { versionKey: false, minimize: false },
);
accountCreditSchema.plugin(tenantScoped);
accountCreditSchema.index({ tenantId: 1, accountId: 1 }, { unique: true });

export function accountCreditModel(connection: Connection): Model<AccountCredit> {
  return (connection.models.AccountCredit as Model<AccountCredit>) ?? connection.model<AccountCredit>('AccountCredit', accountCreditSchema, 'accountCredit');
}

/** A held reservation of an account's credit line: its `_id` (`<tenant>:<account>`) is unique, so one order is checked at a time. */
interface CreditLock {
  _id: string;
  at: Date;
}

const lockSchema = new Schema<CreditLock>({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false, collection: 'creditLocks' });

export function creditLockModel(connection: Connection): Model<CreditLock> {
  return (connection.models.CreditLock as Model<CreditLock> | undefined) ?? connection.model<CreditLock>('CreditLock', lockSchema);
}
