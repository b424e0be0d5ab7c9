import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import type { RecordBase } from '../../platform/records/record-service.js';
import type { Subject, SubjectType } from '../tasks/task.model.js';

export const activityTypes = ['call', 'email', 'meeting', 'note'] as const;
export type ActivityType = (typeof activityTypes)[number];

/** Something that happened with a contact, customer, lead or opportunity: a call, an email, a meeting, a note. */
export interface Activity extends RecordBase {
  type: ActivityType;
  title: string;
  body: string | null;
  subject: Subject;
  subjectType: SubjectType;
  subjectId: Types.ObjectId;
  occurredAt: Date;
  direction: 'inbound' | 'outbound' | null;
  durationMinutes: number | null;
  outcome: string | null;
  contactIds: Types.ObjectId[];
  taskId: Types.ObjectId | null;
  tags: string[];
  custom: Record<string, unknown>;
}

const subjectSchema = new Schema({ type: { type: String, required: true }, id: { type: Schema.Types.ObjectId, required: true } }, { _id: false });

const activitySchema = new Schema<Activity>(
  {
    type: { type: String, enum: activityTypes, required: true },
    title: { type: String, required: true, trim: true, maxlength: 300 },
    body: { type: String, default: null },
    subject: { type: subjectSchema, required: true },
    subjectType: { type: String, required: true },
    subjectId: { type: Schema.Types.ObjectId, required: true },
    occurredAt: { type: Date, required: true },
    direction: { type: String, enum: ['inbound', 'outbound', null], default: null },
    durationMinutes: { type: Number, default: null },
    outcome: { type: String, default: null },
    contactIds: { type: [Schema.Types.ObjectId], default: [] },
    taskId: { type: Schema.Types.ObjectId, default: null },
    ownerId: { type: Schema.Types.ObjectId, default: null, index: true },
    teamId: { type: Schema.Types.ObjectId, default: null },
    productId: { type: Schema.Types.ObjectId, default: null },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    tags: { type: [String], default: [] },
    custom: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  { timestamps: true, versionKey: 'version', minimize: false },
);
activitySchema.plugin(tenantScoped);
activitySchema.index({ tenantId: 1, subjectId: 1, occurredAt: -1 });

export function activityModel(connection: Connection): Model<Activity> {
  return (connection.models.Activity as Model<Activity>) ?? connection.model<Activity>('Activity', activitySchema, 'activities');
}
