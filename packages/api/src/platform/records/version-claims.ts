import { Schema, type Connection, type Model, type Types, type UpdateQuery } from 'mongoose';
import { deleteManyBounded } from '../db/bulk-writes.js';
import { findByIdInTenant } from '../db/tenancy.plugin.js';
import { AppError, isDuplicateKeyError } from '../errors.js';
import type { Jobs } from '../jobs/jobs.js';
import { listedKindOfCollection, syncListRow } from '../lists/list-rows.js';
import { countedKindOfCollection, countWrite } from '../counts/record-counts.js';

/**
 * Optimistic concurrency that holds on every engine we run on, and costs one row on each.
 *
 * A version-conditional update (`updateOne({ _id, version: 3 }, …)`) is atomic on MongoDB, but FerretDB
 * v1 runs it as "find the matching documents, then write them by id": two writers that both read
 * version 3 both write, and one update is lost. Its SQLite handler also pushes nothing but a filter that
 * is `_id` alone down to SQL, so the conditional update reads every document of the collection.
 *
 * So a writer first claims the version it is about to create: it inserts `<collection>:<id>:<version>`
 * into `record_version_claims`, whose `_id` is unique on every engine, and only the one insert that
 * succeeds may write. The write itself then names `_id` alone. A writer that dies between its claim and
 * its write leaves a claim nobody completes: after `orphanedAfterMs`, if the record is still at the
 * version the claim was made from, the next writer takes the number after it (versions may skip one,
 * which clients never rely on), and a writer that took longer than half that between its claim and its
 * write gives up instead of overwriting a successor.
 */
interface VersionClaim {
  _id: string;
  at: Date;
}

const claimSchema = new Schema<VersionClaim>({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false, collection: 'record_version_claims' });
claimSchema.index({ at: 1 });

export function versionClaimModel(connection: Connection): Model<VersionClaim> {
  return (connection.models.RecordVersionClaim as Model<VersionClaim> | undefined) ?? connection.model<VersionClaim>('RecordVersionClaim', claimSchema);
}

/** After this long, a claim whose record never reached its version is taken to be a dead writer's. */
export const ORPHANED_CLAIM_MS = 30_000;

const byId = { crossTenant: 'by id: the caller has checked the tenant and visibility of this record' };

/**
 * Applies `update` to the record if it is still at `record.version`, and sets the version it claimed.
 * Returns false when another writer holds or made the next version (the caller answers 409). Every
 * versioned write passes here, so here a kind listed from rows (platform/lists) gets its row moved on:
 * the write returns the stored document (same round trip) and the row is written from it.
 */
export async function writeVersion<T>(
  model: Model<T>,
  record: { _id: Types.ObjectId; version: number },
  update: UpdateQuery<T> & { $set?: Record<string, unknown> },
  options: VersionWriteOptions = {},
): Promise<boolean> {
  return (await applyVersion(model, record, update, options, false)) !== false;
}

/** How a versioned write runs. */
export interface VersionWriteOptions {
  orphanedAfterMs?: number;
  /** False when the caller writes the list row itself (the record service, alongside the search entries). */
  listRow?: boolean;
}

/**
 * writeVersion answering the stored document as the write left it (the same round trip: no read
 * after the write), or null when another writer holds or made the next version or the record is gone.
 */
export async function writeStoredVersion<T>(
  model: Model<T>,
  record: { _id: Types.ObjectId; version: number },
  update: UpdateQuery<T> & { $set?: Record<string, unknown> },
  options: VersionWriteOptions = {},
): Promise<T | null> {
  return ((await applyVersion(model, record, update, options, true)) || null) as T | null;
}

