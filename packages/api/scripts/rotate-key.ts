// `npm run rotate-key -w @crm/api`: re-encrypts every stored secret under ENCRYPTION_KEY, reading the old
// ones with ENCRYPTION_KEY_PREVIOUS (docs/encryption.md). Idempotent and resumable: run it again after a
// failure; it says when the previous key may be removed.
import { loadConfig } from '../src/platform/config.js';
import { openOperatorDatabase } from '../src/platform/backup/offline-database.js';
import { rotateEncryptionKey } from '../src/platform/crypto/rotate-keys.js';
import { encryptionKeyId, previousEncryptionKeys, resolveEncryptionKey } from '../src/platform/crypto/secret-box.js';

const config = loadConfig();
const current = resolveEncryptionKey(config);
const previous = previousEncryptionKeys(config);
if (!previous.length) console.log('ENCRYPTION_KEY_PREVIOUS is not set: only values already readable with ENCRYPTION_KEY can be re-encrypted.');
const db = await openOperatorDatabase(config, (line) => console.log(line));
try {
  const report = await rotateEncryptionKey(db.connection, { current, previous }, (line) => console.log(line));
  console.log(`Re-encrypted ${report.resealed} secrets under key ${encryptionKeyId(current)}.`);
  if (report.stale === 0) console.log('Every stored secret is under the current key: ENCRYPTION_KEY_PREVIOUS may be removed (links signed with it, such as unsubscribe links in sent emails, then stop verifying).');
  else {
    console.error(`${report.stale} secrets are still under an older key: run again.`);
    process.exitCode = 1;
  }
} finally {
  await db.close();
}
