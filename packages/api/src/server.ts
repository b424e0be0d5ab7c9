import { createServer } from 'node:http';
import { ConfigError, loadConfig } from './platform/config.js';
import { DatabaseUnavailableError } from './platform/db/embedded.js';
import { startRuntime } from './platform/runtime.js';
import { startRealtime } from './platform/realtime/start.js';
import { seedDemoIfEmpty } from './seed/demo.js';

/** The process entry point: config, database, HTTP listener, graceful shutdown. */
async function main(): Promise<void> {
  const config = loadConfig();
  const runtime = await startRuntime(config);
  const { logger } = runtime.ctx;
  const seeded = (config.SEED_DEMO ?? config.NODE_ENV === 'development') ? await seedDemoIfEmpty(runtime.ctx) : null;

  const server = createServer(runtime.app);
  server.keepAliveTimeout = 65_000;
  const realtime = await startRealtime(server, runtime);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const base = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
  logger.info({ url: base }, 'CRM API listening');
  printBanner(base, seeded);

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
    // Sockets first: an open websocket would keep server.close() waiting.
    await realtime.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await runtime.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

function printBanner(base: string, seeded: Awaited<ReturnType<typeof seedDemoIfEmpty>>): void {
  const lines = [``, `  CRM API    ${base}/v1`, `  API docs   ${base}/docs`, `  OpenAPI    ${base}/v1/openapi.json`];
  if (seeded) {
    lines.push(`  Demo agency "${seeded.tenantName}" - sign in with any of (password ${seeded.password}):`);
    for (const login of seeded.logins) lines.push(`    ${login.role.padEnd(28)} ${login.email}`);
  }
  process.stdout.write(lines.join('\n') + '\n\n');
}

main().catch((error: unknown) => {
  // One clear line for problems a person can fix; a stack only for real bugs.
  if (error instanceof ConfigError || error instanceof DatabaseUnavailableError || (error instanceof Error && /^Cannot reach the database/.test(error.message))) {
    process.stderr.write(`crm-api: ${error.message}\n`);
  } else {
    process.stderr.write(`crm-api: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
