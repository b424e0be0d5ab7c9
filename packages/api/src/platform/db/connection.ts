import mongoose, { type Connection } from 'mongoose';
import { setQueryBudget } from './query-budget.js';

// Hardening that holds for every model: unknown filter keys are dropped and `$`-operators in filters
// built from user input are neutralised (sanitizeFilter), and strict schemas drop unknown fields on write.
mongoose.set('strictQuery', true);
mongoose.set('sanitizeFilter', true);
mongoose.set('autoIndex', false);
// Collections are made by ensureIndexes at start (platform/db/indexes.ts) or by their first write, not by
// one `create` per model sent while the modules are built (138 commands racing the index creation).
mongoose.set('autoCreate', false);

export interface DatabaseConnection {
  connection: Connection;
  /** True when the server answers a ping now. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens a dedicated Mongoose connection, retrying while the server starts (FerretDB takes a moment),
 * and gives up with a one-line error after `timeoutMs`.
 */
export async function connectDatabase(
  uri: string,
  options: {
    dbName: string;
    timeoutMs?: number;
    /** Connections in the pool (DB_POOL_SIZE). */
    poolSize?: number;
    /** How long a query may wait for a pooled connection before it fails with 503 (DB_POOL_WAIT_MS). */
    poolWaitMs?: number;
    /** maxTimeMS added to every query (DB_QUERY_TIMEOUT_MS; 0: none). */
    queryTimeoutMs?: number;
    /** Emit the driver's command events (`connection.getClient().on('commandStarted', …)`). */
    monitorCommands?: boolean;
    log?: (line: string) => void;
  },
): Promise<DatabaseConnection> {
  if (options.queryTimeoutMs !== undefined) setQueryBudget(options.queryTimeoutMs);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let attempt = 0;
  let lastError: unknown;
  while (Date.now() < deadline) {
    attempt += 1;
    const connection = mongoose.createConnection(uri, {
      dbName: options.dbName,
      serverSelectionTimeoutMS: Math.min(5000, Math.max(500, deadline - Date.now())),
      maxPoolSize: options.poolSize ?? 20,
      // Command events for round-trip counts (tests, bench/); off otherwise, since the driver builds an
      // event per command once they are on.
      monitorCommands: options.monitorCommands ?? false,
      ...(options.poolWaitMs ? { waitQueueTimeoutMS: options.poolWaitMs } : {}),
    });
    try {
      await connection.asPromise();
      await connection.db!.admin().ping();
      return {
        connection,
        async isReady() {
          try {
            if (connection.readyState !== 1) return false;
            await connection.db!.admin().command({ ping: 1 }, { timeoutMS: 2000 });
            return true;
          } catch {
            return false;
          }
        },
        async close() {
          await connection.close();
        },
      };
    } catch (error) {
      lastError = error;
      await connection.close().catch(() => {});
      options.log?.(`database not reachable yet (attempt ${attempt}): ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
    }
  }
  const reason = (lastError as Error | undefined)?.message?.split('\n')[0] ?? 'timed out';
  throw new Error(`Cannot reach the database at ${redactUri(uri)}: ${reason}`);
}

/** The URI without credentials, safe to print. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]+@/, '//***@');
}
