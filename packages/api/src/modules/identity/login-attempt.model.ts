import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Failed sign-ins counted per email address, known or not, so a lockout behaves the same for an email
 * that has no account and never reveals whether one exists. Not tenant-owned: it precedes the tenant.
 */
export interface LoginAttempt {
  key: string;
  failures: number;
  windowStart: Date;
  lockedUntil: Date | null;
}

const loginAttemptSchema = new Schema<LoginAttempt>(
  {
    key: { type: String, required: true },
    failures: { type: Number, default: 0 },
    windowStart: { type: Date, default: () => new Date() },
    lockedUntil: { type: Date, default: null },
  },
  { versionKey: false },
);
loginAttemptSchema.index({ key: 1 }, { unique: true });

export function loginAttemptModel(connection: Connection): Model<LoginAttempt> {
  return (connection.models.LoginAttempt as Model<LoginAttempt>) ?? connection.model<LoginAttempt>('LoginAttempt', loginAttemptSchema, 'login_attempts');
}
