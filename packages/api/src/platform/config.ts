import { z } from 'zod';
import { defaultDataDir, defaultToolsDir } from './paths.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const csv = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/** Every environment variable the API reads; README.md documents each one. */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_URL: z.url().optional(),
    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\/.+/, 'must start with mongodb:// or mongodb+srv://')
      .optional(),
    DATABASE_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,60}$/, 'letters, digits, _ and - only, at most 60')
      .default('crm'),
    EMBEDDED_DB_HANDLER: z.enum(['postgresql', 'sqlite']).default('postgresql'),
    EMBEDDED_DB_POSTGRES_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
    DATA_DIR: z.string().min(1).default(defaultDataDir),
    TOOLS_DIR: z.string().min(1).default(defaultToolsDir),
    DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
    DB_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(20),
    DB_QUERY_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
    DB_POOL_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
    CORS_ORIGINS: csv.default([]),
    BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'a size such as 100kb or 1mb').default('1mb'),
    TRUST_PROXY: z.union([bool, z.coerce.number().int().min(0).max(10)]).default(false),
    RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).max(3_600_000).default(10_000),
    RATE_LIMIT_MAX: z.coerce.number().int().min(1).max(1_000_000).default(200),
    PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
    // Limits before authentication and per user (docs/limits.md); left unset, derived from the two above.
    ANONYMOUS_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).optional(),
    AUTH_FAILURE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
    ANONYMOUS_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'a size such as 16kb').default('16kb'),
    USER_RATE_LIMIT_MAX: z.coerce.number().int().min(1).max(1_000_000).optional(),
    EXPENSIVE_CONCURRENCY_PER_USER: z.coerce.number().int().min(1).max(1000).default(4),
    LOGIN_FAILURES_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(100),
    CAMPAIGN_MIN_FILL_MS: z.coerce.number().int().min(0).max(600_000).default(3000),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    SEED_DEMO: bool.optional(),
    SMTP_URL: z.string().regex(/^smtps?:\/\/.+/, 'must be an smtp:// or smtps:// URL').optional(),
    MAIL_OUTBOX_DIR: z.string().min(1).optional(),
    MAIL_FROM: z.string().min(3).max(200).default('CRM <no-reply@crm.localhost>'),
    APP_URL: z.url().optional(),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    ENCRYPTION_KEY: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)')
      .optional(),
    // Key rotation (docs/encryption.md): the keys ENCRYPTION_KEY replaced, still accepted for decryption until `npm run rotate-key` has run.
    ENCRYPTION_KEY_PREVIOUS: csv
      .refine((keys) => keys.every((v) => Buffer.from(v, 'base64').length === 32), 'each must be 32 bytes, base64-encoded, comma-separated')
      .optional(),
    JOBS_ENABLED: bool.optional(),
    JOBS_PROCESS_EVERY_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
    JOBS_LOCK_LIFETIME_MS: z.coerce.number().int().min(500).max(86_400_000).default(600_000),
    // Imports (docs/import.md): the largest file taken, and rows written per batch (a batch is what a resumed run repeats at most).
    IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(2 * 1024 * 1024 * 1024).default(512 * 1024 * 1024),
    IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
    // Business-card scans (modules/card-scan): largest photo, scans per minute per client address, scans waiting per process.
    CARD_SCAN_MAX_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(10 * 1024 * 1024),
    CARD_SCAN_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
    CARD_SCAN_QUEUE: z.coerce.number().int().min(0).max(1000).default(8),
    // How long the OCR worker (~120 MB) is kept after the last scan before it stops (the next scan starts it again, ~2 s).
    CARD_SCAN_IDLE_MS: z.coerce.number().int().min(1000).max(24 * 3_600_000).default(5 * 60_000),
    // Rows an agency's import runs may handle per day (its own day, in its time zone); 0: no cap. An agency's admin may set its own (tenant settings).
    IMPORT_DAILY_ROW_CAP: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
    // How long an uploaded import file is kept once its import is finished (or was left unrun), in days; the error file and undo do not need it.
    IMPORT_FILE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
    // How long the file of a background export (POST /v1/exports) can be downloaded, in hours.
    EXPORT_RETENTION_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24),
    // How far V8 lets the heap grow past what the last full collection kept, in percent (platform/heap.ts); 0: V8's own (up to 4x).
    HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(300).default(25),
    MAIL_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
    MAIL_RETRY_BASE_MS: z.coerce.number().int().min(1).max(600_000).default(2_000),
    SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(5),
    SMTP_RATE_PER_SECOND: z.coerce.number().int().min(0).max(100_000).default(0),
    MAIL_SEND_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).default(10_000),
    DELIVERY_LEDGER_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    // Support email (docs/support.md): the inbound SMTP listener is off unless SUPPORT_SMTP_PORT is set.
    SUPPORT_SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    SUPPORT_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
    SUPPORT_SMTP_MAX_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(10 * 1024 * 1024),
    // Outbound webhooks (docs/webhooks.md): private targets are refused unless allowed here.
    WEBHOOKS_ALLOW_PRIVATE: bool.optional(),
    WEBHOOKS_ALLOWED_CIDRS: csv.default([]),
    WEBHOOKS_RETRY_DELAYS: csv.default(['1m', '5m', '30m', '2h', '6h', '12h', '24h']),
    WEBHOOKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    WEBHOOKS_SECRET_OVERLAP_HOURS: z.coerce.number().min(0).max(168).default(24),
    WEBHOOKS_DISABLE_AFTER_FAILED_EVENTS: z.coerce.number().int().min(1).max(100_000).default(10),
    WEBHOOKS_DISABLE_AFTER_DAYS: z.coerce.number().min(0.0001).max(365).default(3),
    WEBHOOKS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    SUPPORT_REPLY_ADDRESS: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,40}@[A-Za-z0-9.-]+$/, 'an address without "+", e.g. support@help.example.com')
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && !c.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production' });
    }
    if (c.NODE_ENV === 'production' && !c.ENCRYPTION_KEY) {
      ctx.addIssue({ code: 'custom', path: ['ENCRYPTION_KEY'], message: 'is required in production' });
    }
    if (c.NODE_ENV === 'production' && !c.APP_URL) {
      ctx.addIssue({ code: 'custom', path: ['APP_URL'], message: "is required in production: the portal's address that email links open, e.g. https://crm.example.com/app" });
    }
    if (c.NODE_ENV === 'production' && !c.PUBLIC_URL) {
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: 'is required in production: the address people reach the API at, which links in emails (unsubscribe, confirmations) point to' });
    }
  });

