import { Types } from 'mongoose';
import { assertCan } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { AppError } from '../../platform/errors.js';
import { USER_MESSAGE_EVENT } from '../../platform/realtime/realtime.js';
import { inParallel } from '../../platform/concurrency.js';
import { columnOf, onlyDuplicates, type ImportContext, type RowOutcome } from './import-context.js';
import { claimsEmailKeys, importKeyId, planBatch, recordIdOf } from './import-dedupe.js';
import { emptyCounts, toImportDto } from './import-dto.js';
import { fieldOfPath } from './import-fields.js';
import { rowBatches } from './import-upload.js';
import { compileRowCheck, type RowCheck } from './import-validate.js';
import type { ImportCounts, ImportJob } from './import.model.js';

/** The Agenda job that runs an import. */
export const IMPORT_RUN_JOB = 'import.run';
/** A run whose heartbeat is older than this is taken to be dead (its worker crashed) and may be resumed. */
const STALE_RUN_MS = 60_000;
/** Updates (mode `update`) in flight at once: each is a record service update of its own. */
const UPDATES_AT_ONCE = 16;

function progressMessage(job: ImportJob) {
  return { type: USER_MESSAGE_EVENT, tenantId: job.tenantId, resource: 'import', resourceId: String(job._id), actor: null, data: { userId: String(job.createdBy), name: 'import.progress', payload: toImportDto(job) } };
}

/** The failed and skipped rows of a batch, in one insert; a batch run again finds its rows stored (their ids are derived). */
async function storeErrors(ctx: ImportContext, job: ImportJob, rows: RowOutcome[]): Promise<void> {
  const docs = rows.flatMap((r) =>
    r.errors.map((e) => ({ _id: `${String(job._id)}:${r.row}:${e.field}`, tenantId: job.tenantId, importId: job._id, row: r.row, field: e.field, column: columnOf(job, e.field), message: e.message, cells: r.cells.slice(0, 200) })),
  );
  if (!docs.length) return;
  await ctx.Errors.collection.insertMany(docs as never[], { ordered: false }).catch((error: unknown) => {
    if (!onlyDuplicates(error)) throw error;
  });
}

/**
 * Writes one batch: its creates in one `createMany` (one insert of records, one of search entries, one
 * of list rows, one audit event), the import keys of what it created in one insert, then updates one
 * by one with their previous values kept for undo, and the batch's errors in one insert.
 */
