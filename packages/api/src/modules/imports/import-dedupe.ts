import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import type { RecordBase } from '../../platform/records/record-service.js';
import { readRecordsById, servesIdsInOneRead } from '../../platform/records/records-by-id.js';
import { inParallel } from '../../platform/concurrency.js';
import { claimEmailKeys, emailKeysReady } from '../../platform/records/email-keys.js';
import { type ImportContext, type RowOutcome } from './import-context.js';
import { keyValue } from './import-fields.js';
import type { ImportJob } from './import.model.js';

/** Lookups in flight at once on an engine that answers one key per read (FerretDB); the pool keeps room for the API. */
const LOOKUPS_AT_ONCE = 16;

/** The id a row's record gets: the run's start second, then 8 bytes of (import, row), the same on every run. */
export function recordIdOf(importId: Types.ObjectId, epoch: number, row: number): Types.ObjectId {
  const hex = epoch.toString(16).padStart(8, '0') + createHash('sha256').update(`${String(importId)}:${row}`).digest('hex').slice(0, 16);
  return new Types.ObjectId(hex);
}

/** The `_id` of an import key (external ids and phones of records imports made). */
export const importKeyId = (job: { kind: ImportJob['kind']; mapping?: { dedupeKey: string } | null }, tenantId: Types.ObjectId, key: string) => `${String(tenantId)}:${job.kind}:${job.mapping!.dedupeKey}:${key}`;

/**
 * The existing records the keys of a batch name, in one read where the engine serves `$in` from an
 * index (MongoDB: `primaryEmail` of the records, or the import keys by `_id`); FerretDB 1.24 pushes
 * `$in` down on neither handler (the whole agency would be decoded per batch, see records-by-id.ts), so
 * there each key is one equality read of an indexed field, sent `LOOKUPS_AT_ONCE` at a time. That read
 * names `primaryEmail` alone and checks the tenant on the records found: with `tenantId` beside it,
 * PostgreSQL ANDs the GIN bitmap of every contact of the agency into each lookup (docs/database.md), a
 * cost that grows with the agency (one lookup per row of the file); an address shared by other agencies
 * only adds their few records to decode.
 */
export async function existingByKey(ctx: ImportContext, job: ImportJob, principal: Principal, keys: readonly string[]): Promise<Map<string, RecordBase>> {
  const found = new Map<string, RecordBase>();
  if (!keys.length) return found;
  const Model = ctx.kindOf(job).service.definition.model;
  const tenantId = principal.tenantId;
  const oneRead = await servesIdsInOneRead(Model.db);
  if (job.mapping!.dedupeKey === 'email') {
    const docs = oneRead
      ? await Model.find({ tenantId, primaryEmail: op({ $in: [...keys] }) } as never).batchSize(keys.length + 1).lean<Array<RecordBase & { primaryEmail: string }>>()
      : (await inParallel(keys, LOOKUPS_AT_ONCE, (key) => Model.find({ primaryEmail: key } as never).setOptions({ crossTenant: 'by email alone; the tenant is checked on each record' }).lean<Array<RecordBase & { primaryEmail: string }>>())).flat();
    for (const doc of docs) if (doc && doc.tenantId.equals(tenantId) && !found.has(doc.primaryEmail)) found.set(doc.primaryEmail, doc);
    return found;
  }
  if (job.mapping!.dedupeKey === 'code') {
    // Products by their own code, without case: an agency has few, so they are read together (one equality
    // read per batch) and hand-made ones are found too, which import keys alone would miss.
    const wanted = new Set(keys);
    for (const doc of await Model.find({ tenantId } as never).lean<Array<RecordBase & { code?: string | null }>>()) {
      const code = keyValue('code', doc.code ?? undefined);
      if (code && wanted.has(code) && !found.has(code)) found.set(code, doc);
    }
    return found;
  }
  const ids = keys.map((key) => importKeyId(job, tenantId, key));
  const entries = oneRead
    ? await ctx.Keys.find({ tenantId, _id: op({ $in: ids }) } as never).batchSize(ids.length + 1).lean()
    : ((await inParallel(ids, LOOKUPS_AT_ONCE, (id) => findByIdInTenant(ctx.Keys as never, tenantId, id as never))).filter(Boolean) as unknown as Array<{ _id: string; recordId: Types.ObjectId }>);
  const records = await readRecordsById(Model as never, tenantId, entries.map((e) => e.recordId), { oneRead });
  const keyOf = new Map(keys.map((key, i) => [ids[i]!, key]));
  entries.forEach((entry, i) => {
    const record = records[i] as RecordBase | null;
    if (record) found.set(keyOf.get(String(entry._id))!, record);
  });
  return found;
}

