/**
 * Import throughput (issue 20): N contacts from a generated CSV (or XLSX, `--format xlsx`), uploaded through the API, mapped, and run
 * as the Agenda job does it, on the embedded default (FerretDB on the embedded PostgreSQL), with
 * validation by the create schema, dedupe by email (the keys of a batch looked up together, mode `skip`), search
 * entries, list rows and the audit entry per batch included. Rows per second are the run's own
 * (started → finished, as GET /v1/imports/{id} reports them); peak RSS is the API process's, sampled
 * every 100 ms during the run (FerretDB and PostgreSQL are processes of their own, not counted).
 *
 *   node --import tsx bench/import.ts [--rows 100000] [--mode skip|create] [--batch 1000] [--profile]
 *
 * `--profile` also prints the database commands of the run per command and collection (the driver's command
 * monitor): how many per row, and the summed time each kind spent in the database (overlapping commands
 * counted each, so the sum may exceed the run).
 *
 * The API runs in a process of its own (bench/import-api.ts, compiled with the API's sources as `npm start`
 * runs them, packages/api/scripts/compile.mjs; `--api-through-tsx` runs it through tsx instead, as before
 * 2026-12-07), with any `--api-node-options`, e.g. `--max-old-space-size=256`; `--heap-growing-percent N` sets its
 * HEAP_GROWING_PERCENT, 0 for V8's own growth), so its peak RSS (`VmHWM` of its
 * process, and sampled during the run) is reported apart from this process's (file, upload, polling).
 * `--in-process` runs the API inside this process instead, as the bench did before 2026-12-07.
 *
 * `--export`: once the import is done, the agency's contacts are exported: `POST /v1/exports/contacts` as XLSX and then as
 * CSV (followed until completed, then the file downloaded), and `GET /v1/contacts/export` (CSV, streamed). Each gives its
 * seconds, rows per second (rows written / seconds from the request to the file fully received), file size and the API
 * process's peak RSS during it (sampled every 100 ms).
 *
 *   node --import tsx bench/import.ts --rows 100000 --mode skip --export
 *
 * `--kill-at N` (own process only): once the run has read N rows, the API process is killed (SIGKILL) and a
 * new one started on the same database; once the dead run's heartbeat is stale (a minute), the import is run
 * again (`POST /v1/imports/{id}/run`), as a person would after a crash, and resumes from its last written
 * batch. At the end the agency's contacts are counted in the database against the file's distinct emails:
 * no row lost, none written twice. The rows per second and CPU figures then cover both runs and the wait.
 *
 *   node --import tsx bench/import.ts --rows 100000 --mode skip --kill-at 50000
 */
