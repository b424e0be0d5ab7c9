import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import type { RecordBase } from '../../platform/records/record-service.js';

export const campaignTypes = ['referral', 'promotion', 'greetings', 'email', 'event', 'ad'] as const;
export const campaignVisibilities = ['private', 'internal', 'public'] as const;
export type CampaignType = (typeof campaignTypes)[number];

/** Contact fields a signup form may ask for; `custom.<key>` names a contact custom attribute. */
export const signupContactFields = ['email', 'firstName', 'lastName', 'phone', 'jobTitle', 'companyName'] as const;

/** One field of a campaign's signup form. */
export interface SignupFormField {
  key: string;
  label: string;
  required: boolean;
}

/** The signup form a campaign offers on partner pages. */
export interface SignupForm {
  fields: SignupFormField[];
  consentText: string | null;
  /** Ask the visitor to confirm by email before the signup becomes a contact and a lead. */
  doubleOptIn: boolean;
  thankYouMessage: string | null;
  redirectUrl: string | null;
}

/**
 * What a campaign sends: a stored template, or a subject and body written for this campaign (handlebars
 * merge fields such as `{{recipient.firstName}}`, escaped in the HTML part).
 */
export interface CampaignMessage {
  templateId: Types.ObjectId | null;
  subject: string | null;
  body: string | null;
}

/** Who a campaign goes to: a saved segment, or listed contacts, leads and customers. */
export interface CampaignAudience {
  segmentId: Types.ObjectId | null;
  contactIds: Types.ObjectId[];
  leadIds: Types.ObjectId[];
  customerIds: Types.ObjectId[];
}

/** Counters a campaign's writes maintain with `$inc` (its list shows them without reading the roll-up). */
export const campaignCounterKeys = ['views', 'likes', 'enrolments', 'signups', 'leads', 'testSends'] as const;
export type CampaignCounters = Record<(typeof campaignCounterKeys)[number], number>;

/** A marketing or sales campaign (000 Campaign, 003 marketing and sales campaigns). */
export interface Campaign extends RecordBase {
  title: string;
  /** Unique per tenant, as typed (upper-cased); `codeKey` is the indexed copy. */
  code: string;
  codeKey: string;
  description: string | null;
  type: CampaignType;
  visibility: (typeof campaignVisibilities)[number];
  startAt: Date | null;
  endAt: Date | null;
  cost: number;
  expectedRevenue: number;
  currency: string;
  form: SignupForm | null;
  message: CampaignMessage | null;
  audience: CampaignAudience | null;
  counters?: Partial<CampaignCounters>;
  status: string;
  statusChangedAt?: Date | null;
  custom: Record<string, unknown>;
}

const formSchema = new Schema<SignupForm>(
  {
    fields: { type: [{ _id: false, key: String, label: String, required: Boolean }], default: [] },
    consentText: { type: String, default: null },
    doubleOptIn: { type: Boolean, default: false },
    thankYouMessage: { type: String, default: null },
    redirectUrl: { type: String, default: null },
  },
  { _id: false },
);

const messageSchema = new Schema<CampaignMessage>(
  { templateId: { type: Schema.Types.ObjectId, default: null }, subject: { type: String, default: null }, body: { type: String, default: null } },
  { _id: false },
);

const audienceSchema = new Schema<CampaignAudience>(
  {
    segmentId: { type: Schema.Types.ObjectId, default: null },
    contactIds: { type: [Schema.Types.ObjectId], default: [] },
    leadIds: { type: [Schema.Types.ObjectId], default: [] },
    customerIds: { type: [Schema.Types.ObjectId], default: [] },
  },
  { _id: false },
);

