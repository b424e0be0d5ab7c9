/**
 * Our API against a bare Express server answering the same JSON (issue 15, benchmark): a contact by id and
 * a 20-row contact list at the demo agency's size, in one run on one machine, N concurrent clients each.
 * The bare server answers the bodies our API just answered, from memory: what is left between the two is
 * our per-request cost (authentication, limits, validation, the database, serialisation, logging).
 *
 *   node --import tsx bench/express-compare.ts [--concurrency 20] [--seconds 5] [--redis redis://127.0.0.1:6379] [--only list] [--json]
 *
 * `--redis` runs our API with REDIS_URL (principal cache invalidated over pub/sub: no identity round trip
 * when warm). `--only` runs the routes whose name holds that word (`list`, `by id`), e.g. under
 * `node --cpu-prof`. `--json` merges the figures into bench/results.json (entries of other scenarios are kept).
 * Commands per request come from the driver's command monitor (exact; they do not depend on load).
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import express from 'express';
import { testConfig } from '../packages/api/src/platform/config.js';
import { startRuntime } from '../packages/api/src/runtime.js';
import { seedDemoIfEmpty } from '../packages/api/src/seed/demo.js';
import { startTestDatabase } from '../packages/api/src/testing/test-database.js';
import { measureInChild } from './clients.js';

const { values } = parseArgs({ options: { concurrency: { type: 'string', default: '20' }, seconds: { type: 'string', default: '5' }, redis: { type: 'string' }, only: { type: 'string' }, json: { type: 'boolean', default: false } } });
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);

const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-x-'));
chmodSync(dataDir, 0o755);
const config = testConfig({
  DATA_DIR: dataDir,
  RATE_LIMIT_MAX: '1000000',
  USER_RATE_LIMIT_MAX: '1000000',
  EXPENSIVE_CONCURRENCY_PER_USER: '1000',
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret!!',
  ...(values.redis ? { REDIS_URL: values.redis } : {}),
});
const database = await startTestDatabase(() => {});
const dbName = 'crm_bench_express';
const runtime = await startRuntime(config, { uri: `${database.uri.replace(/\/$/, '')}/?monitorCommands=true`, dbName, postgresUrl: database.postgresUrl });
const seeded = await seedDemoIfEmpty(runtime.ctx);

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
const ours = createServer(runtime.app);
const oursBase = await listen(ours);

let commands = 0;
runtime.db.connection.getClient().on('commandStarted', (e: { databaseName: string }) => {
  if (e.databaseName === dbName) commands += 1;
});

const login = await fetch(`${oursBase}/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: seeded.logins[0].email, password: seeded.password }) });
const token = ((await login.json()) as { accessToken: string }).accessToken;
const headers = { Authorization: `Bearer ${token}` };
const listBody = await (await fetch(`${oursBase}/v1/contacts?limit=20`, { headers })).text();
const contactId = (JSON.parse(listBody) as { data: { id: string }[] }).data[0]!.id;
const readBody = await (await fetch(`${oursBase}/v1/contacts/${contactId}`, { headers })).text();

// The bare server: Express, JSON from memory, nothing else (no auth, no limits, no logging, no database).
const bareApp = express();
const readJson = JSON.parse(readBody) as unknown;
const listJson = JSON.parse(listBody) as unknown;
bareApp.get('/v1/contacts/:id', (_req, res) => {
  res.json(readJson);
});
bareApp.get('/v1/contacts', (_req, res) => {
  res.json(listJson);
});
const bare = createServer(bareApp);
const bareBase = await listen(bare);

/**
 * Closed loop: `concurrency` clients, each sending its next request when the last one answered. The clients run
 * in a child process of their own (bench/clients.ts), for both servers alike: before 2026-12-07 they ran in this
 * process, whose one thread also serves both servers, so their work queued with the servers'.
 */
