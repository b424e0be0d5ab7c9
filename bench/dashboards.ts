/**
 * Dashboards from roll-ups (issue 19), run by hand. Starts the embedded default (FerretDB on an embedded
 * PostgreSQL) in a temporary folder, seeds the demo agency, bulk-inserts N opportunities and M activities
 * spread over the last year among the demo people, rebuilds the agency's roll-ups (the job an import
 * runs), then measures through HTTP:
 *
 * - `read:<role>`: every widget of the role's seeded dashboard, asked as <crm-dashboard> asks it (a gauge
 *   its attainment in the current period, a figure its current period, a chart its range), the widgets
 *   in turn by `--concurrency` clients for `--seconds`; p50/p95 and the database commands of one request
 *   of each widget (the driver's command monitor);
 * - `dashboard:<role>`: the whole dashboard in one request (`POST /v1/metrics/batch`, as <crm-dashboard>
 *   asks since the batch route), the same widgets' queries in one body, by `--concurrency` clients for
 *   `--seconds`; its p50/p95 and CPU ms are per dashboard (compare the per-widget scenario's CPU per
 *   request times the widgets, printed beside it on stderr);
 * - `write:with` / `write:without`: opportunity creates (`--writes` of them, `--write-concurrency` at a
 *   time) with the roll-ups' subscriber on the bus and with it taken off, and the overhead at p50 and p95;
 *   with it on, also how long the queue takes to be applied after the last create; `write:held` /
 *   `update:held` the same with the subscriber on but the agency's applier lease held (nothing applied
 *   while they run), which splits the overhead into the queue insert and the applier sharing the CPU;
 *   `--rounds` alternations of the modes (default 2), and `noiseFloorPct`: the `without` writes of even
 *   rounds against those of odd rounds, the same code against itself, which an overhead has to clear;
 * - per role, the CPU ms per read request of this process, FerretDB and PostgreSQL (/proc), and with
 *   `--profile <file>` a CPU profile of this process during the first role's reads.
 *
 *   node --import tsx bench/dashboards.ts [--opportunities 100000] [--activities 200000] [--concurrency 50] [--seconds 10] [--writes 300]
 *   node --import tsx bench/dashboards.ts --opportunities 2000 --activities 4000 --seconds 3 --writes 60   (a quick check)
 *   node --import tsx bench/dashboards.ts --opportunities 20000 --activities 40000 --writes 150 --no-reads   (the writes only)
 *
 * Prints JSON; the figures go to bench/RESULTS.md by hand, with the command.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Types } from 'mongoose';
import { startTestDatabase } from '../packages/api/src/testing/test-database.js';
import { testConfig } from '../packages/api/src/platform/config.js';
import { startRuntime } from '../packages/api/src/runtime.js';
import { seedDemoIfEmpty } from '../packages/api/src/seed/demo.js';
import { userModel } from '../packages/api/src/modules/identity/user.model.js';
import { tenantModel } from '../packages/api/src/modules/identity/tenant.model.js';
import { pipelineModel } from '../packages/api/src/modules/opportunities/pipeline.model.js';
import { opportunityModel } from '../packages/api/src/modules/opportunities/opportunity.model.js';
import { activityModel } from '../packages/api/src/modules/activities/activity.model.js';
import { contactModel } from '../packages/api/src/modules/contacts/contact.model.js';
import { createRollups } from '../packages/api/src/modules/reporting/rollups.service.js';
import { contributionLookups, waitUntilApplied } from '../packages/api/src/modules/reporting/rollup-applier.js';
import { postgresClient } from '../packages/api/src/platform/db/pushdown-indexes.js';
import pg from 'pg';
import { CLOCK_TICKS, cpuOfTree } from './cpu.js';

const { values } = parseArgs({
  options: {
    opportunities: { type: 'string', default: '100000' },
    activities: { type: 'string', default: '200000' },
    concurrency: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '10' },
    writes: { type: 'string', default: '300' },
    'write-concurrency': { type: 'string', default: '10' },
    // Alternating rounds of the write modes (each: --writes creates and --writes updates per mode).
    rounds: { type: 'string', default: '2' },
    // A CPU profile of this process (the API, and the bench's own HTTP clients) during the first role's concurrent reads.
    profile: { type: 'string' },
    // The writes only: no read scenario (the seed, the rebuild and the read plans still run).
    'no-reads': { type: 'boolean', default: false },
  },
});
const counts = { opportunities: Number(values.opportunities), activities: Number(values.activities) };
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);
const writes = Number(values.writes);
const writeConcurrency = Number(values['write-concurrency']);
const rounds = Number(values.rounds);

const database = await startTestDatabase(() => {});
const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-dash-'));
chmodSync(dataDir, 0o755);
const config = testConfig({ DATA_DIR: dataDir, RATE_LIMIT_MAX: '1000000', JWT_SECRET: 'bench-secret-bench-secret-bench-secret!!', DB_QUERY_TIMEOUT_MS: '30000' });
const dbName = 'crm_bench_dash';
const runtime = await startRuntime(config, { uri: `${database.uri.replace(/\/$/, '')}/?monitorCommands=true`, dbName, postgresUrl: database.postgresUrl });
const { connection } = runtime.ctx;
const seeded = await seedDemoIfEmpty(runtime.ctx);
const server = createServer(runtime.app);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;

let commands: string[] = [];
// Documents each command returned (a find's first batch and a getMore's next batch), by request id.
let docsReturned = 0;
connection.getClient().on('commandStarted', (e: { databaseName: string; commandName: string; command: Record<string, unknown> }) => {
  if (e.databaseName === dbName) commands.push(`${e.commandName} ${String(e.command[e.commandName])}`);
});
connection.getClient().on('commandSucceeded', (e: { reply?: { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] }; n?: number } }) => {
  const cursor = e.reply?.cursor;
  docsReturned += (cursor?.firstBatch ?? cursor?.nextBatch ?? []).length;
});

async function signIn(email: string): Promise<string> {
  const res = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: seeded.password }) });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

const phases: Record<string, number> = {};
const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  const out = await work();
  phases[label] = Math.round((performance.now() - started) / 100) / 10;
  console.error(`${label}: ${phases[label]} s (load ${loadavg()[0]!.toFixed(1)})`);
  return out;
};

// The demo agency, its people and its pipeline.
const tenant = (await tenantModel(connection).findOne({}).sort({ createdAt: 1 }).lean())!;
const tenantId = tenant._id as Types.ObjectId;
const owners = (await userModel(connection).find({ tenantId }).select('_id').lean()).map((u) => u._id);
const pipeline = (await pipelineModel(connection).findOne({ tenantId }).lean())!;
const contact = (await contactModel(connection).findOne({ tenantId }).select('_id').lean())!;
const yearAgo = Date.now() - 365 * 86_400_000;
// One bulk insert (one command) per 2,000 records.
const SEED_BATCH = 2000;
const spread = (i: number) => new Date(yearAgo + ((i * 7_919_993) % (365 * 86_400_000)));

await timed(`seed ${counts.opportunities} opportunities`, async () => {
  for (let start = 0; start < counts.opportunities; start += SEED_BATCH) {
    const docs = [];
    for (let i = start; i < Math.min(counts.opportunities, start + SEED_BATCH); i += 1) {
      const stage = pipeline.stages[i % pipeline.stages.length]!;
      const amount = 1000 + ((i * 7919) % 90000);
      const at = spread(i);
      docs.push({
        tenantId, name: `Bench deal ${i}`, amount, currency: 'EUR', probability: stage.probability, weightedAmount: (amount * stage.probability) / 100,
        pipelineId: pipeline._id, stage: stage.key, stageKind: stage.kind, rank: i * 1024, expectedCloseDate: new Date(at.getTime() + 30 * 86_400_000),
        ownerId: owners[i % owners.length], outcome: stage.kind === 'won' ? 'won' : stage.kind === 'lost' ? 'lost' : null, lostReason: stage.kind === 'lost' ? 'price' : null,
        closedAt: stage.kind === 'open' ? null : at, version: 0, createdAt: at, updatedAt: at,
      });
    }
    await opportunityModel(connection).collection.insertMany(docs as never[], { ordered: false });
  }
});
await timed(`seed ${counts.activities} activities`, async () => {
  const types = ['email', 'call', 'meeting', 'note'] as const;
  for (let start = 0; start < counts.activities; start += SEED_BATCH) {
    const docs = [];
    for (let i = start; i < Math.min(counts.activities, start + SEED_BATCH); i += 1) {
      const at = spread(i * 3 + 1);
      docs.push({ tenantId, type: types[i % types.length], title: `Touch ${i}`, subject: { type: 'contact', id: contact._id }, subjectType: 'contact', subjectId: contact._id, occurredAt: at, ownerId: owners[i % owners.length], version: 0, createdAt: at, updatedAt: at });
    }
    await activityModel(connection).collection.insertMany(docs as never[], { ordered: false });
  }
});
const rebuilt = await timed('roll-ups rebuilt', () => createRollups({ connection, events: runtime.ctx.events }).rebuild(tenantId));

/**
 * How PostgreSQL runs a widget's read (metrics.service → rollups.read): FerretDB sends `{tenantId, line}` or
 * `{tenantId, slice}` as jsonb containments on its table; the plan says which GIN indexes serve them.
 */
