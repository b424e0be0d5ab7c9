import type { Connection } from 'mongoose';
import { PRIVACY_SUPPRESSION_KEY, suppressionKeyFrom } from '../privacy/suppression.js';
import { pinnedKey } from './platform-keys.js';
import { createSecretBox, encryptionKeyId, type SecretBox } from './secret-box.js';

/**
 * Every stored value sealed with the secret box, by collection and field. A field path may go through
 * one array (`secrets.sealed`: each element's `sealed`). A new sealed field must be added here, so
 * `npm run rotate-key` re-encrypts it (docs/encryption.md).
 */
export const SEALED_FIELDS: ReadonlyArray<{ collection: string; path: string; what: string }> = [
  { collection: 'mailSettings', path: 'passwordSealed', what: 'SMTP passwords' },
  { collection: 'webhookSubscriptions', path: 'secrets.sealed', what: 'webhook signing secrets' },
  { collection: 'mailwizzSettings', path: 'publicKeySealed', what: 'Mailwizz public keys' },
  { collection: 'mailwizzSettings', path: 'privateKeySealed', what: 'Mailwizz private keys' },
  { collection: 'privacy_erasure_jobs', path: 'subjectSealed', what: 'the person of a queued privacy erasure' },
  { collection: 'platform_keys', path: 'sealed', what: 'platform keys (privacy suppression)' },
];

export interface RotationReport {
  keyId: string;
  /** Per `collection.path`: values looked at, re-encrypted now, already under the current key. */
  fields: Record<string, { seen: number; resealed: number; current: number }>;
  resealed: number;
}

type Doc = Record<string, unknown>;

/**
 * Re-encrypts every sealed value that is not under the box's current key (decrypting with a previous
 * key from ENCRYPTION_KEY_PREVIOUS). Idempotent and resumable: values already current are left alone,
 * so a run that stopped half way is simply run again; each document is written with a filter on the
 * values it read, so a secret changed meanwhile by the application (sealed under the current key
 * already) is not overwritten. A value no configured key opens fails the run, naming the document.
 */
export async function rotateSealedSecrets(connection: Connection, box: SecretBox, onProgress: (line: string) => void = () => {}): Promise<RotationReport> {
  const db = connection.db!;
  const report: RotationReport = { keyId: box.keyId, fields: {}, resealed: 0 };
  for (const { collection, path } of SEALED_FIELDS) {
    const stats = { seen: 0, resealed: 0, current: 0 };
    report.fields[`${collection}.${path}`] = stats;
    const [head, tail] = path.split('.') as [string, string | undefined];
    const cursor = db.collection<Doc>(collection).find({ [head]: { $exists: true } }, { projection: { [head]: 1 } });
    for await (const doc of cursor) {
      const value = doc[head];
      if (tail === undefined) {
        if (typeof value !== 'string') continue;
        stats.seen += 1;
        if (box.isCurrent(value)) {
          stats.current += 1;
          continue;
        }
        const sealed = reseal(box, value, collection, doc._id);
        const { modifiedCount } = await db.collection<Doc>(collection).updateOne({ _id: doc._id, [head]: value }, { $set: { [head]: sealed } });
        stats.resealed += modifiedCount;
      } else if (Array.isArray(value)) {
        let changed = false;
        const next = (value as Doc[]).map((element) => {
          const inner = element?.[tail];
          if (typeof inner !== 'string') return element;
          stats.seen += 1;
          if (box.isCurrent(inner)) {
            stats.current += 1;
            return element;
          }
          changed = true;
          return { ...element, [tail]: reseal(box, inner, collection, doc._id) };
        });
        if (!changed) continue;
        const { modifiedCount } = await db.collection<Doc>(collection).updateOne({ _id: doc._id, [head]: value }, { $set: { [head]: next } });
        if (modifiedCount) stats.resealed += next.filter((e, i) => e !== (value as Doc[])[i]).length;
      }
    }
    report.resealed += stats.resealed;
    onProgress(`${collection}.${path}: ${stats.seen} sealed, ${stats.resealed} re-encrypted, ${stats.current} already under key ${box.keyId}`);
  }
  return report;
}

/** How many sealed values are not yet under the current key (0: the previous key may be removed). */
export async function countStaleSecrets(connection: Connection, box: SecretBox): Promise<number> {
  const db = connection.db!;
  let stale = 0;
  for (const { collection, path } of SEALED_FIELDS) {
    const [head, tail] = path.split('.') as [string, string | undefined];
    for await (const doc of db.collection<Doc>(collection).find({ [head]: { $exists: true } }, { projection: { [head]: 1 } })) {
      const value = doc[head];
      const values = tail === undefined ? [value] : Array.isArray(value) ? (value as Doc[]).map((e) => e?.[tail]) : [];
      stale += values.filter((v) => typeof v === 'string' && !box.isCurrent(v)).length;
    }
  }
  return stale;
}

function reseal(box: SecretBox, value: string, collection: string, id: unknown): string {
  try {
    return box.reseal(value);
  } catch (error) {
    throw new Error(`${collection} ${String(id)}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The whole rotation (`npm run rotate-key`): pins the privacy suppression key first when a deployment
 * never did (derived from the key just replaced, the one its hashes were made with, so erased people
 * stay refused after the old key is gone), then re-encrypts every sealed value under the current key.
 */
export async function rotateEncryptionKey(connection: Connection, keys: { current: Buffer; previous: readonly Buffer[] }, onProgress: (line: string) => void = () => {}): Promise<RotationReport & { stale: number }> {
  const box = createSecretBox(keys.current, keys.previous);
  const pinned = await connection.db!.collection('platform_keys').findOne({ _id: PRIVACY_SUPPRESSION_KEY as never });
  if (!pinned) {
    const hashedWith = keys.previous[0] ?? keys.current;
    await pinnedKey(connection, box, PRIVACY_SUPPRESSION_KEY, () => suppressionKeyFrom(hashedWith));
    onProgress(`pinned the privacy suppression key (derived from key ${encryptionKeyId(hashedWith)})`);
  }
  const report = await rotateSealedSecrets(connection, box, onProgress);
  return { ...report, stale: await countStaleSecrets(connection, box) };
}