import { chmodSync, createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { postgresClient } from '../packages/api/src/platform/db/pushdown-indexes.js';
import { createServer } from 'node:http';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { testConfig } from '../packages/api/src/platform/config.js';
import { startRuntime } from '../packages/api/src/runtime.js';
import { makeAgency } from '../packages/api/src/testing/factories.js';
import { startTestDatabase } from '../packages/api/src/testing/test-database.js';
import { measureApi, type ApiMeasures } from './command-profile.js';
import { CLOCK_TICKS, cpuOfTree } from './cpu.js';
import { compileTree, repoRoot } from '../packages/api/scripts/compile.mjs';

const { values } = parseArgs({
  options: {
    profile: { type: 'boolean', default: false },
    rows: { type: 'string', default: '100000' },
    format: { type: 'string', default: 'csv' },
    mode: { type: 'string', default: 'skip' },
    batch: { type: 'string', default: '1000' },
    'in-process': { type: 'boolean', default: false },
    'api-node-options': { type: 'string', default: '' },
    // HEAP_GROWING_PERCENT of the API process (its default unless given; 0: V8's own growth).
    'heap-growing-percent': { type: 'string' },
    'kill-at': { type: 'string' },
    // The API process through tsx, as `npm start` ran it before 2026-12-07 (~60 MB more RSS), instead of compiled.
    'api-through-tsx': { type: 'boolean', default: false },
    // After the import: export the agency's contacts in the background (XLSX, then CSV) and directly (CSV), each timed, with the API's peak RSS during it.
    export: { type: 'boolean', default: false },
  },
});
/** The compiled API of the bench's API processes, once made (`apiBuild`). */
let built: Promise<string> | undefined;
const killAt = values['kill-at'] === undefined ? null : Number(values['kill-at']);
const inProcess = values['in-process']!;
if (inProcess && killAt !== null) throw new Error('--kill-at needs the API in a process of its own');
const rows = Number(values.rows);

const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-import-'));
chmodSync(dataDir, 0o755);
// One encryption key for every API process of the run (a test config makes a new one per process, and a process
// started after --kill-at must open what the first sealed), as a deployment configures it.
const configEnv: Record<string, string> = { ENCRYPTION_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent', DATA_DIR: dataDir, RATE_LIMIT_MAX: '1000000', USER_RATE_LIMIT_MAX: '1000000', IMPORT_BATCH_SIZE: values.batch!, JWT_SECRET: 'bench-secret-bench-secret-bench-secret!!' };
if (values['heap-growing-percent'] !== undefined) configEnv.HEAP_GROWING_PERCENT = values['heap-growing-percent'];
const rssAtStart = process.memoryUsage().rss;
const database = await startTestDatabase(() => {});
const dbName = `crm_bench_import_${Date.now()}`;

/** /proc/<pid>/status fields in MB (VmRSS now, VmHWM the peak since the process started). */
const statusMB = (pid: number, field: 'VmRSS' | 'VmHWM') => Math.round(Number(/\d+/.exec(readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`)) ?? '0')?.[0] ?? 0) / 1024);
/** CPU ticks (user + system) of one process. */
const ticksOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
};

// The API: in a process of its own (default) or in this one (--in-process).
type Finished = ApiMeasures;
let api: { port: number; adminToken: string; refreshToken: string; pid: number; start(profile: boolean): Promise<number>; finish(keep?: boolean): Promise<Finished>; close(): Promise<void> };
if (inProcess) {
  const runtime = await startRuntime(testConfig(configEnv), { uri: database.uri, dbName, postgresUrl: database.postgresUrl });
  const agency = await makeAgency(runtime);
  const server = createServer(runtime.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  let measures: ReturnType<typeof measureApi> | undefined;
  api = {
    port: (server.address() as { port: number }).port,
    adminToken: agency.adminToken,
    refreshToken: agency.refreshToken,
    pid: process.pid,
    async start(profile) {
      measures = measureApi(runtime.db.connection.getClient(), dbName, profile);
      const rss = process.memoryUsage().rss;
      await runtime.ctx.jobs.start();
      return rss;
    },
    async finish() {
      return measures!.finish();
    },
    async close() {
      server.closeAllConnections();
      await step('HTTP server', () => new Promise<void>((resolve) => server.close(() => resolve())));
      // No dropDatabase: the test server's folder is removed by its stop(), and the drop (through FerretDB, with the
      // runtime's cursors still open) outlasted 30 s at 10,000 and 100,000 rows: the likely hang after printing.
      await step('runtime (jobs, backfills, connection)', () => runtime.close());
    },
  };
} else {
  api = await apiProcess(false);
}

/** The API and bench/import-api.ts compiled once for the bench's API processes (removed when the bench ends). */
function apiBuild(): Promise<string> {
  if (!built) {
    const out = join(repoRoot, '.build', `bench-import-${process.pid}`);
    process.once('exit', () => rmSync(out, { recursive: true, force: true }));
    built = compileTree(['packages/api/src', 'bench/import-api.ts', 'bench/command-profile.ts'], out);
  }
  return built;
}

/** The API in a process of its own (bench/import-api.ts); `restart`: one that replaces a killed one, on the same agency. */
async function apiProcess(restart: boolean): Promise<typeof api & { kill(): void }> {
  // As `npm start` runs it: compiled from the sources (packages/api/scripts/compile.mjs), on plain Node.
  const script = values['api-through-tsx'] ? new URL('./import-api.ts', import.meta.url).pathname : join(await apiBuild(), 'bench', 'import-api.js');
  const child = fork(script, [], {
    execArgv: [...(values['api-through-tsx'] ? ['--import', 'tsx'] : ['--enable-source-maps']), ...(values['api-node-options'] ? values['api-node-options'].split(/\s+/) : [])],
    env: { ...process.env, BENCH_IMPORT_API: JSON.stringify({ uri: database.uri, dbName, postgresUrl: database.postgresUrl, config: configEnv, restart }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (!(key in m)) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m[key] as T);
      };
      const onExit = (code: number | null) => reject(new Error(`the API process exited (${code}) before '${key}'`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = await next<{ port: number; adminToken: string; refreshToken: string }>('ready');
  return {
    ...ready,
    kill() {
      child.kill('SIGKILL');
    },
    pid: child.pid!,
    async start(profile) {
      const started = next<{ rss: number }>('started');
      child.send({ start: { profile } });
      return (await started).rss;
    },
    async finish(keep = false) {
      const finished = next<Finished>('finished');
      child.send({ finish: true, keep });
      return finished;
    },
    async close() {
      if (child.exitCode === null && child.connected) child.send({ close: true });
      await step('API process', () => (child.exitCode !== null ? Promise.resolve() : once(child, 'exit')), 40_000);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

// The file: names, an email (every 50th repeats an earlier row's, so dedupe has work), company, city, tags.
// `--format xlsx`: the same rows as a workbook, with shared strings as Excel writes them (exceljs' streaming writer).
const xlsx = values.format === 'xlsx';
if (!['csv', 'xlsx'].includes(values.format!)) throw new Error('--format is csv or xlsx');
const file = join(dataDir, xlsx ? 'contacts.xlsx' : 'contacts.csv');
const header = ['Vorname', 'Nachname', 'E-Mail', 'Firma', 'Stadt', 'Tags'];
const first = ['Ada', 'Jürgen', 'Maria', 'Omar', 'Lena', 'Chen', 'Ines', 'Tomás'];
const last = ['Lovelace', 'Müller', 'García', 'Haddad', 'Berg', 'Wang', 'Costa', 'Novák'];
const rowOf = (i: number) => {
  const n = i % 50 === 49 ? i - 1 : i;
  return [first[i % 8]!, `${last[(i >> 3) % 8]} ${i}`, `person${n}@bench.example`, `Firma ${i % 997}`, `Stadt ${i % 101}`, 'import,bench'];
};
if (xlsx) {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const sheet = workbook.addWorksheet('Kontakte');
  sheet.addRow(header).commit();
  for (let i = 0; i < rows; i += 1) sheet.addRow(rowOf(i)).commit();
  sheet.commit();
  await workbook.commit();
} else {
  const out = createWriteStream(file);
  out.write(`${header.join(';')}\n`);
  for (let i = 0; i < rows; i += 1) if (!out.write(`${rowOf(i).join(';')}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

let base = `http://127.0.0.1:${api.port}`;
const headers = { Authorization: `Bearer ${api.adminToken}` };
let refreshToken = api.refreshToken;

const uploadStarted = Date.now();
const upload = await fetch(`${base}/v1/imports/contacts?name=${xlsx ? 'contacts.xlsx' : 'contacts.csv'}`, { method: 'POST', headers: { ...headers, 'Content-Type': xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv' }, body: Readable.toWeb(createReadStream(file)) as ReadableStream, duplex: 'half' } as RequestInit);
const created = (await upload.json()) as { id: string; suggestedMapping: unknown; size: number };
if (upload.status !== 201) throw new Error(`upload: ${upload.status} ${JSON.stringify(created)}`);
const uploadSeconds = (Date.now() - uploadStarted) / 1000;
const mapped = await fetch(`${base}/v1/imports/${created.id}/mapping`, { method: 'PUT', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ columns: created.suggestedMapping, dedupeKey: 'email', mode: values.mode }) });
if (mapped.status !== 200) throw new Error(`mapping: ${mapped.status} ${await mapped.text()}`);

// Shutdown steps are bounded: a step that overruns is named and skipped, so the bench always ends.
async function step(name: string, work: () => Promise<unknown>, ms = 30_000) {
  let timer: NodeJS.Timeout | undefined;
  const overran = new Promise<'overran'>((resolve) => (timer = setTimeout(() => resolve('overran'), ms)));
  const outcome = await Promise.race([work().then(() => 'done' as const, (error: unknown) => error), overran]);
  clearTimeout(timer);
  if (outcome !== 'done') console.error(`shutdown: ${name} ${outcome === 'overran' ? `did not end within ${ms / 1000} s` : `failed: ${String(outcome)}`}; going on`);
}

// This process's own memory (in the default layout: the bench alone; --in-process: the bench and the API).
const benchRssBeforeRun = process.memoryUsage().rss;
let benchPeakRss = benchRssBeforeRun;
const sampler = setInterval(() => {
  benchPeakRss = Math.max(benchPeakRss, process.memoryUsage().rss);
}, 100);
const loadBefore = loadavg().map((l) => l.toFixed(1)).join(' / ');
const cpuBefore = cpuOfTree();
let apiTicksBefore = inProcess ? 0 : ticksOf(api.pid);
// With --kill-at: the killed process's CPU and peak, and when it was killed and the run resumed.
let apiTicksOfKilled = 0;
let killedPeakMB = 0;
let killed: { atRead: number; killedAt: number; resumedAt?: number } | null = null;
const apiRssBeforeRun = await api.start(values.profile!);
const run = await fetch(`${base}/v1/imports/${created.id}/run`, { method: 'POST', headers });
if (run.status !== 202) throw new Error(`run: ${run.status} ${await run.text()}`);
let polls = 0;
let status: { status: string; progress: Record<string, number>; startedAt: string; finishedAt: string; failure: string | null };
for (;;) {
  await new Promise((r) => setTimeout(r, 500));
  let polled = await fetch(`${base}/v1/imports/${created.id}`, { headers });
  if (polled.status === 401) {
    // Access tokens live 15 minutes; a long run outlives several.
    const refreshed = await fetch(`${base}/v1/auth/refresh`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refreshToken }) });
    if (refreshed.status !== 200) throw new Error(`refresh: ${refreshed.status} ${await refreshed.text()}`);
    const tokens = (await refreshed.json()) as { accessToken: string; refreshToken: string };
    headers.Authorization = `Bearer ${tokens.accessToken}`;
    refreshToken = tokens.refreshToken;
    polled = await fetch(`${base}/v1/imports/${created.id}`, { headers });
  }
  if (polled.status !== 200) throw new Error(`status: ${polled.status} ${await polled.text()}`);
  status = (await polled.json()) as typeof status;
  if (killAt !== null && !killed && status.status === 'running' && (status.progress?.read ?? 0) >= killAt) {
    // The API process dies mid-batch; a new one starts on the same database, and once the dead run's heartbeat is
    // stale the import is run again, as a person would after a crash.
    const dead = api as typeof api & { kill(): void };
    killedPeakMB = statusMB(dead.pid, 'VmHWM');
    apiTicksOfKilled = ticksOf(dead.pid) - apiTicksBefore;
    dead.kill();
    killed = { atRead: status.progress.read, killedAt: Date.now() };
    console.error(`killed the API process at read=${status.progress.read} (${new Date().toISOString()})`);
    const restarted = await apiProcess(true);
    api = { ...restarted, adminToken: dead.adminToken, refreshToken: dead.refreshToken };
    base = `http://127.0.0.1:${api.port}`;
    await api.start(false);
    apiTicksBefore = ticksOf(api.pid);
    for (;;) {
      const again = await fetch(`${base}/v1/imports/${created.id}/run`, { method: 'POST', headers });
      if (again.status === 202) break;
      if (again.status !== 409) throw new Error(`run again: ${again.status} ${await again.text()}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
    killed.resumedAt = Date.now();
    console.error(`run again after ${Math.round((killed.resumedAt - killed.killedAt) / 1000)} s`);
    continue;
  }
  if (process.env.BENCH_GC_TRACE && (globalThis as { gc?: () => void }).gc) {
    (globalThis as { gc?: () => void }).gc!();
    const m = process.memoryUsage();
    console.error(`trace read=${status.progress?.read} rss=${Math.round(m.rss / 1048576)} heapAfterGc=${Math.round(m.heapUsed / 1048576)} external=${Math.round(m.external / 1048576)} buffers=${Math.round(m.arrayBuffers / 1048576)}`);
  }
  if (!['queued', 'running'].includes(status.status)) break;
  // A line every 30 s, so a run stopped early (a deadline) still says how far it got and at what pace.
  if (++polls % 60 === 0) console.error(`progress ${new Date().toISOString()} read=${status.progress?.read} rowsPerSecond=${Math.round(status.progress?.rowsPerSecond ?? 0)} apiPeakRssMB=${statusMB(api.pid, 'VmHWM')}`);
}
clearInterval(sampler);
const cpuAfter = cpuOfTree();
const apiTicksAfter = inProcess ? 0 : ticksOf(api.pid) + apiTicksOfKilled;
const apiPeakSinceStartMB = statusMB(api.pid, 'VmHWM');
// With --export the API goes on serving after its measures of the import are taken, for the exports below.
const finished = await api.finish(values.export);
if (!inProcess) {
  // In the tree the API process counts as `other` (a node process); named apart here, and this process as `bench`.
  cpuAfter.bench = cpuAfter.api!;
  cpuBefore.bench = cpuBefore.api!;
  cpuAfter.api = apiTicksAfter;
  cpuBefore.api = apiTicksBefore;
  cpuAfter.other = cpuAfter.other! - (apiTicksAfter - apiTicksOfKilled);
  cpuBefore.other = cpuBefore.other! - apiTicksBefore;
}
// With --kill-at: the records in the database against the file (every 50th row repeats the email before it).
let afterKill: Record<string, unknown> | null = null;
if (killed) {
  // Counted by PostgreSQL where FerretDB stores them (FerretDB's own count decodes every document: minutes at 1,000,000).
  let inDatabase: number;
  if (database.postgresUrl) {
    const sql = postgresClient(database.postgresUrl);
    await sql.connect();
    const table = (await sql.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename ~ '^contacts_[0-9a-f]{8}$'", [dbName])).rows[0]!.tablename;
    inDatabase = Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(dbName)}.${pg.escapeIdentifier(table)}`)).rows[0]!.n);
    await sql.end();
  } else {
    const client = await MongoClient.connect(database.uri);
    inDatabase = await client.db(dbName).collection('contacts').countDocuments({});
    await client.close();
  }
  const distinct = rows - Math.floor(rows / 50);
  afterKill = { ...killed, waitedSeconds: Math.round((killed.resumedAt! - killed.killedAt) / 1000), killedApiPeakRssMB: killedPeakMB, contactsInDatabase: inDatabase, distinctEmailsInFile: distinct, exact: inDatabase === distinct && status.progress.created === distinct };
}
const seconds = (Date.parse(status.finishedAt) - Date.parse(status.startedAt)) / 1000;

/** One export of the imported contacts, timed: the API's peak RSS sampled while it runs, the file read to its end. */
async function timedExport(how: 'background xlsx' | 'background csv' | 'direct csv') {
  let peak = 0;
  const rssBefore = inProcess ? Math.round(process.memoryUsage().rss / 1048576) : statusMB(api.pid, 'VmRSS');
  const sample = setInterval(() => (peak = Math.max(peak, inProcess ? Math.round(process.memoryUsage().rss / 1048576) : statusMB(api.pid, 'VmRSS'))), 100);
  const started = Date.now();
  let response: Response;
  let rowsWritten: number | null = null;
  if (how === 'direct csv') response = await fetch(`${base}/v1/contacts/export`, { headers });
  else {
    const format = how === 'background xlsx' ? 'xlsx' : 'csv';
    const asked = await fetch(`${base}/v1/exports/contacts`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ format }) });
    let job = (await asked.json()) as { id: string; status: string; rows: number; failure: string | null };
    if (asked.status !== 202) throw new Error(`export: ${asked.status} ${JSON.stringify(job)}`);
    while (job.status === 'queued' || job.status === 'running') {
      await new Promise((r) => setTimeout(r, 250));
      job = (await (await fetch(`${base}/v1/exports/${job.id}`, { headers })).json()) as typeof job;
    }
    if (job.status !== 'completed') throw new Error(`export ${how}: ${job.status} ${job.failure}`);
    rowsWritten = job.rows;
    response = await fetch(`${base}/v1/exports/${job.id}/file`, { headers });
  }
  if (response.status !== 200) throw new Error(`export ${how}: ${response.status} ${await response.text()}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    if (how === 'direct csv') for (const b of chunk) if (b === 10) lines += 1;
  }
  const exportSeconds = (Date.now() - started) / 1000;
  clearInterval(sample);
  const written = rowsWritten ?? lines - 1;
  return { how, rows: written, seconds: exportSeconds, rowsPerSecond: Math.round(written / exportSeconds), fileMB: Math.round((bytes / 1048576) * 10) / 10, apiRssBeforeMB: rssBefore, apiPeakRssMB: peak };
}
const exports = [];
if (values.export) {
  for (const how of ['background xlsx', 'background csv', 'direct csv'] as const) {
    exports.push(await timedExport(how));
    console.error(`export ${JSON.stringify(exports.at(-1))}`);
  }
}

const result = {
  rows,
  mode: values.mode,
  format: values.format,
  batch: Number(values.batch),
  fileMB: Math.round((created.size / 1024 / 1024) * 10) / 10,
  uploadSeconds,
  status: status.status,
  failure: status.failure,
  counts: status.progress,
  runSeconds: seconds,
  ...(afterKill ? { afterKill } : {}),
  rowsPerSecond: Math.round(rows / seconds),
  layout: inProcess ? 'API in the bench process' : `API in its own process, HEAP_GROWING_PERCENT ${testConfig(configEnv).HEAP_GROWING_PERCENT}${values['api-node-options'] ? `, ${values['api-node-options']}` : ''}`,
  // The API's process during the run (sampled every 100 ms), before it, and its peak since it started (VmHWM).
  apiPeakRssMB: Math.round(finished.peakRss / 1024 / 1024),
  apiRssBeforeRunMB: Math.round(apiRssBeforeRun / 1024 / 1024),
  apiPeakRssSinceStartMB: Math.max(apiPeakSinceStartMB, killedPeakMB),
  apiPeakHeapUsedMB: Math.round(finished.peakHeap / 1024 / 1024),
  // This process (in-process: the same figures as the API's).
  benchPeakRssMB: Math.round(benchPeakRss / 1024 / 1024),
  benchRssBeforeRunMB: Math.round(benchRssBeforeRun / 1024 / 1024),
  benchRssAtStartMB: Math.round(rssAtStart / 1024 / 1024),
  ...(values.profile ? { searchEntriesPerCreated: Math.round((finished.entriesInserted / Math.max(1, status.progress.created)) * 10) / 10 } : {}),
  // CPU seconds per 1,000 rows spent during the run by this process and by the database servers it started
  // (FerretDB, PostgreSQL and its backends): what a row costs whatever else the machine runs.
  cpuSecondsPer1000Rows: Object.fromEntries(Object.entries(cpuAfter).map(([name, ticks]) => [name, Math.round(((ticks - (cpuBefore[name] ?? 0)) / CLOCK_TICKS / (rows / 1000)) * 100) / 100])),
  load: { before: loadBefore, after: loadavg().map((l) => l.toFixed(1)).join(' / ') },
  ...(exports.length ? { exports } : {}),
};
console.log(JSON.stringify(result, null, 2));
if (values.profile) {
  const table = finished.commands.sort((a, b) => b[1].ms - a[1].ms).map(([key, s]) => `${key.padEnd(40)} ${String(s.count).padStart(8)} ${(s.count / rows).toFixed(3).padStart(8)}/row ${(s.ms / 1000).toFixed(1).padStart(8)} s`);
  console.log(['command collection                         count      per row   time', ...table].join('\n'));
}
// Shutdown (it used to hang here now and then after printing); the embedded servers' watchers stop them when
// this process exits, whatever state they are in (platform/db/ferretdb.ts, guardChild).
await api.close();
await step('database servers', () => database.stop(), 60_000);
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
