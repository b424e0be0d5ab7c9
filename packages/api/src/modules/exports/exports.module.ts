import { join } from 'node:path';
import { Types } from 'mongoose';
import type { AppContext } from '../../platform/context.js';
import type { RecordBase, RecordService } from '../../platform/records/record-service.js';
import { principalOfStarter } from '../api-keys/api-key-principal.js';
import type { ExportKind } from './export.model.js';
import { exportRoutes } from './exports.routes.js';
import { createExportsService, EXPORT_RETENTION_JOB, EXPORT_RUN_JOB, type Notify } from './exports.service.js';

/**
 * Background exports (issue 20, "large ones as a job with a download link"), wired: the kinds' record
 * services, files under `DATA_DIR/exports`, the run as an Agenda job that acts as whoever asked, and an
 * hourly job that removes expired files.
 */
export function exportsModule(ctx: AppContext, deps: { kinds: Record<ExportKind, RecordService<RecordBase>>; notify: Notify }) {
  const { connection, config } = ctx;
  const service = createExportsService({
    connection,
    dataDir: join(config.DATA_DIR, 'exports'),
    retentionHours: config.EXPORT_RETENTION_HOURS,
    jobs: ctx.jobs,
    events: ctx.events,
    logger: ctx.logger,
    kinds: deps.kinds,
    // An export asked for with a secret key acts with the key's role, and fails when the key is revoked.
    principalOf: (job) => principalOfStarter(connection, job),
    notify: deps.notify,
  });
  // A long export keeps its lock alive as it writes, and between its steps (renewLock); a worker that dies leaves it to
  // expire, and the job runs again.
  ctx.jobs.define<{ tenantId: string; exportId: string }>(EXPORT_RUN_JOB, async (job, keepAlive) => {
    await service.execute(new Types.ObjectId(job.attrs.data.tenantId), new Types.ObjectId(job.attrs.data.exportId), keepAlive);
  }, { concurrency: 2, renewLock: true });
  ctx.jobs.define(EXPORT_RETENTION_JOB, async () => {
    await service.removeExpired();
  });
  ctx.jobs.recurring('23 * * * *', EXPORT_RETENTION_JOB);
  const resources = Object.fromEntries(Object.entries(deps.kinds).map(([kind, records]) => [kind, records.definition.resource])) as Record<ExportKind, string>;
  return { service, routes: exportRoutes(service, resources, config.EXPORT_RETENTION_HOURS) };
}
