// `npm run backup [-- --out <file>]`: a consistent, compressed backup of the database and DATA_DIR's files
// with a manifest of counts and hashes (docs/backup.md). For the embedded default the API must be stopped.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/platform/config.js';
import { writeBackup } from '../src/platform/backup/backup.js';
import { openOperatorDatabase } from '../src/platform/backup/offline-database.js';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const config = loadConfig();
const cwd = process.env.INIT_CWD ?? process.cwd();
const out = resolve(cwd, values.out ?? `backups/crm-${config.DATABASE_NAME}-${new Date().toISOString().replace(/[:.]/g, '-')}.tar.gz`);
const log = (line: string) => console.log(line);

const db = await openOperatorDatabase(config, log);
try {
  if (!db.embedded) console.log('MONGODB_URI is set: for MongoDB prefer mongodump or your provider\'s snapshots (docs/backup.md); this copy is consistent only while nothing writes.');
  const manifest = await writeBackup({ db: db.connection.db!, out, dataDir: db.embedded ? config.DATA_DIR : undefined, log });
  const documents = Object.values(manifest.collections).reduce((n, c) => n + c.count, 0);
  console.log(`Backup written: ${out} (${Object.keys(manifest.collections).length} collections, ${documents} documents, ${Object.keys(manifest.files).length} files)`);
} finally {
  await db.close();
}