async function writeBatch(ctx: ImportContext, job: ImportJob, principal: Principal, rows: RowOutcome[], seen: Set<string>, counts: ImportCounts, claim: { claim: boolean; earlier?: ReadonlySet<string> }): Promise<void> {
  const { service } = ctx.kindOf(job);
  const decided = await planBatch(ctx, job, principal, rows, seen, claim);
  const creates = decided.filter((d) => d.action === 'create');
  const results = await service.createMany(
    principal,
    creates.map((d) => ({ id: recordIdOf(job._id, job.idEpoch!, d.outcome.row), input: d.outcome.input! })),
    { extra: { importId: job._id }, data: { importId: String(job._id) }, emailKeysClaimed: decided.emailKeysClaimed === true },
  );
  const keys: Array<{ _id: string; tenantId: Types.ObjectId; importId: Types.ObjectId; recordId: Types.ObjectId }> = [];
  results.forEach((result, i) => {
    const { outcome } = creates[i]!;
    if (result.error) {
      outcome.errors.push(...(result.error.errors ?? [{ field: 'record', code: result.error.code, message: result.error.message }]).map((e) => ({ ...e, field: fieldOfPath(job.kind, e.field) })));
      counts.failed += 1;
      return;
    }
    counts.created += 1;
    if (outcome.key && job.mapping!.dedupeKey !== 'email') keys.push({ _id: importKeyId(job, principal.tenantId, outcome.key), tenantId: principal.tenantId, importId: job._id, recordId: result.id });
  });
  if (keys.length) {
    await ctx.Keys.collection.insertMany(keys as never[], { ordered: false }).catch((error: unknown) => {
      if (!onlyDuplicates(error)) throw error;
    });
  }
  for (const d of decided.filter((x) => x.action === 'skip')) {
    d.outcome.errors.push({ field: job.mapping!.dedupeKey, code: 'duplicate', message: d.existing ? 'a record with this key exists; skipped' : 'an earlier row of the file has this key; skipped' });
    counts.skipped += 1;
  }
  await inParallel(
    decided.filter((x) => x.action === 'update'),
    UPDATES_AT_ONCE,
    async (d) => {
      const existing = d.existing as unknown as Record<string, unknown>;
      const input = { ...d.outcome.input! };
      delete input.kind;
      const previous: Record<string, unknown> = {};
      for (const field of Object.keys(input)) {
        if (field === 'custom') previous.custom = Object.fromEntries(Object.keys(input.custom as object).map((k) => [k, (existing.custom as Record<string, unknown> | undefined)?.[k] ?? null]));
        else previous[field] = existing[field] instanceof Types.ObjectId ? String(existing[field]) : (existing[field] ?? null);
      }
      // The values before are kept first (once: a batch run again finds them there), then the update.
      await ctx.Changes.collection.insertOne({ _id: `${String(job._id)}:${String(d.existing!._id)}`, tenantId: job.tenantId, importId: job._id, recordId: d.existing!._id, row: d.outcome.row, previous } as never).catch((error: { code?: number }) => {
        if (error.code !== 11000) throw error;
      });
      try {
        await service.update(principal, String(d.existing!._id), input);
        counts.updated += 1;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        d.outcome.errors.push(...(error.errors ?? [{ field: job.mapping!.dedupeKey, code: error.code, message: error.code === 'not_found' ? 'matches a record you may not update' : error.message }]));
        counts.failed += 1;
      }
    },
  );
  await storeErrors(ctx, job, rows);
}

/** Queues the run (or a resume of a stopped or crashed one) as an Agenda job. */
export async function queueRun(ctx: ImportContext, principal: Principal, id: string) {
  const job = await ctx.findVisible(principal, id);
  assertCan(principal, ctx.kindOf(job).resource, 'create');
  // A dead worker leaves the run `running` with an old heartbeat, or (dying between its claim and its
  // first write) `queued` with nobody on it: either may be queued again after STALE_RUN_MS.
  const stale =
    (job.status === 'running' && (!job.heartbeatAt || Date.now() - job.heartbeatAt.getTime() > STALE_RUN_MS)) ||
    (job.status === 'queued' && Date.now() - new Date(job.updatedAt).getTime() > STALE_RUN_MS);
  if (job.status === 'uploaded') throw new AppError('conflict', 'Save a mapping first (PUT /v1/imports/{id}/mapping)');
  if (!['mapped', 'failed', 'cancelled'].includes(job.status) && !stale) throw new AppError('conflict', `The import is ${job.status}`);
  // Two starts of one version: the unique claim decides (FerretDB runs the conditional update below as
  // find-then-write, so it alone would let both through and queue the run twice).
  if (!(await claimOnce(ctx.deps.connection, `import.queue:${String(job._id)}:${job.version}`))) throw new AppError('conflict', 'The import was started or changed meanwhile; reload it');
  const queued = await ctx.Imports.findOneAndUpdate({ tenantId: principal.tenantId, _id: job._id, status: job.status, version: job.version } as never, { $set: { status: 'queued', failure: null }, $inc: { version: 1 } }, { returnDocument: 'after' }).lean<ImportJob>();
  if (!queued) throw new AppError('conflict', 'The import was started or changed meanwhile; reload it');
  await ctx.deps.jobs.schedule(new Date(), IMPORT_RUN_JOB, { tenantId: String(job.tenantId), importId: String(job._id) });
  await ctx.deps.events.publish({ type: 'import.started', tenantId: job.tenantId, resource: 'import', resourceId: String(job._id), actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId }, data: { kind: job.kind, fileName: job.fileName, fromRow: job.checkpointRow } });
  return toImportDto(queued);
}

