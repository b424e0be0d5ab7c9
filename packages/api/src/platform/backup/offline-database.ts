import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import type { Config } from '../config.js';
import { provideDatabaseServer } from '../db/embedded.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The deployment's database for an operator command (backup, restore, key rotation): MONGODB_URI when
 * set; otherwise the embedded default, started from DATA_DIR while holding the data folder the way the
 * API does (`DATA_DIR/api.pid`), so the command refuses to run beside a running API and nothing else
 * writes while it reads (the consistency docs/backup.md relies on).
 */
export async function openOperatorDatabase(config: Config, log: (line: string) => void): Promise<{ connection: Connection; embedded: boolean; close(): Promise<void> }> {
  let release = () => {};
  if (!config.MONGODB_URI) {
    const file = join(config.DATA_DIR, 'api.pid');
    mkdirSync(config.DATA_DIR, { recursive: true });
    if (existsSync(file)) {
      const pid = Number(readFileSync(file, 'utf8'));
      if (pid && pid !== process.pid && isAlive(pid)) throw new Error(`a CRM API (pid ${pid}) is using ${config.DATA_DIR}; stop it first (the embedded database is read while nothing writes to it)`);
    }
    writeFileSync(file, String(process.pid));
    release = () => {
      try {
        if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
      } catch {
        // already gone
      }
    };
  }
  try {
    const server = await provideDatabaseServer(config, log);
    const connection = await mongoose.createConnection(server.uri, { dbName: config.DATABASE_NAME, serverSelectionTimeoutMS: config.DB_CONNECT_TIMEOUT_MS }).asPromise();
    return {
      connection,
      embedded: !config.MONGODB_URI,
      async close() {
        await connection.close();
        await server.stop();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
