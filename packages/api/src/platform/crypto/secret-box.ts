import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';

const VERSION = 'v1';

/**
 * Encrypts stored secrets (SMTP passwords) with AES-256-GCM and signs links (unsubscribe) with HMAC keys
 * derived from the same master key, so one `ENCRYPTION_KEY` covers both and neither key is reused raw.
 */
export interface SecretBox {
  encrypt(plaintext: string): string;
  decrypt(sealed: string): string;
  /** An HMAC-SHA256 signature (base64url) of `value` under a key derived for `purpose`. */
  sign(purpose: string, value: string): string;
  verify(purpose: string, value: string, signature: string): boolean;
}

/** Builds the box from a 32-byte key. */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the encryption key must be 32 bytes');
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `crm:${purpose}`, 32));
  const encryptionKey = derive('secret-box');
  const signingKeys = new Map<string, Buffer>();
  const signingKey = (purpose: string) => {
    let k = signingKeys.get(purpose);
    if (!k) signingKeys.set(purpose, (k = derive(`sign:${purpose}`)));
    return k;
  };
  const sign = (purpose: string, value: string) => createHmac('sha256', signingKey(purpose)).update(value).digest('base64url');
  return {
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
    },
    decrypt(sealed) {
      const [version, iv, tag, body] = sealed.split(':');
      if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', encryptionKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
    sign,
    verify(purpose, value, signature) {
      const expected = Buffer.from(sign(purpose, value));
      const given = Buffer.from(signature);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
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
