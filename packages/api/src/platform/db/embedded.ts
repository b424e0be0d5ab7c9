import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { ferretdbBinary, hasGo, installFerretDB, startFerretDB } from './ferretdb.js';
import { EmbeddedPostgresUnavailableError, startEmbeddedPostgres, type PostgresBinaries } from './postgres.js';
import { hasSqliteData, moveSqliteData } from './sqlite-upgrade.js';

/** A database server the API started itself (and so must stop), or an external one it only uses. */
export interface DatabaseServer {
  uri: string;
  kind: 'external' | 'ferretdb-sqlite' | 'ferretdb-postgresql' | 'mongodb-memory-server';
  /** The PostgreSQL under FerretDB's PostgreSQL handler (embedded or EMBEDDED_DB_POSTGRES_URL). */
  postgresUrl?: string;
  stop(): Promise<void>;
}

/** Raised when no database can be had; its message is the one line a person needs. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** What the fallback costs, said once when the embedded PostgreSQL cannot run. */
export const SQLITE_FALLBACK_COST =
  'every filter but a lone _id is then a scan in FerretDB, so lists slow down with the data (fine for a demo, not for tens of thousands of records)';

type EmbeddedConfig = Pick<Config, 'MONGODB_URI' | 'DATA_DIR' | 'TOOLS_DIR' | 'EMBEDDED_DB_HANDLER' | 'EMBEDDED_DB_POSTGRES_URL'>;

/**
 * Finds the database to use: MONGODB_URI when set; otherwise the embedded FerretDB (installed with Go on
 * first use) on its PostgreSQL handler over a PostgreSQL the API starts itself from npm
 * (`DATA_DIR/postgres`), moving the old default's SQLite data over on the first start; where those
 * binaries cannot run, FerretDB's SQLite handler (`DATA_DIR/ferretdb`), with one line saying so;
 * otherwise, on a laptop without Go, mongodb-memory-server with a persistent dbPath in the data folder.
 */
export async function provideDatabaseServer(config: EmbeddedConfig, log: (line: string) => void = () => {}): Promise<DatabaseServer> {
  if (config.MONGODB_URI) return { uri: config.MONGODB_URI, kind: 'external', stop: async () => {} };

  const reasons: string[] = [];
  if (existsSync(ferretdbBinary(config.TOOLS_DIR)) || hasGo()) {
    try {
      const binary = installFerretDB(config.TOOLS_DIR, log);
      return await startEmbeddedDatabase({ binary, dataDir: config.DATA_DIR, handler: config.EMBEDDED_DB_HANDLER, postgresUrl: config.EMBEDDED_DB_POSTGRES_URL, log });
    } catch (error) {
      if (error instanceof DatabaseUnavailableError) throw error; // an upgrade that must not start on an empty database
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

/**
 * FerretDB on `dataDir`: with the PostgreSQL handler on the embedded PostgreSQL (`<dataDir>/postgres`),
 * or on `postgresUrl` when one is given; with the SQLite handler when asked, or when the embedded
 * PostgreSQL cannot run here (one line says so and what it costs). The first start on PostgreSQL moves
 * the old default's data (`<dataDir>/ferretdb`, SQLite) over. Both processes stop with `stop()`, and
 * with this process however it ends.
 */
export async function startEmbeddedDatabase(options: {
  binary: string;
  dataDir: string;
  handler: 'postgresql' | 'sqlite';
  postgresUrl?: string | undefined;
  /** `test`: PostgreSQL without fsync (a throw-away test database). */
  durability?: 'full' | 'test';
  /** Other PostgreSQL binaries than the npm package's (tests use ones that cannot run). */
  postgresBinaries?: PostgresBinaries;
  log?: (line: string) => void;
}): Promise<DatabaseServer> {
  const log = options.log ?? (() => {});
  const sqlite = async (): Promise<DatabaseServer> => {
    const server = await startFerretDB({ binary: options.binary, dataDir: options.dataDir, handler: 'sqlite', log });
    return { uri: server.uri, kind: 'ferretdb-sqlite', stop: () => server.stop() };
  };
  if (options.handler === 'sqlite') return sqlite();
  if (options.postgresUrl) {
    const server = await startFerretDB({ binary: options.binary, dataDir: options.dataDir, handler: 'postgresql', postgresUrl: options.postgresUrl, log });
    return { uri: server.uri, kind: 'ferretdb-postgresql', postgresUrl: options.postgresUrl, stop: () => server.stop() };
  }
  let postgres;
  try {
    postgres = await startEmbeddedPostgres({ dir: join(options.dataDir, 'postgres'), durability: options.durability, binaries: options.postgresBinaries, log });
  } catch (error) {
    if (!(error instanceof EmbeddedPostgresUnavailableError)) throw error;
    log(`embedded PostgreSQL cannot run here (${error.message}); using FerretDB's SQLite handler instead: ${SQLITE_FALLBACK_COST}`);
    return sqlite();
  }
  try {
    const server = await startFerretDB({ binary: options.binary, dataDir: options.dataDir, handler: 'postgresql', postgresUrl: postgres.url, log });
    const stop = async () => {
      await server.stop();
      await postgres.stop();
    };
    const oldStore = join(options.dataDir, 'ferretdb');
    if (hasSqliteData(oldStore)) {
      log(`moving the data of the old default (FerretDB on SQLite, ${oldStore}) to the embedded PostgreSQL, once`);
      await moveSqliteData({ binary: options.binary, sqliteDir: oldStore, targetUri: server.uri, log }).catch(async (error: unknown) => {
        await stop();
        throw new DatabaseUnavailableError(
          `the old SQLite data in ${oldStore} could not be moved to the embedded PostgreSQL (${(error as Error).message}); nothing was deleted: start again to retry, or set EMBEDDED_DB_HANDLER=sqlite to keep using it`,
        );
      });
    }
    return { uri: server.uri, kind: 'ferretdb-postgresql', postgresUrl: postgres.url, stop };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
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
