import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import type { RecordBase } from '../../platform/records/record-service.js';
import { stageKinds, type StageKind } from './pipeline.model.js';

export const outcomes = ['won', 'partially_won', 'lost'] as const;
export type Outcome = (typeof outcomes)[number];

/** A deal the agency may close (001 Opportunity Management, 003 Opportunities). */
export interface Opportunity extends RecordBase {
  name: string;
  description?: string | null;
  customerId: Types.ObjectId | null;
  contactIds: Types.ObjectId[];
  amount: number;
  currency: string;
  expectedGrossProfit: number | null;
  probability: number;
  /** amount × probability / 100, kept on write so the board can $sum it (no $multiply on FerretDB). */
  weightedAmount: number;
  expectedCloseDate: Date | null;
  pipelineId: Types.ObjectId;
  stage: string;
  /** Copy of the stage's kind, so the board filters open deals by equality (pushed down to SQL). */
  stageKind: StageKind;
  /** Order inside the stage column (smaller first). */
  rank: number;
  nextStep: string | null;
  nextStepDate: Date | null;
  leadId: Types.ObjectId | null;
  leadSource: string | null;
  campaignId: Types.ObjectId | null;
  outcome: Outcome | null;
  lostReason: string | null;
  closedAt: Date | null;
  stageChangedAt: Date | null;
  /**
   * The lead this deal was converted from, or (for deals not from a lead) a fresh id: FerretDB has no
   * partial indexes, so the unique index that makes conversion idempotent must never see two nulls.
   */
  sourceLeadId: Types.ObjectId;
  tags: string[];
  custom: Record<string, unknown>;
}

const opportunitySchema = new Schema<Opportunity>(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    description: { type: String, default: null },
    customerId: { type: Schema.Types.ObjectId, default: null, index: true },
    contactIds: { type: [Schema.Types.ObjectId], default: [] },
    amount: { type: Number, default: 0 },
    currency: { type: String, default: 'EUR' },
    expectedGrossProfit: { type: Number, default: null },
    probability: { type: Number, required: true },
    weightedAmount: { type: Number, default: 0 },
    expectedCloseDate: { type: Date, default: null },
    pipelineId: { type: Schema.Types.ObjectId, required: true },
    stage: { type: String, required: true },
    stageKind: { type: String, enum: stageKinds, required: true },
    rank: { type: Number, default: 0 },
    nextStep: { type: String, default: null },
    nextStepDate: { type: Date, default: null },
    leadId: { type: Schema.Types.ObjectId, default: null },
    leadSource: { type: String, default: null },
    campaignId: { type: Schema.Types.ObjectId, default: null },
    outcome: { type: String, enum: [...outcomes, null], default: null },
    lostReason: { type: String, default: null },
    closedAt: { type: Date, default: null },
    stageChangedAt: { type: Date, default: null },
    sourceLeadId: { type: Schema.Types.ObjectId, required: true },
    ownerId: { type: Schema.Types.ObjectId, default: null, index: true },
    teamId: { type: Schema.Types.ObjectId, default: null },
    productId: { type: Schema.Types.ObjectId, default: null, index: true },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    tags: { type: [String], default: [] },
    custom: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  { timestamps: true, versionKey: 'version', minimize: false },
);
opportunitySchema.plugin(tenantScoped);
// The board: open deals of one pipeline, per stage, in rank order (all equality + sort: pushed down on PostgreSQL).
opportunitySchema.index({ tenantId: 1, pipelineId: 1, stageKind: 1, stage: 1, rank: 1 });
opportunitySchema.index({ tenantId: 1, pipelineId: 1, stage: 1, rank: 1 });
// A converted lead makes at most one opportunity, however often the conversion is retried.
opportunitySchema.index({ tenantId: 1, sourceLeadId: 1 }, { unique: true });

export function opportunityModel(connection: Connection): Model<Opportunity> {
  return (connection.models.Opportunity as Model<Opportunity>) ?? connection.model<Opportunity>('Opportunity', opportunitySchema, 'opportunities');
}

/** One stage change of one opportunity (its own collection: one document per change, never rewritten). */
export interface StageChange {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  opportunityId: Types.ObjectId;
  pipelineId: Types.ObjectId;
  fromPipelineId: Types.ObjectId | null;
  fromStage: string | null;
  toStage: string;
  probability: number;
  amount: number;
  outcome: Outcome | null;
  lostReason: string | null;
  byUserId: Types.ObjectId | null;
  at: Date;
}

const stageChangeSchema = new Schema<StageChange>(
  {
    opportunityId: { type: Schema.Types.ObjectId, required: true },
    pipelineId: { type: Schema.Types.ObjectId, required: true },
    fromPipelineId: { type: Schema.Types.ObjectId, default: null },
    fromStage: { type: String, default: null },
    toStage: { type: String, required: true },
    probability: { type: Number, required: true },
    amount: { type: Number, default: 0 },
    outcome: { type: String, default: null },
    lostReason: { type: String, default: null },
    byUserId: { type: Schema.Types.ObjectId, default: null },
    at: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
stageChangeSchema.plugin(tenantScoped);
stageChangeSchema.index({ tenantId: 1, opportunityId: 1, at: -1 });

export function stageChangeModel(connection: Connection): Model<StageChange> {
  return (connection.models.OpportunityStageChange as Model<StageChange>) ?? connection.model<StageChange>('OpportunityStageChange', stageChangeSchema, 'opportunity_stage_changes');
}
