import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { invalidatesAccess } from '../../platform/access/access-epoch.js';
import { op } from '../../platform/db/operators.js';
import { sweptAfterExpiry } from '../../platform/db/expiry-sweep.js';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/**
 * Who a session belongs to: an agent (`userId` names a user; tokens of audience `crm-api`) or a portal
 * customer (`userId` names a customer user; audience `crm-portal`). Sessions stored before the field
 * existed are agents' (customers' lived in a collection of their own then).
 */
export type SessionAudience = 'agent' | 'customer';

/** The filter that keeps a read or write to one audience's sessions or refresh tokens (a missing field is an agent's). */
export function ofAudience(audience: SessionAudience): { audience: SessionAudience | { $ne: SessionAudience } } {
  return { audience: audience === 'customer' ? 'customer' : op({ $ne: 'customer' as const }) };
}

/** Whether a stored session or refresh token belongs to `audience` (a missing field is an agent's). */
export function isOfAudience(doc: { audience?: SessionAudience | null | undefined }, audience: SessionAudience): boolean {
  return (doc.audience ?? 'agent') === audience;
}

/**
 * A signed-in session (one device) of either kind of principal; its refresh tokens form one rotating
 * family. Agents and portal customers share this model, told apart by `audience`.
 */
export interface Session {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  audience: SessionAudience;
  /** The user's id for an agent, the customer user's id for a customer. */
  userId: Types.ObjectId;
  userAgent: string;
  ip: string;
  lastUsedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
  createdAt: Date;
}

const sessionSchema = new Schema<Session>(
  {
    audience: { type: String, enum: ['agent', 'customer'], default: 'agent' },
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    userAgent: { type: String, default: '', maxlength: 500 },
    ip: { type: String, default: '' },
    lastUsedAt: { type: Date, default: () => new Date() },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    revokedReason: { type: String, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
sessionSchema.plugin(tenantScoped);
sessionSchema.plugin(sweptAfterExpiry);
// A revoked session stops at once in every API process: revocation moves the agency's access counter.
sessionSchema.plugin(invalidatesAccess, { onlyWhenSetting: 'revokedAt' });

/** One refresh token: used once, then replaced; presenting a used one again revokes the family. */
export interface RefreshToken {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  /** The audience of its session: a customer's refresh token is never redeemed on the agents' route, nor the reverse. */
  audience: SessionAudience;
  sessionId: Types.ObjectId;
  tokenHash: string;
  usedAt: Date | null;
  expiresAt: Date;
}

const refreshTokenSchema = new Schema<RefreshToken>(
  {
    audience: { type: String, enum: ['agent', 'customer'], default: 'agent' },
    sessionId: { type: Schema.Types.ObjectId, required: true, index: true },
    tokenHash: { type: String, required: true },
    usedAt: { type: Date, default: null },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
refreshTokenSchema.plugin(tenantScoped);
refreshTokenSchema.plugin(sweptAfterExpiry);
refreshTokenSchema.index({ tokenHash: 1 }, { unique: true });

export function sessionModel(connection: Connection): Model<Session> {
  return (connection.models.Session as Model<Session>) ?? connection.model<Session>('Session', sessionSchema, 'sessions');
}

export function refreshTokenModel(connection: Connection): Model<RefreshToken> {
  return (connection.models.RefreshToken as Model<RefreshToken>) ?? connection.model<RefreshToken>('RefreshToken', refreshTokenSchema, 'refresh_tokens');
}
