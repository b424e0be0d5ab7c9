import mongoose from 'mongoose';
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

/**
 * A connection to a database of its own on FerretDB's PostgreSQL handler, with the PostgreSQL URL under it,
 * for tests that look at the PostgreSQL tables themselves: the run's server when it is on PostgreSQL
 * (scripts/run-tests.ts says where, in TEST_POSTGRES_URL), else one started here. `close()` drops the
 * database and stops what it started.
 */
export async function postgresTestConnection(dbName: string): Promise<{ connection: mongoose.Connection; pgUrl: string; close(): Promise<void> }> {
  let uri = process.env.TEST_MONGODB_URI;
  let pgUrl = process.env.TEST_POSTGRES_URL;
  let server: DatabaseServer | undefined;
  if (!uri || !pgUrl) {
    server = await startTestDatabase(() => {});
    if (server.kind !== 'ferretdb-postgresql') {
      await server.stop();
      throw new Error('this test needs FerretDB’s PostgreSQL handler');
    }
    uri = server.uri;
    pgUrl = server.postgresUrl!;
  }
  const connection = await mongoose.createConnection(uri, { dbName }).asPromise();
  return {
    connection,
    pgUrl,
    async close() {
      await connection.dropDatabase().catch(() => {});
      await connection.close();
      await server?.stop();
    },
  };
}
