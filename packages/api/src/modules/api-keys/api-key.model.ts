import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** Secret keys act server-to-server with a role; publishable keys only reach /v1/public from allowed origins. */
export type ApiKeyKind = 'secret' | 'publishable';

export interface ApiKey {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  kind: ApiKeyKind;
  name: string;
  /** The first characters of the key (`sk_live_AbCd`), to recognise it in lists; the rest is never stored. */
  prefix: string;
  keyHash: string;
  /** Secret keys: the role they act with and the admin who created (and owns) them. */
  roleId: Types.ObjectId | null;
  ownerId: Types.ObjectId;
  allowedOrigins: string[];
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

const apiKeySchema = new Schema<ApiKey>(
  {
    kind: { type: String, enum: ['secret', 'publishable'], required: true },
    name: { type: String, required: true, trim: true, maxlength: 100 },
    prefix: { type: String, required: true },
    keyHash: { type: String, required: true },
    roleId: { type: Schema.Types.ObjectId, default: null },
    ownerId: { type: Schema.Types.ObjectId, required: true },
    allowedOrigins: { type: [String], default: [] },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
apiKeySchema.plugin(tenantScoped);
apiKeySchema.index({ keyHash: 1 }, { unique: true });

export function apiKeyModel(connection: Connection): Model<ApiKey> {
  return (connection.models.ApiKey as Model<ApiKey>) ?? connection.model<ApiKey>('ApiKey', apiKeySchema, 'api_keys');
}
