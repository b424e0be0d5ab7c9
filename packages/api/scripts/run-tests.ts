/**
 * Runs the API's tests: starts one database for the run, the default (FerretDB on the embedded
 * PostgreSQL; each test file then makes its own database on it), runs every *.test.ts file in its own
 * node test runner, a few at a time, stops the servers, exits with the result. With MONGODB_URI set, the
 * tests use that server instead. Arguments are path substrings: only the files matching one run.
 *
 * Files run from one queue, the slowest first (scripts/test-times.json, refreshed by any full run with
 * CRM_TEST_TIMES_WRITE=1), so the last minutes of a run are not one long file alone. CRM_API_TEST_JOBS
 * files run at once (2); when the file named by CRM_API_TEST_MORE_WHEN appears (scripts/test-all.mjs
 * creates it when the other packages' tests, which run beside these, are done), CRM_API_TEST_JOBS_MORE
 * (4) do. Each file's output is printed whole when it ends, then one summary in the runner's own form.
 *
 * The files run as JavaScript: `src/` is compiled once per run by esbuild into `.test-build/run-<pid>/packages/api/src`
 * (with source maps to the sources, and a copy of every other file beside it), so no test process pays tsx's
 * loader, several seconds of CPU each. CRM_API_TEST_SOURCES=1 runs the sources through tsx instead.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startTestDatabase } from '../src/testing/test-database.js';
import { compileTree } from './compile.mjs';

/** Every file under `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function count(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1 (it is ${process.env[name]})`);
  return value;
}

const root = new URL('..', import.meta.url).pathname;
const timesFile = join(root, 'scripts', 'test-times.json');
const filter = process.argv.slice(2);
const known: Record<string, number> = existsSync(timesFile) ? (JSON.parse(readFileSync(timesFile, 'utf8')) as Record<string, number>) : {};
const files = filesUnder(join(root, 'src'))
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => relative(root, f))
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  // The slowest first (a file not timed yet counts as a slow one), then by name.
  .sort((a, b) => (known[b] ?? 60) - (known[a] ?? 60) || a.localeCompare(b));
const jobs = count('CRM_API_TEST_JOBS', 2);

/** `src/` as JavaScript in this run's own folder (see above; scripts/compile.mjs); the API package's folder in it. */
async function compileSources(): Promise<string> {
  // Every file, sources too: fixtures are read beside their tests, and a test may start a .ts file through tsx.
  const out = await compileTree(['packages/api/src'], join(root, '.test-build', `run-${process.pid}`));
  return join(out, 'packages', 'api');
}
const compiled = process.env.CRM_API_TEST_SOURCES === '1' ? undefined : await compileSources();
const removeCompiled = () => {
  if (compiled) rmSync(join(root, '.test-build', `run-${process.pid}`), { recursive: true, force: true });
};
const moreJobs = count('CRM_API_TEST_JOBS_MORE', 4);
const moreWhen = process.env.CRM_API_TEST_MORE_WHEN;

let uri = process.env.MONGODB_URI;
let postgresUrl: string | undefined;
let stop = async () => {};
if (!uri) {
  const server = await startTestDatabase();
  uri = server.uri;
  postgresUrl = server.postgresUrl;
  stop = () => server.stop();
}
const env = { ...process.env, NODE_ENV: 'test', TEST_MONGODB_URI: uri, ...(postgresUrl ? { TEST_POSTGRES_URL: postgresUrl } : {}), LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' };

const totals = { tests: 0, suites: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
const failedFiles: string[] = [];
const took: Record<string, number> = {};
const running = new Set<ReturnType<typeof spawn>>();
const queue = [...files];
const started = Date.now();

/** One file in its own test runner; its output printed whole when it ends, its counts added. */
function runFile(file: string): Promise<void> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const loader = compiled ? ['--enable-source-maps'] : ['--import', 'tsx'];
    const path = compiled ? join(compiled, file.replace(/\.ts$/, '.js')) : file;
    const child = spawn(process.execPath, [...loader, '--test', '--test-force-exit', '--test-timeout=600000', path], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code, signal) => {
      running.delete(child);
      const seconds = Math.round((Date.now() - t0) / 100) / 10;
      took[file] = seconds;
      let counted = false;
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) {
        const m = new RegExp(`^# ${key} (\\d+)$`, 'm').exec(out);
        if (m) {
          totals[key] += Number(m[1]);
          counted = true;
        }
      }
      const ok = code === 0 && counted;
      if (!ok) {
        failedFiles.push(file);
        // A file that died before its summary counts as one failure, so the run cannot pass.
        if (!/^# fail [1-9]/m.test(out)) totals.fail += 1;
      }
      process.stdout.write(`\n# file ${file}: ${ok ? 'ok' : `FAILED (exit ${code ?? signal})`} in ${seconds} s\n${out.replace(/^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) .*\n/gm, '')}`);
      resolve();
    });
  });
}

function limit(): number {
  return moreWhen && existsSync(moreWhen) ? moreJobs : jobs;
}

async function worker(index: number): Promise<void> {
  for (;;) {
    // Workers past the first `jobs` wait until more may run (or the queue is empty).
    while (index >= limit() && queue.length) await new Promise((r) => setTimeout(r, 1000));
    const file = queue.shift();
    if (!file) return;
    await runFile(file);
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    queue.length = 0;
    for (const child of running) child.kill('SIGTERM');
    void stop().finally(() => {
      removeCompiled();
      process.exit(1);
    });
  });
}

await Promise.all(Array.from({ length: Math.max(jobs, moreWhen ? moreJobs : jobs) }, (_, i) => worker(i)));
await stop();
removeCompiled();

if (process.env.CRM_TEST_TIMES_WRITE === '1' && filter.length === 0) {
  writeFileSync(timesFile, `${JSON.stringify(Object.fromEntries(Object.entries(took).sort(([a], [b]) => a.localeCompare(b))), null, 2)}\n`);
}
const wall = Math.round((Date.now() - started) / 1000);
process.stdout.write(`\n# ${files.length} files in ${wall} s${failedFiles.length ? `; failed: ${failedFiles.join(', ')}` : ''}\n`);
for (const [key, value] of Object.entries(totals)) process.stdout.write(`# ${key} ${value}\n`);
process.exit(failedFiles.length || totals.fail ? 1 : 0);
