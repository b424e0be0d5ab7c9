/**
 * Runs the API's tests: starts one database for the run, the default (FerretDB on the embedded
 * PostgreSQL; each test file then makes its own database on it), runs node's test runner over every
 * *.test.ts file, stops the servers, exits with the result. With MONGODB_URI set, the tests use that
 * server instead.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startTestDatabase } from '../src/testing/test-database.js';

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

let uri = process.env.MONGODB_URI;
let postgresUrl: string | undefined;
let stop = async () => {};
if (!uri) {
  const server = await startTestDatabase();
  uri = server.uri;
  postgresUrl = server.postgresUrl;
  stop = () => server.stop();
}

const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-force-exit', '--test-concurrency=2', '--test-timeout=600000', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test', TEST_MONGODB_URI: uri, ...(postgresUrl ? { TEST_POSTGRES_URL: postgresUrl } : {}), LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
});
const code: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await stop();
process.exit(code);
