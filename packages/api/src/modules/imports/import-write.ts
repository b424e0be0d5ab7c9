import { Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { inParallel } from '../../platform/concurrency.js';
import { AppError, duplicateKeyIndexes } from '../../platform/errors.js';
import { columnOf, type ImportContext, type RowOutcome } from './import-context.js';
import { importKeyId, planBatch, recordIdOf } from './import-dedupe.js';
import { fieldOfPath, mappedValues } from './import-fields.js';
import { emptyFileAccounts, resolveCustomers, resolveParents, type EarlierRows } from './import-parents.js';
import { resolveSubjects } from './import-subjects.js';
import type { ImportCounts, ImportJob } from './import.model.js';

/** Updates (mode `update`) in flight at once: each is a record service update of its own. */
const UPDATES_AT_ONCE = 16;

/** The failed and skipped rows of a batch, in one insert; a batch run again finds its rows stored (their ids are derived). */
async function storeErrors(ctx: ImportContext, job: ImportJob, rows: RowOutcome[]): Promise<void> {
  const docs = rows.flatMap((r) =>
    r.errors.map((e) => ({ _id: `${String(job._id)}:${r.row}:${e.field}`, tenantId: job.tenantId, importId: job._id, row: r.row, field: e.field, column: columnOf(job, e.field), message: e.message, cells: r.cells.slice(0, 200) })),
  );
  if (!docs.length) return;
  await ctx.Errors.collection.insertMany(docs as never[], { ordered: false }).catch((error: unknown) => {
    if (!duplicateKeyIndexes(error)) throw error;
  });
}

/**
 * Writes one batch: its creates in one `createMany` (one insert of records, one of search entries, one
 * of list rows, one audit event; accounts under parents of the same batch level by level), the import keys
 * of what it created in one insert, then updates one by one with their previous values kept for undo, and
 * the batch's errors in one insert.
 */
export async function writeBatch(ctx: ImportContext, job: ImportJob, principal: Principal, rows: RowOutcome[], seen: Set<string>, counts: ImportCounts, claim: { claim: boolean; earlier?: ReadonlySet<string> }, earlierRows?: EarlierRows, owners: Map<string, number> = new Map()): Promise<void> {
  // Whose each written record is, for their summary (products have no owner).
  const ownerKey = job.kind === 'tasks' ? 'assigneeId' : job.kind === 'products' ? null : 'ownerId';
  const owned = (input: Record<string, unknown>, fallback: string | null) => {
    const owner = ownerKey ? ((input[ownerKey] as string | null | undefined) ?? fallback) : null;
    if (owner) owners.set(String(owner), (owners.get(String(owner)) ?? 0) + 1);
  };
  const { service, movedOnUpdate } = ctx.kindOf(job);
  const decided = await planBatch(ctx, job, principal, rows, seen, claim);
  // The batch's own accounts, for its rows that name a parent; those of earlier batches are in the database by then.
  const noParent = new Set([...(await resolveParents(ctx, job, principal, decided, emptyFileAccounts(), job.idEpoch!, earlierRows)), ...(await resolveCustomers(ctx, job, principal, decided)), ...(await resolveSubjects(ctx, job, principal, decided))]);
  counts.failed += noParent.size;
  const keys: Array<{ _id: string; tenantId: Types.ObjectId; importId: Types.ObjectId; recordId: Types.ObjectId }> = [];
  // Accounts whose parent is a row of this batch go after it, level by level (one createMany each; other kinds: one).
  let pending = decided.filter((d) => d.action === 'create' && !noParent.has(d));
  const failedRows = new Set<number>();
  const written = new Set<number>();
  while (pending.length) {
    const ready = pending.filter((d) => d.parentRow === undefined || written.has(d.parentRow) || failedRows.has(d.parentRow));
    // Parents come before their children in the file, so some row is always ready; this only guards the loop.
    const level = ready.length ? ready : pending;
    pending = pending.filter((d) => !level.includes(d));
    const creates = level.filter((d) => {
      if (d.parentRow === undefined || !failedRows.has(d.parentRow)) return true;
      d.outcome.errors.push({ field: 'parent', code: 'parent_failed', message: `its parent, row ${d.parentRow} of the file, was not imported` });
      failedRows.add(d.outcome.row);
      counts.failed += 1;
      return false;
    });
    const results = await service.createMany(
      principal,
      creates.map((d) => ({ id: recordIdOf(job._id, job.idEpoch!, d.outcome.row), input: d.outcome.input!, status: d.outcome.status ?? null })),
      { extra: { importId: job._id }, data: { importId: String(job._id) }, emailKeysClaimed: decided.emailKeysClaimed === true },
    );
    results.forEach((result, i) => {
      const { outcome } = creates[i]!;
      if (result.error) {
        outcome.errors.push(...(result.error.errors ?? [{ field: 'record', code: result.error.code, message: result.error.message }]).map((e) => ({ ...e, field: fieldOfPath(job.kind, e.field) })));
        counts.failed += 1;
        failedRows.add(outcome.row);
        return;
      }
      counts.created += 1;
      owned(outcome.input!, String(principal.userId));
      written.add(outcome.row);
      // (Emails have their own keys; a product's code is read from the products themselves.)
      if (outcome.key && job.mapping!.dedupeKey !== 'email' && job.mapping!.dedupeKey !== 'code') keys.push({ _id: importKeyId(job, principal.tenantId, outcome.key), tenantId: principal.tenantId, importId: job._id, recordId: result.id });
      // An account's external id is kept whatever the dedupe key, so that later rows and files can name it as a parent.
      const externalId = mappedValues(job.mapping!.columns, outcome.cells).get('externalId');
      if (job.kind === 'customers' && externalId && job.mapping!.dedupeKey !== 'externalId') {
        keys.push({ _id: importKeyId({ kind: job.kind, mapping: { dedupeKey: 'externalId' } }, principal.tenantId, externalId), tenantId: principal.tenantId, importId: job._id, recordId: result.id });
      }
    });
  }
  if (keys.length) {
    await ctx.Keys.collection.insertMany(keys as never[], { ordered: false }).catch((error: unknown) => {
      if (!duplicateKeyIndexes(error)) throw error;
    });
  }
  for (const d of decided.filter((x) => x.action === 'skip')) {
    d.outcome.errors.push({ field: job.mapping!.dedupeKey, code: 'duplicate', message: d.existing ? 'a record with this key exists; skipped' : 'an earlier row of the file has this key; skipped' });
    counts.skipped += 1;
  }
  await inParallel(
    decided.filter((x) => x.action === 'update' && !noParent.has(x)),
    // Accounts that move under parents are updated in file order: which move would make a cycle depends on it.
    job.mapping!.columns.includes('parent') ? 1 : UPDATES_AT_ONCE,
    async (d) => {
      const existing = d.existing as unknown as Record<string, unknown>;
      const input = { ...d.outcome.input! };
      // A lead's kind (individual or company) is not updated; an account's path follows its parent (the tree move computes it).
      if (job.kind === 'leads') delete input.kind;
      delete input.ancestorIds;
      // The assignment rule gives created records their owners, and a task without an assignee cell is the
      // importer's only when it is created: a duplicate keeps its own.
      if (d.outcome.ruleOwner) delete input[job.kind === 'tasks' ? 'assigneeId' : 'ownerId'];
      if (job.kind === 'tasks' && !mappedValues(job.mapping!.columns, d.outcome.cells).get('assigneeEmail')) delete input.assigneeId;
      // A product's status is a plain field of its update (no workflow): an updated product takes the row's.
      if (job.kind === 'products' && d.outcome.status) input.status = d.outcome.status;
      const previous: Record<string, unknown> = {};
      // Fields the kind's update leaves out go their own way (an opportunity's stage, an account's parent), all of them put back by an undo.
      const moved = movedOnUpdate && movedOnUpdate.fields.some((f) => input[f] !== undefined) ? Object.fromEntries(movedOnUpdate.fields.map((f) => [f, input[f]])) : null;
      const keep = [...Object.keys(input), ...(moved ? Object.keys(moved) : [])];
      for (const field of new Set(keep)) {
        if (field === 'custom') previous.custom = Object.fromEntries(Object.keys(input.custom as object).map((k) => [k, (existing.custom as Record<string, unknown> | undefined)?.[k] ?? null]));
        else previous[field] = existing[field] instanceof Types.ObjectId ? String(existing[field]) : (existing[field] ?? null);
      }
      // The values before are kept first (once: a batch run again finds them there), then the update.
      const keptNow = await ctx.Changes.collection.insertOne({ _id: `${String(job._id)}:${String(d.existing!._id)}`, tenantId: job.tenantId, importId: job._id, recordId: d.existing!._id, row: d.outcome.row, previous } as never).then(
        () => true,
        (error: { code?: number }) => {
          if (error.code !== 11000) throw error;
          return false; // kept by an earlier attempt of this batch, whose update may have been made
        },
      );
      let moving = false;
      let applied = false;
      try {
        if (moved) {
          moving = true;
          await movedOnUpdate!.move(principal, String(d.existing!._id), moved, d.existing);
          moving = false;
          applied = true;
        }
        for (const field of movedOnUpdate?.fields ?? []) delete input[field];
        await service.update(principal, String(d.existing!._id), input);
        counts.updated += 1;
        owned(input, null); // an updated record is theirs anew only when the row gave it an owner
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        // A move that failed (a cycle in the account tree, a stage the deal's pipeline has not) names its field.
        const field = moving && error.code !== 'not_found' ? fieldOfPath(job.kind, movedOnUpdate!.fields[0]!) : job.mapping!.dedupeKey;
        d.outcome.errors.push(...(error.errors ?? [{ field, code: error.code, message: error.code === 'not_found' ? 'matches a record you may not update' : error.message }]).map((e) => ({ ...e, field: fieldOfPath(job.kind, e.field) })));
        counts.failed += 1;
        // Nothing of the record changed (and no earlier attempt kept its values): an undo has nothing to put back.
        if (!applied && keptNow) await ctx.Changes.deleteOne({ tenantId: job.tenantId, _id: `${String(job._id)}:${String(d.existing!._id)}` } as never);
      }
    },
  );
  await storeErrors(ctx, job, rows);
}
