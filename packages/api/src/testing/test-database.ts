import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../platform/config.js';
import { startEmbeddedDatabase, type DatabaseServer } from '../platform/db/embedded.js';
import { installFerretDB } from '../platform/db/ferretdb.js';

/**
 * The database a test run uses: the default, FerretDB on its PostgreSQL handler over an embedded
 * PostgreSQL (without fsync: it is thrown away), in a temporary folder removed by `stop()`. One per run;
 * each test file makes its own database on it. EMBEDDED_DB_HANDLER=sqlite runs the tests on the SQLite
 * handler instead, EMBEDDED_DB_POSTGRES_URL on a PostgreSQL of your own.
 */
export async function startTestDatabase(log: (line: string) => void = (line) => console.log(line)): Promise<DatabaseServer & { dataDir: string }> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-test-db-'));
  chmodSync(dataDir, 0o755); // run as root, PostgreSQL runs as the postgres user and must reach its folder
  try {
    const binary = installFerretDB(config.TOOLS_DIR, log);
    const server = await startEmbeddedDatabase({ binary, dataDir, handler: config.EMBEDDED_DB_HANDLER, postgresUrl: config.EMBEDDED_DB_POSTGRES_URL, durability: 'test', log });
    return {
      ...server,
      dataDir,
      async stop() {
        await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
