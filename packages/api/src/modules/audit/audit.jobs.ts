import type { Connection, Types } from 'mongoose';
import type { Logger } from 'pino';
import type { Jobs } from '../../platform/jobs/jobs.js';
import { tenantModel } from '../identity/tenant.model.js';
import { auditEntryModel } from './audit.model.js';
import { createAuditService } from './audit.service.js';

/** The daily job that applies every agency's audit retention. */
export const AUDIT_RETENTION_JOB = 'audit.retention';

/** When it runs: once a day, at a quiet hour (UTC); one stored job whatever the number of processes. */
export const AUDIT_RETENTION_SCHEDULE = '17 3 * * *';

/** The job that seals new entries into each agency's hash chain (see AuditService.seal). */
export const AUDIT_SEAL_JOB = 'audit.seal';

/** Every minute: writers append unsealed entries, and this links them, so the unsealed tail stays short. */
export const AUDIT_SEAL_SCHEDULE = '* * * * *';

/**
 * Seals every agency that has unsealed entries. The agencies come from the entries themselves (one
 * equality on `sealed`), so an idle agency costs nothing; a failing one is logged and skipped.
 */
export async function runAuditSeal(deps: { connection: Connection; logger: Logger }, keepAlive: () => Promise<void> = async () => {}) {
  const audit = createAuditService({ connection: deps.connection });
  // Across tenants on purpose: which agencies have something to seal.
  const tenantIds = (await auditEntryModel(deps.connection).collection.distinct('tenantId', { sealed: false })) as Types.ObjectId[];
  let sealed = 0;
  for (const tenantId of tenantIds) {
    try {
      // Each run is bounded; a busy agency's backlog is linked in several, with the job kept alive between them.
      for (let run = 0; run < 50; run += 1) {
        const result = await audit.seal(tenantId);
        sealed += result.sealed;
        if (!result.more) break;
        await keepAlive();
      }
    } catch (error) {
      deps.logger.error({ err: error, tenantId: String(tenantId) }, 'audit sealing failed for an agency');
    }
    await keepAlive();
  }
  return { tenants: tenantIds.length, sealed };
}

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

/** Registers the retention and sealing jobs; the scheduler stores it when it starts (server.ts, or a test). */
export function defineAuditJobs(deps: { connection: Connection; jobs: Jobs; logger: Logger }): void {
  deps.jobs.define(AUDIT_RETENTION_JOB, async (_job, keepAlive) => {
    await runAuditRetention(deps, new Date(), keepAlive);
  });
  deps.jobs.recurring(AUDIT_RETENTION_SCHEDULE, AUDIT_RETENTION_JOB, { timezone: 'UTC' });
  deps.jobs.define(AUDIT_SEAL_JOB, async (_job, keepAlive) => {
    await runAuditSeal(deps, keepAlive);
  });
  deps.jobs.recurring(AUDIT_SEAL_SCHEDULE, AUDIT_SEAL_JOB, { timezone: 'UTC' });
}
