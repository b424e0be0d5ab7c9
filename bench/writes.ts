/**
 * Contact create and update at N concurrent clients (issue 15, "fast writes"). Starts the embedded
 * default (FerretDB on an embedded PostgreSQL) in a temporary folder, seeds the demo agency, grows it
 * with `--contacts` plain contacts and as many audit entries (raw inserts, so the audit collection is
 * as big as the issue's), then counts the database commands of one create and one update (the
 * driver's command monitor; warm: after a first create and update, which store the agency's default
 * workflows and make collections once; BENCH_SHOW_COMMANDS=1 adds each command's filter) and measures p50/p95/requests per second of creates, then of updates of
 * distinct contacts, with N concurrent clients for a few seconds each.
 *
 *   node --import tsx bench/writes.ts [--concurrency 10] [--seconds 5] [--contacts 10000] [--api <path to packages/api>]
 *
 * `--api` runs another checkout's API (its src/runtime.ts, or src/platform/runtime.ts before it moved, and src/seed/demo.ts), for a before/after.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ObjectId } from 'mongodb';
import { startTestDatabase } from '../packages/api/src/testing/test-database.js';
import { CLOCK_TICKS, cpuOfTree } from './cpu.js';

const { values } = parseArgs({ options: { concurrency: { type: 'string', default: '10' }, seconds: { type: 'string', default: '5' }, contacts: { type: 'string', default: '10000' }, api: { type: 'string' } } });
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);
const filler = Number(values.contacts);
const apiDir = resolve(values.api ?? join(import.meta.dirname, '..', 'packages', 'api'));
const load = (file: string) => import(pathToFileURL(join(apiDir, file)).href);

const { testConfig } = await load('src/platform/config.ts');
// The composition root moved beside app.ts; an older checkout still has it under platform/.
const { startRuntime } = await load(existsSync(join(apiDir, 'src/runtime.ts')) ? 'src/runtime.ts' : 'src/platform/runtime.ts');
const { seedDemoIfEmpty } = await load('src/seed/demo.ts');

const database = await startTestDatabase(() => {});
const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-w-'));
chmodSync(dataDir, 0o755);
const config = testConfig({ DATA_DIR: dataDir, RATE_LIMIT_MAX: '1000000', JWT_SECRET: 'bench-secret-bench-secret-bench-secret!!' });
const dbName = 'crm_bench_writes';
const runtime = await startRuntime(config, { uri: `${database.uri.replace(/\/$/, '')}/?monitorCommands=true`, dbName, postgresUrl: database.postgresUrl });
const seeded = await seedDemoIfEmpty(runtime.ctx);
const server = createServer(runtime.app);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;

let commands: string[] = [];
runtime.db.connection.getClient().on('commandStarted', (e: { databaseName: string; commandName: string; command: Record<string, unknown> }) => {
  if (e.databaseName !== dbName) return;
  // BENCH_SHOW_COMMANDS=1 adds each command's filter, to tell apart the reads of one collection.
  const detail = process.env.BENCH_SHOW_COMMANDS ? ` ${JSON.stringify(e.command.filter ?? e.command.updates ?? e.command.deletes ?? e.command.pipeline ?? e.command.query ?? '').slice(0, 160)}` : '';
  commands.push(`${e.commandName} ${String(e.command[e.commandName])}${detail}`);
});

async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

const login = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: seeded.logins[0].email, password: seeded.password }) });
const token = ((await login.json()) as { accessToken: string }).accessToken;
const me = (await call('GET', '/me', token)).json as { user: { id: string }; tenant?: { id: string } };
const anyContact = (await call('GET', '/contacts?limit=1', token)).json as { data: { id: string }[] };
const db = runtime.db.connection.db;
const sample = await db.collection('contacts').findOne({ _id: new ObjectId(anyContact.data[0]!.id) });
const tenantId = sample!.tenantId as ObjectId;

// Grow the agency: plain contacts and audit entries, in chunks (raw inserts; this is about size, not realism).
const started = Date.now();
for (let done = 0; done < filler; done += 1000) {
  const n = Math.min(1000, filler - done);
  const now = new Date();
  await db.collection('contacts').insertMany(Array.from({ length: n }, (_, i) => ({ tenantId, firstName: `Filler${done + i}`, lastName: 'Bench', emails: [], phones: [], addresses: [], tags: [], subscriptions: [], status: sample!.status, ownerId: sample!.ownerId ?? null, custom: {}, version: 0, createdAt: now, updatedAt: now })));
  await db.collection('audit_entries').insertMany(Array.from({ length: n }, (_, i) => ({ tenantId: new ObjectId(), seq: done + i + 1, type: 'bench.filler', resource: 'bench', resourceId: null, actorUserId: null, actorApiKeyId: null, ip: null, userAgent: null, changes: [], data: null, at: now, prevHash: '', hash: 'x' })));
}
const growMs = Date.now() - started;
console.error(`grown by ${filler} contacts and audit entries in ${growMs} ms`);

async function counted(run: () => Promise<number>): Promise<string[]> {
  commands = [];
  const status = await run();
  if (status >= 300) throw new Error(`status ${status}`);
  return [...commands];
}

let n = 0;
const create = async () => (await call('POST', '/contacts', token, { firstName: `Bench${(n += 1)}`, lastName: 'Writer', emails: [{ value: `bench${n}@example.com` }] })).status;
// Counted warm: the first write of a kind stores the agency's default workflow and makes collections, once.
await create();
const createCommands = await counted(create);
const target = (await call('POST', '/contacts', token, { firstName: 'Target', lastName: 'One' })).json.id as string;
await call('PATCH', `/contacts/${target}`, token, { lastName: 'Warm' });
const updateCommands = await counted(async () => (await call('PATCH', `/contacts/${target}`, token, { lastName: `Two${Date.now()}` })).status);

async function measure(scenario: string, op: (worker: number) => Promise<number>) {
  const durations: number[] = [];
  let errors = 0;
  const deadline = Date.now() + seconds * 1000;
  const cpuBefore = cpuOfTree();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (Date.now() < deadline) {
        const t = performance.now();
        const status = await op(worker).catch(() => 0);
        if (status < 200 || status >= 300) errors += 1;
        durations.push(performance.now() - t);
      }
    }),
  );
  const cpuAfter = cpuOfTree();
  // CPU ms per write by process (bench/cpu.ts): this process (the API and the clients), FerretDB, PostgreSQL (the embedded server's, all its databases).
  const cpuMsPerWrite = Object.fromEntries(Object.entries(cpuAfter).map(([name, ticks]) => [name, Math.round((((ticks - (cpuBefore[name] ?? 0)) / CLOCK_TICKS) * 1000 * 100) / Math.max(1, durations.length)) / 100]));
  durations.sort((x, y) => x - y);
  const pct = (p: number) => Math.round(durations[Math.min(durations.length - 1, Math.floor(p * durations.length))]! * 10) / 10;
  return { scenario, records: filler + 60, concurrency, handler: database.kind, p50_ms: pct(0.5), p95_ms: pct(0.95), rps: Math.round(durations.length / seconds), errors, cpuMsPerWrite };
}

const results = [];
results.push({ ...(await measure('create', () => create())), roundTrips: createCommands.length, commands: createCommands });
// Each client updates its own contact, so a version conflict never counts as a write.
const own = await Promise.all(Array.from({ length: concurrency }, async (_, i) => (await call('POST', '/contacts', token, { firstName: `Own${i}`, lastName: 'Writer' })).json.id as string));
let k = 0;
results.push({ ...(await measure('update', (w) => call('PATCH', `/contacts/${own[w]}`, token, { lastName: `Upd${(k += 1)}` }).then((r) => r.status))), roundTrips: updateCommands.length, commands: updateCommands });
console.log(JSON.stringify({ api: apiDir, user: me.user.id, growMs, load1: loadavg()[0]!.toFixed(1), results }, null, 2));
const verifyStarted = Date.now();
const verify = await fetch(`${base}/audit/verify`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(120_000) }).then((r) => r.json() as Promise<{ ok: boolean; checked: number }>).catch((error: Error) => ({ ok: null, checked: null, error: error.message }));
console.log(JSON.stringify({ auditVerify: verify, verifyMs: Date.now() - verifyStarted }));
server.close();
await runtime.close();
await database.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
