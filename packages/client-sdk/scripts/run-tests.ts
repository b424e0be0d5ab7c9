/**
 * Runs every *.test.ts under src/ and scripts/ with node's test runner (Node 20 does not expand globs
 * itself). The contract tests (`*.contract.test.ts`) run the SDK against the real API, so this starts one
 * FerretDB for the run with the API's own functions, as packages/api/scripts/run-tests.ts does, and hands
 * its address to the tests as TEST_MONGODB_URI (each test file then makes its own database on it).
 * With TEST_MONGODB_URI or MONGODB_URI already set, the tests use that server instead.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importApiModule, type ApiConfigModule, type FerretDbModule } from '../src/testing/api-modules.js';

const roots = ['src', 'scripts'];
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
let dataDir: string | undefined;
if (!uri && files.some((file) => file.endsWith('.contract.test.ts'))) {
  const { loadConfig } = await importApiModule<ApiConfigModule>('src/platform/config.ts');
  const { installFerretDB, startFerretDB } = await importApiModule<FerretDbModule>('src/platform/db/ferretdb.ts');
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  dataDir = mkdtempSync(join(tmpdir(), 'crm-sdk-tests-'));
  const binary = installFerretDB(config.TOOLS_DIR, (line) => console.log(line));
  const server = await startFerretDB({ binary, dataDir, handler: config.EMBEDDED_DB_HANDLER, postgresUrl: config.EMBEDDED_DB_POSTGRES_URL });
  uri = server.uri;
  stop = () => server.stop();
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-concurrency=2', '--test-timeout=120000', ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', ...(uri ? { TEST_MONGODB_URI: uri } : {}) },
  },
);
const code: number = await new Promise((resolve) => child.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0))));
await stop();
if (dataDir) rmSync(dataDir, { recursive: true, force: true });
process.exit(code);
