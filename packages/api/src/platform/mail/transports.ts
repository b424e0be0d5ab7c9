import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Config } from '../config.js';

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
  /** False when no SMTP is configured at all: messages are rendered and logged, not delivered. */
  delivers: boolean;
}

/** A delivery error as the retry policy sees it. */
export function isTransientMailError(error: unknown): boolean {
  const code = (error as { responseCode?: number } | null)?.responseCode;
  // No SMTP reply (connection refused, timeout, dropped) or a 4xx reply: try again later; 5xx is final.
  return typeof code !== 'number' || (code >= 400 && code < 500);
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
 * connections, not 10,000). The fallback is `SMTP_URL`; with nothing configured, a JSON transport keeps
 * development working and the sends visibly marked as not delivered.
 */
export function createTransportPool(config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'SMTP_POOL_SIZE'>) {
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
  const json = nodemailer.createTransport({ jsonTransport: true });
  return {
    /** The route for an account (a user's or the tenant's), else the server default. */
    route(key: string | null, account: SmtpAccount | null): MailRoute {
      if (key && account) return { transport: pooled(key, account), from: fromAddress(account.fromName, account.fromEmail), delivers: true };
      if (config.SMTP_URL) return { transport: pooled('default', accountFromUrl(config.SMTP_URL)), from: config.MAIL_FROM, delivers: true };
      return { transport: json, from: config.MAIL_FROM, delivers: false };
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
