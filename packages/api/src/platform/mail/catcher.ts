import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { CaughtMessage } from './caught-message.js';
import { renderMessagePage, renderMessageList } from './catcher-pages.js';

export type { CaughtMessage } from './caught-message.js';

export interface MailCatcherOptions {
  /** Address both servers listen on (default 127.0.0.1: the catcher is for this machine only). */
  host?: string;
  /** SMTP port the API sends to (0 = any free port). */
  smtpPort?: number;
  /** Port of the web page and JSON API (0 = any free port). */
  httpPort?: number;
  /** How many messages to keep; the oldest go first. */
  maxMessages?: number;
  /** How many bytes of raw messages to keep in all; the oldest go first. */
  maxBytes?: number;
}

/** The running catcher: where to send, where to look, and what it holds. */
export interface MailCatcher {
  smtpUrl: string;
  webUrl: string;
  smtpPort: number;
  httpPort: number;
  messages(): readonly CaughtMessage[];
  clear(): void;
  stop(): Promise<void>;
}

/** Largest single message the catcher takes (SMTP SIZE); bigger ones are refused with 552. */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

const addressText = (value: AddressObject | AddressObject[] | undefined): string =>
  !value ? '' : (Array.isArray(value) ? value : [value]).map((a) => a.text).join(', ');

async function parse(id: number, raw: Buffer, envelope: CaughtMessage['envelope']): Promise<CaughtMessage> {
  const { simpleParser } = await import('mailparser'); // loaded at the first email, not by every process
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const headers: Record<string, string> = {};
  for (const line of mail.headerLines) {
    const colon = line.line.indexOf(':');
    const value = line.line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    headers[line.key] = headers[line.key] ? `${headers[line.key]}, ${value}` : value;
  }
  return {
    id,
    receivedAt: new Date().toISOString(),
    envelope,
    from: addressText(mail.from),
    to: addressText(mail.to),
    cc: addressText(mail.cc),
    subject: mail.subject ?? '',
    date: mail.date ? mail.date.toISOString() : null,
    messageId: mail.messageId ?? null,
    text: mail.text ?? '',
    html: typeof mail.html === 'string' ? mail.html : null,
    headers,
    attachments: mail.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })),
    size: raw.length,
    raw: raw.toString('utf8'),
  };
}

function listen(server: Server | SMTPServer['server'], port: number, host: string, part: 'http' | 'smtp'): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(Object.assign(error, { catcherPart: part }));
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const summary = (m: CaughtMessage) => ({ id: m.id, receivedAt: m.receivedAt, from: m.from, to: m.to, subject: m.subject, date: m.date, size: m.size, attachments: m.attachments.length });

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // The pages are static markup: no script runs, and an email's HTML only in a sandboxed frame.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; frame-ancestors 'self'; form-action 'none'",
    ...extra,
  });
  res.end(body);
}

/**
 * A local mail catcher for development: a real SMTP server that keeps the last messages in memory
 * (bounded by count and bytes) and a small web page and JSON API on another port to read them.
 * `npm start` runs it and points the API's SMTP_URL at it when no SMTP server is configured.
 */
