import { SMTPServer, type SMTPServerAuthentication } from 'smtp-server';
import { announceTestServer, parseMail, type ReceivedMail } from './testing.js';

/** What the sink does with one message before it answers: accept it, or drop the connection unanswered. */
export type SinkDecision = 'accept' | 'drop';

export interface SmtpSinkOptions {
  /** Credentials the server requires (AUTH PLAIN/LOGIN over plain SMTP, for tests of per-user accounts). */
  auth?: { user: string; pass: string };
  /** A reply code (e.g. 451 temporary, 550 permanent) to refuse a recipient with, or null to take it. */
  refuseRecipient?: (address: string) => { code: number; message: string } | null;
  /**
   * Runs after a message is fully received and before the 250 reply (the client is waiting in DATA);
   * `drop` never answers it. A test pauses here to kill the client in the middle of the transaction.
   */
  beforeAccept?: (mail: ReceivedMail, index: number) => Promise<SinkDecision> | SinkDecision;
  /** Runs once the 250 reply to a message has been written: the server has taken responsibility for it. */
  afterAccept?: (mail: ReceivedMail, index: number) => void;
  port?: number;
  host?: string;
}

/**
 * A real SMTP server that counts what it has accepted. A message counts only once the server has taken
 * responsibility for it (the 250 reply), as RFC 5321 defines delivery, so tests can prove "exactly once"
 * at the receiving end; tests, the benchmark and the local mail catcher use it.
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}) {
  const messages: ReceivedMail[] = [];
  let received = 0;
  const server = new SMTPServer({
    authOptional: !options.auth,
    allowInsecureAuth: true,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 500,
    size: 25 * 1024 * 1024,
    onAuth(auth: SMTPServerAuthentication, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      const refusal = options.refuseRecipient?.(address.address);
      if (!refusal) return callback();
      const error = new Error(refusal.message) as Error & { responseCode: number };
      error.responseCode = refusal.code;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const envelope = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) };
        const mail = parseMail(Buffer.concat(chunks).toString('utf8'), envelope);
        const index = received++;
        void Promise.resolve(options.beforeAccept?.(mail, index) ?? 'accept').then((decision) => {
          if (decision === 'drop') return; // no reply: the client never learns the message was taken
          messages.push(mail);
          callback();
          if (options.afterAccept) setImmediate(() => options.afterAccept!(mail, index));
        });
      });
    },
  });
  // A client killed mid-transaction resets its connection; that is a test's point, not a server failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  const forget = announceTestServer(port, messages);
  return {
    port,
    url: options.auth ? `smtp://${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@127.0.0.1:${port}` : `smtp://127.0.0.1:${port}`,
    messages,
    /** Resolves when `count` messages have been accepted, or rejects after the deadline. */
    async waitForCount(count: number, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} emails within ${timeoutMs} ms, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: () => {
      forget();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;
