import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { ferretdbBinary, hasGo, installFerretDB, startFerretDB } from './ferretdb.js';

/** A database server the API started itself (and so must stop), or an external one it only uses. */
export interface DatabaseServer {
  uri: string;
  kind: 'external' | 'ferretdb-sqlite' | 'ferretdb-postgresql' | 'mongodb-memory-server';
  stop(): Promise<void>;
}

/** Raised when no database can be had; its message is the one line a person needs. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/**
 * Finds the database to use: MONGODB_URI when set; otherwise the embedded FerretDB (installed with Go on
 * first use, data kept in DATA_DIR); otherwise, on a laptop without Go, mongodb-memory-server with a
 * persistent dbPath in the same data folder.
 */
export async function provideDatabaseServer(
  config: Pick<Config, 'MONGODB_URI' | 'DATA_DIR' | 'TOOLS_DIR' | 'EMBEDDED_DB_HANDLER' | 'EMBEDDED_DB_POSTGRES_URL'>,
  log: (line: string) => void = () => {},
): Promise<DatabaseServer> {
  if (config.MONGODB_URI) return { uri: config.MONGODB_URI, kind: 'external', stop: async () => {} };

  const reasons: string[] = [];
  if (existsSync(ferretdbBinary(config.TOOLS_DIR)) || hasGo()) {
    try {
      const binary = installFerretDB(config.TOOLS_DIR, log);
      const server = await startFerretDB({
        binary,
        dataDir: config.DATA_DIR,
        handler: config.EMBEDDED_DB_HANDLER,
        postgresUrl: config.EMBEDDED_DB_POSTGRES_URL,
        log,
      });
      return { uri: server.uri, kind: `ferretdb-${config.EMBEDDED_DB_HANDLER}`, stop: () => server.stop() };
    } catch (error) {
      reasons.push((error as Error).message);
    }
  } else {
    reasons.push('Go is not installed');
  }

  try {
    const { MongoMemoryServer } = await import('mongodb-memory-server-core');
    const dbPath = join(config.DATA_DIR, 'mongodb');
    mkdirSync(dbPath, { recursive: true });
    log('starting MongoDB through mongodb-memory-server (downloads MongoDB once)');
    const server = await quietly(() => MongoMemoryServer.create({ instance: { dbPath, storageEngine: 'wiredTiger' } }));
    return { uri: server.getUri(), kind: 'mongodb-memory-server', stop: async () => void (await server.stop({ doCleanup: false })) };
  } catch (error) {
    reasons.push(`mongodb-memory-server: ${oneLine(error as Error & { msg?: string })}`);
  }

  throw new DatabaseUnavailableError(
    `No database: install Go 1.22+ (for the embedded FerretDB) or set MONGODB_URI to a MongoDB server (${reasons.join('; ')})`,
  );
}

/** mongodb-memory-server prints a multi-line stack on its own when a start fails; the caller reports one line instead. */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return await run();
  } finally {
    console.warn = warn;
  }
}

/** "Download failed for url … (getaddrinfo ENOTFOUND host)": the first line and its cause, no stack. */
function oneLine(error: Error & { msg?: string }): string {
  const first = error.message.split('\n')[0]!.replace(/,?\s*Details:\s*$/, '');
  return error.msg && !first.includes(error.msg) ? `${first} (${error.msg})` : first;
}
