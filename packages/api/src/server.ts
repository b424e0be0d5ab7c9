import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './platform/config.js';
import { DatabaseUnavailableError } from './platform/db/embedded.js';
import { startRuntime } from './runtime.js';
import { applyHeapGrowth } from './platform/heap.js';
import { startRealtime } from './platform/realtime/start.js';
import { startInboundSmtp } from './platform/mail/inbound-smtp.js';
import { seedDemoIfEmpty } from './seed/demo.js';
import { ROLES_UPGRADE_JOB } from './modules/identity/roles.upgrade.js';

/** The process entry point: config, database, HTTP listener, graceful shutdown. */
async function main(): Promise<void> {
  const config = loadConfig();
  applyHeapGrowth(config.HEAP_GROWING_PERCENT);
  const releaseDataDir = config.MONGODB_URI ? () => {} : claimDataDir(config.DATA_DIR);
  const runtime = await startRuntime(config).catch((error: unknown) => {
    releaseDataDir();
    throw error;
  });
  const { logger } = runtime.ctx;
  const seeded = (config.SEED_DEMO ?? config.NODE_ENV === 'development') ? await seedDemoIfEmpty(runtime.ctx) : null;

  const server = createServer(runtime.app);
  server.keepAliveTimeout = 65_000;
  const realtime = await startRealtime(server, runtime);
  // Inbound support email, in this process (docs/support.md); off unless SUPPORT_SMTP_PORT is set.
  const supportMail =
    config.SUPPORT_SMTP_PORT === undefined
      ? null
      : await startInboundSmtp({ port: config.SUPPORT_SMTP_PORT, host: config.SUPPORT_SMTP_HOST, maxBytes: config.SUPPORT_SMTP_MAX_BYTES, logger, acceptsRecipient: runtime.inboundMail.acceptsRecipient, onMessage: runtime.inboundMail.accept }).catch(async (error: unknown) => {
          await realtime.close();
          await runtime.close();
          releaseDataDir();
          if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new StartupError(`SUPPORT_SMTP_PORT ${config.SUPPORT_SMTP_PORT} is already in use on ${config.SUPPORT_SMTP_HOST}; stop what uses it or set another port`);
          throw error;
        });
  // Signals are handled from here on, so one that comes while the API is still starting (the scheduler
  // starts after the port is open) stops it gracefully instead of killing it mid-request.
  let jobsStarting: Promise<void> | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; closing connections');
      server.closeAllConnections();
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    // A signal during start-up waits for the scheduler to finish starting, then stops it with the rest.
    await jobsStarting?.catch(() => {});
    // Sockets first: an open websocket would keep server.close() waiting.
    await realtime.close();
    await supportMail?.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await runtime.close();
    releaseDataDir();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, () => resolve());
    });
  } catch (error) {
    // Leave nothing running behind: the embedded database stops with us.
    await realtime.close();
    await supportMail?.close();
    await runtime.close();
    releaseDataDir();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new StartupError(`PORT ${config.PORT} is already in use on ${config.HOST}; stop what uses it or set PORT to another port`);
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const base = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
  logger.info({ url: base }, 'CRM API listening');
  // The OpenAPI document and the docs' files are built and compressed now, not for the first visitor.
  void (runtime.app.locals.warmDocs as () => Promise<void>)().catch((error: unknown) => logger.warn({ err: error }, 'API docs not prepared; they are built at their first request'));
  // Jobs run in the server process only (tests start them themselves); JOBS_ENABLED=false makes an API-only process.
  if ((config.JOBS_ENABLED ?? true) && !stopping) {
    // One promise for the whole start of the jobs, so a signal that comes meanwhile waits for all of it
    // before the database closes (scheduling after the close would end the process with code 1).
    jobsStarting = (async () => {
      await runtime.ctx.jobs.start();
      // A release's new grants for built-in roles reach the agencies made before it now, not at the next hour.
      await runtime.ctx.jobs.schedule(new Date(), ROLES_UPGRADE_JOB, {});
    })();
    await jobsStarting;
  }
  if (stopping) return;
  printBanner(base, seeded);

}

/** A start-up problem a person can fix, reported as one line. */
class StartupError extends Error {}

/**
 * One API per data folder: two embedded databases writing the same SQLite files would corrupt them. A
 * pid file claims the folder; a stale one (its process is gone) is taken over.
 */
function claimDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'api.pid');
  mkdirSync(dataDir, { recursive: true });
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8'));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new StartupError(`another CRM API (pid ${pid}) is using ${dataDir}; stop it first, or set DATA_DIR (or MONGODB_URI) for this one`);
    }
  }
  writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
    } catch {
      // already gone
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function printBanner(base: string, seeded: Awaited<ReturnType<typeof seedDemoIfEmpty>>): void {
  const lines = [``, `  CRM API    ${base}/v1`, `  API docs   ${base}/docs`, `  Portal     ${base}/app/`, `  OpenAPI    ${base}/v1/openapi.json`];
  if (seeded) {
    lines.push(`  Demo agency "${seeded.tenantName}" - sign in with any of (password ${seeded.password}):`);
    for (const login of seeded.logins) lines.push(`    ${login.role.padEnd(28)} ${login.email}`);
  }
  process.stdout.write(lines.join('\n') + '\n\n');
}

main().catch((error: unknown) => {
  // One clear line for problems a person can fix; a stack only for real bugs.
  if (error instanceof ConfigError || error instanceof StartupError || error instanceof DatabaseUnavailableError || (error instanceof Error && /^Cannot reach the database/.test(error.message))) {
    process.stderr.write(`crm-api: ${error.message}\n`);
  } else {
    process.stderr.write(`crm-api: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
