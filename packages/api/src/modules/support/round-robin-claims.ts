import type { Connection } from 'mongoose';
import { op } from '../../platform/db/operators.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import { roundRobinClaimModel } from './assignment.model.js';

/** The daily job that forgets round-robin claims once no assignment can contest their turn any more. */
export const ROUND_ROBIN_CLAIMS_PRUNE_JOB = 'support.round-robin-claims.prune';
/** Once a day, at an hour of its own (UTC). */
export const ROUND_ROBIN_CLAIMS_PRUNE_SCHEDULE = '23 4 * * *';
/** A claim only matters while its turn is being handed out (milliseconds); a day is far beyond any retry. */
export const ROUND_ROBIN_CLAIM_RETENTION_MS = 24 * 3600_000;

/**
 * Deletes claims older than a day, in every agency. A turn's claim guards only the moment two callers
 * read the same counter value (FerretDB v1's non-atomic `$inc`); the counter has long moved past it by
 * then, so nothing is handed out twice. FerretDB v1 has no TTL index (docs/database.md), hence a job.
 */
export async function pruneRoundRobinClaims(connection: Connection, now = new Date()): Promise<number> {
  const result = await roundRobinClaimModel(connection)
    .deleteMany({ at: op({ $lt: new Date(now.getTime() - ROUND_ROBIN_CLAIM_RETENTION_MS) }) })
    .setOptions({ crossTenant: 'expiry sweep of round-robin claims over every agency' });
  return result.deletedCount;
}

/** Registers the prune job and its daily schedule (stored when the scheduler starts). */
export function defineRoundRobinClaimsPrune(deps: { connection: Connection; jobs: Jobs }): void {
  deps.jobs.define(ROUND_ROBIN_CLAIMS_PRUNE_JOB, async () => {
    await pruneRoundRobinClaims(deps.connection);
  });
  deps.jobs.recurring(ROUND_ROBIN_CLAIMS_PRUNE_SCHEDULE, ROUND_ROBIN_CLAIMS_PRUNE_JOB, { timezone: 'UTC' });
}
