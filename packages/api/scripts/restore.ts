// `npm run restore -- <file>`: restores a backup of `npm run backup` into an empty database (and DATA_DIR's
// files) and verifies counts and hashes against its manifest (docs/backup.md).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/platform/config.js';
import { restoreBackup, RestoreError } from '../src/platform/backup/backup.js';
import { openOperatorDatabase } from '../src/platform/backup/offline-database.js';

const { positionals } = parseArgs({ allowPositionals: true });
if (positionals.length !== 1) {
  console.error('usage: npm run restore -- <backup.tar.gz>');
  process.exit(2);
}
const file = resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]!);
const config = loadConfig();
const log = (line: string) => console.log(line);

const db = await openOperatorDatabase(config, log);
try {
  const manifest = await restoreBackup({ db: db.connection.db!, file, dataDir: db.embedded ? config.DATA_DIR : undefined, log });
  console.log(`Restored ${file} (taken ${manifest.createdAt}): every collection's count and hash equals the manifest's.`);
} catch (error) {
  if (!(error instanceof RestoreError)) throw error;
  console.error(`Restore refused: ${error.message}`);
  process.exitCode = 1;
} finally {
  await db.close();
}
