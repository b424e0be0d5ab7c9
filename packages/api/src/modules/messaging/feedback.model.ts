import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

export const feedbackRatings = ['positive', 'neutral', 'negative'] as const;
export type FeedbackRating = (typeof feedbackRatings)[number];
export const feedbackLevels = ['account', 'job', 'po'] as const;
export type FeedbackLevel = (typeof feedbackLevels)[number];

/**
 * A customer's feedback (003): from the monthly satisfaction email (one per survey and recipient, the
 * last answer wins) or entered by staff on the account, a job or a PO.
 */
export interface Feedback {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  customerId: Types.ObjectId;
  /** Who answered: the customer itself or one of its contacts. */
  respondentType: 'customer' | 'contact';
  respondentId: Types.ObjectId;
  rating: FeedbackRating;
  comment: string;
  source: 'survey' | 'manual';
  level: FeedbackLevel;
  reference: string | null;
  sendId: Types.ObjectId | null;
  createdBy: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

const feedbackSchema = new Schema<Feedback>(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    respondentType: { type: String, enum: ['customer', 'contact'], required: true },
    respondentId: { type: Schema.Types.ObjectId, required: true },
    rating: { type: String, enum: feedbackRatings, required: true },
    comment: { type: String, default: '', maxlength: 4000 },
    source: { type: String, enum: ['survey', 'manual'], required: true },
    level: { type: String, enum: feedbackLevels, default: 'account' },
    reference: { type: String, default: null, maxlength: 200 },
    sendId: { type: Schema.Types.ObjectId, default: null },
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, versionKey: false },
);
feedbackSchema.plugin(tenantScoped);
feedbackSchema.index({ tenantId: 1, customerId: 1, _id: -1 });

/** An agency's monthly satisfaction survey (003): off until an admin picks a template; `_id` is the tenant's id. */
export interface SatisfactionSettings {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  enabled: boolean;
  templateId: Types.ObjectId | null;
  /** Day of the month (1-28) and local hour (0-23, agency time zone) from which the month's survey goes out. */
  dayOfMonth: number;
  hour: number;
  /** Days after an opportunity of the customer is won to send it the survey (003 "post-delivery"); null: off. */
  afterWonDays: number | null;
  /** Whether a ticket's contact (else its account) is surveyed when the ticket is resolved, once per ticket. */
  afterTicketResolved: boolean;
  updatedBy: Types.ObjectId | null;
  updatedAt: Date;
}

const satisfactionSettingsSchema = new Schema<SatisfactionSettings>(
  {
    enabled: { type: Boolean, default: false },
    templateId: { type: Schema.Types.ObjectId, default: null },
    dayOfMonth: { type: Number, default: 1, min: 1, max: 28 },
    hour: { type: Number, default: 10, min: 0, max: 23 },
    afterWonDays: { type: Number, default: null, min: 0, max: 90 },
    afterTicketResolved: { type: Boolean, default: false },
    updatedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, versionKey: false },
);
satisfactionSettingsSchema.plugin(tenantScoped);

export function feedbackModel(connection: Connection): Model<Feedback> {
  return (connection.models.Feedback as Model<Feedback>) ?? connection.model<Feedback>('Feedback', feedbackSchema, 'feedback');
}
export function satisfactionSettingsModel(connection: Connection): Model<SatisfactionSettings> {
  return (connection.models.SatisfactionSettings as Model<SatisfactionSettings>) ?? connection.model<SatisfactionSettings>('SatisfactionSettings', satisfactionSettingsSchema, 'satisfaction_settings');
}
