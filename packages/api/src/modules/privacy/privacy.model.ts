import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

export const privacyRequestTypes = ['export', 'erasure'] as const;
export type PrivacyRequestType = (typeof privacyRequestTypes)[number];
export const privacyRequestStatuses = ['completed', 'failed'] as const;

/** One step of a request's own trail: who did what, when (the values of the person are never kept here). */
export interface PrivacyRequestStep {
  at: Date;
  action: 'received' | 'exported' | 'erased' | 'failed';
  byUserId: Types.ObjectId | null;
  detail: string | null;
}

/**
 * A GDPR / CCPA request about one person: an export of what is held, or an erasure. The subject is kept
 * masked (`j***@e***.com`), so the request list of an erased person holds nothing that identifies them;
 * `counts` says what was found (export) or removed (erasure) per kind.
 */
export interface PrivacyRequest {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  type: PrivacyRequestType;
  status: (typeof privacyRequestStatuses)[number];
  subjectMask: string;
  counts: Record<string, number>;
  steps: PrivacyRequestStep[];
  requestedBy: Types.ObjectId | null;
  /** `retention` for erasures the retention job made. */
  source: 'admin' | 'retention';
  createdAt: Date;
  completedAt: Date | null;
}

const requestSchema = new Schema<PrivacyRequest>(
  {
    type: { type: String, enum: privacyRequestTypes, required: true },
    status: { type: String, enum: privacyRequestStatuses, required: true },
    subjectMask: { type: String, required: true },
    counts: { type: Schema.Types.Mixed, default: () => ({}) },
    steps: { type: [{ _id: false, at: Date, action: String, byUserId: { type: Schema.Types.ObjectId, default: null }, detail: { type: String, default: null } }], default: [] },
    requestedBy: { type: Schema.Types.ObjectId, default: null },
    source: { type: String, enum: ['admin', 'retention'], default: 'admin' },
    completedAt: { type: Date, default: null },
  },
  { collection: 'privacy_requests', timestamps: { createdAt: true, updatedAt: false }, versionKey: false, minimize: false },
);
requestSchema.plugin(tenantScoped);

export function privacyRequestModel(connection: Connection): Model<PrivacyRequest> {
  return (connection.models.PrivacyRequest as Model<PrivacyRequest> | undefined) ?? connection.model<PrivacyRequest>('PrivacyRequest', requestSchema);
}

/** The kinds a retention rule can name. */
export const retentionKinds = ['lead', 'contact'] as const;
export type RetentionKind = (typeof retentionKinds)[number];

/**
 * How long an agency keeps a kind of record untouched before the daily job erases it (as an erasure
 * request of source `retention`). One document per agency and kind; `_id` is `<tenantId>:<kind>`.
 */
export interface RetentionRule {
  _id: string;
  tenantId: Types.ObjectId;
  kind: RetentionKind;
  months: number;
  enabled: boolean;
  updatedBy: Types.ObjectId | null;
  updatedAt: Date;
}

const retentionSchema = new Schema<RetentionRule>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: retentionKinds, required: true },
    months: { type: Number, required: true, min: 1, max: 600 },
    enabled: { type: Boolean, default: true },
    updatedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'privacy_retention_rules', timestamps: { createdAt: false, updatedAt: true }, versionKey: false },
);
retentionSchema.plugin(tenantScoped);

export function retentionRuleModel(connection: Connection): Model<RetentionRule> {
  return (connection.models.PrivacyRetentionRule as Model<RetentionRule> | undefined) ?? connection.model<RetentionRule>('PrivacyRetentionRule', retentionSchema);
}
