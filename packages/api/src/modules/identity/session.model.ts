import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { invalidatesAccess } from '../../platform/access/access-epoch.js';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** A signed-in session (one device); its refresh tokens form one rotating family. */
export interface Session {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
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
// A revoked session stops at once in every API process: revocation moves the agency's access counter.
sessionSchema.plugin(invalidatesAccess, { onlyWhenSetting: 'revokedAt' });

/** One refresh token: used once, then replaced; presenting a used one again revokes the family. */
export interface RefreshToken {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  sessionId: Types.ObjectId;
  tokenHash: string;
  usedAt: Date | null;
  expiresAt: Date;
}

const refreshTokenSchema = new Schema<RefreshToken>(
  {
    sessionId: { type: Schema.Types.ObjectId, required: true, index: true },
    tokenHash: { type: String, required: true },
    usedAt: { type: Date, default: null },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
refreshTokenSchema.plugin(tenantScoped);
refreshTokenSchema.index({ tokenHash: 1 }, { unique: true });

export function sessionModel(connection: Connection): Model<Session> {
  return (connection.models.Session as Model<Session>) ?? connection.model<Session>('Session', sessionSchema, 'sessions');
}

export function refreshTokenModel(connection: Connection): Model<RefreshToken> {
  return (connection.models.RefreshToken as Model<RefreshToken>) ?? connection.model<RefreshToken>('RefreshToken', refreshTokenSchema, 'refresh_tokens');
}
