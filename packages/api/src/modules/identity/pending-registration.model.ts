import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { op } from '../../platform/db/operators.js';
import type { Jobs } from '../../platform/jobs/jobs.js';

/** How long an emailed registration link works. */
export const REGISTRATION_TTL_MS = 24 * 3600 * 1000;

/**
 * A sign-up waiting for its emailed link: what the newcomer typed, with the password already hashed and
 * only the SHA-256 of the link's token. No agency exists until the link is confirmed; the agency is then
 * created with this document's `_id`, so a second confirm of the same link can never make a second one.
 */
export interface PendingRegistration {
  _id: Types.ObjectId;
  tokenHash: string;
  email: string;
  emailNormalized: string;
  adminName: string;
  passwordHash: string;
  agency: { name: string; type?: string | undefined; address?: Record<string, string | undefined> | undefined; timeZone?: string | undefined };
  ip: string;
  expiresAt: Date;
  usedAt: Date | null;
  createdAt: Date;
}

const pendingRegistrationSchema = new Schema<PendingRegistration>(
  {
    tokenHash: { type: String, required: true },
    email: { type: String, required: true },
    emailNormalized: { type: String, required: true, index: true },
    adminName: { type: String, required: true },
    passwordHash: { type: String, required: true, select: false },
    agency: { type: Schema.Types.Mixed, required: true },
    ip: { type: String, default: '' },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
pendingRegistrationSchema.index({ tokenHash: 1 }, { unique: true });

/** Pending sign-ups live in their own collection: they belong to no agency yet. */
export function pendingRegistrationModel(connection: Connection): Model<PendingRegistration> {
  return (
    (connection.models.PendingRegistration as Model<PendingRegistration>) ??
    connection.model<PendingRegistration>('PendingRegistration', pendingRegistrationSchema, 'pending_registrations')
  );
}

/** At most this many sign-up emails (link or "you have an account") go to one address per clock hour. */
export const REGISTRATION_EMAILS_PER_HOUR = 3;

/**
 * One of an address's sign-up emails in a clock hour, claimed by inserting `<email>:<hour>:<n>` as `_id`:
 * concurrent sign-ups cannot share a slot (a unique key holds where a count or conditional update would not).
 */
interface RegistrationMailSlot {
  _id: string;
  expiresAt: Date;
}

const registrationMailSlotSchema = new Schema<RegistrationMailSlot>({ _id: { type: String, required: true }, expiresAt: { type: Date, required: true } }, { versionKey: false });

export function registrationMailSlotModel(connection: Connection): Model<RegistrationMailSlot> {
  return (
    (connection.models.RegistrationMailSlot as Model<RegistrationMailSlot>) ??
    connection.model<RegistrationMailSlot>('RegistrationMailSlot', registrationMailSlotSchema, 'registration_mail_slots')
  );
}

/** Forgets sign-ups whose link has expired, and spent mail slots (the database has no TTL index here: a job sweeps). */
export async function prunePendingRegistrations(connection: Connection, now = new Date()): Promise<number> {
  const result = await pendingRegistrationModel(connection).deleteMany({ expiresAt: op({ $lt: now }) });
  await registrationMailSlotModel(connection).deleteMany({ expiresAt: op({ $lt: now }) });
  return result.deletedCount;
}

export const PENDING_REGISTRATIONS_PRUNE_JOB = 'identity.pending-registrations.prune';

/** The hourly sweep of expired sign-up links. */
export function defineRegistrationJobs(deps: { connection: Connection; jobs: Jobs }): void {
  deps.jobs.define(PENDING_REGISTRATIONS_PRUNE_JOB, async () => {
    await prunePendingRegistrations(deps.connection);
  });
  deps.jobs.recurring('17 * * * *', PENDING_REGISTRATIONS_PRUNE_JOB, { timezone: 'UTC' });
}
