import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { invalidatesAccess } from '../access/access-epoch.js';
import { tenantScoped } from '../db/tenancy.plugin.js';

/** One state of a status workflow. */
export interface WorkflowState {
  key: string;
  label: string;
  final: boolean;
}

/** An allowed move; `roles` (role keys) limits who may make it, empty meaning anyone allowed to transition. */
export interface WorkflowTransition {
  from: string;
  to: string;
  roles: string[];
}

/** A status machine as tenant data: states, the initial one, the allowed moves (000's four workflows and more). */
export interface Workflow {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  key: string;
  name: string;
  initial: string;
  states: WorkflowState[];
  transitions: WorkflowTransition[];
  version: number;
}

const workflowSchema = new Schema<Workflow>(
  {
    key: { type: String, required: true, maxlength: 40 },
    name: { type: String, required: true, maxlength: 100 },
    initial: { type: String, required: true },
    states: [{ _id: false, key: String, label: String, final: Boolean }],
    transitions: [{ _id: false, from: String, to: String, roles: [String] }],
  },
  { timestamps: true, versionKey: 'version', optimisticConcurrency: true },
);
workflowSchema.plugin(tenantScoped);
// Who may make which move is part of access, and every process caches workflows against the access stamp
// (workflow-engine.ts): a change moves it, so every process reads the workflow again at its next use.
workflowSchema.plugin(invalidatesAccess);
workflowSchema.index({ tenantId: 1, key: 1 }, { unique: true });

/** The history of every status change of every record (one document per change). */
export interface TransitionRecord {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  workflowKey: string;
  resource: string;
  recordId: Types.ObjectId;
  from: string | null;
  to: string;
  byUserId: Types.ObjectId | null;
  note: string | null;
  at: Date;
}

const transitionSchema = new Schema<TransitionRecord>(
  {
    workflowKey: { type: String, required: true },
    resource: { type: String, required: true },
    recordId: { type: Schema.Types.ObjectId, required: true, index: true },
    from: { type: String, default: null },
    to: { type: String, required: true },
    byUserId: { type: Schema.Types.ObjectId, default: null },
    note: { type: String, default: null, maxlength: 1000 },
    at: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
transitionSchema.plugin(tenantScoped);

export function workflowModel(connection: Connection): Model<Workflow> {
  return (connection.models.Workflow as Model<Workflow>) ?? connection.model<Workflow>('Workflow', workflowSchema, 'workflows');
}

export function transitionModel(connection: Connection): Model<TransitionRecord> {
  return (connection.models.Transition as Model<TransitionRecord>) ?? connection.model<TransitionRecord>('Transition', transitionSchema, 'transitions');
}
