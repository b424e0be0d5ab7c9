import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Jobs } from '../../platform/jobs/jobs.js';
import { tenantModel } from '../identity/tenant.model.js';
import { createAuditService } from './audit.service.js';

/** The daily job that applies every agency's audit retention. */
export const AUDIT_RETENTION_JOB = 'audit.retention';

/** When it runs: once a day, at a quiet hour (UTC); one stored job whatever the number of processes. */
export const AUDIT_RETENTION_SCHEDULE = '17 3 * * *';

/**
 * Prunes each agency's trail to its own retention (settings.auditRetentionMonths, default 24). Agencies
 * are walked one at a time and a failing one is logged and skipped, so one bad tenant never stops the
 * others; a second run right after finds nothing more to delete (pruning keeps an anchor, see prune).
 */
export async function runAuditRetention(deps: { connection: Connection; logger: Logger }, now = new Date(), keepAlive: () => Promise<void> = async () => {}) {
  const audit = createAuditService({ connection: deps.connection });
  const tenants = await tenantModel(deps.connection).find({}).select('_id').sort({ _id: 1 }).lean();
  let deleted = 0;
  let failed = 0;
  for (const tenant of tenants) {
    try {
      deleted += (await audit.prune(tenant._id, now)).deleted;
    } catch (error) {
      failed += 1;
      deps.logger.error({ err: error, tenantId: String(tenant._id) }, 'audit retention failed for an agency');
    }
    await keepAlive();
  }
  if (deleted) deps.logger.info({ deleted, tenants: tenants.length }, 'audit retention pruned old entries');
  return { tenants: tenants.length, deleted, failed };
}

/** Registers the retention job; the scheduler stores it when it starts (server.ts, or a test). */
export function defineAuditJobs(deps: { connection: Connection; jobs: Jobs; logger: Logger }): void {
  deps.jobs.define(AUDIT_RETENTION_JOB, async (_job, keepAlive) => {
    await runAuditRetention(deps, new Date(), keepAlive);
  });
  deps.jobs.recurring(AUDIT_RETENTION_SCHEDULE, AUDIT_RETENTION_JOB, { timezone: 'UTC' });
}