/** Stops a queued run at once, a running one after the batch it is writing (run it again to resume). */
export async function cancelRun(ctx: ImportContext, principal: Principal, id: string) {
  const job = await ctx.findVisible(principal, id);
  if (!['queued', 'running'].includes(job.status)) throw new AppError('conflict', `The import is ${job.status}; only a queued or running import can be cancelled`);
  const updated = await ctx.Imports.findOneAndUpdate({ tenantId: principal.tenantId, _id: job._id, status: job.status } as never, { $set: { status: 'cancelled' }, $inc: { version: 1 } }, { returnDocument: 'after' }).lean<ImportJob>();
  if (!updated) throw new AppError('conflict', 'The import moved on meanwhile; reload it');
  return toImportDto(updated);
}

/**
 * The run (the Agenda job's work): claims the import, compiles the row check once, reads the file from
 * the start (rows up to the checkpoint only refill the in-file dedupe set), writes a batch, then moves
 * the checkpoint past it. A crash between the two repeats that batch: records get the same ids (derived
 * from the import and the row), so nothing is written twice.
 */
export async function executeRun(ctx: ImportContext, tenantId: Types.ObjectId, importId: Types.ObjectId, keepAlive: () => Promise<void> = async () => {}) {
  const { Imports, deps } = ctx;
  const staleBefore = new Date(Date.now() - STALE_RUN_MS);
  // One worker per queued version, and one per stale heartbeat it takes over: the unique claim decides,
  // the conditional updates after it only move the state (FerretDB runs them as find-then-write).
  const current = await Imports.findOne({ tenantId, _id: importId } as never).lean<ImportJob>();
  if (!current) return;
  const takeover = current.status === 'running' && current.heartbeatAt !== null && current.heartbeatAt !== undefined && current.heartbeatAt < staleBefore;
  if (current.status !== 'queued' && !takeover) return;
  const claimKey = current.status === 'queued' ? `import.run:${String(importId)}:${current.version}` : `import.takeover:${String(importId)}:${current.version}:${current.heartbeatAt!.getTime()}`;
  if (!(await claimOnce(deps.connection, claimKey))) return;
  const claimed =
    (await Imports.findOneAndUpdate({ tenantId, _id: importId, status: 'queued' } as never, { $set: { status: 'running', heartbeatAt: new Date() } }, { returnDocument: 'after' }).lean<ImportJob>()) ??
    (await Imports.findOneAndUpdate({ tenantId, _id: importId, status: 'running', heartbeatAt: { $lt: staleBefore } } as never, { $set: { heartbeatAt: new Date() } }, { returnDocument: 'after' }).lean<ImportJob>());
  if (!claimed) return;
  let job: ImportJob = claimed;
  if (job.idEpoch === null || !job.startedAt) {
    job = (await Imports.findOneAndUpdate({ tenantId, _id: importId } as never, { $set: { idEpoch: job.idEpoch ?? Math.floor(Date.now() / 1000), startedAt: job.startedAt ?? new Date() } }, { returnDocument: 'after' }).lean<ImportJob>())!;
  }
  const principal = await deps.principalOf(job);
  const finish = async (status: 'completed' | 'failed', failure: string | null) => {
    const done = await Imports.findOneAndUpdate({ tenantId, _id: importId, status: 'running' } as never, { $set: { status, failure, finishedAt: new Date(), heartbeatAt: new Date() } }, { returnDocument: 'after' }).lean<ImportJob>();
    if (done) {
      await deps.events.publish({ type: `import.${status}`, tenantId, resource: 'import', resourceId: String(importId), actor: null, data: { kind: job.kind, counts: done.counts, failure } });
      await deps.events.publish(progressMessage(done));
    }
  };
  if (!principal) return finish('failed', 'The user who started the import can no longer act in this agency');
  try {
    const check: RowCheck = await compileRowCheck(ctx, job, principal);
    const counts: ImportCounts = { ...emptyCounts(), ...job.counts };
    // The in-file dedupe: every key so far, or, for a run that claims email keys, the keys of the batch being
    // planned and of the one before it only (older rows are found through their keys: planBatch), so
    // nothing the run holds grows with the file.
    const claim = await claimsEmailKeys(ctx, job);
    let seen = new Set<string>();
    let earlier: Set<string> | undefined;
    const started = Date.now();
    let rowsThisRun = 0;
    // One batch is written while the next is read, checked and written too (the database works on one
    // while this process prepares the other), and checkpoints move strictly in file order, each with the
    // counts of the batches up to it only: a crash repeats what was written past the checkpoint, and a
    // repeated row finds its record under its own id. A batch's plan adds its keys to `seen` before its
    // first await, so the next batch, planned while it is written, already skips their duplicates.
    let writing: { done: Promise<void>; last: number; rows: number; counts: ImportCounts } | null = null;
    const commit = async (batch: NonNullable<typeof writing>): Promise<boolean> => {
      await batch.done;
      for (const key of Object.keys(emptyCounts()) as Array<keyof ImportCounts>) counts[key] += batch.counts[key];
      rowsThisRun += batch.rows;
      const moved = await Imports.findOneAndUpdate(
        { tenantId, _id: importId, status: 'running' } as never,
        { $set: { checkpointRow: batch.last, counts, rowsPerSecond: rowsThisRun / Math.max(0.001, (Date.now() - started) / 1000), heartbeatAt: new Date() } },
        { returnDocument: 'after' },
      ).lean<ImportJob>();
      if (!moved) return false; // cancelled meanwhile: it stops after the batches it wrote
      job = moved;
      await Promise.all([keepAlive(), deps.events.publish(progressMessage(job))]);
      return true;
    };
    try {
      for await (const batch of rowBatches(job, deps.batchSize)) {
        if (batch[batch.length - 1]!.row <= job.checkpointRow) {
          // Written by an earlier run: only its keys matter (rows after it that repeat them are duplicates),
          // and only to a run that keeps every key (the others find them through their email keys).
          if (claim) continue;
          for (const b of batch) {
            const r = check(b.row, b.cells);
            if (r.input && r.key) seen.add(r.key);
          }
          continue;
        }
        const rows = batch.map((b) => check(b.row, b.cells));
        const pending = rows.filter((r) => r.row > job.checkpointRow);
        for (const r of rows) if (r.row <= job.checkpointRow && r.input && r.key) seen.add(r.key);
        const batchCounts: ImportCounts = { ...emptyCounts(), read: pending.length, failed: pending.filter((r) => !r.input).length };
        if (claim) {
          earlier = seen;
          seen = new Set<string>();
          for (const r of rows) if (r.row <= job.checkpointRow && r.input && r.key) seen.add(r.key);
        }
        const next = { done: writeBatch(ctx, job, principal, pending, seen, batchCounts, { claim, earlier }), last: batch[batch.length - 1]!.row, rows: pending.length, counts: batchCounts };
        next.done.catch(() => {}); // awaited by its commit; this only keeps an early failure from going unhandled
        const previous = writing;
        writing = next;
        if (previous && !(await commit(previous))) return;
      }
      const last = writing;
      writing = null;
      if (last && !(await commit(last))) return;
    } finally {
      // A failure or a cancel: the batch still being written ends before the run does (a resume starts after it).
      if (writing) await writing.done.catch(() => {});
    }
    await finish('completed', null);
  } catch (error) {
    deps.logger.error({ err: error, importId: String(importId) }, 'import run failed');
    await finish('failed', error instanceof AppError ? error.message : 'The run stopped on an internal error; run it again to resume from the last written batch');
  }
}
