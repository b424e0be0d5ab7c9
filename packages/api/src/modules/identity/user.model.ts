import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import { invalidatesAccess } from '../../platform/access/access-epoch.js';

/** A person who signs in: an employee of one agency, with one role. */
const userSchema = new Schema(
  {
    email: { type: String, required: true, trim: true, maxlength: 254 },
    // Lower-cased copy; globally unique so one email signs in to exactly one agency.
    emailNormalized: { type: String, required: true },
    passwordHash: { type: String, select: false },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    phone: { type: String, trim: true, maxlength: 50 },
    pictureUrl: { type: String, maxlength: 2000 },
    locale: { type: String, default: 'en', maxlength: 20 },
    timeZone: { type: String, default: 'UTC', maxlength: 64 },
    notificationSettings: { type: Schema.Types.Mixed, default: () => ({ email: true, inApp: true }) },
    roleId: { type: Schema.Types.ObjectId, required: true, index: true },
    departmentId: { type: Schema.Types.ObjectId, default: null, index: true },
    unitId: { type: Schema.Types.ObjectId, default: null },
    designationId: { type: Schema.Types.ObjectId, default: null },
    managerId: { type: Schema.Types.ObjectId, default: null },
    status: { type: String, enum: ['invited', 'active', 'disabled'], default: 'active', index: true },
    failedLogins: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    lastLoginAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: 'version', optimisticConcurrency: true },
);
userSchema.plugin(tenantScoped);
userSchema.plugin(invalidatesAccess, { ignoreSetting: ['lastLoginAt'] });
userSchema.index({ emailNormalized: 1 }, { unique: true });

export type User = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId; tenantId: Types.ObjectId };

export function userModel(connection: Connection): Model<User> {
  return (connection.models.User as Model<User>) ?? connection.model<User>('User', userSchema, 'users');
}
