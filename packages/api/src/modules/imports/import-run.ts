import type { Types } from 'mongoose';
import { assertCan } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { AppError } from '../../platform/errors.js';
import { USER_MESSAGE_EVENT } from '../../platform/realtime/realtime.js';
import type { ImportContext } from './import-context.js';
import { agencyDay, assertCapLeft, capReachedMessage, nextAgencyDay, rowsWrittenOn } from './import-daily-cap.js';
import { claimsEmailKeys } from './import-dedupe.js';
import { assignees } from './import-mapping.js';
import { addEarlierRow, type EarlierRows } from './import-parents.js';
import { writeBatch } from './import-write.js';
import { sendSummaries } from './import-summary.js';
import { emptyCounts, toImportDto } from './import-dto.js';
import { assertFileKept, rowBatches } from './import-upload.js';
import { compileRowCheck, type RowCheck } from './import-validate.js';
import type { ImportCounts, ImportJob } from './import.model.js';

/** The Agenda job that runs an import. */
export const IMPORT_RUN_JOB = 'import.run';
/** A run whose heartbeat is older than this is taken to be dead (its worker crashed) and may be resumed. */
const STALE_RUN_MS = 60_000;

function progressMessage(job: ImportJob) {
  return { type: USER_MESSAGE_EVENT, tenantId: job.tenantId, resource: 'import', resourceId: String(job._id), actor: null, data: { userId: String(job.createdBy), name: 'import.progress', payload: toImportDto(job) } };
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
  assertFileKept(job);
  await assertCapLeft(ctx, job);
  if (job.mapping?.assign && !job.assignees?.length) {
    // Said now rather than by a run that fails at its start: the team lost its members, or the role its `assign`.
    const rule = await assignees(ctx, principal, job.kind, job.mapping.assign);
    if (rule.errors.length) throw new AppError('validation_failed', 'The assignment rule cannot deal rows; change the mapping', { errors: rule.errors });
  }
  // Two starts of one version: the unique claim decides (FerretDB runs the conditional update below as
  // find-then-write, so it alone would let both through and queue the run twice).
  if (!(await claimOnce(ctx.deps.connection, `import.queue:${String(job._id)}:${job.version}`))) throw new AppError('conflict', 'The import was started or changed meanwhile; reload it');
  const queued = await ctx.Imports.findOneAndUpdate({ tenantId: principal.tenantId, _id: job._id, status: job.status, version: job.version } as never, { $set: { status: 'queued', failure: null, stopReason: null, resumesAt: null }, $inc: { version: 1 } }, { returnDocument: 'after' }).lean<ImportJob>();
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
  const finish = async (status: 'completed' | 'failed', failure: string | null, stop: { stopReason: 'daily_row_cap'; resumesAt: Date } | null = null) => {
    const done = await Imports.findOneAndUpdate({ tenantId, _id: importId, status: 'running' } as never, { $set: { status, failure, stopReason: stop?.stopReason ?? null, resumesAt: stop?.resumesAt ?? null, finishedAt: new Date(), heartbeatAt: new Date() } }, { returnDocument: 'after' }).lean<ImportJob>();
    if (done) {
      await deps.events.publish({ type: `import.${status}`, tenantId, resource: 'import', resourceId: String(importId), actor: null, data: { kind: job.kind, counts: done.counts, failure } });
      await deps.events.publish(progressMessage(done));
    }
  };
  if (!principal) return finish('failed', 'The user who started the import can no longer act in this agency');
  if (job.mapping!.assign && !job.assignees?.length) {
    // The rule's members are taken once, when the run first starts, and kept: a resumed run deals every row to the same member.
    const rule = await assignees(ctx, principal, job.kind, job.mapping!.assign);
    if (rule.errors.length) return finish('failed', `The assignment rule cannot deal rows (assign.teamId ${rule.errors[0]!.message}); change the mapping`);
    job = (await Imports.findOneAndUpdate({ tenantId, _id: importId } as never, { $set: { assignees: rule.members.map((m) => m.id) } }, { returnDocument: 'after' }).lean<ImportJob>())!;
  }
  try {
    const check: RowCheck = await compileRowCheck(ctx, job, principal);
    const counts: ImportCounts = { ...emptyCounts(), ...job.counts };
    // The in-file dedupe: every key so far, or, for a run that claims email keys, the keys of the batch being
    // planned and of the one before it only (older rows are found through their keys: planBatch), so
    // nothing the run holds grows with the file.
    const claim = await claimsEmailKeys(ctx, job);
    let seen = new Set<string>();
    let earlier: Set<string> | undefined;
    // A file of accounts that name parents is written one batch at a time: a parent in an earlier batch is in
    // the database when a child names it.
    const oneAtATime = job.mapping!.columns.includes('parent');
    const earlierRows: EarlierRows = new Map();
    const started = Date.now();
    let rowsThisRun = 0;
    const { cap, timeZone } = await deps.dailyRowCapOf(tenantId);
    // One batch is written while the next is read, checked and written too (the database works on one
    // while this process prepares the other), and checkpoints move strictly in file order, each with the
    // counts of the batches up to it only: a crash repeats what was written past the checkpoint, and a
    // repeated row finds its record under its own id. A batch's plan adds its keys to `seen` before its
    // first await, so the next batch, planned while it is written, already skips their duplicates.
    let writing: { done: Promise<void>; last: number; rows: number; counts: ImportCounts; owners: Map<string, number>; day: string } | null = null;
    // The rows a batch wrote (created or updated) count towards the agency's day in the same update that
    // moves the checkpoint past it: a crash before it repeats the batch and counts it then, never twice.
    const commit = async (batch: NonNullable<typeof writing>): Promise<boolean> => {
      await batch.done;
      for (const key of Object.keys(emptyCounts()) as Array<keyof ImportCounts>) counts[key] += batch.counts[key];
      rowsThisRun += batch.rows;
      const written = batch.counts.created + batch.counts.updated;
      const usageRows = job.usageDay === batch.day ? (job.usageRows ?? 0) + written : written;
      const ownerCounts = { ...(job.ownerCounts ?? {}) };
      for (const [userId, n] of batch.owners) ownerCounts[userId] = (ownerCounts[userId] ?? 0) + n;
      const moved = await Imports.findOneAndUpdate(
        { tenantId, _id: importId, status: 'running' } as never,
        { $set: { checkpointRow: batch.last, counts, usageDay: batch.day, usageRows, ownerCounts, rowsPerSecond: rowsThisRun / Math.max(0.001, (Date.now() - started) / 1000), heartbeatAt: new Date() } },
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
            if (oneAtATime) addEarlierRow(earlierRows, job.mapping!.columns, r);
          }
          continue;
        }
        const rows = batch.map((b) => check(b.row, b.cells));
        let pending = rows.filter((r) => r.row > job.checkpointRow);
        for (const r of rows) if (r.row <= job.checkpointRow && r.input && r.key) seen.add(r.key);
        if (oneAtATime) for (const r of rows) if (r.row <= job.checkpointRow) addEarlierRow(earlierRows, job.mapping!.columns, r);
        // Under a daily cap a batch takes only as many rows as could still be written today (the batch in
        // flight counted as if all its rows were); when that cuts it, the one in flight is committed first so
        // the rest is measured exactly, and the rest of the file's batch follows as batches of its own.
        while (pending.length) {
          const day = agencyDay(new Date(), timeZone);
          let part = pending;
          if (cap > 0) {
            const left = async () => cap - (await rowsWrittenOn(ctx, tenantId, day, importId)) - (job.usageDay === day ? (job.usageRows ?? 0) : 0) - (writing ? writing.rows : 0);
            let allowed = await left();
            if (allowed < pending.length && writing) {
              const previous: NonNullable<typeof writing> = writing;
              writing = null;
              if (!(await commit(previous))) return;
              allowed = await left();
            }
            if (allowed <= 0) {
              const resumesAt = nextAgencyDay(new Date(), timeZone);
              await finish('failed', capReachedMessage(cap, resumesAt), { stopReason: 'daily_row_cap', resumesAt });
              return;
            }
            part = pending.slice(0, allowed);
          }
          pending = pending.slice(part.length);
          if (oneAtATime && writing) {
            const previous: NonNullable<typeof writing> = writing;
            writing = null;
            if (!(await commit(previous))) return;
          }
          const batchCounts: ImportCounts = { ...emptyCounts(), read: part.length, failed: part.filter((r) => !r.input).length };
          if (claim) {
            earlier = seen;
            seen = new Set<string>();
            for (const r of rows) if (r.row <= job.checkpointRow && r.input && r.key) seen.add(r.key);
          }
          const owners = new Map<string, number>();
          const next = { done: writeBatch(ctx, job, principal, part, seen, batchCounts, { claim, earlier }, earlierRows, owners), last: pending.length ? part[part.length - 1]!.row : batch[batch.length - 1]!.row, rows: part.length, counts: batchCounts, owners, day };
          next.done.catch(() => {}); // awaited by its commit; this only keeps an early failure from going unhandled
          // For the batches after it (its own rows are not "earlier" to it: resolveParents takes rows before its first).
          if (oneAtATime) for (const r of part) addEarlierRow(earlierRows, job.mapping!.columns, r);
          const previous = writing;
          writing = next;
          if (previous && !(await commit(previous))) return;
        }
      }
      const last = writing;
      writing = null;
      if (last && !(await commit(last))) return;
    } finally {
      // A failure or a cancel: the batch still being written ends before the run does (a resume starts after it).
      if (writing) await writing.done.catch(() => {});
    }
    // Sent before the run is marked completed: a crash between the two sends them again, and each is once per key.
    await sendSummaries(ctx, job);
    await finish('completed', null);
  } catch (error) {
    deps.logger.error({ err: error, importId: String(importId) }, 'import run failed');
    await finish('failed', error instanceof AppError ? error.message : 'The run stopped on an internal error; run it again to resume from the last written batch');
  }
}
