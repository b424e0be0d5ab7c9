import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

/** Paths that never reach a log line, wherever they appear in a logged object. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.apiKey',
  '*.smtpPassword',
];

/** True when pino-pretty can be loaded (a devDependency: a production install may lack it). */
function prettyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/**
 * How logs are written: `LOG_FORMAT` when set, else `pretty` when stdout is a terminal (a person reads
 * it) and `json` when it is a pipe or a file (a collector reads it).
 */
export function logFormat(config: Pick<Config, 'LOG_FORMAT'>, stdoutIsTerminal = Boolean(process.stdout.isTTY)): 'pretty' | 'json' {
  const wanted = config.LOG_FORMAT ?? (stdoutIsTerminal ? 'pretty' : 'json');
  return wanted === 'pretty' && prettyInstalled() ? 'pretty' : 'json';
}

/** The process logger: coloured readable lines in a terminal, JSON lines everywhere else. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT'>): Logger {
  // A silent logger (tests) needs no worker thread for a transport that would print nothing.
  const pretty = config.LOG_LEVEL !== 'silent' && logFormat(config) === 'pretty';
  return pino({
    level: config.LOG_LEVEL,
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { service: 'crm-api' },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            // The transport runs in a worker thread, whose stdout is never a terminal: decide colour here.
            options: { colorize: Boolean(process.stdout.isTTY), translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' },
          },
        }
      : {}),
  });
}

export type { Logger };
