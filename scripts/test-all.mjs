#!/usr/bin/env node
// `npm test`: checks the machine first (anything missing is named in one line, before any test runs),
// then lint, type-check, every package's own tests and the packed packages in an empty project
// (scripts/check-packs.mjs) in two lanes (below), and a closing line that adds them up
// ("N passed, N failed"). Exits non-zero if any step fails.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumProblem } from './chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** True when something accepts TCP connections at host:port within a second. */
function listening(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 }, () => socket.end(() => resolve(true)));
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** What the tests need that this machine lacks, each as a short phrase with what to do. */
async function missingPrerequisites() {
  const missing = [];
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 10)) missing.push(`Node 20.10 or newer (this is ${process.version})`);
  if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) return [...missing, 'the npm packages (run `npm ci`)'];
  // argon2 is built by its install script: a failed or skipped build crashes at the first password hash.
  if (spawnSync(process.execPath, ['-e', "require('argon2').hash('x').then(() => process.exit(0))"], { cwd: join(root, 'packages', 'api'), stdio: 'ignore' }).status !== 0) {
    missing.push("argon2's native build (install python3, make and g++, then `npm rebuild argon2`)");
  }
  const ferretdb = join(process.env.TOOLS_DIR ?? join(root, '.tools'), 'bin', 'ferretdb');
  if (!process.env.MONGODB_URI && !existsSync(ferretdb) && spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    missing.push(`Go 1.22+ on the PATH to build FerretDB${existsSync('/usr/local/go/bin/go') ? ' (/usr/local/go/bin is not on the PATH)' : ''}, or MONGODB_URI`);
  }
  const browser = chromiumProblem();
  if (browser) missing.push(browser);
  const redis = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  if (!(await listening(redis.hostname, Number(redis.port || 6379)))) missing.push(`Redis at ${redis.host} for the realtime test across two API processes (start redis-server, or set TEST_REDIS_URL)`);
  return missing;
}

const missing = await missingPrerequisites();
if (missing.length) {
  process.stdout.write(`Missing before the tests can run: ${missing.join('; ')}.\n`);
  process.exit(1);
}

/**
 * Runs one step, streaming its output, or with `buffered` keeping it and printing it whole when the step
 * ends (a step running beside another one then does not interleave its lines with the other's).
 */
function run(label, command, args, cwd, { buffered = false } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    let held = '';
    const out = (chunk, stream) => {
      if (buffered) held += chunk;
      else stream.write(chunk);
    };
    if (!buffered) process.stdout.write(`\n== ${label}\n`);
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let tail = '';
    let pending = '';
    const keep = (chunk) => {
      tail = (tail + chunk).slice(-20000);
      // Every failing test's line, wherever it scrolled to: the closing summary names them, so a CI log's
      // tail says which tests failed and not only how many.
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (/^\s*not ok \d+ /.test(line) || /^\s*✗ |^\s*❌ /.test(line)) failures.push(`${label}: ${line.trim()}`);
    };
    child.stdout.on('data', (c) => {
      out(c, process.stdout);
      keep(c.toString());
    });
    child.stderr.on('data', (c) => {
      out(c, process.stderr);
      keep(c.toString());
    });
    child.on('close', (code) => {
      const took = `${label}: ${Math.round((Date.now() - started) / 1000)} s`;
      if (buffered) process.stdout.write(`\n== ${label} (ran beside the API's tests; its output whole)\n${held}`);
      timings.push(took);
      resolve({ code: code ?? 1, tail });
    });
  });
}