export type Config = z.output<typeof configSchema>;

/** The API's own address as links to it are written (emails, picture URLs): PUBLIC_URL, or this machine. */
export function publicBaseUrl(config: Pick<Config, 'PUBLIC_URL' | 'PORT'>): string {
  return (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
}

/**
 * Where links in emails (invitation, password reset) open: APP_URL, else (development, tests) the
 * portal the API serves at `/app` on its own address (PUBLIC_URL, or http://HOST:PORT).
 */
export function appBaseUrl(config: Pick<Config, 'APP_URL' | 'PUBLIC_URL' | 'HOST' | 'PORT'>): string {
  if (config.APP_URL) return config.APP_URL.replace(/\/+$/, '');
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  return `${(config.PUBLIC_URL ?? `http://${host}:${config.PORT}`).replace(/\/+$/, '')}/app`;
}

/** A configuration problem, reported as one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment; throws ConfigError with one line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const got = typeof input[name] === 'string' && !/SECRET|KEY|URI|PASSWORD|URL/.test(name) ? ` (got "${input[name]}")` : '';
    return `${name} ${issue.message}${got}`;
  });
  throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
}

/** A config for tests and scripts: defaults plus the given overrides, validated the same way. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  // The query budget is wall-clock time: on a test machine shared by parallel runs a plain query can
  // wait seconds for a core, so tests get a wide one (the budget's own tests set theirs); likewise the wait
  // for a pooled connection, which a loaded CI machine stretched past 5 s while a runtime started its jobs.
  // A test file drives the API from 127.0.0.1 as one or two callers per agency: the per-address budgets
  // are wide, a caller may use the agency's whole budget and lists are not capped in flight, unless the
  // test sets them (security/limits.test.ts does; docs/limits.md has the production defaults).
  const limits = { ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000', AUTH_FAILURE_LIMIT_PER_MINUTE: '100000', USER_RATE_LIMIT_MAX: overrides.RATE_LIMIT_MAX ?? '200', EXPENSIVE_CONCURRENCY_PER_USER: '1000' };
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', TRUST_PROXY: 'true', DB_QUERY_TIMEOUT_MS: '30000', DB_POOL_WAIT_MS: '30000', ...limits, ...overrides });
}
