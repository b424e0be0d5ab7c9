import type { AppContext } from '../../platform/context.js';
import { pinnedKey } from '../../platform/crypto/platform-keys.js';
import { createSecretBox, previousEncryptionKeys, resolveEncryptionKey } from '../../platform/crypto/secret-box.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { configureSuppressionKey, PRIVACY_SUPPRESSION_KEY, suppressionKeyFrom } from '../../platform/privacy/suppression.js';
import { privacyRecordKinds } from './privacy.records.js';
import { privacyRoutes } from './privacy.routes.js';
import { createPrivacyService } from './privacy.service.js';
import { createTermsService } from './privacy.terms.js';

/** The daily retention job and when it runs (UTC, a quiet hour; one stored job whatever the number of processes). */
export const PRIVACY_RETENTION_JOB = 'privacy.retention';
export const PRIVACY_RETENTION_SCHEDULE = '41 3 * * *';

/**
 * GDPR / CCPA export and erasure (issue 22). The suppression key is derived from the master encryption
 * key (ENCRYPTION_KEY) once and then pinned, sealed, in `platform_keys`: every process of a deployment
 * hashes alike, no second secret is needed, and a rotation of ENCRYPTION_KEY leaves the hashes valid.
 */
export function privacyModule(ctx: AppContext, options: { encryptionKey?: Buffer } = {}) {
  const { connection, events, logger } = ctx;
  const master = options.encryptionKey ?? resolveEncryptionKey(ctx.config);
  const box = createSecretBox(master, previousEncryptionKeys(ctx.config));
  configureSuppressionKey(connection, () => pinnedKey(connection, box, PRIVACY_SUPPRESSION_KEY, () => suppressionKeyFrom(master)));
  const service = createPrivacyService({ connection, events, kinds: privacyRecordKinds(connection), logger });
  ctx.jobs.define(PRIVACY_RETENTION_JOB, async (_job, keepAlive) => {
    await service.runRetention(new Date(), keepAlive);
  });
  ctx.jobs.recurring(PRIVACY_RETENTION_SCHEDULE, PRIVACY_RETENTION_JOB, { timezone: 'UTC' });
  const terms = createTermsService({ connection });
  const routes: RouteSpec[] = privacyRoutes(service, terms);
  return { routes, service, terms };
}
