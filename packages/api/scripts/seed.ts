/**
 * `npm run seed -- --contacts N [--tenant "Name"]`: fills an agency with N contacts and, in proportion,
 * customers, leads, deals, tasks and activities (see src/seed/demo-sales.ts), for demos and benchmarks.
 * The agency is created with the demo's people (password `demo-password`); without `--tenant` it is
 * the demo agency, Northwind Events. Uses the same database the API uses (MONGODB_URI, else the
 * embedded one in DATA_DIR, which must not be in use by a running API).
 */
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/platform/config.js';
import { startRuntime } from '../src/runtime.js';
import { tenantModel } from '../src/modules/identity/tenant.model.js';
import { seedAgency } from '../src/seed/demo.js';
import { MAX_PEOPLE } from '../src/seed/demo-people.js';

/** A refusal a person can act on, said in one line. */
class SeedRefused extends Error {}

function fail(message: string): never {
  process.stderr.write(`seed: ${message}\n`);
  process.exit(1);
}

const { values } = parseArgs({ options: { contacts: { type: 'string', default: '60' }, tenant: { type: 'string', default: 'Northwind Events' }, help: { type: 'boolean', default: false } } });
if (values.help) {
  process.stdout.write('npm run seed -- --contacts N [--tenant "Agency name"]\n');
  process.exit(0);
}
const contacts = Number(values.contacts);
const limit = Math.floor(MAX_PEOPLE / 1.3);
if (!Number.isInteger(contacts) || contacts < 1 || contacts > limit) fail(`--contacts must be a whole number from 1 to ${limit} (got "${values.contacts}")`);
const name = values.tenant.trim();
if (!name || name.length > 120) fail('--tenant must be an agency name of 1 to 120 characters');
// The demo agency's people sign in at demo.crm.test; another agency's at its own made-up domain.
const slug = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'agency';
const domain = name === 'Northwind Events' ? 'demo.crm.test' : `${slug}.crm.test`;

let config;
try {
  config = loadConfig({ ...process.env, JOBS_ENABLED: 'false' });
} catch (error) {
  fail(error instanceof ConfigError ? error.message : String(error));
}

// The embedded database belongs to one process at a time: refuse while an API uses it, and hold it meanwhile.
let release = () => {};
if (!config.MONGODB_URI) {
  const pidFile = join(config.DATA_DIR, 'api.pid');
  mkdirSync(config.DATA_DIR, { recursive: true });
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    let alive = false;
    try {
      if (pid && pid !== process.pid) process.kill(pid, 0);
      alive = Boolean(pid && pid !== process.pid);
    } catch (error) {
      alive = (error as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (alive) fail(`a CRM API (pid ${pid}) is using ${config.DATA_DIR}; stop it first (or set MONGODB_URI to seed a server it shares)`);
  }
  writeFileSync(pidFile, String(process.pid));
  release = () => {
    try {
      if (readFileSync(pidFile, 'utf8') === String(process.pid)) unlinkSync(pidFile);
    } catch {
      // already gone
    }
  };
}

const started = Date.now();
const runtime = await startRuntime(config).catch((error: unknown) => {
  release();
  fail(error instanceof Error ? error.message : String(error));
});
let code = 0;
try {
  if (await tenantModel(runtime.ctx.connection).exists({ name })) {
    throw new SeedRefused(`an agency named "${name}" already exists in this database; choose another with --tenant "Name" (or start from an empty database)`);
  }
  const log = (line: string) => process.stdout.write(`  ${line} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  process.stdout.write(`Seeding "${name}" with ${contacts.toLocaleString('en')} contacts...\n`);
  const seeded = await seedAgency(runtime.ctx, { name, domain, contacts, log });
  const c = seeded.counts;
  process.stdout.write(
    `Done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${c.contacts} contacts, ${c.customers} customers, ${c.leads} leads, ${c.opportunities} opportunities, ${c.tasks} tasks, ${c.activities} activities.\n` +
      `Sign in as ${seeded.logins[0]!.email} (or any of ${seeded.logins.map((l) => l.email).slice(1, 3).join(', ')}...) with password ${seeded.password}.\n`,
  );
} catch (error) {
  code = 1;
  process.stderr.write(`seed: ${error instanceof SeedRefused ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
} finally {
  // Stop the embedded database too, even when the seed failed.
  await runtime.close();
  release();
}
process.exit(code);
