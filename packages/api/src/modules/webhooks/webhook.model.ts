import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** One signing secret of a subscription, sealed; during a rotation the old one carries `expiresAt`. */
export interface WebhookSecret {
  sealed: string;
  createdAt: Date;
  expiresAt: Date | null;
}

/** Where a tenant's events go: the target, which events, whose eyes (the owner's role) filter them. */
export interface WebhookSubscription {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  url: string;
  description: string;
  /** Record kinds (contact, lead...) and actions (created, updated...); an empty action list means every action. */
  kinds: string[];
  actions: string[];
  active: boolean;
  /** The creating user: deliveries carry only records this user's role may see. */
  ownerId: Types.ObjectId;
  /** Newest first; the first one is the current secret. */
  secrets: WebhookSecret[];
  /** Events whose every attempt failed, in a row (a success resets it). */
  failedEventsInARow: number;
  /** When the current run of failures began (null after a success). */
  failingSince: Date | null;
  /** Names the current run of failures (a fresh token after a success or a turn on): its failed events are numbered by claims under it. */
  failureRun?: string;
  disabledReason: string | null;
  disabledAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const secretSchema = new Schema<WebhookSecret>({ sealed: { type: String, required: true }, createdAt: { type: Date, required: true }, expiresAt: { type: Date, default: null } }, { _id: false });

const subscriptionSchema = new Schema<WebhookSubscription>(
  {
    url: { type: String, required: true },
    description: { type: String, default: '' },
    kinds: { type: [String], default: [] },
    actions: { type: [String], default: [] },
    active: { type: Boolean, default: true },
    ownerId: { type: Schema.Types.ObjectId, required: true },
    secrets: { type: [secretSchema], default: [] },
    failedEventsInARow: { type: Number, default: 0 },
    failingSince: { type: Date, default: null },
    failureRun: { type: String, default: '' },
    disabledReason: { type: String, default: null },
    disabledAt: { type: Date, default: null },
    version: { type: Number, default: 1 },
  },
  { timestamps: true, versionKey: false },
);
subscriptionSchema.plugin(tenantScoped);

/** One try of a delivery: what was sent and what came back. */
export interface WebhookAttempt {
  n: number;
  at: Date;
  url: string;
  requestHeaders: Record<string, string>;
  status: number | null;
  /** The first 4 KB of the response body. */
  responseBody: string;
  durationMs: number;
  error: string | null;
}

export type DeliveryState = 'pending' | 'succeeded' | 'failed' | 'skipped';

/**
 * The outbox: one row per (subscription, event), written while the event is published, so a process
 * that dies before the job runs loses nothing (the sweep schedules what is pending). A replay is a new
 * row with the same event id.
 */
export interface WebhookDelivery {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  subscriptionId: Types.ObjectId;
  eventId: string;
  eventType: string;
  resource: string;
  resourceId: string | null;
  /** The JSON body exactly as it is signed and sent. */
  body: string;
  state: DeliveryState;
  nextAttemptAt: Date | null;
  /** How many attempts were made (the attempts array's length, kept top-level for the sweep and as a version). */
  attemptCount: number;
  attempts: WebhookAttempt[];
  replayOf: Types.ObjectId | null;
  skippedReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const attemptSchema = new Schema<WebhookAttempt>(
  {
    n: Number,
    at: Date,
    url: String,
    requestHeaders: { type: Schema.Types.Mixed, default: {} },
    status: { type: Number, default: null },
    responseBody: { type: String, default: '' },
    durationMs: Number,
    error: { type: String, default: null },
  },
  { _id: false },
);

const deliverySchema = new Schema<WebhookDelivery>(
  {
    subscriptionId: { type: Schema.Types.ObjectId, required: true, index: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    resource: { type: String, required: true },
    resourceId: { type: String, default: null },
    body: { type: String, required: true },
    state: { type: String, required: true, index: true },
    nextAttemptAt: { type: Date, default: null },
    attemptCount: { type: Number, default: 0 },
    attempts: { type: [attemptSchema], default: [] },
    replayOf: { type: Schema.Types.ObjectId, default: null },
    skippedReason: { type: String, default: null },
  },
  { timestamps: true, versionKey: false },
);
deliverySchema.plugin(tenantScoped);
deliverySchema.index({ tenantId: 1, subscriptionId: 1 });

/**
 * The claim on one attempt of one delivery: a unique insert, so two workers (or a job that ran twice)
 * never send the same attempt twice (FerretDB does not run concurrent updates of one document atomically).
 */
export interface WebhookAttemptClaim {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  key: string;
  createdAt: Date;
}
const claimSchema = new Schema<WebhookAttemptClaim>({ key: { type: String, required: true } }, { timestamps: { createdAt: true, updatedAt: false }, versionKey: false });
claimSchema.plugin(tenantScoped);
claimSchema.index({ key: 1 }, { unique: true });

export function webhookSubscriptionModel(connection: Connection): Model<WebhookSubscription> {
  return (connection.models.WebhookSubscription as Model<WebhookSubscription>) ?? connection.model<WebhookSubscription>('WebhookSubscription', subscriptionSchema, 'webhookSubscriptions');
}
export function webhookDeliveryModel(connection: Connection): Model<WebhookDelivery> {
  return (connection.models.WebhookDelivery as Model<WebhookDelivery>) ?? connection.model<WebhookDelivery>('WebhookDelivery', deliverySchema, 'webhookDeliveries');
}
export function webhookAttemptClaimModel(connection: Connection): Model<WebhookAttemptClaim> {
  return (connection.models.WebhookAttemptClaim as Model<WebhookAttemptClaim>) ?? connection.model<WebhookAttemptClaim>('WebhookAttemptClaim', claimSchema, 'webhookAttemptClaims');
}