export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const maxMessages = options.maxMessages ?? 500;
  const maxBytes = options.maxBytes ?? 100 * 1024 * 1024;
  const store: CaughtMessage[] = [];
  let bytes = 0;
  let nextId = 1;

  const keep = (message: CaughtMessage) => {
    store.push(message);
    bytes += message.size;
    while (store.length > maxMessages || (bytes > maxBytes && store.length > 1)) bytes -= store.shift()!.size;
  };

  const smtp = new SMTPServer({
    authOptional: true,
    // Any credentials are accepted, so a per-user SMTP setting pointed at the catcher works too.
    allowInsecureAuth: true,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'catcher' }),
    disabledCommands: ['STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    closeTimeout: 1_000,
    banner: 'CRM local mail catcher',
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          const error = new Error(`Message exceeds the catcher's limit of ${MAX_MESSAGE_BYTES} bytes`) as Error & { responseCode: number };
          error.responseCode = 552;
          return callback(error);
        }
        const envelope = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) };
        parse(nextId++, Buffer.concat(chunks), envelope).then(
          (message) => {
            keep(message);
            callback();
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });

  const find = (id: string | undefined) => store.find((m) => String(m.id) === id);
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://catcher.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const newestFirst = () => [...store].reverse();
    if (req.method === 'DELETE' && path === '/api/messages') {
      store.length = 0;
      bytes = 0;
      return send(res, 204, 'text/plain', '');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed', { Allow: 'GET, HEAD, DELETE' });
    if (path === '/') return send(res, 200, 'text/html; charset=utf-8', renderMessageList(newestFirst(), { maxMessages }));
    if (path === '/api/messages') return send(res, 200, 'application/json', JSON.stringify({ data: newestFirst().map(summary), total: store.length, maxMessages }));
    let m = /^\/api\/messages\/(\d+)$/.exec(path);
    if (m) {
      const message = find(m[1]);
      if (!message) return send(res, 404, 'application/json', JSON.stringify({ error: 'no such message (it may have been dropped to stay within the limit)' }));
      const { raw: _raw, ...rest } = message;
      return send(res, 200, 'application/json', JSON.stringify(rest));
    }
    m = /^\/messages\/(\d+)(\/html|\.eml)?$/.exec(path);
    const message = m ? find(m[1]) : undefined;
    if (!m || !message) return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
    if (m[2] === '.eml') return send(res, 200, 'message/rfc822', message.raw, { 'Content-Disposition': `attachment; filename="message-${message.id}.eml"` });
    if (m[2] === '/html') {
      // The email's own HTML, as its recipient would see it, but sandboxed: no script, no requests, own origin.
      return send(res, 200, 'text/html; charset=utf-8', message.html ?? '', {
        'Content-Security-Policy': "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      });
    }
    return send(res, 200, 'text/html; charset=utf-8', renderMessagePage(message));
  };
  const http = createServer(handle);

  const smtpPort = await listen(smtp.server, options.smtpPort ?? 1025, host, 'smtp');
  let httpPort: number;
  try {
    httpPort = await listen(http, options.httpPort ?? 1080, host, 'http');
  } catch (error) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw error;
  }
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    smtpUrl: `smtp://${shown}:${smtpPort}`,
    webUrl: `http://${shown}:${httpPort}`,
    smtpPort,
    httpPort,
    messages: () => store,
    clear() {
      store.length = 0;
      bytes = 0;
    },
    async stop() {
      http.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => http.close(() => resolve())), new Promise<void>((resolve) => smtp.close(() => resolve()))]);
    },
  };
}

/** A catcher setting a person can fix, reported as one line. */
export class MailCatcherConfigError extends Error {
  override name = 'MailCatcherConfigError';
}

function portFrom(env: Record<string, string | undefined>, name: string, fallback: number): { port: number; explicit: boolean } {
  const raw = env[name];
  if (raw === undefined || raw === '') return { port: fallback, explicit: false };
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new MailCatcherConfigError(`${name} must be a port number (0-65535), got "${raw}"`);
  return { port, explicit: true };
}

/**
 * Starts the catcher from `MAIL_CATCHER_*` variables for `npm start`. A default port that is taken falls
 * back to a free one (the printed URL says which); a port set explicitly that is taken is an error.
 */
export async function startMailCatcherFromEnv(env: Record<string, string | undefined>): Promise<MailCatcher> {
  const host = env.MAIL_CATCHER_HOST || '127.0.0.1';
  const http = portFrom(env, 'MAIL_CATCHER_PORT', 1080);
  const smtp = portFrom(env, 'MAIL_CATCHER_SMTP_PORT', 1025);
  const max = env.MAIL_CATCHER_MAX_MESSAGES ? Number(env.MAIL_CATCHER_MAX_MESSAGES) : 500;
  if (!Number.isInteger(max) || max < 1) throw new MailCatcherConfigError(`MAIL_CATCHER_MAX_MESSAGES must be a whole number of at least 1, got "${env.MAIL_CATCHER_MAX_MESSAGES}"`);
  const attempt = (httpPort: number, smtpPort: number) => startMailCatcher({ host, httpPort, smtpPort, maxMessages: max });
  let ports = { http: http.port, smtp: smtp.port };
  for (;;) {
    try {
      return await attempt(ports.http, ports.smtp);
    } catch (error) {
      const part = (error as { catcherPart?: 'http' | 'smtp' }).catcherPart;
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !part) throw error;
      const setting = part === 'http' ? { name: 'MAIL_CATCHER_PORT', ...http } : { name: 'MAIL_CATCHER_SMTP_PORT', ...smtp };
      if (setting.explicit || ports[part] === 0) {
        throw new MailCatcherConfigError(`${setting.name} ${ports[part]} is already in use on ${host}; choose a free port, or set SMTP_URL to use your own mail server`);
      }
      // A default port is taken (another catcher, MailHog...): any free one will do; the printed URL says which.
      ports = { ...ports, [part]: 0 };
    }
  }
}
