import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import { assertNotSuppressed } from '../../platform/privacy/suppression.js';
import type { RecordBase } from '../../platform/records/record-service.js';

export const leadKinds = ['company', 'individual'] as const;
export const leadQualities = ['good', 'bad', 'unknown'] as const;
/** Company size classes (003's request for leads asks for a size). */
export const companySizes = ['micro', 'small', 'medium', 'large', 'enterprise'] as const;
/** 002's parts in a product; the tenant's list (lead settings) starts with these. */
export const defaultParticipationTypes = ['speaker', 'delegate', 'sponsor', 'attendee'];

/** Where a conversion stands: ids are reserved first, then each record is created with its reserved id. */
export interface LeadConversion {
  customerId: Types.ObjectId;
  /** False when the lead was attached to an existing customer instead of creating one. */
  createCustomer: boolean;
  contactId: Types.ObjectId;
  opportunityId: Types.ObjectId | null;
  customerDone: boolean;
  contactDone: boolean;
  opportunityDone: boolean;
  byUserId: Types.ObjectId;
  startedAt: Date;
  completedAt: Date | null;
}

/** A lead (001 Lead Management, 002's imported leads, 003's companies or individuals not yet contacted). */
export interface Lead extends RecordBase {
  kind: (typeof leadKinds)[number];
  firstName?: string | null;
  middleName?: string | null;
  lastName?: string | null;
  jobTitle?: string | null;
  companyName?: string | null;
  industry?: string | null;
  /** Number of employees of the lead's company (003: # of employees). */
  employees?: number | null;
  companySize?: (typeof companySizes)[number] | null;
  website?: string | null;
  emails: { label: string; value: string; primary: boolean }[];
  phones: { label: string; value: string; primary: boolean }[];
  addresses: { label: string; line1?: string; line2?: string; city?: string; state?: string; country?: string; postalCode?: string; primary: boolean }[];
  source?: string | null;
  contactList?: string | null;
  services: string[];
  customerId?: Types.ObjectId | null;
  campaignId?: Types.ObjectId | null;
  quality: (typeof leadQualities)[number];
  participation?: string | null;
  tags: string[];
  notes?: string | null;
  status: string;
  statusChangedAt?: Date | null;
  conversion?: LeadConversion | null;
  primaryEmail?: string | null;
  custom: Record<string, unknown>;
}

const point = { _id: false, label: { type: String, default: 'work' }, value: String, primary: { type: Boolean, default: false } };
const address = { _id: false, label: { type: String, default: 'work' }, line1: String, line2: String, city: String, state: String, country: String, postalCode: String, primary: { type: Boolean, default: false } };

const conversionSchema = new Schema<LeadConversion>(
  {
    customerId: Schema.Types.ObjectId,
    createCustomer: Boolean,
    contactId: Schema.Types.ObjectId,
    opportunityId: { type: Schema.Types.ObjectId, default: null },
    customerDone: { type: Boolean, default: false },
    contactDone: { type: Boolean, default: false },
    opportunityDone: { type: Boolean, default: false },
    byUserId: Schema.Types.ObjectId,
    startedAt: Date,
    completedAt: { type: Date, default: null },
  },
  { _id: false },
);

