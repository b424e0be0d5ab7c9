import { SMTPServer } from 'smtp-server';

/** A message as a real SMTP server received it, decoded enough for assertions. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  raw: string;
}

function decodeQuotedPrintable(body: string): string {
  const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function decodePart(headers: string, body: string): string {
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

function decodeHeaderWords(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, kind: string, text: string) =>
    kind.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}

/** Splits a raw RFC 5322 message into its subject and its text and HTML parts (enough for nodemailer's output). */
export function parseMail(raw: string, envelope: { from: string; to: string[] }): ReceivedMail {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\r\n\r\n');
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const subject = decodeHeaderWords(/^subject:\s*(.*)$/im.exec(unfolded)?.[1] ?? '');
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(unfolded)?.[1];
  let text = '';
  let html = '';
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1) : [`${head}\r\n\r\n${body}`];
  for (const part of parts) {
    const [partHead = '', ...partBody] = part.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
    const content = decodePart(partHead, partBody.join('\r\n\r\n').replace(/\r?\n$/, ''));
    if (/content-type:\s*text\/html/i.test(partHead)) html = content;
    else if (/content-type:\s*text\/plain/i.test(partHead)) text = content;
  }
  return { ...envelope, subject, text, html, raw };
}

// The test SMTP servers running in this process, by port: a test factory reads the mail the API sent
// to whichever one its runtime's SMTP_URL names (registration links), as a person reads their inbox.
// Kept on globalThis so that a second copy of this module (a test loading the API twice) sees the same.
const serversByPort: Map<number, ReceivedMail[]> = ((globalThis as { [key: symbol]: Map<number, ReceivedMail[]> })[Symbol.for('crm.test-smtp-servers')] ??= new Map());

/** Makes the messages a test SMTP server receives readable through `receivedAt` while it runs. */
export function announceTestServer(port: number, messages: ReceivedMail[]): () => void {
  serversByPort.set(port, messages);
  return () => {
    if (serversByPort.get(port) === messages) serversByPort.delete(port);
  };
}

/** What the test SMTP server at `smtpUrl` (one started in this process) has received, or undefined. */
export function receivedAt(smtpUrl: string): readonly ReceivedMail[] | undefined {
  const port = Number(new URL(smtpUrl).port || 25);
  return serversByPort.get(port);
}

/** A real SMTP server on a free local port that keeps what it receives, for tests of outgoing email. */
export async function startSmtpCapture(): Promise<{ url: string; messages: ReceivedMail[]; waitFor(predicate: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>; stop(): Promise<void> }> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const envelope = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) };
        messages.push(parseMail(Buffer.concat(chunks).toString('utf8'), envelope));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  const forget = announceTestServer(port, messages);
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching email within ${timeoutMs} ms (got ${messages.length}: ${messages.map((m) => `${m.to.join(',')} "${m.subject}"`).join('; ')})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: () => {
      forget();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
