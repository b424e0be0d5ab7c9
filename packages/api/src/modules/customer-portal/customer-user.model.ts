import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { invalidatesAccess } from '../../platform/access/access-epoch.js';
import { customerRoles, type CustomerRole } from '../../platform/access/customer.js';
import { sweptAfterExpiry } from '../../platform/db/expiry-sweep.js';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

export const customerUserStatuses = ['invited', 'active', 'disabled'] as const;
export type CustomerUserStatus = (typeof customerUserStatuses)[number];

/**
 * A customer's identity on the self-service portal: a contact of an account, invited by an agent. Its
 * own collection, never `users`, so no agent query, role or permission can ever reach it.
 */
export interface CustomerUser {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  contactId: Types.ObjectId;
  accountId: Types.ObjectId | null;
  email: string;
  /** Lower-cased; unique per agency (one portal identity per address and agency). */
  emailNormalized: string;
  name: string;
  role: CustomerRole;
  status: CustomerUserStatus;
  passwordHash?: string | null;
  locale: string;
  invitedBy: Types.ObjectId | null;
  lastSignInAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

const customerUserSchema = new Schema<CustomerUser>(
  {
    contactId: { type: Schema.Types.ObjectId, required: true, index: true },
    accountId: { type: Schema.Types.ObjectId, default: null, index: true },
    email: { type: String, required: true, trim: true, maxlength: 254 },
    emailNormalized: { type: String, required: true },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    role: { type: String, enum: customerRoles, required: true, default: 'customer' },
    status: { type: String, enum: customerUserStatuses, required: true, default: 'invited' },
    passwordHash: { type: String, select: false, default: null },
    locale: { type: String, default: 'en', maxlength: 20 },
    invitedBy: { type: Schema.Types.ObjectId, default: null },
    lastSignInAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: 'version', optimisticConcurrency: true },
);
customerUserSchema.plugin(tenantScoped);
// A disabled customer or a changed role stops at once: cached customer principals are keyed to the agency's access stamp.
customerUserSchema.plugin(invalidatesAccess, { ignoreSetting: ['lastSignInAt'] });
customerUserSchema.index({ tenantId: 1, emailNormalized: 1 }, { unique: true });
customerUserSchema.index({ tenantId: 1, contactId: 1 }, { unique: true });

export function customerUserModel(connection: Connection): Model<CustomerUser> {
  return (connection.models.CustomerUser as Model<CustomerUser>) ?? connection.model<CustomerUser>('CustomerUser', customerUserSchema, 'customer_users');
}

/** A magic sign-in link: its SHA-256 only, single use (claimed by one atomic update), 15 minutes. */
export interface CustomerLink {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  customerUserId: Types.ObjectId;
  kind: 'invitation' | 'signIn';
  tokenHash: string;
  expiresAt: Date;
  usedAt: Date | null;
  createdAt: Date;
}

const customerLinkSchema = new Schema<CustomerLink>(
  {
    customerUserId: { type: Schema.Types.ObjectId, required: true, index: true },
    kind: { type: String, enum: ['invitation', 'signIn'], required: true },
    tokenHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
customerLinkSchema.plugin(tenantScoped);
customerLinkSchema.plugin(sweptAfterExpiry);
customerLinkSchema.index({ tokenHash: 1 }, { unique: true });

export function customerLinkModel(connection: Connection): Model<CustomerLink> {
  return (connection.models.CustomerLink as Model<CustomerLink>) ?? connection.model<CustomerLink>('CustomerLink', customerLinkSchema, 'customer_links');
}
