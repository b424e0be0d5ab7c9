import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { sweptAfterExpiry } from '../../platform/db/expiry-sweep.js';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/**
 * What a one-time emailed token lets its holder do; `resetSlot` is not a token but one of the hour's
 * password-reset sends, claimed through the unique `tokenHash` (a key no real token hash can equal).
 */
export type UserTokenKind = 'invitation' | 'passwordReset' | 'resetSlot';

/** A one-time token sent by email (invitation or password reset); only its SHA-256 is stored. */
export interface UserToken {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  userId: Types.ObjectId;
  kind: UserTokenKind;
  tokenHash: string;
  expiresAt: Date;
  usedAt: Date | null;
  createdAt: Date;
}

const userTokenSchema = new Schema<UserToken>(
  {
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    kind: { type: String, enum: ['invitation', 'passwordReset', 'resetSlot'], required: true },
    tokenHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
userTokenSchema.plugin(tenantScoped);
userTokenSchema.plugin(sweptAfterExpiry);
userTokenSchema.index({ tokenHash: 1 }, { unique: true });

export function userTokenModel(connection: Connection): Model<UserToken> {
  return (connection.models.UserToken as Model<UserToken>) ?? connection.model<UserToken>('UserToken', userTokenSchema, 'user_tokens');
}
