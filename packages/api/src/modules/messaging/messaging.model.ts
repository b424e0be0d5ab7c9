import { createHash } from 'node:crypto';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

export const recipientTypes = ['contact', 'customer'] as const;
export type RecipientType = (typeof recipientTypes)[number];
export const channels = ['email', 'inApp'] as const;
export type Channel = (typeof channels)[number];

/** Whether a contact or customer receives a category of message on a channel (absent = subscribed). */
export interface Subscription {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  subjectType: RecipientType;
  subjectId: Types.ObjectId;
  category: string;
  channel: Channel;
  subscribed: boolean;
  source: 'staff' | 'unsubscribe-link' | 'self-service';
  changedBy: Types.ObjectId | null;
  updatedAt: Date;
}

const subscriptionSchema = new Schema<Subscription>(
  {
    subjectType: { type: String, enum: recipientTypes, required: true },
    subjectId: { type: Schema.Types.ObjectId, required: true },
    category: { type: String, required: true },
    channel: { type: String, enum: channels, required: true },
    subscribed: { type: Boolean, required: true },
    source: { type: String, default: 'staff' },
    changedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, versionKey: false },
);
subscriptionSchema.plugin(tenantScoped);
subscriptionSchema.index({ tenantId: 1, subjectType: 1, subjectId: 1, category: 1, channel: 1 }, { unique: true });

/** An address the agency never emails again (unsubscribed from everything, bounced, complained). */
export interface Suppression {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  email: string;
  reason: string;
  createdAt: Date;
}

