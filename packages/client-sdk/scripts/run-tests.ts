/**
 * Runs every *.test.ts under src/, scripts/ and test/ with node's test runner (Node 20 does not expand globs
 * itself). The contract tests (`*.contract.test.ts`) run the SDK against the real API, so this starts one
 * database for the run with the API's own function, as packages/api/scripts/run-tests.ts does, and hands
 * its address to the tests as TEST_MONGODB_URI (each test file then makes its own database on it).
 * With TEST_MONGODB_URI or MONGODB_URI already set, the tests use that server instead.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { importApiModule, type TestDatabaseModule } from '../test/support/api-modules.js';

const roots = ['src', 'scripts', 'test'];
const only = process.argv.slice(2);
const files = roots
  .flatMap((root) => readdirSync(root, { recursive: true, encoding: 'utf8' }).map((file) => join(root, file)))
  .filter((file) => file.endsWith('.test.ts') && (only.length === 0 || only.some((part) => file.includes(part))))
  .sort();

if (files.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}

let uri = process.env.TEST_MONGODB_URI ?? process.env.MONGODB_URI;
let stop = async (): Promise<void> => {};
if (!uri && files.some((file) => file.endsWith('.contract.test.ts'))) {
  // The API's default test database (FerretDB on an embedded PostgreSQL), started by the API's own function.
  const { startTestDatabase } = await importApiModule<TestDatabaseModule>('src/testing/test-database.ts');
  const server = await startTestDatabase();
  uri = server.uri;
  stop = () => server.stop();
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-concurrency=2', '--test-timeout=300000', ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', ...(uri ? { TEST_MONGODB_URI: uri } : {}) },
  },
);
const code: number = await new Promise((resolve) => child.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0))));
await stop();
process.exit(code);