/** false: not written (another writer's version); otherwise the stored document when it was read back. */
async function applyVersion<T>(
  model: Model<T>,
  record: { _id: Types.ObjectId; version: number },
  update: UpdateQuery<T> & { $set?: Record<string, unknown> },
  options: VersionWriteOptions,
  returnStored: boolean,
): Promise<false | (Record<string, unknown> & { _id: Types.ObjectId; tenantId: Types.ObjectId }) | null> {
  const Claims = versionClaimModel(model.db);
  const orphanedAfterMs = options.orphanedAfterMs ?? ORPHANED_CLAIM_MS;
  let target = record.version + 1;
  let claimedAt = 0;
  for (let attempt = 0; attempt < 5 && !claimedAt; attempt += 1) {
    const _id = `${model.collection.collectionName}:${String(record._id)}:${target}`;
    const at = new Date();
    try {
      await Claims.create({ _id, at });
      claimedAt = at.getTime();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const claim = await Claims.findOne({ _id }).lean();
      if (claim && Date.now() - new Date(claim.at).getTime() < orphanedAfterMs) return false;
      const current = await model.findOne({ _id: record._id } as never).setOptions(byId).select('version').lean<{ version: number }>();
      if (!current || current.version !== record.version) return false;
      target += 1;
    }
  }
  if (!claimedAt) return false;
  if (Date.now() - claimedAt > orphanedAfterMs / 2) {
    throw new AppError('unavailable', 'The change took too long to save and was not applied; try again');
  }
  const listed = options.listRow === false ? undefined : listedKindOfCollection(model.db, model.collection.collectionName);
  // A counted kind's counters move with the write (platform/counts); the record as the caller read it is the before.
  const counted = 'tenantId' in record ? countedKindOfCollection(model.db, model.collection.collectionName) : undefined;
  const versioned = { ...update, $set: { ...(update.$set ?? {}), version: target } } as never;
  type Stored = Record<string, unknown> & { _id: Types.ObjectId; tenantId: Types.ObjectId };
  let stored: Stored | null = null;
  try {
    if (listed || returnStored || counted) stored = await model.findOneAndUpdate({ _id: record._id } as never, versioned, { returnDocument: 'after' }).setOptions(byId).lean<Stored>();
    else await model.updateOne({ _id: record._id } as never, versioned).setOptions(byId);
  } catch (error) {
    // Refused by the database (a unique name taken): the version was not made, so the next writer may.
    await Claims.deleteOne({ _id: `${model.collection.collectionName}:${String(record._id)}:${target}` });
    throw error;
  }
  await Promise.all([
    listed && stored ? syncListRow(model.db, listed, stored.tenantId, stored._id, stored) : null,
    counted && stored ? countWrite(model.db, counted, record as unknown as Stored, stored, `v${target}`) : null,
  ]);
  if (returnStored) return stored ?? false;
  return stored;
}

/**
 * A change made for the system (a schedule, a public form, a conversion step) rather than for a person
 * who saw a version: it applies to the record as it is now, through the same claims, and re-reads after
 * a concurrent writer instead of answering 409. `change` sees the current document and returns the
 * update, or null when the change no longer applies (the status moved on, consent is already given).
 * Returns the document the change was made from, or null when the record is gone or `change` declined.
 */
export async function writeNextVersion<T extends { _id: Types.ObjectId; tenantId: Types.ObjectId; version: number }>(
  model: Model<T>,
  tenantId: Types.ObjectId,
  id: Types.ObjectId,
  change: (current: T) => (UpdateQuery<T> & { $set?: Record<string, unknown> }) | null,
  attempts = 8,
): Promise<T | null> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const current = await findByIdInTenant(model, tenantId, id);
    if (!current) return null;
    const update = change(current);
    if (!update) return null;
    if (await writeVersion(model, current, update)) return current;
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * (attempt + 1)));
  }
  throw new AppError('unavailable', 'The record is being changed by others right now; try again');
}

/** Claims are only needed while their write is in flight; the daily job forgets those older than a day. */
export const VERSION_CLAIMS_PRUNE_JOB = 'records.version-claims.prune';

export async function pruneVersionClaims(connection: Connection, now = new Date()): Promise<number> {
  // A day of every agency's updates: more claims than one FerretDB delete may take.
  return deleteManyBounded(versionClaimModel(connection).collection, { at: { $lt: new Date(now.getTime() - 24 * 3600_000) } });
}

export function defineVersionClaimJobs(deps: { connection: Connection; jobs: Jobs }): void {
  deps.jobs.define(VERSION_CLAIMS_PRUNE_JOB, async () => {
    await pruneVersionClaims(deps.connection);
  });
  deps.jobs.recurring('41 3 * * *', VERSION_CLAIMS_PRUNE_JOB, { timezone: 'UTC' });
}
