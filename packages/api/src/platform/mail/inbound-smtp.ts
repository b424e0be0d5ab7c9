import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { SMTPServer } from 'smtp-server';

/** A refusal the handler throws: the client gets this SMTP code (550 permanent, 451 try later, 552 too big). */
export interface SmtpRefusal extends Error {
  responseCode: number;
}

export interface InboundSmtpOptions {
  port: number;
  host: string;
  /** Largest message taken, in bytes (announced in EHLO SIZE and enforced while receiving). */
  maxBytes: number;
  logger: Logger;
  /** Refuses a recipient before any data is sent (an address that names nothing of ours). */
  acceptsRecipient: (address: string) => boolean;
  /** Takes one whole message; a thrown `responseCode` is answered as such, anything else as 451. */
  onMessage: (raw: Buffer, recipients: string[]) => Promise<unknown>;
}

const refusal = (code: number, message: string): SmtpRefusal => Object.assign(new Error(message), { responseCode: code });

/**
 * The SMTP listener of inbound email (support replies): plain SMTP without AUTH, as the MX or a relay
 * delivers to it (put it behind your MTA; it is off unless configured), a size limit, recipients checked
 * before DATA, and each message handed whole to `onMessage`.
 */
export async function startInboundSmtp(options: InboundSmtpOptions) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    banner: 'CRM support mail',
    size: options.maxBytes,
    closeTimeout: 1000,
    onRcptTo(address, _session, callback) {
      if (options.acceptsRecipient(address.address)) return callback();
      callback(refusal(550, `No such mailbox: ${address.address}`));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= options.maxBytes) chunks.push(chunk);
      });
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded || bytes > options.maxBytes) return callback(refusal(552, `Message exceeds the limit of ${options.maxBytes} bytes`));
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        options.onMessage(Buffer.concat(chunks), recipients).then(
          () => callback(),
          (error: unknown) => {
            const code = (error as Partial<SmtpRefusal>).responseCode;
            if (typeof code === 'number') return callback(refusal(code, (error as Error).message));
            options.logger.error({ err: error }, 'inbound email could not be stored; the sender is asked to retry');
            callback(refusal(451, 'Temporary failure; try again later'));
          },
        );
      });
    },
  });
  server.on('error', (error) => options.logger.warn({ err: error }, 'inbound SMTP connection error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  options.logger.info({ host: options.host, port }, 'support mail (SMTP) listening');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
