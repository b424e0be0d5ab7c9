import { createHmac } from 'node:crypto';
import type { AppContext } from '../../platform/context.js';
import { resolveEncryptionKey } from '../../platform/crypto/secret-box.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { configureSuppressionKey } from '../../platform/privacy/suppression.js';
import { privacyRecordKinds } from './privacy.records.js';
import { privacyRoutes } from './privacy.routes.js';
import { createPrivacyService } from './privacy.service.js';

/** The daily retention job and when it runs (UTC, a quiet hour; one stored job whatever the number of processes). */
export const PRIVACY_RETENTION_JOB = 'privacy.retention';
export const PRIVACY_RETENTION_SCHEDULE = '41 3 * * *';

/**
 * GDPR / CCPA export and erasure (issue 22). The suppression key is derived from the master encryption
 * key (ENCRYPTION_KEY), so every process of a deployment hashes alike and no second secret is needed.
 */
export function privacyModule(ctx: AppContext, options: { encryptionKey?: Buffer } = {}) {
  const { connection, events, logger } = ctx;
  const master = options.encryptionKey ?? resolveEncryptionKey(ctx.config);
  configureSuppressionKey(connection, createHmac('sha256', master).update('privacy-suppression').digest());
  const service = createPrivacyService({ connection, events, kinds: privacyRecordKinds(connection), logger });
  ctx.jobs.define(PRIVACY_RETENTION_JOB, async (_job, keepAlive) => {
    await service.runRetention(new Date(), keepAlive);
  });
  ctx.jobs.recurring(PRIVACY_RETENTION_SCHEDULE, PRIVACY_RETENTION_JOB, { timezone: 'UTC' });
  const routes: RouteSpec[] = privacyRoutes(service);
  return { routes, service };
}
