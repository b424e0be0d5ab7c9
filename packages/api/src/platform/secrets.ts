import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';

/** Signing and encryption secrets: from the environment in production, generated once per data folder elsewhere. */
export interface Secrets {
  jwt: string;
}

export function resolveSecrets(config: Pick<Config, 'JWT_SECRET' | 'NODE_ENV' | 'DATA_DIR'>): Secrets {
  if (config.JWT_SECRET) return { jwt: config.JWT_SECRET };
  if (config.NODE_ENV === 'test') return { jwt: randomBytes(32).toString('hex') };
  // Development: keep a generated secret beside the data so sessions survive a restart.
  const file = join(config.DATA_DIR, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Secrets;
  mkdirSync(config.DATA_DIR, { recursive: true });
  const secrets = { jwt: randomBytes(32).toString('hex') };
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}
