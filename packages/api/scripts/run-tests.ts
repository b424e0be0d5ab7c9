/**
 * Runs the API's tests: starts one FerretDB for the run (each test file then makes its own database
 * on it), runs node's test runner over every *.test.ts file, stops the server, exits with the result.
 * With MONGODB_URI set, the tests use that server instead.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadConfig } from '../src/platform/config.js';
import { installFerretDB, startFerretDB } from '../src/platform/db/ferretdb.js';

function findTests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const root = new URL('..', import.meta.url).pathname;
const filter = process.argv.slice(2);
const files = findTests(join(root, 'src'))
  .map((f) => relative(root, f))
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();

const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
let uri = process.env.MONGODB_URI;
let stop = async () => {};
const dataDir = mkdtempSync(join(tmpdir(), 'crm-api-tests-'));
if (!uri) {
  const binary = installFerretDB(config.TOOLS_DIR, (line) => console.log(line));
  const server = await startFerretDB({ binary, dataDir, handler: config.EMBEDDED_DB_HANDLER, postgresUrl: config.EMBEDDED_DB_POSTGRES_URL });
  uri = server.uri;
  stop = () => server.stop();
}

const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test', TEST_MONGODB_URI: uri, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
});
const code: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(code);