const suppressionSchema = new Schema<Suppression>(
  {
    email: { type: String, required: true, lowercase: true, trim: true },
    reason: { type: String, default: 'manual' },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
suppressionSchema.plugin(tenantScoped);
suppressionSchema.index({ tenantId: 1, email: 1 }, { unique: true });

export const sendStates = ['scheduled', 'running', 'completed', 'canceled'] as const;
export type SendState = (typeof sendStates)[number];

export const sendKinds = ['greeting', 'satisfaction', 'nurture'] as const;
export type SendKind = (typeof sendKinds)[number];

/** A scheduled send of a template to a set of contacts/customers (a greeting, 000; a monthly survey, 003; a nurturing step, 004). */
export interface Send {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  kind: SendKind;
  name: string;
  templateId: Types.ObjectId;
  category: string;
  targets: { segmentId: Types.ObjectId | null; contactIds: Types.ObjectId[]; customerIds: Types.ObjectId[] };
  sendAt: Date;
  timeZone: string;
  /** Send from the creator's own mailbox (002) instead of the agency's. */
  fromUser: boolean;
  /** The campaign whose email analytics this send counts into (docs/campaign-analytics.md), or null. */
  campaignId?: Types.ObjectId | null;
  /** Whether opens (a pixel) and clicks (signed redirects) are tracked; off by default. */
  tracking?: boolean;
  createdBy: Types.ObjectId;
  state: SendState;
  total: number;
  sent: number;
  failed: number;
  skipped: number;
  /** Messages whose worker died between claiming and recording the outcome (see `uncertain` below). */
  uncertain: number;
  /** When every recipient had its ledger entry (after that, runs read the ledger, not the target list). */
  ledgerReadyAt: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
  /** When the resume job last scheduled it again after it stalled. */
  resumedAt: Date | null;
  /** When its delivery ledger was forgotten, long after it ended (its counts stay here). */
  ledgerPrunedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const sendSchema = new Schema<Send>(
  {
    kind: { type: String, enum: sendKinds, default: 'greeting' },
    name: { type: String, required: true, maxlength: 200 },
    templateId: { type: Schema.Types.ObjectId, required: true },
    category: { type: String, required: true },
    targets: {
      type: new Schema({ segmentId: { type: Schema.Types.ObjectId, default: null }, contactIds: [Schema.Types.ObjectId], customerIds: [Schema.Types.ObjectId] }, { _id: false }),
      required: true,
    },
    sendAt: { type: Date, required: true },
    timeZone: { type: String, required: true },
    fromUser: { type: Boolean, default: false },
    campaignId: { type: Schema.Types.ObjectId, default: null },
    tracking: { type: Boolean, default: false },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    state: { type: String, enum: sendStates, default: 'scheduled' },
    total: { type: Number, default: 0 },
    sent: { type: Number, default: 0 },
    failed: { type: Number, default: 0 },
    skipped: { type: Number, default: 0 },
    uncertain: { type: Number, default: 0 },
    ledgerReadyAt: { type: Date, default: null },
    startedAt: { type: Date, default: null },
    completedAt: { type: Date, default: null },
    resumedAt: { type: Date, default: null },
    ledgerPrunedAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: false },
);
sendSchema.plugin(tenantScoped);
sendSchema.index({ tenantId: 1, _id: -1 });

/**
 * A ledger entry's life: `queued` (written for every recipient before the first message goes out) →
 * `sending` (claimed by one worker for one attempt, its Message-ID fixed) → `sent` (the SMTP server
 * answered 250), `failed` (refused, or out of retries), `skipped` (unsubscribed, suppressed, no address)
 * or `uncertain` (its worker died while it was `sending`: the server may or may not have it, so it is
 * never sent again unless an operator asks). `pending` is the claim state of ledgers written before
 * these states existed; it is treated as `sending`.
 */
export const deliveryStates = ['queued', 'sending', 'sent', 'failed', 'skipped', 'uncertain', 'pending'] as const;
export type DeliveryState = (typeof deliveryStates)[number];

/**
 * The delivery ledger: one entry per (send, recipient, channel), inserted BEFORE the message goes out.
 * Its unique `key` is what makes a send exactly once across crashes, restarts and concurrent workers.
 */
export interface Delivery {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  key: string;
  sendId: Types.ObjectId;
  recipientType: RecipientType;
  recipientId: Types.ObjectId;
  channel: Channel;
  email: string | null;
  state: DeliveryState;
  /** The run holding the entry while it is `sending` (its lease is a `send_runs` document), and since when. */
  claimedBy: string | null;
  claimedAt: Date | null;
  /** The number of the last claimed attempt (each one is a unique `delivery_attempts` insert). */
  attempts: number;
  /** SMTP transactions in that attempt (a 4xx reply is retried with backoff within the attempt). */
  tries: number;
  error: string | null;
  messageId: string | null;
  sentAt: Date | null;
  createdAt: Date;
}

const deliverySchema = new Schema<Delivery>(
  {
    key: { type: String, required: true },
    sendId: { type: Schema.Types.ObjectId, required: true },
    recipientType: { type: String, enum: recipientTypes, required: true },
    recipientId: { type: Schema.Types.ObjectId, required: true },
    channel: { type: String, enum: channels, required: true },
    email: { type: String, default: null },
    state: { type: String, enum: deliveryStates, required: true },
    claimedBy: { type: String, default: null },
    claimedAt: { type: Date, default: null },
    attempts: { type: Number, default: 0 },
    tries: { type: Number, default: 0 },
    error: { type: String, default: null },
    messageId: { type: String, default: null },
    sentAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
deliverySchema.plugin(tenantScoped);
deliverySchema.index({ key: 1 }, { unique: true });
deliverySchema.index({ tenantId: 1, sendId: 1, state: 1 });

/** The ledger key of one message: a send, a recipient, a channel. */
export function deliveryKey(sendId: Types.ObjectId, recipientType: RecipientType, recipientId: Types.ObjectId, channel: Channel): string {
  return `${String(sendId)}:${recipientType}:${String(recipientId)}:${channel}`;
}

/**
 * The ledger entry's `_id`, derived from its key (the first 12 bytes of its SHA-256). Every later read and
 * update of the entry goes by `_id` alone, the one filter FerretDB's SQLite handler runs in SQL (any other
 * is decoded and filtered in Go, several times slower per entry), and the Message-ID built from it is the
 * same for every attempt at the same message, so a receiver can drop a resend.
 */
export function deliveryIdFor(key: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(key).digest().subarray(0, 12).toString('hex'));
}



/**
 * One claim of a ledger entry: `_id` is `<entry id>:<attempt>` (or `<entry id>:resend:<attempt>` for an
 * operator's resend of an uncertain attempt). The insert is the claim: on FerretDB v1 concurrent
 * updates of one document are not atomic (a compare-and-set filter can let two workers both succeed),
 * but an insert refused by the unique `_id` index is, so of all workers that try attempt n of an entry
 * exactly one wins, by design and not by timing.
 */
export interface DeliveryAttempt {
  _id: string;
  tenantId: Types.ObjectId;
  sendId: Types.ObjectId;
  deliveryId: Types.ObjectId;
  attempt: number;
  kind: 'claim' | 'resend';
  claimedBy: string;
  createdAt: Date;
}

const deliveryAttemptSchema = new Schema<DeliveryAttempt>(
  {
    _id: { type: String, required: true },
    sendId: { type: Schema.Types.ObjectId, required: true },
    deliveryId: { type: Schema.Types.ObjectId, required: true },
    attempt: { type: Number, required: true },
    kind: { type: String, enum: ['claim', 'resend'], default: 'claim' },
    claimedBy: { type: String, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
deliveryAttemptSchema.plugin(tenantScoped);
deliveryAttemptSchema.index({ tenantId: 1, sendId: 1 });

/**
 * The lease of one run of a send: `_id` is the run's claim id; only that run writes it (a heartbeat
 * every third of the lease), so it needs no atomic update. An entry `sending` under a run whose lease
 * is older than the lease time belongs to a dead (or fenced) worker and becomes `uncertain`.
 */
export interface SendRun {
  _id: string;
  tenantId: Types.ObjectId;
  sendId: Types.ObjectId;
  heartbeatAt: Date;
  createdAt: Date;
}

const sendRunSchema = new Schema<SendRun>(
  {
    _id: { type: String, required: true },
    sendId: { type: Schema.Types.ObjectId, required: true },
    heartbeatAt: { type: Date, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
sendRunSchema.plugin(tenantScoped);
sendRunSchema.index({ tenantId: 1, sendId: 1 });

export function subscriptionModel(connection: Connection): Model<Subscription> {
  return (connection.models.Subscription as Model<Subscription>) ?? connection.model<Subscription>('Subscription', subscriptionSchema, 'subscriptions');
}
export function suppressionModel(connection: Connection): Model<Suppression> {
  return (connection.models.Suppression as Model<Suppression>) ?? connection.model<Suppression>('Suppression', suppressionSchema, 'suppressions');
}
export function sendModel(connection: Connection): Model<Send> {
  return (connection.models.Send as Model<Send>) ?? connection.model<Send>('Send', sendSchema, 'sends');
}
export function deliveryModel(connection: Connection): Model<Delivery> {
  return (connection.models.Delivery as Model<Delivery>) ?? connection.model<Delivery>('Delivery', deliverySchema, 'deliveries');
}
export function deliveryAttemptModel(connection: Connection): Model<DeliveryAttempt> {
  return (connection.models.DeliveryAttempt as Model<DeliveryAttempt>) ?? connection.model<DeliveryAttempt>('DeliveryAttempt', deliveryAttemptSchema, 'delivery_attempts');
}
export function sendRunModel(connection: Connection): Model<SendRun> {
  return (connection.models.SendRun as Model<SendRun>) ?? connection.model<SendRun>('SendRun', sendRunSchema, 'send_runs');
}
