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

/** The process logger: JSON lines in production, pretty lines in a developer's terminal. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'LOG_PRETTY' | 'NODE_ENV'>): Logger {
  const pretty = config.LOG_PRETTY ?? (config.NODE_ENV === 'development' && process.stdout.isTTY);
  return pino({
    level: config.LOG_LEVEL,
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { service: 'crm-api' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' } } } : {}),
  });
}

export type { Logger };
