import mongoose from 'mongoose';
import { testConfig } from './platform/config.js';
import type { AppContext } from './platform/context.js';
import { EventBus } from './platform/events.js';
import { buildOpenApiDocument } from './platform/http/openapi.js';
import { createLogger } from './platform/logger.js';
import { buildModules } from './modules/index.js';
import { apiVersion } from './version.js';

/** The OpenAPI document as the code declares it, built without a database (routes only need their specs). */
export function currentOpenApiDocument(): Record<string, unknown> {
  const config = testConfig();
  const ctx: AppContext = {
    config,
    logger: createLogger(config),
    connection: mongoose.createConnection(),
    secrets: { jwt: 'x'.repeat(32) },
    events: new EventBus(() => {}),
    isDatabaseReady: async () => false,
  };
  return buildOpenApiDocument(buildModules(ctx).routes, apiVersion);
}

/** The committed form: stable key order, two-space indent, trailing newline. */
export function serializeOpenApi(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
