import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** The review outcomes a consultant records on a lost deal (003 Opportunities, Tracking). */
export const reviewOutcomes = ['reopened', 'confirmed_lost', 'lesson_noted'] as const;
export type ReviewOutcome = (typeof reviewOutcomes)[number];

/**
 * A consultant group that checks the deals lost for one reason (admin data). `reasonKey` is the lost
 * reason lower-cased and trimmed; `*` is the fallback group for reasons no group names.
 */
export interface LostReasonGroup {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  reasonKey: string;
  reason: string;
  name: string;
  memberIds: Types.ObjectId[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const groupSchema = new Schema<LostReasonGroup>(
  {
    reasonKey: { type: String, required: true, maxlength: 200 },
    reason: { type: String, required: true, maxlength: 200 },
    name: { type: String, required: true, maxlength: 120 },
    memberIds: { type: [Schema.Types.ObjectId], default: [] },
  },
  { timestamps: true, versionKey: 'version', optimisticConcurrency: true },
);
groupSchema.plugin(tenantScoped);
groupSchema.index({ tenantId: 1, reasonKey: 1 }, { unique: true });

/** One loss of one opportunity under review: the group it went to, the review task, and the outcome. */
export interface LostReview {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  /** `<opportunityId>:<closedAt ms>`: one review per loss (a deal re-opened and lost again gets a second). */
  lossKey: string;
  opportunityId: Types.ObjectId;
  opportunityName: string;
  reason: string;
  amount: number;
  currency: string;
  groupId: Types.ObjectId | null;
  groupName: string | null;
  assigneeId: Types.ObjectId | null;
  taskId: Types.ObjectId | null;
  /** Top-level for the equality filter (`open` while no outcome is recorded). */
  state: 'open' | 'decided';
  outcome: ReviewOutcome | null;
  note: string | null;
  decidedBy: Types.ObjectId | null;
  decidedAt: Date | null;
  lostAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const reviewSchema = new Schema<LostReview>(
  {
    lossKey: { type: String, required: true },
    opportunityId: { type: Schema.Types.ObjectId, required: true },
    opportunityName: { type: String, default: '' },
    reason: { type: String, required: true },
    amount: { type: Number, default: 0 },
    currency: { type: String, default: 'EUR' },
    groupId: { type: Schema.Types.ObjectId, default: null },
    groupName: { type: String, default: null },
    assigneeId: { type: Schema.Types.ObjectId, default: null },
    taskId: { type: Schema.Types.ObjectId, default: null },
    state: { type: String, enum: ['open', 'decided'], default: 'open' },
    outcome: { type: String, enum: [...reviewOutcomes, null], default: null },
    note: { type: String, default: null },
    decidedBy: { type: Schema.Types.ObjectId, default: null },
    decidedAt: { type: Date, default: null },
    lostAt: { type: Date, required: true },
  },
  { timestamps: true, versionKey: false },
);
reviewSchema.plugin(tenantScoped);
reviewSchema.index({ tenantId: 1, lossKey: 1 }, { unique: true });
reviewSchema.index({ tenantId: 1, state: 1 });
reviewSchema.index({ tenantId: 1, opportunityId: 1 });

export function lostReasonGroupModel(connection: Connection): Model<LostReasonGroup> {
  return (connection.models.LostReasonGroup as Model<LostReasonGroup>) ?? connection.model<LostReasonGroup>('LostReasonGroup', groupSchema, 'lost_reason_groups');
}

export function lostReviewModel(connection: Connection): Model<LostReview> {
  return (connection.models.LostReview as Model<LostReview>) ?? connection.model<LostReview>('LostReview', reviewSchema, 'lost_reviews');
}

/** The key a lost reason is routed by. */
export const reasonKeyOf = (reason: string) => reason.trim().toLowerCase().replace(/\s+/g, ' ');