async function measure(url: string) {
  const { origin, pathname, search } = new URL(url);
  const token = headers.Authorization.replace(/^Bearer /, '');
  // Warm-up (caches, JIT, keep-alive sockets), not counted.
  await measureInChild({ base: origin, token, requests: [{ method: 'GET', path: pathname + search }], concurrency, seconds: 0.5, limit: concurrency * 4, timeoutMs: 60_000 });
  const commandsBefore = commands;
  const outcome = await measureInChild({ base: origin, token, requests: [{ method: 'GET', path: pathname + search }], concurrency, seconds, limit: Infinity, timeoutMs: 60_000 });
  const durations = outcome.latencies.sort((x, y) => x - y);
  const errors = Object.entries(outcome.statuses).reduce((n, [status, count]) => n + (status === '200' ? 0 : count), 0);
  const pct = (p: number) => Math.round(durations[Math.min(durations.length - 1, Math.floor(p * durations.length))]! * 10) / 10;
  return { requests: durations.length, errors, p50_ms: pct(0.5), p95_ms: pct(0.95), rps: Math.round((durations.length / (outcome.elapsedMs / 1000)) * 10) / 10, roundTrips: Math.round(((commands - commandsBefore) / durations.length) * 100) / 100 };
}

/** One request at a time, with each database command it sent and how long the database took to answer it. */
async function trace(url: string) {
  const seen: { command: string; ms: number; docs: number }[] = [];
  const client = runtime.db.connection.getClient();
  const started = new Map<number, string>();
  const onStart = (e: { requestId: number; commandName: string; command: Record<string, unknown>; databaseName: string }) => {
    if (e.databaseName === dbName) started.set(e.requestId, `${e.commandName} ${String(e.command[e.commandName])}`);
  };
  const onDone = (e: { requestId: number; duration: number; reply?: { cursor?: { firstBatch?: unknown[] } } }) => {
    const command = started.get(e.requestId);
    if (command) seen.push({ command, ms: Math.round(e.duration * 10) / 10, docs: e.reply?.cursor?.firstBatch?.length ?? 0 });
  };
  client.on('commandStarted', onStart);
  client.on('commandSucceeded', onDone);
  const t = performance.now();
  await (await fetch(url, { headers })).arrayBuffer();
  const totalMs = Math.round((performance.now() - t) * 10) / 10;
  client.off('commandStarted', onStart);
  client.off('commandSucceeded', onDone);
  return { totalMs, commands: seen };
}

const handler = `${database.kind ?? 'ferretdb-postgresql'}${values.redis ? '+redis' : ''}`;
const load1Start = loadavg()[0]!.toFixed(1);
const routes = [
  { scenario: 'contact by id (demo agency) vs bare Express', path: `/v1/contacts/${contactId}`, target: 5 },
  { scenario: '20-row contact list (demo agency) vs bare Express', path: '/v1/contacts?limit=20', target: 10 },
];
const rows = [];
const entries = [];
for (const route of routes.filter((r) => !values.only || r.scenario.includes(values.only))) {
  const alone = await trace(`${oursBase}${route.path}`);
  const api = await measure(`${oursBase}${route.path}`);
  const plain = await measure(`${bareBase}${route.path}`);
  rows.push({ scenario: route.scenario, api, bare: plain, ratio: `1/${(plain.rps / api.rps).toFixed(1)}`, alone, target: `1/${route.target}`, met: plain.rps / api.rps <= route.target });
  entries.push({ scenario: route.scenario, records: 60, concurrency, handler, p50_ms: api.p50_ms, p95_ms: api.p95_ms, rps: api.rps, roundTrips: api.roundTrips });
  entries.push({ scenario: route.scenario, records: 60, concurrency, handler: 'bare-express', p50_ms: plain.p50_ms, p95_ms: plain.p95_ms, rps: plain.rps, roundTrips: 0 });
}
console.log(JSON.stringify({ command: process.argv.slice(1).join(' '), handler, concurrency, seconds, load1: { start: load1Start, end: loadavg()[0]!.toFixed(1) }, rows }, null, 2));

if (values.json) {
  // Merge: keep every entry of other scenarios (other benches write the same file), replace ours.
  const file = new URL('./results.json', import.meta.url).pathname;
  const key = (e: { scenario: string; records: number; concurrency: number; handler: string }) => `${e.scenario}|${e.records}|${e.concurrency}|${e.handler}`;
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as typeof entries) : [];
  const fresh = new Set(entries.map(key));
  writeFileSync(file, `${JSON.stringify([...existing.filter((e) => !fresh.has(key(e))), ...entries], null, 2)}\n`);
}

bare.close();
ours.close();
await runtime.close();
await database.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
