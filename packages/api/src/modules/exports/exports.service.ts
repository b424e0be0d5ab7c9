import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { assertCan } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { AppError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { parseOrThrow } from '../../platform/http/validation.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import { USER_MESSAGE_EVENT } from '../../platform/realtime/realtime.js';
import { csvChunks } from '../../platform/records/csv.js';
import { exportFilterSchema } from '../../platform/records/record-routes.js';
import type { RecordBase, RecordService } from '../../platform/records/record-service.js';
import { writeXlsx, XLSX_TYPE } from '../../platform/records/xlsx.js';
import { exportJobModel, type ExportFormat, type ExportJob, type ExportKind } from './export.model.js';

/** The Agenda job that writes an export's file. */
export const EXPORT_RUN_JOB = 'export.run';
/** The hourly job that removes the files of expired exports (and marks them expired). */
export const EXPORT_RETENTION_JOB = 'export.retention';
/** A run whose heartbeat is older than this is taken to be dead (its worker crashed); the next start writes the file again. */
const STALE_RUN_MS = 60_000;
/** How often a run moves its heartbeat and row count (and tells its owner the progress). */
const BEAT_MS = 2_000;

/** A notification to a user's in-app inbox (messaging's `notifications.notify`). */
export type Notify = (input: { tenantId: Types.ObjectId; userId: Types.ObjectId; category: string; title: string; body?: string; link?: string; resource?: string; resourceId?: string; dedupeKey?: string }) => Promise<unknown>;

export interface ExportsDeps {
  connection: Connection;
  /** Where files are written: `<dataDir>/<agency>/<export>-<attempt>.<format>`. */
  dataDir: string;
  retentionHours: number;
  jobs: Jobs;
  events: EventBus;
  logger: Logger;
  /** The record services of the kinds an export may be of (their `exportRows` apply the role's export profile). */
  kinds: Record<ExportKind, RecordService<RecordBase>>;
  /** Whom a run acts as: the user who asked, or the secret key's role; null when they no longer may. */
  principalOf(job: ExportJob): Promise<Principal | null>;
  notify: Notify;
}

const mediaTypes: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8', xlsx: XLSX_TYPE };

/** An export as the API answers it. */
export function toExportDto(job: ExportJob) {
  return {
    id: String(job._id),
    kind: job.kind,
    format: job.format,
    filters: Object.fromEntries(job.filters.map((f) => [f.name, f.value])),
    status: job.status,
    rows: job.rows,
    columns: job.columns,
    size: job.size,
    fileName: `${job.kind}.${job.format}`,
    downloadPath: job.status === 'completed' ? `/v1/exports/${String(job._id)}/file` : null,
    failure: job.failure,
    createdBy: String(job.createdBy),
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    expiresAt: job.expiresAt?.toISOString() ?? null,
  };
}

/** A kind's name for one record ("1 contact", "1 activity"). */
const oneOf = (kind: ExportKind) => (kind === 'activities' ? 'activity' : kind.slice(0, -1));

function progressMessage(job: ExportJob) {
  return { type: USER_MESSAGE_EVENT, tenantId: job.tenantId, resource: 'export', resourceId: String(job._id), actor: null, data: { userId: String(job.createdBy), name: 'export.progress', payload: toExportDto(job) } };
}

/**
 * Exports made in the background (issue 20: "large ones as a job with a download link"): asked for with
 * a kind, a format and the list's filters, written by an Agenda job through the kind's own export (the
 * role's profile: its records and columns, audited), kept as a file for `retentionHours`, downloaded by
 * whoever asked. A run that dies is started again by Agenda once its lock expires and writes the file
 * from the start (an export only reads, so a repeat changes nothing); each attempt writes a file of its
 * own, and only the attempt that still holds the run may complete it.
 */
export function createExportsService(deps: ExportsDeps) {
  const Exports = exportJobModel(deps.connection);

  async function findOwn(principal: Principal, id: string): Promise<ExportJob> {
    const job = /^[a-f0-9]{24}$/i.test(id) ? await findByIdInTenant(Exports as never, principal.tenantId, new Types.ObjectId(id)) : null;
    // Only whoever asked: the file holds their profile's records and columns.
    if (!job || !(job as ExportJob).createdBy.equals(principal.userId)) throw AppError.notFound('Export');
    return job as ExportJob;
  }

  const fileOf = (job: ExportJob, attempt: number) => join(deps.dataDir, String(job.tenantId), `${String(job._id)}-${attempt}.${job.format}`);

  async function execute(tenantId: Types.ObjectId, exportId: Types.ObjectId, keepAlive: () => Promise<void> = async () => {}): Promise<void> {
    const current = await Exports.findOne({ tenantId, _id: exportId } as never).lean<ExportJob>();
    if (!current) return;
    const stale = current.status === 'running' && (!current.heartbeatAt || Date.now() - current.heartbeatAt.getTime() > STALE_RUN_MS);
    if (current.status !== 'queued' && !stale) return;
    const attempt = current.attempt + 1;
    // One worker per attempt: the unique claim decides (FerretDB runs the conditional update below as find-then-write).
    if (!(await claimOnce(deps.connection, `export.run:${String(exportId)}:${attempt}`))) return;
    const now = new Date();
    let job = await Exports.findOneAndUpdate(
      { tenantId, _id: exportId, status: current.status, attempt: current.attempt } as never,
      { $set: { status: 'running', attempt, heartbeatAt: now, startedAt: current.startedAt ?? now, rows: 0, failure: null } },
      { returnDocument: 'after' },
    ).lean<ExportJob>();
    if (!job) return;
    const mine = { tenantId, _id: exportId, status: 'running', attempt } as never;
    const part = `${fileOf(job, attempt)}.part`;
    const fail = async (failure: string) => {
      await rm(part, { force: true });
      const failed = await Exports.findOneAndUpdate(mine, { $set: { status: 'failed', failure, finishedAt: new Date(), heartbeatAt: new Date() } }, { returnDocument: 'after' }).lean<ExportJob>();
      if (failed) await deps.events.publish(progressMessage(failed));
    };
    const principal = await deps.principalOf(job);
    if (!principal) return fail('The user who asked for the export can no longer act in this agency');
    try {
      const query = parseOrThrow(exportFilterSchema(deps.kinds[job.kind]), Object.fromEntries(job.filters.map((f) => [f.name, f.value])), 'query');
      const { columns, rows } = await deps.kinds[job.kind].exportRows(principal, query as never, undefined, job.format);
      job = (await Exports.findOneAndUpdate(mine, { $set: { columns } }, { returnDocument: 'after' }).lean<ExportJob>()) ?? job;
      await mkdir(join(deps.dataDir, String(tenantId)), { recursive: true });
      let count = 0;
      let beatAt = Date.now();
      const beat = async () => {
        beatAt = Date.now();
        const moved = await Exports.findOneAndUpdate(mine, { $set: { heartbeatAt: new Date(), rows: count } }, { returnDocument: 'after' }).lean<ExportJob>();
        // Taken over by another attempt (this worker was thought dead): stop writing.
        if (!moved) throw new AppError('conflict', 'The export was taken over by another run');
        await keepAlive();
        await deps.events.publish(progressMessage(moved));
      };
      async function* counted(): AsyncGenerator<unknown[]> {
        for await (const row of rows) {
          count += 1;
          yield row;
          if (Date.now() - beatAt >= BEAT_MS) await beat();
        }
      }
      const out = createWriteStream(part);
      if (job.format === 'csv') await pipeline(Readable.from(csvChunks(columns, counted())), out);
      else {
        await writeXlsx(out, job.kind, columns, counted());
        out.end();
        await finished(out);
      }
      const { size } = await stat(part);
      const path = fileOf(job, attempt);
      await rename(part, path);
      const finishedAt = new Date();
      const done = await Exports.findOneAndUpdate(mine, { $set: { status: 'completed', rows: count, size, path, finishedAt, heartbeatAt: finishedAt, expiresAt: new Date(finishedAt.getTime() + deps.retentionHours * 3_600_000) } }, { returnDocument: 'after' }).lean<ExportJob>();
      if (!done) {
        await rm(path, { force: true });
        return;
      }
      // What earlier attempts (workers that died) left half-written.
      for (let earlier = 1; earlier < attempt; earlier += 1) await rm(`${fileOf(done, earlier)}.part`, { force: true });
      await deps.events.publish(progressMessage(done));
      await deps.notify({
        tenantId,
        userId: done.createdBy,
        category: 'export.ready',
        title: `Your export of ${count.toLocaleString('en')} ${count === 1 ? oneOf(done.kind) : done.kind} is ready`,
        body: `The ${done.format.toUpperCase()} file can be downloaded for ${deps.retentionHours} hours.`,
        link: `/exports/${String(done._id)}`,
        resource: 'export',
        resourceId: String(done._id),
        dedupeKey: `export.ready:${String(done._id)}`,
      });
    } catch (error) {
      deps.logger.error({ err: error, exportId: String(exportId) }, 'export failed');
      await fail(error instanceof AppError ? error.message : 'The file could not be written; try again');
    }
  }

  return {
    /** Asks for an export of `kind` in `format` with the list's filters: checked now (the role may export the kind; every filter is one the list takes), made by a job. */
    async create(principal: Principal, input: { kind: ExportKind; format: ExportFormat; filters: Record<string, string> }) {
      const service = deps.kinds[input.kind];
      assertCan(principal, service.definition.resource, 'export');
      const schema = exportFilterSchema(service);
      // Custom fields by `custom.<key>`; any other name must be one of the list's filters (the list ignores others, an export says so).
      const unknown = Object.keys(input.filters).find((name) => !(name in schema.shape) && !name.startsWith('custom.'));
      if (unknown) throw AppError.invalidField(`filters.${unknown}`, `is not a filter of ${input.kind}`, 'unknown_field');
      const result = schema.safeParse(input.filters);
      if (!result.success) {
        const issue = result.error.issues[0]!;
        throw AppError.invalidField(['filters', ...issue.path.map(String)].join('.'), issue.message);
      }
      try {
        // Read now as the run will read them, so a bad value is said here and nothing is queued.
        await service.checkFilters(principal, result.data as never);
      } catch (error) {
        if (!(error instanceof AppError) || !error.errors) throw error;
        const errors = error.errors.map((e) => ({ ...e, field: e.field.replace(/^query\./, 'filters.') }));
        throw new AppError('validation_failed', error.message.replace(/\bquery\./g, 'filters.'), { errors });
      }
      const job = await Exports.create({
        tenantId: principal.tenantId,
        createdBy: principal.userId,
        apiKeyId: principal.apiKeyId ?? null,
        kind: input.kind,
        format: input.format,
        filters: Object.entries(input.filters).map(([name, value]) => ({ name, value })),
        status: 'queued',
      });
      await deps.jobs.schedule(new Date(), EXPORT_RUN_JOB, { tenantId: String(principal.tenantId), exportId: String(job._id) });
      return toExportDto(job.toObject());
    },

    /** Your exports, newest first (a user's exports are few: they expire). */
    async list(principal: Principal, query: { limit: number; cursor?: string | undefined }) {
      const jobs = await Exports.find({ tenantId: principal.tenantId, createdBy: principal.userId } as never).lean<ExportJob[]>();
      const sorted = jobs.sort((a, b) => (a._id < b._id ? 1 : -1)).filter((j) => !query.cursor || String(j._id) < query.cursor);
      const page = sorted.slice(0, query.limit);
      const hasMore = sorted.length > query.limit;
      return { object: 'list' as const, data: page.map(toExportDto), hasMore, nextCursor: hasMore ? String(page[page.length - 1]!._id) : null };
    },

    async get(principal: Principal, id: string) {
      return toExportDto(await findOwn(principal, id));
    },

    /** The finished file to send: 409 while it is being made, after it failed, or once it expired. */
    async file(principal: Principal, id: string) {
      const job = await findOwn(principal, id);
      if (job.status === 'expired') throw new AppError('conflict', `The file was removed ${deps.retentionHours} hours after it was made; export again`);
      if (job.status !== 'completed' || !job.path) throw new AppError('conflict', `The export is ${job.status}; its file can be downloaded once it is completed`);
      return { path: job.path, fileName: `${job.kind}.${job.format}`, type: mediaTypes[job.format], size: job.size };
    },

    /** The Agenda job's work: writes the file (again, after a dead worker). */
    execute,

    /**
     * Removes the files of exports past their expiry (and the part files of failed runs' attempts are removed as they fail);
     * the export stays, `expired`, so its owner sees what became of it. Across agencies on purpose: one read by status.
     */
    async removeExpired(now = new Date()) {
      const due = (await Exports.collection.find({ status: 'completed' }, { projection: { tenantId: 1, path: 1, expiresAt: 1 } }).toArray()).filter((j) => j.expiresAt && (j.expiresAt as Date) <= now);
      let removed = 0;
      for (const job of due) {
        if (typeof job.path === 'string') await rm(job.path, { force: true });
        const expired = await Exports.updateOne({ tenantId: job.tenantId, _id: job._id, status: 'completed' } as never, { $set: { status: 'expired', path: null } });
        removed += expired.modifiedCount;
      }
      return { removed };
    },
  };
}

export type ExportsService = ReturnType<typeof createExportsService>;
