import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import type { RecordBase } from '../../platform/records/record-service.js';

export const taskKinds = ['call', 'meeting', 'followUp', 'todo'] as const;
export type TaskKind = (typeof taskKinds)[number];
export const subjectTypes = ['contact', 'customer', 'lead', 'opportunity'] as const;
export type SubjectType = (typeof subjectTypes)[number];

/** What a task or an activity is about. */
export interface Subject {
  type: SubjectType;
  id: Types.ObjectId;
}

export interface TimeSlot {
  start: Date;
  end: Date;
}

/**
 * Work to do about a record: calling tasks (000's Calling Task workflow), meetings with proposed time
 * slots, and follow-ups (003: assign to anyone, with a description and a date). Every kind runs the
 * tenant's `callingTask` workflow (New, Scheduled, Re-scheduled, Done, Aborted).
 */
export interface Task extends RecordBase {
  kind: TaskKind;
  title: string;
  description: string | null;
  subject: Subject | null;
  /** Top-level copies of the subject, for the index the timeline reads. */
  subjectType: SubjectType | null;
  subjectId: Types.ObjectId | null;
  assigneeId: Types.ObjectId | null;
  dueAt: Date | null;
  status: string;
  statusChangedAt: Date | null;
  location: string | null;
  proposedSlots: TimeSlot[];
  chosenSlot: TimeSlot | null;
  /**
   * The `w<n>` week buckets of the calendar's week numbering (platform/db/time-buckets.ts) that the task's calendar
   * span touches (its chosen slot, else its due time for 30 minutes; none without either), so the
   * calendar reads a week's tasks by equality; kept by `taskFiling` (task-filing.ts) on every write of `dueAt` or `chosenSlot`.
   */
  calendarWeeks: string[];
  /** The UTC hour (`YYYY-MM-DDTHH`) the task's calendar span starts, which the reminder job reads by equality; null without a due time. */
  dueHour: string | null;
  /** sha256 of the meeting invitation token a contact uses to pick a slot (the token itself is never stored). */
  invitationTokenHash: string | null;
  /** Idempotency of automatic tasks ("contact:<id>:convert"); manual tasks get a unique filler (no partial indexes on FerretDB). */
  autoKey: string;
  tags: string[];
  custom: Record<string, unknown>;
}

const slot = { _id: false, start: Date, end: Date };
const subjectSchema = new Schema({ type: { type: String, required: true }, id: { type: Schema.Types.ObjectId, required: true } }, { _id: false });

const taskSchema = new Schema<Task>(
  {
    kind: { type: String, enum: taskKinds, required: true },
    title: { type: String, required: true, trim: true, maxlength: 300 },
    description: { type: String, default: null },
    subject: { type: subjectSchema, default: null },
    subjectType: { type: String, default: null },
    subjectId: { type: Schema.Types.ObjectId, default: null },
    assigneeId: { type: Schema.Types.ObjectId, default: null, index: true },
    dueAt: { type: Date, default: null },
    status: { type: String, required: true, index: true },
    statusChangedAt: { type: Date, default: null },
    location: { type: String, default: null },
    proposedSlots: { type: [slot], default: [] },
    chosenSlot: { type: slot, default: null },
    calendarWeeks: { type: [String], default: [] },
    dueHour: { type: String, default: null, index: true },
    invitationTokenHash: { type: String, default: null, index: true },
    autoKey: { type: String, required: true },
    ownerId: { type: Schema.Types.ObjectId, default: null, index: true },
    teamId: { type: Schema.Types.ObjectId, default: null },
    productId: { type: Schema.Types.ObjectId, default: null },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    tags: { type: [String], default: [] },
    custom: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  { timestamps: true, versionKey: 'version', minimize: false },
);
taskSchema.plugin(tenantScoped);
taskSchema.index({ tenantId: 1, subjectId: 1, createdAt: -1 });
taskSchema.index({ tenantId: 1, assigneeId: 1, status: 1, dueAt: 1 });
taskSchema.index({ tenantId: 1, autoKey: 1 }, { unique: true });
taskSchema.index({ tenantId: 1, calendarWeeks: 1 });

export function taskModel(connection: Connection): Model<Task> {
  return (connection.models.Task as Model<Task>) ?? connection.model<Task>('Task', taskSchema, 'tasks');
}

/** The task states that still need work (used to balance automatic assignments). */
export const openTaskStates = ['new', 'scheduled', 'rescheduled'];
