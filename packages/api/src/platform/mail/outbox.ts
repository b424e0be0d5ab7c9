import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config.js';

/** One message kept by the outbox: its envelope and the full RFC 5322 source (links included). */
export interface OutboxMessage {
  file: string | null;
  to: string[];
  subject: string;
  raw: string;
}

const kept: OutboxMessage[] = [];

/** The messages this process put in its in-memory outbox (tests; newest last, at most 500). */
export function outboxMessages(): readonly OutboxMessage[] {
  return kept;
}

/** Where the outbox writes `.eml` files: MAIL_OUTBOX_DIR, else DATA_DIR/outbox; in tests, memory only. */
export function outboxDir(config: Pick<Config, 'MAIL_OUTBOX_DIR' | 'DATA_DIR' | 'NODE_ENV'>): string | null {
  return config.MAIL_OUTBOX_DIR ?? (config.NODE_ENV === 'test' ? null : join(config.DATA_DIR, 'outbox'));
}

/**
 * The transport used when no SMTP server is configured: nothing is dropped. Each message is built in
 * full (the same bytes SMTP would carry, confirmation and unsubscribe links included) and written to the
 * outbox folder as an `.eml` file any mail client opens; the log line names the file.
 */
export function createOutboxTransport(dir: string | null, logger: Logger): Transporter {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  if (dir) mkdirSync(dir, { recursive: true });
  const send = transport.sendMail.bind(transport);
  // Wraps sendMail (both the callback-less promise form the API uses and its result) to keep the bytes.
  transport.sendMail = (async (options: Parameters<typeof send>[0]) => {
    const info = (await send(options)) as unknown as { message: Buffer; envelope: { to: string[] }; messageId: string };
    const raw = info.message.toString('utf8');
    const subject = typeof options.subject === 'string' ? options.subject : '';
    let file: string | null = null;
    if (dir) {
      file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`);
      writeFileSync(file, raw);
    }
    kept.push({ file, to: info.envelope.to, subject, raw });
    if (kept.length > 500) kept.shift();
    logger.info({ to: info.envelope.to, subject, file, messageId: info.messageId }, file ? 'email not sent (no SMTP configured); written to the outbox' : 'email not sent (no SMTP configured); kept in the in-memory outbox');
    return info;
  }) as typeof transport.sendMail;
  return transport;
}
