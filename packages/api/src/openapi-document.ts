import mongoose from 'mongoose';
import { testConfig } from './platform/config.js';
import type { AppContext } from './platform/context.js';
import { EventBus } from './platform/events.js';
import { createJobs } from './platform/jobs/jobs.js';
import { buildOpenApiDocument } from './platform/http/openapi.js';
import { createLogger } from './platform/logger.js';
import { buildModules } from './modules/index.js';
import { apiVersion } from './version.js';

/** The OpenAPI document as the code declares it, built without a database (routes only need their specs). */
export function currentOpenApiDocument(): Record<string, unknown> {
  const config = testConfig();
  const logger = createLogger(config);
  const connection = mongoose.createConnection();
  const ctx: AppContext = {
    config,
    logger,
    connection,
    secrets: { jwt: 'x'.repeat(32) },
    events: new EventBus(() => {}),
    jobs: createJobs(connection, logger, { processEvery: config.JOBS_PROCESS_EVERY_MS, lockLifetime: config.JOBS_LOCK_LIFETIME_MS }),
    isDatabaseReady: async () => false,
  };
  return buildOpenApiDocument(buildModules(ctx).routes, apiVersion);
}

/** The committed form: stable key order, two-space indent, trailing newline. */
export function serializeOpenApi(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
