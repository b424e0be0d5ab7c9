import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** A user's Yealink desk phone: where its Action URI answers, the admin login (password sealed, never returned) and the extension. */
export interface VoipPhone {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  userId: Types.ObjectId;
  /** The phone's address as the API reaches it: an IP or host name, with a port when not 80/443. */
  host: string;
  https: boolean;
  username: string;
  passwordSealed: string;
  extension: string;
  /** The SIP account to dial from (`outgoing_uri`, e.g. `1006@pbx.example.com`); empty: the phone's default account. */
  outgoingUri: string;
  lastDial?: { ok: boolean; at: Date; message: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

export const callDirections = ['inbound', 'outbound'] as const;
export const callOutcomes = ['answered', 'missed', 'busy'] as const;
export type CallOutcome = (typeof callOutcomes)[number];

/**
 * One call of one phone, folded from its Action-URL events (or one CDR row): `callKey` is
 * `<phoneId>:<call_id>` for events and `cdr:<callid>` for an import, unique per tenant, so the same
 * event or row twice finds the same document. `activityId` is set once the call is on a timeline.
 */
export interface VoipCall {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  callKey: string;
  phoneId: Types.ObjectId | null;
  userId: Types.ObjectId;
  source: 'action-url' | 'click-to-call' | 'cdr';
  direction: 'inbound' | 'outbound';
  remote: string;
  remoteDisplay: string;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  outcome: CallOutcome | null;
  durationSeconds: number;
  subjectType: 'contact' | 'lead' | null;
  subjectId: Types.ObjectId | null;
  activityId: Types.ObjectId | null;
  /** The events applied, in order of arrival (each at most once). */
  events: string[];
  createdAt: Date;
  updatedAt: Date;
}

const phoneSchema = new Schema<VoipPhone>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    host: { type: String, required: true },
    https: { type: Boolean, default: false },
    username: { type: String, required: true },
    passwordSealed: { type: String, required: true },
    extension: { type: String, default: '' },
    outgoingUri: { type: String, default: '' },
    lastDial: { type: { _id: false, ok: Boolean, at: Date, message: String }, default: null },
  },
  { timestamps: true, versionKey: false },
);
phoneSchema.plugin(tenantScoped);
// One phone per user of an agency.
phoneSchema.index({ tenantId: 1, userId: 1 }, { unique: true });

const callSchema = new Schema<VoipCall>(
  {
    callKey: { type: String, required: true },
    phoneId: { type: Schema.Types.ObjectId, default: null },
    userId: { type: Schema.Types.ObjectId, required: true },
    source: { type: String, required: true },
    direction: { type: String, enum: callDirections, required: true },
    remote: { type: String, default: '' },
    remoteDisplay: { type: String, default: '' },
    startedAt: { type: Date, required: true },
    answeredAt: { type: Date, default: null },
    endedAt: { type: Date, default: null },
    outcome: { type: String, enum: [...callOutcomes, null], default: null },
    durationSeconds: { type: Number, default: 0 },
    subjectType: { type: String, default: null },
    subjectId: { type: Schema.Types.ObjectId, default: null },
    activityId: { type: Schema.Types.ObjectId, default: null },
    events: { type: [String], default: [] },
  },
  { timestamps: true, versionKey: false },
);
callSchema.plugin(tenantScoped);
// The same call (phone and call id, or CDR call id) is one document: a repeated event or row finds it.
callSchema.index({ tenantId: 1, callKey: 1 }, { unique: true });
callSchema.index({ tenantId: 1, userId: 1, startedAt: -1 });

export function voipPhoneModel(connection: Connection): Model<VoipPhone> {
  return (connection.models.VoipPhone as Model<VoipPhone>) ?? connection.model<VoipPhone>('VoipPhone', phoneSchema, 'voip_phones');
}

export function voipCallModel(connection: Connection): Model<VoipCall> {
  return (connection.models.VoipCall as Model<VoipCall>) ?? connection.model<VoipCall>('VoipCall', callSchema, 'voip_calls');
}
