import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { startFerretDB } from './ferretdb.js';

/** What one upgrade moved: per database and collection, the documents found in the old store and now in the new one. */
export interface SqliteUpgradeReport {
  from: string;
  keptAt: string;
  collections: { database: string; collection: string; source: number; target: number }[];
}

const SYSTEM_DATABASES = new Set(['admin', 'local', 'config']);
const BATCH = 1000;
const { MongoClient } = mongoose.mongo;
type Document = mongoose.mongo.Document;

/** True when `dir` holds the old default's data (FerretDB's SQLite handler keeps one `<db>.sqlite` file per database). */
export function hasSqliteData(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((name) => name.endsWith('.sqlite'));
}

/**
 * Moves the old default's data (FerretDB on SQLite, `DATA_DIR/ferretdb`) into the new one (`targetUri`,
 * FerretDB on PostgreSQL), once: every database and collection with its indexes, then counts each
 * collection on both sides; only when every count matches is the old folder renamed
 * (`ferretdb-sqlite-moved-<date>`), never deleted. A copy that fails or does not add up throws and leaves
 * the old folder where it is, so the next start tries again (documents already copied are skipped by
 * `_id`, so nothing is doubled).
 */
export async function moveSqliteData(options: {
  binary: string;
  sqliteDir: string;
  targetUri: string;
  log?: (line: string) => void;
  now?: Date;
}): Promise<SqliteUpgradeReport> {
  const log = options.log ?? (() => {});
  const stateDir = mkdtempSync(join(tmpdir(), 'crm-sqlite-upgrade-'));
  // The old store, read-only in spirit: served by its own FerretDB on the SQLite handler.
  const old = await startFerretDB({ binary: options.binary, dataDir: stateDir, handler: 'sqlite', sqliteDir: options.sqliteDir });
  const source = new MongoClient(old.uri, { directConnection: true });
  const target = new MongoClient(options.targetUri, { directConnection: true });
  const report: SqliteUpgradeReport['collections'] = [];
  try {
    await source.connect();
    await target.connect();
    const { databases } = await source.db('admin').admin().listDatabases({ nameOnly: true });
    for (const { name: database } of databases) {
      if (SYSTEM_DATABASES.has(database)) continue;
      const from = source.db(database);
      const to = target.db(database);
      for (const info of await from.listCollections({}, { nameOnly: false }).toArray()) {
        if (info.type && info.type !== 'collection') continue;
        const name = info.name;
        const options = (info as { options?: { capped?: boolean; size?: number; max?: number } }).options ?? {};
        if (!(await to.listCollections({ name }, { nameOnly: true }).toArray()).length) {
          await to.createCollection(name, options.capped ? { capped: true, size: options.size, max: options.max } : {});
        }
        const into = to.collection(name);
        let batch: Document[] = [];
        const flush = async () => {
          if (!batch.length) return;
          await into.insertMany(batch, { ordered: false }).catch((error: { code?: number; writeErrors?: { code?: number }[] }) => {
            // A rerun after an interrupted move: documents already there (same _id) are skipped.
            const errors = error.writeErrors ?? [error];
            if (!errors.every((e) => e.code === 11000)) throw error;
          });
          batch = [];
        };
        for await (const doc of from.collection(name).find({}, { sort: { _id: 1 } })) {
          batch.push(doc);
          if (batch.length >= BATCH) await flush();
        }
        await flush();
        for (const index of await from.collection(name).indexes()) {
          if (index.name === '_id_') continue;
          const { key, name: indexName, unique } = index;
          await into.createIndex(key, { name: indexName, ...(unique ? { unique: true } : {}) }).catch((error: Error) => {
            log(`upgrade: index ${database}.${name}.${indexName} not recreated (${error.message}); the API recreates its own indexes at start`);
          });
        }
        report.push({ database, collection: name, source: await from.collection(name).countDocuments({}), target: await into.countDocuments({}) });
      }
    }
  } finally {
    await source.close().catch(() => {});
    await target.close().catch(() => {});
    await old.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
  const wrong = report.filter((c) => c.source !== c.target);
  if (wrong.length) {
    throw new Error(
      `moving the SQLite data to PostgreSQL did not add up (${wrong.map((c) => `${c.database}.${c.collection}: ${c.source} → ${c.target}`).join(', ')}); ${options.sqliteDir} is untouched`,
    );
  }
  const stamp = (options.now ?? new Date()).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const keptAt = `${options.sqliteDir}-sqlite-moved-${stamp}`;
  renameSync(options.sqliteDir, keptAt);
  const documents = report.reduce((sum, c) => sum + c.target, 0);
  log(`moved the old SQLite data to the embedded PostgreSQL: ${report.length} collections, ${documents} documents, every count checked; the old folder is kept at ${keptAt}`);
  return { from: options.sqliteDir, keptAt, collections: report };
}
