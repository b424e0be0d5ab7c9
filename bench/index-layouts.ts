/**
 * Two databases on one embedded server (FerretDB on an embedded PostgreSQL), made as the runtime makes
 * them (`ensureIndexes`, then the GIN twins of `ensurePushdownIndexes`), for the benches that compare
 * FerretDB's btree indexes with none (`search-entry-inserts.ts`, `btree-writes.ts`): `btree` makes every
 * declared index through FerretDB (as before 2026-12-07), `gin-only` leaves the plain ones to their GIN
 * twins (as the runtime does on this handler now). The app's mongoose settings are loaded first, so
 * Mongoose builds no index on its own (autoIndex off).
 */
import { loadavg } from 'node:os';
import mongoose from 'mongoose';
import '../packages/api/src/platform/db/connection.js';
import { ensureIndexes } from '../packages/api/src/platform/db/indexes.js';
import { ensurePushdownIndexes } from '../packages/api/src/platform/db/pushdown-indexes.js';
import { startTestDatabase } from '../packages/api/src/testing/test-database.js';

export const layouts = [
  { name: 'btree', pushdownOnly: false },
  { name: 'gin-only', pushdownOnly: true },
] as const;

/** The load average, 1 / 5 / 15 minutes. */
export const load = () => loadavg().map((l) => l.toFixed(1)).join(' / ');

/** Starts the server and one database per layout (named `<prefix>_<layout>_<pid>`), with the models `register` makes on a connection. */
export async function indexLayouts(prefix: string, register: (connection: mongoose.Connection) => void) {
  const database = await startTestDatabase(() => {});
  if (!database.postgresUrl) throw new Error('this bench needs the PostgreSQL handler');
  const connections: mongoose.Connection[] = [];
  for (const layout of layouts) {
    const connection = await mongoose.createConnection(database.uri, { dbName: `${prefix}_${layout.name.replace('-', '_')}_${process.pid}` }).asPromise();
    register(connection);
    await ensureIndexes(connection, { pushdownOnly: layout.pushdownOnly });
    await ensurePushdownIndexes(connection, database.postgresUrl);
    connections.push(connection);
  }
  return {
    connections,
    /** Drops both databases and stops the server. */
    async close() {
      for (const connection of connections) {
        await connection.dropDatabase().catch(() => {});
        await connection.close();
      }
      await database.stop();
    },
  };
}