/** What a run does with a valid row: create it, update the existing record, or skip it as a duplicate. */
export interface PlannedRow {
  outcome: RowOutcome;
  action: 'create' | 'update' | 'skip';
  existing: RecordBase | null;
  /** An account whose parent is a row of the same batch (import-parents): written after that row, and not when it fails. */
  parentRow?: number;
}

/**
 * Whether a run dedupes through email keys (platform/records/email-keys.ts): by email, in mode `skip` or
 * `update`, once the kind's keys are complete. Decided once per run (a kind never goes back to not ready).
 */
export async function claimsEmailKeys(ctx: ImportContext, job: ImportJob): Promise<boolean> {
  return job.mapping!.mode !== 'create' && job.mapping!.dedupeKey === 'email' && (await emailKeysReady(ctx.deps.connection, ctx.kindOf(job).service.definition.model.collection.collectionName));
}

/**
 * Decides each valid row of a batch: created, updated (with the existing record), or skipped as a
 * duplicate of an earlier row of the file (`seen`) or of a record in the database, found for the whole
 * batch at once (`existingByKey`). A record this same import made (its id is the row's own: an earlier
 * run of the batch got that far) counts as a create.
 *
 * A run that `claim`s (`claimsEmailKeys`) first claims the batch's addresses in ONE unordered insert:
 * an address whose key was already there is the only one read (by `primaryEmail`, as before); the others
 * are new, and their keys now exist before their records. The earlier rows of the file need no set that
 * grows with it: `seen` holds this batch's keys and `earlier` the previous batch's (whose records may not
 * be inserted yet: two batches are in flight); a row repeating any older row finds that row's record
 * (it carries this import's id) and is skipped as a repeat. A key the same import claimed in an earlier
 * attempt of the batch (a crash before its checkpoint) is a hit too, and its read finds nothing or the
 * row's own record (its id is derived), so the row is still created: a rerun never sees its own rows as
 * duplicates. The dry run claims nothing (it writes nothing) and reads one address at a time.
 */
export async function planBatch(ctx: ImportContext, job: ImportJob, principal: Principal, rows: RowOutcome[], seen: Set<string>, options: { claim?: boolean; earlier?: ReadonlySet<string> } = {}): Promise<PlannedRow[] & { emailKeysClaimed?: boolean }> {
  const mode = job.mapping!.mode;
  const decided: PlannedRow[] & { emailKeysClaimed?: boolean } = [];
  const repeats = new Set<PlannedRow>();
  for (const outcome of rows) {
    if (!outcome.input) continue;
    if (outcome.key && (seen.has(outcome.key) || options.earlier?.has(outcome.key))) decided.push({ outcome, action: 'skip', existing: null });
    else {
      if (outcome.key) seen.add(outcome.key);
      decided.push({ outcome, action: 'create', existing: null });
    }
  }
  if (mode === 'create') return decided;
  let creates = decided.filter((d) => d.action === 'create' && d.outcome.key);
  if (options.claim && job.idEpoch !== null) {
    const claims = creates.map((d) => ({ tenantId: principal.tenantId, email: d.outcome.key!, recordId: recordIdOf(job._id, job.idEpoch!, d.outcome.row), importId: job._id }));
    const taken = await claimEmailKeys(ctx.deps.connection, ctx.kindOf(job).service.definition.model.collection.collectionName, claims);
    creates = creates.filter((_, i) => taken.has(i));
    decided.emailKeysClaimed = true;
  }
  const existing = await existingByKey(ctx, job, principal, creates.map((d) => d.outcome.key!));
  for (const d of creates) {
    const record = existing.get(d.outcome.key!);
    if (!record || (job.idEpoch !== null && record._id.equals(recordIdOf(job._id, job.idEpoch, d.outcome.row)))) continue;
    // A record an earlier row of this file made (only a claiming run gets here with one: the others skip it by `seen`).
    const madeBy = (record as RecordBase & { importId?: Types.ObjectId | null }).importId;
    if (options.claim && madeBy && job._id.equals(madeBy)) repeats.add(d);
    d.action = mode === 'update' && !repeats.has(d) ? 'update' : 'skip';
    d.existing = repeats.has(d) ? null : record;
  }
  if (options.claim && mode === 'update') {
    // A record of the agency that an earlier row of this file updated already (its values before are kept
    // under (import, record) with that row): this row repeats that row and is skipped, as `seen` would.
    const updates = decided.filter((d) => d.action === 'update');
    const changes = await inParallel(updates, LOOKUPS_AT_ONCE, (d) => findByIdInTenant(ctx.Changes as never, principal.tenantId, `${String(job._id)}:${String(d.existing!._id)}` as never) as Promise<{ row?: number } | null>);
    updates.forEach((d, i) => {
      const row = changes[i]?.row;
      if (row !== undefined && row < d.outcome.row) {
        d.action = 'skip';
        d.existing = null;
      }
    });
  }
  return decided;
}