const campaignSchema = new Schema<Campaign>(
  {
    title: { type: String, required: true, trim: true },
    code: { type: String, required: true },
    codeKey: { type: String, required: true },
    description: { type: String, default: null },
    type: { type: String, enum: campaignTypes, required: true },
    visibility: { type: String, enum: campaignVisibilities, default: 'private' },
    startAt: { type: Date, default: null, index: true },
    endAt: { type: Date, default: null, index: true },
    cost: { type: Number, default: 0 },
    expectedRevenue: { type: Number, default: 0 },
    currency: { type: String, default: 'EUR' },
    form: { type: formSchema, default: null },
    message: { type: messageSchema, default: null },
    audience: { type: audienceSchema, default: null },
    counters: { type: Object.fromEntries(campaignCounterKeys.map((k) => [k, { type: Number, default: 0 }])), default: () => ({}) },
    status: { type: String, required: true, index: true },
    statusChangedAt: { type: Date, default: null },
    ownerId: { type: Schema.Types.ObjectId, default: null, index: true },
    teamId: { type: Schema.Types.ObjectId, default: null },
    productId: { type: Schema.Types.ObjectId, default: null, index: true },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    custom: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  { timestamps: true, versionKey: 'version', minimize: false },
);
campaignSchema.plugin(tenantScoped);
campaignSchema.index({ tenantId: 1, codeKey: 1 }, { unique: true });
campaignSchema.index({ tenantId: 1, status: 1, _id: -1 });

export function campaignModel(connection: Connection): Model<Campaign> {
  return (connection.models.Campaign as Model<Campaign>) ?? connection.model<Campaign>('Campaign', campaignSchema, 'campaigns');
}

export const engagementKinds = ['view', 'like', 'enrol'] as const;
export type EngagementKind = (typeof engagementKinds)[number];

/** One visitor's view, like or enrolment of a campaign; the unique index makes each count once. */
export interface CampaignEngagement {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  campaignId: Types.ObjectId;
  visitorId: string;
  kind: EngagementKind;
  at: Date;
}

const engagementSchema = new Schema<CampaignEngagement>(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true },
    visitorId: { type: String, required: true },
    kind: { type: String, enum: engagementKinds, required: true },
    at: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
engagementSchema.plugin(tenantScoped);
engagementSchema.index({ tenantId: 1, campaignId: 1, visitorId: 1, kind: 1 }, { unique: true });

export function campaignEngagementModel(connection: Connection): Model<CampaignEngagement> {
  return (connection.models.CampaignEngagement as Model<CampaignEngagement>) ?? connection.model<CampaignEngagement>('CampaignEngagement', engagementSchema, 'campaign_engagements');
}

/** The daily roll-up of a campaign: counters maintained with `$inc` upserts, one document per day (UTC). */
export interface CampaignDaily {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  campaignId: Types.ObjectId;
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  views: number;
  likes: number;
  enrolments: number;
  signups: number;
  leads: number;
}

const dailySchema = new Schema<CampaignDaily>(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true },
    day: { type: String, required: true },
    views: { type: Number, default: 0 },
    likes: { type: Number, default: 0 },
    enrolments: { type: Number, default: 0 },
    signups: { type: Number, default: 0 },
    leads: { type: Number, default: 0 },
  },
  { versionKey: false },
);
dailySchema.plugin(tenantScoped);
dailySchema.index({ tenantId: 1, campaignId: 1, day: 1 }, { unique: true });

export function campaignDailyModel(connection: Connection): Model<CampaignDaily> {
  return (connection.models.CampaignDaily as Model<CampaignDaily>) ?? connection.model<CampaignDaily>('CampaignDaily', dailySchema, 'campaign_daily');
}

/** A sales person's own referral code for a campaign; signups through it are attributed to them. */
export interface ReferralCode {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  campaignId: Types.ObjectId;
  userId: Types.ObjectId;
  /** Unique per tenant (upper-cased). */
  code: string;
  createdAt: Date;
}

const referralSchema = new Schema<ReferralCode>(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    code: { type: String, required: true },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
referralSchema.plugin(tenantScoped);
referralSchema.index({ tenantId: 1, code: 1 }, { unique: true });
referralSchema.index({ tenantId: 1, campaignId: 1, userId: 1 });

export function referralCodeModel(connection: Connection): Model<ReferralCode> {
  return (connection.models.ReferralCode as Model<ReferralCode>) ?? connection.model<ReferralCode>('ReferralCode', referralSchema, 'campaign_referral_codes');
}

/**
 * A signup through a campaign's form: who referred it, the contact and lead it became, and (with double
 * opt-in) the pending state and its confirmation token (stored as SHA-256).
 */
export interface CampaignSignup {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  campaignId: Types.ObjectId;
  referrerId: Types.ObjectId | null;
  referralCode: string | null;
  email: string;
  answers: Record<string, unknown>;
  consent: boolean;
  status: 'pending' | 'confirmed';
  tokenHash: string | null;
  contactId: Types.ObjectId | null;
  leadId: Types.ObjectId | null;
  ip: string | null;
  createdAt: Date;
  confirmedAt: Date | null;
}

const signupSchema = new Schema<CampaignSignup>(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true, index: true },
    referrerId: { type: Schema.Types.ObjectId, default: null, index: true },
    referralCode: { type: String, default: null },
    email: { type: String, required: true },
    answers: { type: Schema.Types.Mixed, default: () => ({}) },
    consent: { type: Boolean, default: false },
    status: { type: String, enum: ['pending', 'confirmed'], required: true },
    tokenHash: { type: String, default: null, index: true },
    contactId: { type: Schema.Types.ObjectId, default: null },
    leadId: { type: Schema.Types.ObjectId, default: null },
    ip: { type: String, default: null },
    createdAt: { type: Date, default: () => new Date() },
    confirmedAt: { type: Date, default: null },
  },
  { versionKey: false, minimize: false },
);
signupSchema.plugin(tenantScoped);