const leadSchema = new Schema<Lead>(
  {
    kind: { type: String, enum: leadKinds, default: 'individual' },
    firstName: { type: String, default: null, trim: true },
    middleName: { type: String, default: null },
    lastName: { type: String, default: null, trim: true },
    jobTitle: { type: String, default: null },
    companyName: { type: String, default: null },
    industry: { type: String, default: null },
    employees: { type: Number, default: null },
    companySize: { type: String, enum: [...companySizes, null], default: null },
    website: { type: String, default: null },
    emails: { type: [point], default: [] },
    phones: { type: [point], default: [] },
    addresses: { type: [address], default: [] },
    source: { type: String, default: null },
    contactList: { type: String, default: null },
    services: { type: [String], default: [] },
    customerId: { type: Schema.Types.ObjectId, default: null, index: true },
    campaignId: { type: Schema.Types.ObjectId, default: null },
    quality: { type: String, enum: leadQualities, default: 'unknown' },
    participation: { type: String, default: null },
    tags: { type: [String], default: [] },
    notes: { type: String, default: null },
    status: { type: String, required: true, index: true },
    statusChangedAt: { type: Date, default: null },
    conversion: { type: conversionSchema, default: null },
    primaryEmail: { type: String, default: null, index: true },
    ownerId: { type: Schema.Types.ObjectId, default: null, index: true },
    teamId: { type: Schema.Types.ObjectId, default: null },
    productId: { type: Schema.Types.ObjectId, default: null, index: true },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    custom: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  { timestamps: true, versionKey: 'version', minimize: false },
);
leadSchema.plugin(tenantScoped);
// A person erased at their request is not created again (one create, one import row, one sign-up alike).
leadSchema.pre('validate', async function () {
  if (!this.isNew) return;
  await assertNotSuppressed(this.db, this.tenantId, { emails: (this.emails ?? []).map((e) => e.value), phones: (this.phones ?? []).map((p) => p.value) }, (kind, i) => `${kind === 'email' ? 'emails' : 'phones'}.${i}.value`);
});
leadSchema.index({ tenantId: 1, status: 1, _id: -1 });
leadSchema.index({ tenantId: 1, ownerId: 1, _id: -1 });

export function leadModel(connection: Connection): Model<Lead> {
  return (connection.models.Lead as Model<Lead>) ?? connection.model<Lead>('Lead', leadSchema, 'leads');
}

/** Per-agency lead settings: the list of parts a lead can take in a product (002). */
export interface LeadSettings {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  scope: string;
  participationTypes: string[];
  version: number;
}

const leadSettingsSchema = new Schema<LeadSettings>(
  { scope: { type: String, required: true, default: 'leads' }, participationTypes: { type: [String], default: () => [...defaultParticipationTypes] } },
  { timestamps: true, versionKey: 'version' },
);
leadSettingsSchema.plugin(tenantScoped);
leadSettingsSchema.index({ tenantId: 1, scope: 1 }, { unique: true });

export function leadSettingsModel(connection: Connection): Model<LeadSettings> {
  return (connection.models.LeadSettings as Model<LeadSettings>) ?? connection.model<LeadSettings>('LeadSettings', leadSettingsSchema, 'lead_settings');
}

/**
 * Claims of a lead conversion's steps: one document per (lead, step), made unique by index, so
 * concurrent conversions agree on one plan ('plan', holding the reserved ids) and only one of them
 * finishes ('finish': the status change and the event), even where a conditional update is not atomic.
 */
export interface LeadConversionClaim extends Partial<LeadConversion> {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  leadId: Types.ObjectId;
  step: 'plan' | 'finish';
  at: Date;
}

const conversionClaimSchema = new Schema<LeadConversionClaim>(
  {
    leadId: { type: Schema.Types.ObjectId, required: true },
    step: { type: String, enum: ['plan', 'finish'], required: true },
    at: { type: Date, default: () => new Date() },
    customerId: Schema.Types.ObjectId,
    createCustomer: Boolean,
    contactId: Schema.Types.ObjectId,
    opportunityId: { type: Schema.Types.ObjectId, default: null },
    customerDone: { type: Boolean, default: false },
    contactDone: { type: Boolean, default: false },
    opportunityDone: { type: Boolean, default: false },
    byUserId: Schema.Types.ObjectId,
    startedAt: Date,
    completedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
conversionClaimSchema.plugin(tenantScoped);
conversionClaimSchema.index({ tenantId: 1, leadId: 1, step: 1 }, { unique: true });

export function leadConversionClaimModel(connection: Connection): Model<LeadConversionClaim> {
  return (connection.models.LeadConversionClaim as Model<LeadConversionClaim>) ?? connection.model<LeadConversionClaim>('LeadConversionClaim', conversionClaimSchema, 'lead_conversions');
}