async function readPlans(): Promise<Record<string, string[]>> {
  if (!database.postgresUrl) return {};
  const client = postgresClient(database.postgresUrl);
  await client.connect();
  try {
    const q = (name: string) => pg.escapeIdentifier(name);
    const { rows: [meta] } = await client.query<{ table: string }>(`SELECT _jsonb->>'table' AS table FROM ${q(dbName)}._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'rollups'`);
    const table = `${q(dbName)}.${q(meta!.table)}`;
    await client.query(`ANALYZE ${table}`);
    const { rows: [sample] } = await client.query<{ t: unknown; line: unknown; slice: unknown }>(`SELECT _jsonb->'tenantId' AS t, _jsonb->'line' AS line, _jsonb->'slice' AS slice FROM ${table} WHERE _jsonb->'metric' @> '"deals.won"' AND _jsonb->'period' @> '"day"' AND _jsonb->'dimension' @> '"owner"' LIMIT 1`);
    const out: Record<string, string[]> = {};
    const explain = async (label: string) => {
      for (const field of ['line', 'slice'] as const) {
        const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) SELECT _jsonb FROM ${table} WHERE (_jsonb->'tenantId') @> $1::jsonb AND (_jsonb->${pg.escapeLiteral(field)}) @> $2::jsonb`, [JSON.stringify(sample!.t), JSON.stringify(sample![field])]);
        out[`${field} ${label}`] = plan.rows.map((r) => r['QUERY PLAN'].trim()).filter((l) => /Scan|Execution|Buffers: shared|Filter|Cond/.test(l));
      }
    };
    await explain('after the rebuild');
    // The same once the GIN indexes' pending lists (fastupdate) are merged, as autovacuum would.
    await client.query(`SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam WHERE i.indrelid = '${table}'::regclass AND a.amname = 'gin'`);
    await explain('pending lists merged');
    return out;
  } finally {
    await client.end();
  }
}
const plans = await readPlans();

/**
 * Rows PostgreSQL read per table of the bench's database (sequential reads plus rows fetched through
 * indexes, and index entries read), from its statistics views: what a request scanned, beside what it
 * returned. FerretDB's connections flush their statistics within a second of going idle, hence the waits.
 */
const statsClient = database.postgresUrl ? postgresClient(database.postgresUrl) : null;
await statsClient?.connect();
async function rowsRead(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!statsClient) return out;
  await new Promise((r) => setTimeout(r, 11_000));
  const { rows } = await statsClient.query<{ collection: string; n: string }>(
    `SELECT coalesce(m._jsonb->>'_id', t.relname) AS collection, (coalesce(t.seq_tup_read, 0) + coalesce(t.idx_tup_fetch, 0) + coalesce((SELECT sum(i.idx_tup_read) FROM pg_stat_user_indexes i WHERE i.relid = t.relid), 0))::text AS n
       FROM pg_stat_user_tables t LEFT JOIN ${pg.escapeIdentifier(dbName)}._ferretdb_database_metadata m ON m._jsonb->>'table' = t.relname WHERE t.schemaname = $1`,
    [dbName],
  );
  for (const r of rows) out.set(r.collection, Number(r.n));
  return out;
}
interface Figures { scenario: string; requests: number; p50_ms: number; p95_ms: number; rps: number; errors: number; cpuMsPerRequest?: Record<string, number>; commandsPerRequest?: Record<string, string[]> }
const results: Figures[] = [];
const percentile = (sorted: number[], p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 10) / 10;

/** The requests <crm-dashboard> makes for a dashboard's widgets (dashboard-widget.ts), for a signed-in person. */
async function widgetPaths(token: string, userId: string): Promise<{ id: string; path: string }[]> {
  const res = await fetch(`${base}/dashboards`, { headers: { Authorization: `Bearer ${token}` } });
  const { data } = (await res.json()) as { data: { widgets: { id: string; kind: string; metric: string; period: string; dimension: string; range?: string }[] }[] };
  const today = new Date();
  const back = (days: number) => new Date(today.getTime() - days * 86_400_000).toISOString().slice(0, 10);
  return data[0]!.widgets.map((w) => {
    if (w.kind === 'gauge') {
      const subject = w.dimension === 'owner' ? `&dimension=owner&key=${userId}` : '';
      return { id: w.id, path: `/targets/attainment?metric=${w.metric}&period=${w.period}${subject}` };
    }
    const span = w.kind !== 'chart' ? '' : w.range === 'quarter' ? '&since=quarter' : `&from=${back({ week: 6, month: 31, '3months': 92, year: 365 }[w.range ?? ''] ?? ({ day: 11, week: 77, month: 335, quarter: 1000, year: 4000 }[w.period] ?? 365))}`;
    return { id: w.id, path: `/metrics?metric=${w.metric}&period=${w.period}&dimension=${w.dimension}${span}` };
  });
}

for (const login of values['no-reads'] ? [] : [seeded.logins[0]!, ...seeded.logins.filter((l) => /sales/i.test(l.role)).slice(0, 1)]) {
  const token = await signIn(login.email);
  const me = (await (await fetch(`${base}/me`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { id: string };
  const paths = await widgetPaths(token, me.id);
  const perRequest: Record<string, string[]> = {};
  // Per widget: commands and documents returned by one request, and its time alone (one client, median of 5).
  const perWidget: Record<string, { commands: number; docs: number; aloneMs: number }> = {};
  for (const { id, path } of paths) {
    commands = [];
    docsReturned = 0;
    const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    perRequest[id] = [...commands];
    const docs = docsReturned;
    const alone: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      await (await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } })).arrayBuffer();
      alone.push(performance.now() - started);
    }
    perWidget[id] = { commands: perRequest[id].length, docs, aloneMs: percentile(alone.sort((a, b) => a - b), 0.5) };
  }
  console.error(JSON.stringify({ role: login.role, perWidget }));
  const durations: number[] = [];
  let errors = 0;
  let next = 0;
  // Every command the database got during the concurrent reads (the widgets' and anything running beside them), and the documents returned.
  commands = [];
  docsReturned = 0;
  const rowsBefore = await rowsRead();
  const profiling = values.profile && login === seeded.logins[0] ? new Session() : null;
  if (profiling) {
    profiling.connect();
    await profiling.post('Profiler.enable');
    await profiling.post('Profiler.start');
  }
  const cpuBefore = cpuOfTree();
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const { path } = paths[next++ % paths.length]!;
        const started = performance.now();
        const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } }).catch(() => null);
        await res?.arrayBuffer();
        if (res?.status !== 200) errors += 1;
        durations.push(performance.now() - started);
      }
    }),
  );
  const cpuAfter = cpuOfTree();
  if (profiling) {
    const { profile } = await profiling.post('Profiler.stop');
    writeFileSync(values.profile!, JSON.stringify(profile));
    profiling.disconnect();
  }
  // CPU ms per request during the concurrent reads, by process (the API's includes the bench's own HTTP clients, in the same process).
  const cpuMsPerRequest = Object.fromEntries(Object.entries(cpuAfter).map(([name, ticks]) => [name, Math.round((((ticks - (cpuBefore[name] ?? 0)) / CLOCK_TICKS) * 1000 / Math.max(1, durations.length)) * 100) / 100]));
  durations.sort((a, b) => a - b);
  const rowsAfter = await rowsRead();
  const tally: Record<string, number> = {};
  for (const c of commands) tally[c.replace(/getMore \d+/, 'getMore')] = (tally[c.replace(/getMore \d+/, 'getMore')] ?? 0) + 1;
  const scanned: Record<string, number> = {};
  for (const [collection, n] of rowsAfter) if (n - (rowsBefore.get(collection) ?? 0) > 0) scanned[collection] = n - (rowsBefore.get(collection) ?? 0);
  console.error(JSON.stringify({ role: login.role, requests: durations.length, cpuMsPerRequest, commandsDuringReads: tally, docsReturnedDuringReads: docsReturned, rowsReadDuringReads: scanned }));
  results.push({ scenario: `read:${login.role}`, requests: durations.length, p50_ms: percentile(durations, 0.5), p95_ms: percentile(durations, 0.95), rps: Math.round(durations.length / seconds), errors, cpuMsPerRequest, commandsPerRequest: perRequest });
  // Printed at once too, so a run stopped later still leaves its read figures.
  console.error(JSON.stringify({ ...results.at(-1), commandsPerRequest: undefined, load1: loadavg()[0]!.toFixed(1) }));

  // The whole dashboard in one request (POST /v1/metrics/batch, as <crm-dashboard> now asks): the same
  // widgets' queries in one body, the dashboards in turn by `--concurrency` clients for `--seconds`.
  const queries = paths.map(({ path }) => {
    const [route, search] = path.split('?') as [string, string];
    return { kind: route === '/targets/attainment' ? 'attainment' : 'metric', ...Object.fromEntries(new URLSearchParams(search)) };
  });
  const batchBody = JSON.stringify({ queries });
  const postBatch = () => fetch(`${base}/metrics/batch`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: batchBody });
  const first = await postBatch();
  const firstBody = (await first.json()) as { results?: { kind: string }[] };
  if (first.status !== 200 || firstBody.results?.some((r) => r.kind === 'problem')) throw new Error(`batch: ${first.status} ${JSON.stringify(firstBody)}`);
  const whole: number[] = [];
  let wholeErrors = 0;
  const wholeCpuBefore = cpuOfTree();
  const wholeDeadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < wholeDeadline) {
        const started = performance.now();
        const res = await postBatch().catch(() => null);
        await res?.arrayBuffer();
        if (res?.status !== 200) wholeErrors += 1;
        whole.push(performance.now() - started);
      }
    }),
  );
  const wholeCpuAfter = cpuOfTree();
  whole.sort((a, b) => a - b);
  const cpuMsPerDashboard = Object.fromEntries(Object.entries(wholeCpuAfter).map(([name, ticks]) => [name, Math.round((((ticks - (wholeCpuBefore[name] ?? 0)) / CLOCK_TICKS) * 1000 / Math.max(1, whole.length)) * 100) / 100]));
  // Per dashboard, so the two compare: the per-widget scenario's figures times the widgets of a dashboard.
  const perWidgetCpuPerDashboard = Object.fromEntries(Object.entries(cpuMsPerRequest).map(([name, ms]) => [name, Math.round(ms * paths.length * 100) / 100]));
  results.push({ scenario: `dashboard:${login.role}`, requests: whole.length, p50_ms: percentile(whole, 0.5), p95_ms: percentile(whole, 0.95), rps: Math.round(whole.length / seconds), errors: wholeErrors, cpuMsPerRequest: cpuMsPerDashboard });
  console.error(JSON.stringify({ role: login.role, widgets: paths.length, wholeDashboardsPerSecond: Math.round(whole.length / seconds), perWidgetDashboardsPerSecond: Math.round(durations.length / paths.length / seconds), cpuMsPerDashboard: { whole: cpuMsPerDashboard, perWidget: perWidgetCpuPerDashboard }, load1: loadavg()[0]!.toFixed(1) }));
}

if (writes === 0) {
  // Reads only (`--writes 0`).
  await statsClient?.end();
  console.log(JSON.stringify({ handler: runtime.database.kind, load1: loadavg()[0]!.toFixed(1), counts, rebuilt, concurrency, seconds, results, phasesS: phases }, null, 2));
  server.close();
  await runtime.close();
  await database.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

// Writes with and without the roll-ups' subscriber (the one that queues a record's share on the write path).
const adminToken = await signIn(seeded.logins[0]!.email);
const bus = runtime.ctx.events as unknown as { handlers: { pattern: string; handler: { name: string } }[] };
const rollupHandlers = bus.handlers.filter((h) => h.handler.name === 'onEvent' && ['opportunity.*', 'lead.*', 'activity.*', 'ticket.*'].includes(h.pattern));
if (rollupHandlers.length !== 4) throw new Error(`expected the roll-ups' 4 subscribers, found ${rollupHandlers.length}`);
// The time each create spends in the roll-ups' subscriber (the queue insert), measured on the write path itself.
const queueMs: number[] = [];
for (const entry of rollupHandlers as unknown as { handler: (event: unknown) => Promise<void> }[]) {
  const inner = entry.handler;
  entry.handler = async (event: unknown) => {
    const started = performance.now();
    await inner(event);
    queueMs.push(performance.now() - started);
  };
}
const made: string[] = [];
async function createMany(label: string): Promise<number[]> {
  const durations: number[] = [];
  let count = 0;
  await Promise.all(
    Array.from({ length: writeConcurrency }, async () => {
      while (count < writes) {
        const i = count++;
        const started = performance.now();
        const res = await fetch(`${base}/opportunities`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: `${label} ${i}`, amount: 1000 + i, pipelineId: String(pipeline._id) }) });
        const body = (await res.json()) as { id: string };
        if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(body)}`);
        durations.push(performance.now() - started);
        made.push(body.id);
      }
    }),
  );
  return durations.sort((a, b) => a - b);
}
const updateErrors: { count: number; first?: string } = { count: 0 };
/** Updates (`PATCH`, a new amount) of `writes` deals made by the creates above, each a different deal. */
async function updateMany(round: number): Promise<number[]> {
  const durations: number[] = [];
  let count = 0;
  await Promise.all(
    Array.from({ length: writeConcurrency }, async () => {
      while (count < writes) {
        const i = count++;
        const id = made[(round * writes + i) % made.length]!;
        const started = performance.now();
        const res = await fetch(`${base}/opportunities/${id}`, { method: 'PATCH', headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ amount: 2000 + round * 10 + i }) });
        const text = await res.text();
        durations.push(performance.now() - started);
        // A failed update is counted (and its first answer kept), not fatal: the run's other figures stand.
        if (res.status !== 200) {
          updateErrors.count += 1;
          updateErrors.first ??= `${res.status} ${text.slice(0, 300)}`;
        }
      }
    }),
  );
  return durations.sort((a, b) => a - b);
}
await createMany('Warm-up'); // both modes measured after the same warm-up
await waitUntilApplied(connection, tenantId, 120_000);
// Alternating halves, so a change in the machine's load falls on both modes alike.
queueMs.length = 0;
const withRollups: number[] = [];
const withoutRollups: number[] = [];
const updatesWith: number[] = [];
const updatesWithout: number[] = [];
let appliedAfterMs = 0;
let updateRound = 0;
// A third mode: the queue insert on the write path as always, but the agency's applier lease held by
// someone else (as another process would hold it), so no batch is applied while these writes run. Beside
// the two others it splits the overhead: held − without is the insert on the write path, with − held the
// applier's batches sharing the CPU with the writes.
const withHeld: number[] = [];
const updatesHeld: number[] = [];
const appliers = connection.collection<{ _id: string }>('rollup_appliers');
// CPU ticks and database commands per mode, over both rounds (creates and updates): `with` until its queue
// is applied, `held` without the applier's work (the catch-up after it is counted apart), `without`.
const spent: Record<string, { cpu: Record<string, number>; commands: Record<string, number>; writes: number; contributions: Record<string, number> }> = {};
async function accounted(mode: string, writesDone: number, work: () => Promise<void>): Promise<void> {
  commands = [];
  const lookups = { ...contributionLookups };
  const before = cpuOfTree();
  await work();
  const after = cpuOfTree();
  const entry = (spent[mode] ??= { cpu: {}, commands: {}, writes: 0, contributions: {} });
  // How the applier found the stored contributions: from its memory, or read (and of those, ones it had but could not trust).
  for (const [k, n] of Object.entries(contributionLookups)) entry.contributions[k] = (entry.contributions[k] ?? 0) + n - lookups[k as keyof typeof lookups];
  entry.writes += writesDone;
  for (const [name, ticks] of Object.entries(after)) entry.cpu[name] = (entry.cpu[name] ?? 0) + ticks - (before[name] ?? 0);
  for (const c of commands) {
    const key = c.replace(/getMore \d+/, 'getMore');
    entry.commands[key] = (entry.commands[key] ?? 0) + 1;
  }
}
// The `without` writes of even and odd rounds apart: the same code against itself (an A/A comparison), whose
// "overhead" is the noise floor a difference between the modes has to clear on this machine.
const withoutByParity: [number[], number[]] = [[], []];
const updatesWithoutByParity: [number[], number[]] = [[], []];
for (let round = 0; round < rounds; round += 1) {
  await accounted('with', 2 * writes, async () => {
    withRollups.push(...(await createMany('With')));
    updatesWith.push(...(await updateMany(updateRound++)));
    const lastWrite = performance.now();
    await waitUntilApplied(connection, tenantId, 120_000);
    appliedAfterMs = Math.max(appliedAfterMs, performance.now() - lastWrite);
  });
  // Nothing is applying now (waited for above): the lease is free, and is taken as another process would.
  // Taken only once free, as another process takes it: a drain that started after the wait above (a kick's
  // next round) is let finish, rather than having its lease overwritten under it.
  for (let tries = 0; ; tries += 1) {
    const held = await appliers.updateOne({ _id: String(tenantId), holder: null } as never, { $set: { holder: 'bench-held', leaseUntil: new Date(Date.now() + 600_000) } });
    if (held.matchedCount === 1) break;
    if (tries > 6000) throw new Error('could not hold the applier lease');
    await new Promise((r) => setTimeout(r, 10));
  }
  await accounted('held', 2 * writes, async () => {
    withHeld.push(...(await createMany('Held')));
    updatesHeld.push(...(await updateMany(updateRound++)));
  });
  await appliers.updateOne({ _id: String(tenantId) }, { $set: { holder: null, leaseUntil: new Date(0) } });
  // One more write kicks the applier, which applies what the held round queued before the next mode.
  await accounted('held catch-up (one create, then the held round applied at once)', 2 * writes, async () => {
    await (await fetch(`${base}/opportunities`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Kick', amount: 1, pipelineId: String(pipeline._id) }) })).arrayBuffer();
    await waitUntilApplied(connection, tenantId, 120_000);
  });
  for (const h of rollupHandlers) bus.handlers.splice(bus.handlers.indexOf(h as never), 1);
  await accounted('without', 2 * writes, async () => {
    const creates = await createMany('Without');
    const updates = await updateMany(updateRound++);
    withoutRollups.push(...creates);
    updatesWithout.push(...updates);
    withoutByParity[round % 2]!.push(...creates);
    updatesWithoutByParity[round % 2]!.push(...updates);
  });
  bus.handlers.push(...(rollupHandlers as never[]));
}
// Per write (create or update) of each mode: CPU ms by process, the commands sent (the 12 most sent), and every command of the roll-ups' collections.
const perWrite = Object.fromEntries(
  Object.entries(spent).map(([mode, e]) => [
    mode,
    {
      cpuMs: Object.fromEntries(Object.entries(e.cpu).map(([name, ticks]) => [name, Math.round(((ticks / CLOCK_TICKS) * 1000 * 100) / e.writes) / 100])),
      commands: Object.fromEntries(Object.entries(e.commands).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([c, n]) => [c, Math.round((n / e.writes) * 100) / 100])),
      rollupCommands: Object.fromEntries(Object.entries(e.commands).filter(([c]) => c.includes('rollup')).sort((a, b) => b[1] - a[1]).map(([c, n]) => [c, Math.round((n / e.writes) * 1000) / 1000])),
      contributionLookups: e.contributions,
    },
  ]),
);
for (const list of [withRollups, withoutRollups, updatesWith, updatesWithout, withHeld, updatesHeld, ...withoutByParity, ...updatesWithoutByParity]) list.sort((a, b) => a - b);
const overheadOf = (on: number[], off: number[]) => (p: number) => Math.round((percentile(on, p) / percentile(off, p) - 1) * 1000) / 10;
const overhead = overheadOf(withRollups, withoutRollups);
const updateOverhead = overheadOf(updatesWith, updatesWithout);
const heldOverhead = overheadOf(withHeld, withoutRollups);
const heldUpdateOverhead = overheadOf(updatesHeld, updatesWithout);
const noiseFloor = overheadOf(withoutByParity[1], withoutByParity[0]);
const updateNoiseFloor = overheadOf(updatesWithoutByParity[1], updatesWithoutByParity[0]);
results.push({ scenario: 'write:with', requests: withRollups.length, p50_ms: percentile(withRollups, 0.5), p95_ms: percentile(withRollups, 0.95), rps: 0, errors: 0 });
results.push({ scenario: 'write:without', requests: withoutRollups.length, p50_ms: percentile(withoutRollups, 0.5), p95_ms: percentile(withoutRollups, 0.95), rps: 0, errors: 0 });
results.push({ scenario: 'update:with', requests: updatesWith.length, p50_ms: percentile(updatesWith, 0.5), p95_ms: percentile(updatesWith, 0.95), rps: 0, errors: 0 });
results.push({ scenario: 'write:held', requests: withHeld.length, p50_ms: percentile(withHeld, 0.5), p95_ms: percentile(withHeld, 0.95), rps: 0, errors: 0 });
results.push({ scenario: 'update:held', requests: updatesHeld.length, p50_ms: percentile(updatesHeld, 0.5), p95_ms: percentile(updatesHeld, 0.95), rps: 0, errors: 0 });
results.push({ scenario: 'update:without', requests: updatesWithout.length, p50_ms: percentile(updatesWithout, 0.5), p95_ms: percentile(updatesWithout, 0.95), rps: 0, errors: 0 });

console.log(JSON.stringify({ handler: runtime.database.kind, load1: loadavg()[0]!.toFixed(1), counts, rebuilt, concurrency, seconds, writeConcurrency, results, writeOverheadPct: { p50: overhead(0.5), p95: overhead(0.95) }, updateOverheadPct: { p50: updateOverhead(0.5), p95: updateOverhead(0.95) }, heldWriteOverheadPct: { p50: heldOverhead(0.5), p95: heldOverhead(0.95) }, heldUpdateOverheadPct: { p50: heldUpdateOverhead(0.5), p95: heldUpdateOverhead(0.95) }, rounds, noiseFloorPct: rounds > 1 ? { creates: { p50: noiseFloor(0.5), p95: noiseFloor(0.95) }, updates: { p50: updateNoiseFloor(0.5), p95: updateNoiseFloor(0.95) } } : null, phasesS: phases, updateErrors, readPlans: plans, perWrite, queueInsertMs: { p50: percentile(queueMs.sort((a, b) => a - b), 0.5), p95: percentile(queueMs, 0.95) }, queueAppliedWithinMsAfterLastCreate: Math.round(appliedAfterMs) }, null, 2));
server.close();
await statsClient?.end();
await runtime.close();
await database.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
