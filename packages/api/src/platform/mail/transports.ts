import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createOutboxTransport, outboxDir } from './outbox.js';

/** An SMTP account as stored (the password already decrypted by its owner). */
export interface SmtpAccount {
  host: string;
  port: number;
  secure: boolean;
  username: string | null;
  password: string | null;
  fromName: string | null;
  fromEmail: string;
}

/** What one send needs: where to send through, and who the message is from. */
export interface MailRoute {
  transport: Transporter;
  from: string;
  /** False when no SMTP is configured at all: messages go to the local outbox, not to anyone. */
  delivers: boolean;
}

/** A delivery error as the retry policy sees it. */
export function isTransientMailError(error: unknown): boolean {
  return mailErrorKind(error) === 'retry';
}

/**
 * What a failed SMTP send means for exactly once: `final` (a 5xx reply: refused, never delivered),
 * `retry` (a 4xx reply, or no connection at all: the server does not have it, try again), or `unknown`
 * (the connection broke or timed out once the transaction was under way, with no reply: the server may
 * have taken the message, so it must not be sent again blindly).
 */
export function mailErrorKind(error: unknown): 'final' | 'retry' | 'unknown' {
  const e = (error ?? {}) as { responseCode?: number; code?: string; errno?: unknown; message?: string };
  if (typeof e.responseCode === 'number') return e.responseCode >= 400 && e.responseCode < 500 ? 'retry' : 'final';
  if (['EENVELOPE', 'EMESSAGE', 'ECONFIG'].includes(e.code ?? '')) return 'final';
  // Failures before any connection carried a message: DNS, TLS, login, or a connection never opened.
  if (['EDNS', 'ETLS', 'EAUTH', 'ENOAUTH'].includes(e.code ?? '')) return 'retry';
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH/.test(`${String(e.errno ?? '')} ${e.message ?? ''}`)) return 'retry';
  // nodemailer reports a connection that closed or timed out mid-transaction as ECONNECTION/ETIMEDOUT
  // with command CONN, the same as one that closed before it: the message may have been taken.
  return 'unknown';
}

function fromAddress(name: string | null, email: string): string {
  return name ? `"${name.replace(/["\\\r\n]/g, '')}" <${email}>` : email;
}

function accountFromUrl(url: string): SmtpAccount {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 587)),
    secure: u.protocol === 'smtps:',
    username: u.username ? decodeURIComponent(u.username) : null,
    password: u.password ? decodeURIComponent(u.password) : null,
    fromName: null,
    fromEmail: '',
  };
}

/**
 * Pooled SMTP transports, one per account, reused across sends (a 10,000-recipient greeting opens a few
 * connections, not 10,000). The fallback is `SMTP_URL`; with nothing configured, every message goes to
 * the local outbox (see outbox.ts), and production refuses to start a send (see the delivery engine).
 */
export function createTransportPool(config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'SMTP_POOL_SIZE' | 'SMTP_RATE_PER_SECOND' | 'MAIL_OUTBOX_DIR' | 'DATA_DIR' | 'NODE_ENV'>, logger: Logger) {
  const pools = new Map<string, { fingerprint: string; transport: Transporter }>();
  const build = (account: SmtpAccount): Transporter =>
    nodemailer.createTransport({
      host: account.host,
      port: account.port,
      secure: account.secure,
      ...(account.username ? { auth: { user: account.username, pass: account.password ?? '' } } : {}),
      pool: true,
      maxConnections: config.SMTP_POOL_SIZE,
      maxMessages: 1000,
      // SMTP_RATE_PER_SECOND: messages per second for the whole pool of this account (nodemailer shares
      // the limit between its connections); 0 sends as fast as the connections go.
      ...(config.SMTP_RATE_PER_SECOND > 0 ? { rateDelta: 1000, rateLimit: config.SMTP_RATE_PER_SECOND } : {}),
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
      // Local catchers and test servers speak plain SMTP; real servers still upgrade with STARTTLS when offered.
      tls: { rejectUnauthorized: !['127.0.0.1', 'localhost', '::1'].includes(account.host) },
    });
  const pooled = (key: string, account: SmtpAccount): Transporter => {
    const fingerprint = JSON.stringify(account);
    const existing = pools.get(key);
    if (existing && existing.fingerprint === fingerprint) return existing.transport;
    existing?.transport.close();
    const transport = build(account);
    pools.set(key, { fingerprint, transport });
    return transport;
  };
  const outbox = createOutboxTransport(outboxDir(config), logger);
  return {
    /** The route for an account (a user's or the tenant's), else the server default. */
    route(key: string | null, account: SmtpAccount | null): MailRoute {
      if (key && account) return { transport: pooled(key, account), from: fromAddress(account.fromName, account.fromEmail), delivers: true };
      if (config.SMTP_URL) return { transport: pooled('default', accountFromUrl(config.SMTP_URL)), from: config.MAIL_FROM, delivers: true };
      return { transport: outbox, from: config.MAIL_FROM, delivers: false };
    },
    /** Forgets an account's pooled connections (after its settings change or are removed). */
    drop(key: string) {
      pools.get(key)?.transport.close();
      pools.delete(key);
    },
    close() {
      for (const { transport } of pools.values()) transport.close();
      pools.clear();
    },
  };
}

export type TransportPool = ReturnType<typeof createTransportPool>;
export type { SendMailOptions };
