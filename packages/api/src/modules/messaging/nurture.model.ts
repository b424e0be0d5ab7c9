import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** One email of a sequence: a template, sent `delayDays` after the previous step (the first: after enrolment). */
export interface NurtureStep {
  templateId: Types.ObjectId;
  delayDays: number;
}

/** A lead-nurturing sequence (004): follow-up emails to enrolled contacts, spaced in days. */
export interface NurtureSequence {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  name: string;
  steps: NurtureStep[];
  active: boolean;
  createdBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const sequenceSchema = new Schema<NurtureSequence>(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    steps: { type: [new Schema({ templateId: { type: Schema.Types.ObjectId, required: true }, delayDays: { type: Number, required: true, min: 0, max: 365 } }, { _id: false })], required: true },
    active: { type: Boolean, default: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: true, versionKey: false },
);
sequenceSchema.plugin(tenantScoped);

export const enrollmentStates = ['active', 'completed', 'stopped'] as const;
export type EnrollmentState = (typeof enrollmentStates)[number];

/**
 * A contact in a sequence. `_id` is derived from (sequence, contact), so enrolling twice is one
 * enrolment; `nextStep` and `nextAt` say what is due when. Each step's email is its own send with an id
 * derived from (enrolment, step), so however many workers run a due step, the ledger sends it once.
 */
export interface NurtureEnrollment {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  sequenceId: Types.ObjectId;
  contactId: Types.ObjectId;
  state: EnrollmentState;
  nextStep: number;
  nextAt: Date | null;
  enrolledBy: Types.ObjectId;
  stoppedReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const enrollmentSchema = new Schema<NurtureEnrollment>(
  {
    sequenceId: { type: Schema.Types.ObjectId, required: true },
    contactId: { type: Schema.Types.ObjectId, required: true },
    state: { type: String, enum: enrollmentStates, default: 'active' },
    nextStep: { type: Number, default: 0 },
    nextAt: { type: Date, default: null },
    enrolledBy: { type: Schema.Types.ObjectId, required: true },
    stoppedReason: { type: String, default: null },
  },
  { timestamps: true, versionKey: false },
);
enrollmentSchema.plugin(tenantScoped);
enrollmentSchema.index({ state: 1, nextAt: 1 });
enrollmentSchema.index({ tenantId: 1, sequenceId: 1 });

export function nurtureSequenceModel(connection: Connection): Model<NurtureSequence> {
  return (connection.models.NurtureSequence as Model<NurtureSequence>) ?? connection.model<NurtureSequence>('NurtureSequence', sequenceSchema, 'nurture_sequences');
}
export function nurtureEnrollmentModel(connection: Connection): Model<NurtureEnrollment> {
  return (connection.models.NurtureEnrollment as Model<NurtureEnrollment>) ?? connection.model<NurtureEnrollment>('NurtureEnrollment', enrollmentSchema, 'nurture_enrollments');
}
