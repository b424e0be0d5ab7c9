import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** What a request for leads asks for (003 Request For Leads: needed count, industry, region, country, # of employees, size). */
export interface LeadCriteria {
  neededCount: number;
  industry: string | null;
  region: string | null;
  country: string | null;
  employeesMin: number | null;
  employeesMax: number | null;
  size: string | null;
}

/** A request to source leads, run through the tenant's `leadRequest` workflow. */
export interface LeadRequest {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  title: string;
  notes: string | null;
  criteria: LeadCriteria;
  status: string;
  statusChangedAt: Date | null;
  /** Counters kept by the service from the items (recounted on each change, never incremented blindly). */
  candidateCount: number;
  acceptedCount: number;
  deliveredCount: number;
  extensions: number;
  campaignId: Types.ObjectId | null;
  /** Who sources the leads; sees the request whatever their role's lead scope. */
  assigneeId: Types.ObjectId | null;
  ownerId: Types.ObjectId | null;
  teamId: Types.ObjectId | null;
  productId: Types.ObjectId | null;
  departmentId: Types.ObjectId | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const criteriaSchema = new Schema<LeadCriteria>(
  { neededCount: { type: Number, required: true }, industry: { type: String, default: null }, region: { type: String, default: null }, country: { type: String, default: null }, employeesMin: { type: Number, default: null }, employeesMax: { type: Number, default: null }, size: { type: String, default: null } },
  { _id: false },
);
const requestSchema = new Schema<LeadRequest>(
  {
    title: { type: String, required: true, maxlength: 200 },
    notes: { type: String, default: null },
    criteria: { type: criteriaSchema, required: true },
    status: { type: String, required: true },
    statusChangedAt: { type: Date, default: null },
    candidateCount: { type: Number, default: 0 },
    acceptedCount: { type: Number, default: 0 },
    deliveredCount: { type: Number, default: 0 },
    extensions: { type: Number, default: 0 },
    campaignId: { type: Schema.Types.ObjectId, default: null },
    assigneeId: { type: Schema.Types.ObjectId, default: null },
    ownerId: { type: Schema.Types.ObjectId, default: null },
    teamId: { type: Schema.Types.ObjectId, default: null },
    productId: { type: Schema.Types.ObjectId, default: null },
    departmentId: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, versionKey: 'version', optimisticConcurrency: true },
);
requestSchema.plugin(tenantScoped);
requestSchema.index({ tenantId: 1, status: 1 });

export const itemStates = ['candidate', 'accepted', 'rejected', 'delivered'] as const;
export type ItemState = (typeof itemStates)[number];

/** One lead on a request: proposed while sourcing, accepted or rejected in vetting, then delivered. */
export interface LeadRequestItem {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  requestId: Types.ObjectId;
  leadId: Types.ObjectId;
  leadName: string;
  state: ItemState;
  /** Whether the lead met every criterion when it was last checked (proposed, or the criteria changed). */
  matchesCriteria: boolean;
  /** The criteria fields it was outside of then (industry, region, country, employeesMin, employeesMax, size). */
  mismatches: string[];
  note: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const itemSchema = new Schema<LeadRequestItem>(
  {
    requestId: { type: Schema.Types.ObjectId, required: true },
    leadId: { type: Schema.Types.ObjectId, required: true },
    leadName: { type: String, default: '' },
    state: { type: String, enum: itemStates, default: 'candidate' },
    matchesCriteria: { type: Boolean, default: false },
    mismatches: { type: [String], default: [] },
    note: { type: String, default: null },
    deliveredAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: false },
);
itemSchema.plugin(tenantScoped);
itemSchema.index({ tenantId: 1, requestId: 1, leadId: 1 }, { unique: true });
itemSchema.index({ tenantId: 1, requestId: 1, state: 1 });

export function leadRequestModel(connection: Connection): Model<LeadRequest> {
  return (connection.models.LeadRequest as Model<LeadRequest>) ?? connection.model<LeadRequest>('LeadRequest', requestSchema, 'lead_requests');
}

export function leadRequestItemModel(connection: Connection): Model<LeadRequestItem> {
  return (connection.models.LeadRequestItem as Model<LeadRequestItem>) ?? connection.model<LeadRequestItem>('LeadRequestItem', itemSchema, 'lead_request_items');
}