export function campaignSignupModel(connection: Connection): Model<CampaignSignup> {
  return (connection.models.CampaignSignup as Model<CampaignSignup>) ?? connection.model<CampaignSignup>('CampaignSignup', signupSchema, 'campaign_signups');
}

/**
 * One person's signup to one campaign: an address claims a campaign once, so a form sent again (a reload,
 * a second visit, a retry after a lost answer, two at once) finds the signup it made instead of making
 * another, and the campaign's signups count people. The unique index is the only atomic step FerretDB
 * offers. Its own collection rather than a unique index on campaign_signups, which may already hold such
 * duplicates from before (an index that cannot be built would keep the API from starting).
 */
export interface CampaignSignupClaim {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  campaignId: Types.ObjectId;
  email: string;
  signupId: Types.ObjectId;
  createdAt: Date;
}

const signupClaimSchema = new Schema<CampaignSignupClaim>(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true },
    email: { type: String, required: true },
    signupId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
signupClaimSchema.plugin(tenantScoped);
signupClaimSchema.index({ tenantId: 1, campaignId: 1, email: 1 }, { unique: true });

export function campaignSignupClaimModel(connection: Connection): Model<CampaignSignupClaim> {
  return (connection.models.CampaignSignupClaim as Model<CampaignSignupClaim>) ?? connection.model<CampaignSignupClaim>('CampaignSignupClaim', signupClaimSchema, 'campaign_signup_claims');
}

/**
 * Claims an email address for one contact id within a tenant. Contacts have no unique index on their
 * email (FerretDB has no partial indexes), so two simultaneous signups with one address would make two
 * contacts; the first to insert its claim wins and the other reuses its contact id.
 */
export interface SignupIdentity {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  email: string;
  contactId: Types.ObjectId;
}

const identitySchema = new Schema<SignupIdentity>({ email: { type: String, required: true }, contactId: { type: Schema.Types.ObjectId, required: true } }, { versionKey: false });
identitySchema.plugin(tenantScoped);
identitySchema.index({ tenantId: 1, email: 1 }, { unique: true });

export function signupIdentityModel(connection: Connection): Model<SignupIdentity> {
  return (connection.models.SignupIdentity as Model<SignupIdentity>) ?? connection.model<SignupIdentity>('SignupIdentity', identitySchema, 'campaign_signup_identities');
}

/**
 * One scheduled move of one campaign state (`<id>:<from>@<since>-><to>`), claimed before it is made:
 * the unique index lets one worker make it when two run the schedule at once (FerretDB's conditional
 * updates are not atomic across connections, so the status condition alone is not enough).
 */
export interface CampaignScheduleClaim {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  key: string;
  at: Date;
}

const claimSchema = new Schema<CampaignScheduleClaim>({ key: { type: String, required: true }, at: { type: Date, default: () => new Date() } }, { versionKey: false });
claimSchema.plugin(tenantScoped);
claimSchema.index({ tenantId: 1, key: 1 }, { unique: true });

export function campaignScheduleClaimModel(connection: Connection): Model<CampaignScheduleClaim> {
  return (connection.models.CampaignScheduleClaim as Model<CampaignScheduleClaim>) ?? connection.model<CampaignScheduleClaim>('CampaignScheduleClaim', claimSchema, 'campaign_schedule_claims');
}
