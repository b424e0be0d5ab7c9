import type { Express } from 'express';
import { createApp } from './app.js';
import { buildModules } from './modules/index.js';
import type { Authenticator } from './platform/auth/guard.js';
import type { CustomerAuthenticator } from './platform/auth/customer-guard.js';
import type { InboundMail } from './modules/support/inbound-mail.js';
import type { Config } from './platform/config.js';
import type { AppContext } from './platform/context.js';
import { connectDatabase, redactUri, type DatabaseConnection } from './platform/db/connection.js';
import { provideDatabaseServer, type DatabaseServer } from './platform/db/embedded.js';
import { ensureIndexes } from './platform/db/indexes.js';
import { ensurePushdownIndexes } from './platform/db/pushdown-indexes.js';
import { backfillSearchIndex } from './platform/search/search-backfill.js';
import { backfillListRows } from './platform/lists/list-backfill.js';
import { backfillEmailKeys } from './platform/records/email-keys.js';
import { EventBus } from './platform/events.js';
import { createJobs } from './platform/jobs/jobs.js';
import { createLogger, type Logger } from './platform/logger.js';
import { resolveSecrets } from './platform/secrets.js';

/** A running API minus the HTTP listener: the database, the context and the app. */
export interface Runtime {
  ctx: AppContext;
  app: Express;
  /** Bearer authentication, shared by HTTP and realtime. */
  authenticate: Authenticator;
  /** Customer (portal) bearer authentication, for the customers' realtime namespace. */
  authenticateCustomer: CustomerAuthenticator;
  /** Takes inbound support email (the SMTP listener server.ts starts when SUPPORT_SMTP_PORT is set). */
  inboundMail: InboundMail;
  database: DatabaseServer;
  db: DatabaseConnection;
  /** The one-time search index backfill of records from before it, running in the background (resolves to the records indexed). */
  searchBackfill: Promise<number>;
  listBackfill: Promise<number>;
  close(): Promise<void>;
}

/** Starts (or connects to) the database, builds the app and its indexes. */
export async function startRuntime(
  config: Config,
  /** `postgresUrl` with `uri`: the PostgreSQL under a FerretDB that someone else started (the benches), so its pushdown indexes are made as the default's are. */
  options: { logger?: Logger; uri?: string; dbName?: string; postgresUrl?: string } = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config);
  const database: DatabaseServer = options.uri
    ? { uri: options.uri, kind: 'external', postgresUrl: options.postgresUrl, stop: async () => {} }
    : await provideDatabaseServer(config, (line) => logger.info(line));
  if (!options.uri) logger.info({ kind: database.kind, uri: redactUri(database.uri) }, 'database server');
  let db: DatabaseConnection;
  try {
    db = await connectDatabase(database.uri, {
      dbName: options.dbName ?? config.DATABASE_NAME,
      timeoutMs: config.DB_CONNECT_TIMEOUT_MS,
      poolSize: config.DB_POOL_SIZE,
      poolWaitMs: config.DB_POOL_WAIT_MS,
      queryTimeoutMs: config.DB_QUERY_TIMEOUT_MS,
      monitorCommands: config.NODE_ENV === 'test',
      log: (line) => logger.debug(line),
    });
  } catch (error) {
    await database.stop();
    throw error;
  }
  // What modules started and must release at close (OCR workers); run before the jobs and the database stop.
  const releases: Array<() => Promise<void>> = [];
  const events = new EventBus((error, event) => logger.error({ err: error, event: event.type }, 'event subscriber failed'));
  const ctx: AppContext = {
    config,
    logger,
    connection: db.connection,
    secrets: resolveSecrets(config),
    events,
    jobs: createJobs(db.connection, logger, { processEvery: config.JOBS_PROCESS_EVERY_MS, lockLifetime: config.JOBS_LOCK_LIFETIME_MS, redisUrl: config.REDIS_URL }),
    isDatabaseReady: () => db.isReady(),
    onClose: (release) => releases.push(release),
  };
  const modules = buildModules(ctx);
  const app = createApp(ctx, modules);
  const onPostgres = (database.kind === 'ferretdb-postgresql' || database.kind === 'external') && Boolean(database.postgresUrl);
  await ensureIndexes(db.connection, { pushdownOnly: onPostgres });
  if (onPostgres && database.postgresUrl) {
    const created = await ensurePushdownIndexes(db.connection, database.postgresUrl);
    if (created.length) logger.info({ indexes: created.length }, 'PostgreSQL indexes for FerretDB pushdown created');
  }
  // Records written before the search index existed get their entries in the background; it resumes after a stop.
  const backfillStop = new AbortController();
  const searchBackfill = backfillSearchIndex(db.connection, { signal: backfillStop.signal, log: (line) => logger.info(line) }).catch((error: unknown) => {
    logger.error({ err: error }, 'search index backfill stopped; it resumes at the next start');
    return 0;
  });
  // Records written before list rows existed get theirs the same way (platform/lists).
  const listBackfill = backfillListRows(db.connection, { signal: backfillStop.signal, log: (line) => logger.info(line) }).catch((error: unknown) => {
    logger.error({ err: error }, 'list rows backfill stopped; it resumes at the next start');
    return 0;
  });
  // Contacts and leads from before email keys get theirs (platform/records/email-keys.ts); imports read one address at a time until then.
  const emailKeysBackfill = backfillEmailKeys(db.connection, { signal: backfillStop.signal, log: (line) => logger.info(line) }).catch((error: unknown) => {
    logger.error({ err: error }, 'email keys backfill stopped; it resumes at the next start');
    return 0;
  });
  return {
    ctx,
    app,
    authenticate: modules.authenticate,
    authenticateCustomer: modules.authenticateCustomer,
    inboundMail: modules.inboundMail,
    database,
    db,
    searchBackfill,
    listBackfill,
    async close() {
      backfillStop.abort();
      await searchBackfill;
      await listBackfill;
      await emailKeysBackfill;
      await Promise.allSettled(releases.map((release) => release()));
      await ctx.jobs.stop();
      await db.close();
      await database.stop();
    },
  };
}
