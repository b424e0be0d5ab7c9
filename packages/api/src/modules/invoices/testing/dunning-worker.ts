/**
 * A separate API process for the reminder crash test: runs the dunning job's function with the given
 * clock (`NOW`) until nothing is held by another run any more, then exits.
 * Env: WORKER_URI, WORKER_DB, NOW, LEASE_MS, plus the API's own settings (SMTP_URL, ENCRYPTION_KEY).
 */
import { loadConfig } from '../../../platform/config.js';
import { startRuntime } from '../../../runtime.js';
import { invoicingFor } from './invoicing-runtime.js';

const env = process.env;
const config = loadConfig({ ...env, NODE_ENV: 'test', LOG_LEVEL: env.LOG_LEVEL ?? 'silent' });
const runtime = await startRuntime(config, { uri: env.WORKER_URI!, dbName: env.WORKER_DB! });
const invoicing = invoicingFor(runtime.ctx, Number(env.LEASE_MS ?? 3000));
const now = new Date(env.NOW!);
for (;;) {
  const run = await invoicing.runDunning(now);
  process.stdout.write(`${JSON.stringify(run)}\n`);
  if (run.held === 0) break;
  await new Promise((r) => setTimeout(r, 300));
}
await invoicing.close();
process.stdout.write('worker done\n');
process.exit(0);
