import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';

/** The format before key ids (`v1:iv:tag:body`): still read, tried under every configured key. */
const LEGACY = 'v1';
/** `v2:<key id>:iv:tag:body`: the key id names the master key that sealed it (rotation, docs/encryption.md). */
const VERSION = 'v2';

/**
 * Encrypts stored secrets (SMTP passwords, webhook secrets, Mailwizz keys) with AES-256-GCM and signs
 * links (unsubscribe) with HMAC keys derived from the same master key, so one `ENCRYPTION_KEY` covers
 * both and neither key is reused raw. During a key rotation the previous keys
 * (`ENCRYPTION_KEY_PREVIOUS`) still decrypt and verify; only the current key encrypts and signs.
 */
export interface SecretBox {
  /** The current key's id (8 hex characters), written into every new ciphertext. */
  readonly keyId: string;
  encrypt(plaintext: string): string;
  decrypt(sealed: string): string;
  /** True when `sealed` was sealed under the current key (nothing to re-encrypt). */
  isCurrent(sealed: string): boolean;
  /** `sealed` as it is when current, else decrypted and sealed again under the current key. */
  reseal(sealed: string): string;
  /** An HMAC-SHA256 signature (base64url) of `value` under a key derived for `purpose`. */
  sign(purpose: string, value: string): string;
  verify(purpose: string, value: string, signature: string): boolean;
}

interface KeySet {
  id: string;
  encryptionKey: Buffer;
  signingKey(purpose: string): Buffer;
}

function derive(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `crm:${purpose}`, 32));
}

/** The public id of a master key: 8 hex characters derived from it (names the key, reveals nothing). */
export function encryptionKeyId(key: Buffer): string {
  return derive(key, 'key-id').subarray(0, 4).toString('hex');
}

function keySet(key: Buffer): KeySet {
  if (key.length !== 32) throw new Error('the encryption key must be 32 bytes');
  const signingKeys = new Map<string, Buffer>();
  return {
    id: encryptionKeyId(key),
    encryptionKey: derive(key, 'secret-box'),
    signingKey(purpose) {
      let k = signingKeys.get(purpose);
      if (!k) signingKeys.set(purpose, (k = derive(key, `sign:${purpose}`)));
      return k;
    },
  };
}

function open(keys: KeySet, iv: string, tag: string, body: string): string {
  const decipher = createDecipheriv('aes-256-gcm', keys.encryptionKey, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/**
 * Builds the box from the current 32-byte key and, during a rotation, the previous keys (still accepted
 * for decryption and link verification, never used to encrypt or sign).
 */
export function createSecretBox(key: Buffer, previous: readonly Buffer[] = []): SecretBox {
  const current = keySet(key);
  const all = [current, ...previous.map(keySet).filter((k) => k.id !== current.id)];
  const byId = new Map(all.map((k) => [k.id, k]));
  const sign = (keys: KeySet, purpose: string, value: string) => createHmac('sha256', keys.signingKey(purpose)).update(value).digest('base64url');
  const box: SecretBox = {
    keyId: current.id,
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.encryptionKey, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
    },
    decrypt(sealed) {
      const parts = sealed.split(':');
      if (parts[0] === VERSION && parts.length === 5) {
        const [, id, iv, tag, body] = parts as [string, string, string, string, string];
        const keys = byId.get(id);
        if (!keys) throw new Error(`sealed under an encryption key that is not configured (key id ${id}): set it as ENCRYPTION_KEY_PREVIOUS until the rotation has run`);
        return open(keys, iv, tag, body);
      }
      if (parts[0] === LEGACY && parts.length === 4) {
        const [, iv, tag, body] = parts as [string, string, string, string];
        for (const keys of all) {
          try {
            return open(keys, iv, tag, body);
          } catch {
            // not this key: try the next
          }
        }
        throw new Error('sealed under an encryption key that is not configured: set it as ENCRYPTION_KEY_PREVIOUS until the rotation has run');
      }
      throw new Error('not a sealed secret');
    },
    isCurrent(sealed) {
      return sealed.startsWith(`${VERSION}:${current.id}:`);
    },
    reseal(sealed) {
      return box.isCurrent(sealed) ? sealed : box.encrypt(box.decrypt(sealed));
    },
    sign: (purpose, value) => sign(current, purpose, value),
    verify(purpose, value, signature) {
      const given = Buffer.from(signature);
      return all.some((keys) => {
        const expected = Buffer.from(sign(keys, purpose, value));
        return expected.length === given.length && timingSafeEqual(expected, given);
      });
    },
  };
  return box;
}

/**
 * Links that carry a few values and nothing else (an unsubscribe or survey link): the values joined
 * with '.', base64url-encoded, then '.' and the box's HMAC for `purpose`. Readable to whoever holds the
 * link, not changeable without the key; `read` answers the values of a genuine token with exactly
 * `count` of them, or null for anything forged, altered or malformed.
 */
export function signedLinks(box: SecretBox, purpose: string) {
  return {
    issue(values: string[]): string {
      const encoded = Buffer.from(values.join('.')).toString('base64url');
      return `${encoded}.${box.sign(purpose, encoded)}`;
    },
    read(token: string, count: number): string[] | null {
      const [encoded, signature, extra] = token.split('.');
      if (!encoded || !signature || extra !== undefined || !box.verify(purpose, encoded, signature)) return null;
      const values = Buffer.from(encoded, 'base64url').toString('utf8').split('.');
      return values.length === count ? values : null;
    },
  };
}

/**
 * The master key: `ENCRYPTION_KEY` when set (required in production); tests get a fresh random key;
 * development keeps a generated one in `DATA_DIR/dev-secrets.json` beside the JWT secret, so stored
 * SMTP passwords still decrypt after a restart.
 */
export function resolveEncryptionKey(config: Pick<Config, 'ENCRYPTION_KEY' | 'NODE_ENV' | 'DATA_DIR'>): Buffer {
  if (config.ENCRYPTION_KEY) return Buffer.from(config.ENCRYPTION_KEY, 'base64');
  if (config.NODE_ENV === 'test') return randomBytes(32);
  const file = join(config.DATA_DIR, 'dev-secrets.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  if (typeof stored.encryptionKey === 'string') return Buffer.from(stored.encryptionKey, 'base64');
  const key = randomBytes(32);
  mkdirSync(config.DATA_DIR, { recursive: true });
  writeFileSync(file, JSON.stringify({ ...stored, encryptionKey: key.toString('base64') }), { mode: 0o600 });
  return key;
}

/** The previous master keys of a rotation (`ENCRYPTION_KEY_PREVIOUS`, comma-separated base64), oldest last. */
export function previousEncryptionKeys(config: Pick<Config, 'ENCRYPTION_KEY_PREVIOUS'>): Buffer[] {
  return (config.ENCRYPTION_KEY_PREVIOUS ?? []).map((k) => Buffer.from(k, 'base64'));
}

/** The box of a deployment: the current key and, during a rotation, the previous ones. */
export function secretBoxFor(config: Pick<Config, 'ENCRYPTION_KEY' | 'ENCRYPTION_KEY_PREVIOUS' | 'NODE_ENV' | 'DATA_DIR'>): SecretBox {
  return createSecretBox(resolveEncryptionKey(config), previousEncryptionKeys(config));
}
