import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** An agency's Mailwizz connection: the API URL and the key pair, both keys sealed (never returned). */
export interface MailwizzSettings {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  apiUrl: string;
  publicKeySealed: string;
  privateKeySealed: string;
  publicKeyLast4: string;
  privateKeyLast4: string;
  /** The sender a pushed list defaults to (Mailwizz requires it on every list). */
  fromName: string;
  fromEmail: string;
  replyTo: string;
  lastTest?: { ok: boolean; at: Date; message: string } | null;
  updatedAt: Date;
  createdAt: Date;
}

/** A segment pushed as a Mailwizz list, and the state of its last sync (the job's progress). */
export interface MailwizzSync {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  segmentId: Types.ObjectId;
  listUid: string;
  listName: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: { total: number; processed: number; created: number; updated: number; unchanged: number; removed: number; skipped: number };
  lastError: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Who the sync acts as (segment visibility is theirs). */
  createdBy: Types.ObjectId;
  updatedAt: Date;
  createdAt: Date;
}

/** The sync map: one CRM contact as one subscriber of a pushed list, with the hash of the fields last sent. */
export interface MailwizzMember {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  segmentId: Types.ObjectId;
  contactId: Types.ObjectId;
  listUid: string;
  subscriberUid: string;
  email: string;
  hash: string;
  state: 'subscribed' | 'unsubscribed' | 'removed';
  updatedAt: Date;
}

/** The statistics a Mailwizz campaign reports, as the CRM keeps them. */
export interface MailwizzStats {
  recipients: number;
  processed: number;
  delivered: number;
  opens: number;
  uniqueOpens: number;
  clicks: number;
  uniqueClicks: number;
  bouncesHard: number;
  bouncesSoft: number;
  unsubscribes: number;
  complaints: number;
}

/** A CRM campaign (channel "mailwizz") sent as a Mailwizz campaign to a pushed list. */
export interface MailwizzCampaign {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  campaignId: Types.ObjectId;
  campaignUid: string;
  segmentId: Types.ObjectId;
  listUid: string;
  name: string;
  subject: string;
  sendAt: Date;
  mailwizzStatus: string;
  stats: MailwizzStats | null;
  statsAt: Date | null;
  createdBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const settingsSchema = new Schema<MailwizzSettings>(
  {
    apiUrl: { type: String, required: true },
    publicKeySealed: { type: String, required: true },
    privateKeySealed: { type: String, required: true },
    publicKeyLast4: { type: String, required: true },
    privateKeyLast4: { type: String, required: true },
    fromName: { type: String, required: true },
    fromEmail: { type: String, required: true },
    replyTo: { type: String, required: true },
    lastTest: { type: { _id: false, ok: Boolean, at: Date, message: String }, default: null },
  },
  { timestamps: true, versionKey: false },
);
settingsSchema.plugin(tenantScoped);
// One connection per agency: the tenancy plugin's tenantId index, made unique here.
settingsSchema.path('tenantId').index({ unique: true });

const progress = { _id: false, total: Number, processed: Number, created: Number, updated: Number, unchanged: Number, removed: Number, skipped: Number };
const syncSchema = new Schema<MailwizzSync>(
  {
    segmentId: { type: Schema.Types.ObjectId, required: true },
    listUid: { type: String, default: '' },
    listName: { type: String, required: true },
    status: { type: String, required: true },
    progress: { type: progress, default: () => ({ total: 0, processed: 0, created: 0, updated: 0, unchanged: 0, removed: 0, skipped: 0 }) },
    lastError: { type: String, default: null },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    createdBy: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: true, versionKey: false },
);
syncSchema.plugin(tenantScoped);
syncSchema.index({ tenantId: 1, segmentId: 1 }, { unique: true });

const memberSchema = new Schema<MailwizzMember>(
  {
    segmentId: { type: Schema.Types.ObjectId, required: true },
    contactId: { type: Schema.Types.ObjectId, required: true },
    listUid: { type: String, required: true },
    subscriberUid: { type: String, required: true },
    email: { type: String, required: true },
    hash: { type: String, required: true },
    state: { type: String, required: true },
  },
  { timestamps: { createdAt: false, updatedAt: true }, versionKey: false },
);
memberSchema.plugin(tenantScoped);
memberSchema.index({ tenantId: 1, segmentId: 1, contactId: 1 }, { unique: true });
memberSchema.index({ tenantId: 1, contactId: 1 });

const statsShape = { _id: false, recipients: Number, processed: Number, delivered: Number, opens: Number, uniqueOpens: Number, clicks: Number, uniqueClicks: Number, bouncesHard: Number, bouncesSoft: Number, unsubscribes: Number, complaints: Number };
const campaignSchema = new Schema<MailwizzCampaign>(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true },
    campaignUid: { type: String, required: true },
    segmentId: { type: Schema.Types.ObjectId, required: true },
    listUid: { type: String, required: true },
    name: { type: String, required: true },
    subject: { type: String, required: true },
    sendAt: { type: Date, required: true },
    mailwizzStatus: { type: String, required: true },
    stats: { type: statsShape, default: null },
    statsAt: { type: Date, default: null },
    createdBy: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: true, versionKey: false },
);
campaignSchema.plugin(tenantScoped);
campaignSchema.index({ tenantId: 1, campaignId: 1 }, { unique: true });

export function mailwizzSettingsModel(c: Connection): Model<MailwizzSettings> {
  return (c.models.MailwizzSettings as Model<MailwizzSettings>) ?? c.model<MailwizzSettings>('MailwizzSettings', settingsSchema, 'mailwizzSettings');
}
export function mailwizzSyncModel(c: Connection): Model<MailwizzSync> {
  return (c.models.MailwizzSync as Model<MailwizzSync>) ?? c.model<MailwizzSync>('MailwizzSync', syncSchema, 'mailwizzSyncs');
}
export function mailwizzMemberModel(c: Connection): Model<MailwizzMember> {
  return (c.models.MailwizzMember as Model<MailwizzMember>) ?? c.model<MailwizzMember>('MailwizzMember', memberSchema, 'mailwizzMembers');
}
export function mailwizzCampaignModel(c: Connection): Model<MailwizzCampaign> {
  return (c.models.MailwizzCampaign as Model<MailwizzCampaign>) ?? c.model<MailwizzCampaign>('MailwizzCampaign', campaignSchema, 'mailwizzCampaigns');
}
