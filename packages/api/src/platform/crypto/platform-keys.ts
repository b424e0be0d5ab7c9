import type { Connection } from 'mongoose';
import { isDuplicateKeyError } from '../errors.js';
import type { SecretBox } from './secret-box.js';

/**
 * A server key kept in the database (`platform_keys`, sealed with the secret box) rather than derived
 * from ENCRYPTION_KEY each time: keys whose outputs are stored one-way (the privacy suppression hashes)
 * must not change when ENCRYPTION_KEY rotates. The first caller pins `initial()` by a unique insert of the
 * name (every process then reads the same key); `npm run rotate-key` re-encrypts it like any secret.
 */
export async function pinnedKey(connection: Connection, box: SecretBox, name: string, initial: () => Buffer): Promise<Buffer> {
  const keys = connection.db!.collection<{ _id: string; sealed: string; createdAt: Date }>('platform_keys');
  let doc = await keys.findOne({ _id: name });
  if (!doc) {
    try {
      await keys.insertOne({ _id: name, sealed: box.encrypt(initial().toString('base64')), createdAt: new Date() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    doc = await keys.findOne({ _id: name });
  }
  if (!doc) throw new Error(`the platform key ${name} could not be stored`);
  return Buffer.from(box.decrypt(doc.sealed), 'base64');
}
