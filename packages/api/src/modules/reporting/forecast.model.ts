import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** The three pillars of 003's annual forecast: new customers, current customers, current customers adding product lines. */
export const pillars = ['new', 'accountManagement', 'upsell'] as const;
export type Pillar = (typeof pillars)[number];

/** Twelve monthly amounts (January first) in minor units of the agency's currency, per pillar. */
export type PillarMonths = Record<Pillar, number[]>;

/**
 * One entry of an annual forecast: an account manager's plan for a year, either for one account
 * (`accountId`) or not tied to one (`accountId` null: mostly new sales to customers not yet won). A
 * person's, team's or the agency's plan is the sum of its entries; an account's, of the entries of it
 * and its descendants. One entry per year, owner and account.
 */
export interface ForecastPlan {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  year: number;
  ownerId: Types.ObjectId;
  accountId: Types.ObjectId | null;
  months: PillarMonths;
  updatedBy: Types.ObjectId | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const forecastPlanSchema = new Schema<ForecastPlan>(
  {
    year: { type: Number, required: true },
    ownerId: { type: Schema.Types.ObjectId, required: true },
    accountId: { type: Schema.Types.ObjectId, default: null },
    months: {
      new: { type: [Number], required: true },
      accountManagement: { type: [Number], required: true },
      upsell: { type: [Number], required: true },
    },
    updatedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, versionKey: 'version' },
);
forecastPlanSchema.plugin(tenantScoped);
forecastPlanSchema.index({ tenantId: 1, year: 1, ownerId: 1, accountId: 1 }, { unique: true });

export function forecastPlanModel(connection: Connection): Model<ForecastPlan> {
  return (connection.models.ForecastPlan as Model<ForecastPlan>) ?? connection.model<ForecastPlan>('ForecastPlan', forecastPlanSchema, 'forecast_plans');
}

/**
 * The pillar a won deal of an account was put in when it was first counted as won, kept so the
 * incremental roll-ups and a rebuild read the same answer however the account's deals change later.
 * `_id` is `<tenantId>|<opportunityId>`.
 */
export interface DealPillar {
  _id: string;
  tenantId: Types.ObjectId;
  opportunityId: string;
  pillar: Pillar;
  classifiedAt: Date;
}

const dealPillarSchema = new Schema<DealPillar>(
  {
    _id: { type: String, required: true },
    opportunityId: { type: String, required: true },
    pillar: { type: String, enum: pillars, required: true },
    classifiedAt: { type: Date, required: true },
  },
  { versionKey: false, _id: false },
);
dealPillarSchema.plugin(tenantScoped);

export function dealPillarModel(connection: Connection): Model<DealPillar> {
  return (connection.models.DealPillar as Model<DealPillar>) ?? connection.model<DealPillar>('DealPillar', dealPillarSchema, 'deal_pillars');
}