/** Reads the counts from a node test runner summary (`# pass N`) or a plain `N passed, N failed` line. */
function counts(tail) {
  const node = { pass: /^# pass (\d+)/m.exec(tail), fail: /^# fail (\d+)/m.exec(tail) };
  if (node.pass) return { passed: Number(node.pass[1]), failed: Number(node.fail?.[1] ?? 0) };
  const plain = [...tail.matchAll(/(\d+) passed, (\d+) failed/g)].pop();
  if (plain) return { passed: Number(plain[1]), failed: Number(plain[2]) };
  return null;
}

let passed = 0;
let failed = 0;
const timings = [];
const broken = [];
const failures = [];
/** Lint, type-check and the OpenAPI lint; `buffered` when they run beside the API's tests. */
async function checks(options) {
  for (const [label, args] of [
    ['lint', ['run', 'lint']],
    ['typecheck', ['run', 'typecheck']],
    // The API's OpenAPI document through Spectral (spectral:oas) and Redocly (recommended-strict): 0 errors, 0 warnings.
    ['OpenAPI lint', ['run', 'lint:openapi', '-w', '@crm/api']],
  ]) {
    const { code } = await run(label, 'npm', args, root, options);
    if (code !== 0) broken.push(label);
  }
}
/** The packed packages installed into an empty project. */
async function packs(options) {
  const { code, tail } = await run('packed packages in an empty project: node scripts/check-packs.mjs', process.execPath, [join(root, 'scripts', 'check-packs.mjs')], root, options);
  const c = counts(tail);
  if (c) {
    passed += c.passed;
    failed += c.failed;
  }
  if (code !== 0 || !c) broken.push('packs');
}
/** One workspace's `npm test`, added to the totals. */
async function testWorkspace(workspace, options) {
  const pkg = JSON.parse(readFileSync(join(root, workspace, 'package.json'), 'utf8'));
  if (!pkg.scripts?.test) return;
  const { code, tail } = await run(`${pkg.name}: npm test`, 'npm', ['test'], join(root, workspace), options);
  const c = counts(tail);
  if (c) {
    passed += c.passed;
    failed += c.failed;
  }
  if (code !== 0 || !c) broken.push(pkg.name + (c ? '' : ' (no test summary)'));
}
// Two lanes. The API's tests (about 25 minutes of files, much of it waiting on the database, jobs and
// mail) stream in one, two files at a time; in the other, lint, type-check, the other packages' tests and
// the packs run one after another, each printed whole as it ends. When that lane is done it creates
// CRM_API_TEST_MORE_WHEN's file and the API's runner takes four files at a time for the rest of its
// queue (packages/api/scripts/run-tests.ts). CRM_TEST_LANES=1 runs everything in one lane, in order.
const apiWorkspace = workspaces.find((w) => w === 'packages/api');
if (!apiWorkspace) throw new Error('package.json workspaces: packages/api is missing');
const otherWorkspaces = workspaces.filter((w) => w !== apiWorkspace);
if (process.env.CRM_TEST_LANES === '1') {
  await checks();
  for (const workspace of workspaces) await testWorkspace(workspace);
  await packs();
} else {
  const signalDir = mkdtempSync(join(tmpdir(), 'crm-lanes-'));
  process.env.CRM_API_TEST_MORE_WHEN = join(signalDir, 'other-lane-done');
  await Promise.all([
    testWorkspace(apiWorkspace),
    (async () => {
      try {
        await checks({ buffered: true });
        for (const workspace of otherWorkspaces) await testWorkspace(workspace, { buffered: true });
        await packs({ buffered: true });
      } finally {
        writeFileSync(process.env.CRM_API_TEST_MORE_WHEN, '');
      }
    })(),
  ]);
  rmSync(signalDir, { recursive: true, force: true });
}
if (failures.length) process.stdout.write(`\nFailing tests (and the suites holding them):\n${failures.slice(0, 60).map((f) => `  ${f}`).join('\n')}\n`);
if (broken.length) process.stdout.write(`\nFailed: ${broken.join(', ')}\n`);
process.stdout.write(`\nWall time per step: ${timings.join('; ')}\n`);
process.stdout.write(`\nall packages: ${passed} passed, ${failed} failed\n`);
process.exit(broken.length || failed ? 1 : 0);
