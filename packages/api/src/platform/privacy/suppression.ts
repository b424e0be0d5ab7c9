import { createHmac } from 'node:crypto';
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenancy.plugin.js';
import { AppError, isDuplicateKeyError } from '../errors.js';

/**
 * What is left of an erased person: a keyed hash (HMAC-SHA256 with a server key) of their normalised
 * email or phone, per agency. Nothing else of them is kept; the hash only answers "is this the same
 * address?" to whoever holds the key, so an import, a sign-up or a new record cannot bring them back.
 */
export interface PrivacySuppression {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  /** `email` or `phone`: which value the hash is of. */
  kind: 'email' | 'phone';
  hash: string;
  /** The erasure request that left it. */
  requestId: Types.ObjectId | null;
  createdAt: Date;
}

const schema = new Schema<PrivacySuppression>(
  {
    kind: { type: String, enum: ['email', 'phone'], required: true },
    hash: { type: String, required: true },
    requestId: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'privacy_suppressions', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
schema.plugin(tenantScoped);
// Looked up by equality on the hash (pushed down); one entry per value and agency.
schema.index({ tenantId: 1, hash: 1 }, { unique: true });

/** The suppression entries of a connection's database. */
export function privacySuppressionModel(connection: Connection): Model<PrivacySuppression> {
  return (connection.models.PrivacySuppression as Model<PrivacySuppression> | undefined) ?? connection.model<PrivacySuppression>('PrivacySuppression', schema);
}

/** The name of the pinned suppression key in `platform_keys` (platform/crypto/platform-keys.ts). */
export const PRIVACY_SUPPRESSION_KEY = 'privacy-suppression';

/** The suppression key as derived from a master key (what deployments used before it was pinned). */
export function suppressionKeyFrom(master: Buffer): Buffer {
  return createHmac('sha256', master).update('privacy-suppression').digest();
}

const keys = new WeakMap<Connection, { resolved?: Buffer; load?: () => Promise<Buffer>; loading?: Promise<Buffer> }>();

/**
 * Sets the server key suppression hashes are made with (the privacy module does, at build time): the key,
 * or a loader read once on first use (the key pinned in the database, so it survives an ENCRYPTION_KEY
 * rotation: docs/encryption.md).
 */
export function configureSuppressionKey(connection: Connection, key: Buffer | (() => Promise<Buffer>)): void {
  keys.set(connection, Buffer.isBuffer(key) ? { resolved: key } : { load: key });
}

async function keyOf(connection: Connection): Promise<Buffer | undefined> {
  const entry = keys.get(connection);
  if (!entry) return undefined;
  if (entry.resolved) return entry.resolved;
  entry.loading ??= entry.load!().then(
    (key) => (entry.resolved = key),
    (error: unknown) => {
      entry.loading = undefined;
      throw error;
    },
  );
  return entry.loading;
}

/** Lower-cased, trimmed: how an email is compared. */
export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** Digits only (a leading + and the spacing dropped): how a phone number is compared. */
export function normalisePhone(value: string): string {
  return value.replace(/\D/g, '');
}

/** The keyed hash of one value of a person in an agency. */
export function suppressionHash(key: Buffer, tenantId: Types.ObjectId, kind: 'email' | 'phone', value: string): string {
  const normalised = kind === 'email' ? normaliseEmail(value) : normalisePhone(value);
  return createHmac('sha256', key).update(`${tenantId.toHexString()}:${kind}:${normalised}`).digest('hex');
}

/** A person's values to check or suppress; empty and too-short phone numbers are ignored. */
export interface PersonValues {
  emails?: ReadonlyArray<string | null | undefined>;
  phones?: ReadonlyArray<string | null | undefined>;
}

function hashesOf(key: Buffer, tenantId: Types.ObjectId, values: PersonValues): Array<{ kind: 'email' | 'phone'; hash: string; index: number }> {
  const out: Array<{ kind: 'email' | 'phone'; hash: string; index: number }> = [];
  (values.emails ?? []).forEach((value, index) => {
    if (typeof value === 'string' && value.includes('@')) out.push({ kind: 'email', hash: suppressionHash(key, tenantId, 'email', value), index });
  });
  (values.phones ?? []).forEach((value, index) => {
    if (typeof value === 'string' && normalisePhone(value).length >= 4) out.push({ kind: 'phone', hash: suppressionHash(key, tenantId, 'phone', value), index });
  });
  return out;
}

/** How long a process trusts the agency's suppression hashes it read (another process's erasure shows after at most this). */
export const SUPPRESSION_CACHE_MS = 10_000;

const cached = new WeakMap<Connection, Map<string, { at: number; hashes: Promise<Set<string>> }>>();

/**
 * The agency's suppression hashes, read by tenant (one equality) at most once per SUPPRESSION_CACHE_MS per
 * process and shared by concurrent checks: an import of 1,000 rows checks them in memory, not with 1,000
 * queries. An agency with no erasure has an empty set.
 */
function tenantHashes(connection: Connection, tenantId: Types.ObjectId): Promise<Set<string>> {
  let byTenant = cached.get(connection);
  if (!byTenant) cached.set(connection, (byTenant = new Map()));
  const key = tenantId.toHexString();
  const hit = byTenant.get(key);
  if (hit && Date.now() - hit.at < SUPPRESSION_CACHE_MS) return hit.hashes;
  const hashes = privacySuppressionModel(connection)
    .find({ tenantId })
    .select('hash')
    .lean()
    .then((rows) => new Set(rows.map((r) => r.hash)));
  byTenant.set(key, { at: Date.now(), hashes });
  hashes.catch(() => byTenant.delete(key));
  return hashes;
}

/** Which of the values belongs to an erased person of the agency (`email`/`phone` and its index), if any. */
export async function findSuppressed(connection: Connection, tenantId: Types.ObjectId, values: PersonValues): Promise<{ kind: 'email' | 'phone'; index: number } | null> {
  const key = await keyOf(connection);
  if (!key) return null;
  const hashes = hashesOf(key, tenantId, values);
  if (!hashes.length) return null;
  const known = await tenantHashes(connection, tenantId);
  const hit = hashes.find((h) => known.has(h.hash));
  return hit ? { kind: hit.kind, index: hit.index } : null;
}

/**
 * Refuses a person who was erased from the agency: a 400 naming the field (by default `email`/`phone`;
 * `field` names it for a record's lists, e.g. `emails.0.value`), so an import row, a sign-up or a new
 * record says what was refused.
 */
export async function assertNotSuppressed(connection: Connection, tenantId: Types.ObjectId, values: PersonValues, field: (kind: 'email' | 'phone', index: number) => string = (kind) => kind): Promise<void> {
  const hit = await findSuppressed(connection, tenantId, values);
  if (!hit) return;
  throw AppError.invalidField(field(hit.kind, hit.index), 'belongs to a person erased at their request; they may not be added again (privacy suppression)', 'suppressed');
}

/** Records the hashes of an erased person's values; answers how many were new. */
export async function addSuppression(connection: Connection, tenantId: Types.ObjectId, values: PersonValues, requestId: Types.ObjectId | null): Promise<number> {
  const key = await keyOf(connection);
  if (!key) throw new AppError('unavailable', 'The privacy suppression key is not configured');
  let added = 0;
  for (const { kind, hash } of hashesOf(key, tenantId, values)) {
    try {
      await privacySuppressionModel(connection).create({ tenantId, kind, hash, requestId });
      added += 1;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  // This process sees the new hashes at once.
  cached.get(connection)?.delete(tenantId.toHexString());
  return added;
}

/** The hash of one value (for tests and the export of a request's own record); null before the key was first loaded. */
export function suppressionHashFor(connection: Connection, tenantId: Types.ObjectId, kind: 'email' | 'phone', value: string): string | null {
  const key = keys.get(connection)?.resolved;
  return key ? suppressionHash(key, tenantId, kind, value) : null;
}
