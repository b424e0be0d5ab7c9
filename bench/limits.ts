/**
 * Per-user latency under a one-user list flood (issue 17). Starts the embedded default (FerretDB on an
 * embedded PostgreSQL) in a temporary folder, seeds the demo agency, signs in two of its people, then:
 *   1. user B alone lists contacts (one request every `--pace` ms, a person clicking through pages);
 *   2. user A floods `GET /v1/contacts` with `--flood` clients that never wait (nor honour Retry-After)
 *      while B keeps listing at the same pace.
 * Prints B's p50/p95 and statuses in both phases, and A's statuses, with the limits as configured
 * (the defaults unless `--env KEY=VALUE,...`). `--api` runs another checkout's API (a before/after).
 *
 *   node --import tsx bench/limits.ts [--seconds 20] [--flood 30] [--pace 500] [--api <path to packages/api>] [--env K=V,...]
 */
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { startTestDatabase } from '../packages/api/src/testing/test-database.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '20' }, flood: { type: 'string', default: '30' }, pace: { type: 'string', default: '500' }, api: { type: 'string' }, env: { type: 'string', default: '' } },
});
const seconds = Number(values.seconds);
const floodClients = Number(values.flood);
const pace = Number(values.pace);
const apiDir = resolve(values.api ?? join(import.meta.dirname, '..', 'packages', 'api'));
const load = (file: string) => import(pathToFileURL(join(apiDir, file)).href);
const extraEnv = Object.fromEntries(values.env!.split(',').filter(Boolean).map((pair) => pair.split('=') as [string, string]));

const { loadConfig } = await load('src/platform/config.ts');
const { startRuntime } = await load(existsSync(join(apiDir, 'src/runtime.ts')) ? 'src/runtime.ts' : 'src/platform/runtime.ts');
const { seedDemoIfEmpty } = await load('src/seed/demo.ts');

const loadAtStart = loadavg().map((l) => l.toFixed(2)).join(' ');
const database = await startTestDatabase(() => {});
const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-limits-'));
chmodSync(dataDir, 0o755);
// The API's production defaults for every limit (loadConfig, not testConfig, which widens them for tests), plus --env.
const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', TRUST_PROXY: 'true', DATA_DIR: dataDir, JWT_SECRET: 'bench-secret-bench-secret-bench-secret!!', DB_QUERY_TIMEOUT_MS: '60000', ...extraEnv });
const runtime = await startRuntime(config, { uri: database.uri, dbName: 'crm_bench_limits', postgresUrl: database.postgresUrl });
const seeded = await seedDemoIfEmpty(runtime.ctx);
const server = createServer(runtime.app);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;

async function signIn(email: string, from: string): Promise<string> {
  const res = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': from }, body: JSON.stringify({ email, password: seeded.password }) });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

const [first, second] = seeded.logins as { email: string; role: string }[];
if (!first || !second) throw new Error('the demo agency needs two logins');
const tokenA = await signIn(second.email, '10.0.0.1');
const tokenB = await signIn(first.email, '10.0.0.2');

async function list(token: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${base}/contacts?limit=20`, { headers: { Authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function tally(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
}

/** User B at a person's pace for `seconds`: latencies of its answers (every status), and its statuses. */
async function userB(until: number): Promise<{ ms: number[]; statuses: number[] }> {
  const ms: number[] = [];
  const statuses: number[] = [];
  while (Date.now() < until) {
    const next = Date.now() + pace;
    const r = await list(tokenB);
    ms.push(r.ms);
    statuses.push(r.status);
    const wait = next - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return { ms: ms.sort((a, b) => a - b), statuses };
}

async function userAFlood(until: number): Promise<number[]> {
  const statuses: number[] = [];
  await Promise.all(
    Array.from({ length: floodClients }, async () => {
      while (Date.now() < until) statuses.push((await list(tokenA).catch(() => ({ status: 0, ms: 0 }))).status);
    }),
  );
  return statuses;
}

// Warm-up: caches, the first page's plan.
for (let i = 0; i < 3; i += 1) await list(tokenB);

const alone = await userB(Date.now() + seconds * 1000);
const floodUntil = Date.now() + seconds * 1000;
const [flooded, floodStatuses] = await Promise.all([userB(floodUntil), userAFlood(floodUntil)]);
const loadAtEnd = loadavg().map((l) => l.toFixed(2)).join(' ');

const row = (name: string, r: { ms: number[]; statuses: number[] }) =>
  `| ${name} | ${percentile(r.ms, 50).toFixed(0)} | ${percentile(r.ms, 95).toFixed(0)} | ${r.ms.length} | ${tally(r.statuses)} |`;
console.log(`API: ${apiDir}; contacts in the database: ${await runtime.ctx.connection.collection('contacts').countDocuments()}`);
console.log(`B = ${first.email} (${first.role}), A = ${second.email} (${second.role}); ${floodClients} flood clients; B every ${pace} ms; ${seconds} s per phase; env ${values.env || '(defaults)'}`);
console.log(`load average: ${loadAtStart} (start), ${loadAtEnd} (end)`);
console.log('| user B | p50 ms | p95 ms | requests | statuses |');
console.log('|---|---|---|---|---|');
console.log(row('alone', alone));
console.log(row(`while A floods`, flooded));
console.log(`A's flood: ${floodStatuses.length} answers, ${tally(floodStatuses)}`);

server.close();
await runtime.close();
await database.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
