/**
 * Database round trips per request, and a contact read and a 20-row contact list at the demo's size
 * (issue 15). Starts the embedded default (FerretDB on an embedded PostgreSQL) in a temporary folder,
 * seeds the demo agency, signs the admin in, then for each route counts the commands the API sends
 * (the driver's command monitor) on a cold request (a fresh session) and on warm ones, and measures
 * p50/p95/requests per second with N concurrent clients for a few seconds.
 *
 *   node --import tsx bench/round-trips.ts [--concurrency 20] [--seconds 5] [--api <path to packages/api>]
 *
 * `--budget` sets DB_QUERY_TIMEOUT_MS (default 5000; 0: no maxTimeMS). `--api` runs another checkout's API (its src/runtime.ts, or src/platform/runtime.ts before it moved, and src/seed/demo.ts) on the same
 * database engine, to measure a before/after; the command monitor is switched on through the URI.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { startTestDatabase } from '../packages/api/src/testing/test-database.js';

const { values } = parseArgs({ options: { concurrency: { type: 'string', default: '20' }, seconds: { type: 'string', default: '5' }, api: { type: 'string' }, budget: { type: 'string', default: '5000' } } });
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);
const apiDir = resolve(values.api ?? join(import.meta.dirname, '..', 'packages', 'api'));
const load = (file: string) => import(pathToFileURL(join(apiDir, file)).href);

const { testConfig } = await load('src/platform/config.ts');
// The composition root moved beside app.ts; an older checkout still has it under platform/.
const { startRuntime } = await load(existsSync(join(apiDir, 'src/runtime.ts')) ? 'src/runtime.ts' : 'src/platform/runtime.ts');
const { seedDemoIfEmpty } = await load('src/seed/demo.ts');

const database = await startTestDatabase(() => {});
const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-rt-'));
chmodSync(dataDir, 0o755);
const config = testConfig({ DATA_DIR: dataDir, RATE_LIMIT_MAX: '1000000', JWT_SECRET: 'bench-secret-bench-secret-bench-secret!!', DB_QUERY_TIMEOUT_MS: values.budget! });
const dbName = 'crm_bench_rt';
const runtime = await startRuntime(config, { uri: `${database.uri.replace(/\/$/, '')}/?monitorCommands=true`, dbName, postgresUrl: database.postgresUrl });
const seeded = await seedDemoIfEmpty(runtime.ctx);
const server = createServer(runtime.app);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;

let commands: string[] = [];
runtime.db.connection.getClient().on('commandStarted', (e: { databaseName: string; commandName: string; command: Record<string, unknown> }) => {
  if (e.databaseName === dbName) commands.push(`${e.commandName} ${String(e.command[e.commandName])}`);
  if (process.env.BENCH_SHOW_COMMANDS && e.commandName === 'find' && e.command.find === 'contacts') console.error(JSON.stringify(e.command).slice(0, 600));
});

async function signIn(): Promise<string> {
  const res = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: seeded.logins[0].email, password: seeded.password }) });
  if (res.status !== 200) throw new Error(`login ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function get(path: string, token: string): Promise<number> {
  const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return res.status;
}

async function counted(path: string, token: string): Promise<string[]> {
  commands = [];
  const status = await get(path, token);
  if (status !== 200) throw new Error(`${path}: ${status}`);
  return [...commands];
}

const token = await signIn();
const list = (await (await fetch(`${base}/contacts?limit=20`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { data: { id: string }[] };
const contactId = list.data[0]!.id;
const routes = [
  { scenario: 'contact-read', path: `/contacts/${contactId}` },
  { scenario: 'contact-list-20', path: '/contacts?limit=20' },
];

const results = [];
for (const route of routes) {
  const fresh = await signIn(); // a new session: nothing cached for it
  const cold = await counted(route.path, fresh);
  const warm = await counted(route.path, fresh);
  // The same session after 6 s without a request (longer than the old 5-second principal cache).
  await new Promise((r) => setTimeout(r, 6000));
  const idle = await counted(route.path, fresh);
  const durations: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  let errors = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const started = performance.now();
        const status = await get(route.path, token).catch(() => 0);
        if (status !== 200) errors += 1;
        durations.push(performance.now() - started);
      }
    }),
  );
  durations.sort((x, y) => x - y);
  const pct = (p: number) => Math.round(durations[Math.min(durations.length - 1, Math.floor(p * durations.length))]! * 10) / 10;
  results.push({ scenario: route.scenario, records: 60, concurrency, handler: database.kind, roundTripsCold: cold.length, roundTripsWarm: warm.length, roundTripsAfter6sIdle: idle.length, warm, p50_ms: pct(0.5), p95_ms: pct(0.95), rps: Math.round(durations.length / seconds), errors });
}

console.log(JSON.stringify({ api: apiDir, load1: loadavg()[0]!.toFixed(1), results }, null, 2));
server.close();
await runtime.close();
await database.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
