import { Types, type Connection } from 'mongoose';
import type { Jobs } from '../jobs/jobs.js';
import { foldAllCounters, rebuildCounters } from './record-counts.js';

/** Folds counters' pending deltas into their bases (one runner at a time: Agenda's lock). */
export const COUNTS_FOLD_JOB = 'records.counts.fold';
/** Recounts one agency's kind from its records: `{ tenantId, collection }` (the repair path). */
export const COUNTS_REBUILD_JOB = 'records.counts.rebuild';

/** The counters' jobs: the fold every minute, the rebuild when asked for. */
export function defineRecordCountJobs(deps: { connection: Connection; jobs: Jobs }): void {
  deps.jobs.define(COUNTS_FOLD_JOB, async () => {
    await foldAllCounters(deps.connection);
  }, { concurrency: 1 });
  deps.jobs.define<{ tenantId: string; collection: string }>(COUNTS_REBUILD_JOB, async (job) => {
    const { tenantId, collection } = job.attrs.data;
    await rebuildCounters(deps.connection, new Types.ObjectId(tenantId), collection);
  });
  deps.jobs.recurring('* * * * *', COUNTS_FOLD_JOB);
}
