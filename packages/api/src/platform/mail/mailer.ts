import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { appBaseUrl, type Config } from '../config.js';
import { createOutboxTransport, outboxDir } from './outbox.js';
import { renderTemplate, type TemplateName, type TemplateData } from './templates.js';

/** One message as the API sends it; `html` and `text` come from a template. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Threading headers of a conversation (a ticket's replies): where answers go, this message's id, what it answers. */
  replyTo?: string | undefined;
  messageId?: string | undefined;
  inReplyTo?: string | undefined;
  references?: string[] | undefined;
  /** Files sent along (a calendar invitation's .ics, `contentType: 'text/calendar; method=REQUEST'`). */
  attachments?: { filename: string; content: string | Buffer; contentType: string }[] | undefined;
  /** An alternative body part (iCalendar invitations go as text/calendar beside text and HTML, as mail clients expect). */
  icalEvent?: { method: string; content: string; filename?: string } | undefined;
}

/** Sends transactional email (invitations, password resets) through SMTP. */
export interface Mailer {
  /** Renders a template and sends it; resolves once the SMTP server accepted the message. */
  sendTemplate<T extends TemplateName>(to: string, template: T, data: TemplateData[T]): Promise<void>;
  /** Sends a message a module rendered with its own (escaping) templates, e.g. a campaign's opt-in email. */
  send(message: MailMessage): Promise<void>;
  /** The base URL links in emails point at (APP_URL: the portal that handles `/accept-invitation` and `/reset-password`). */
  linkBase: string;
  close(): void;
}

/**
 * Builds the mailer from config: SMTP_URL when set; otherwise the local outbox, which keeps every
 * message whole (an `.eml` file per message, confirmation links included), so a fresh clone works
 * without a mail server and nothing is lost. `npm start` points SMTP_URL at the local mail catcher.
 */
export function createMailer(config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'APP_URL' | 'PUBLIC_URL' | 'PORT' | 'HOST' | 'MAIL_OUTBOX_DIR' | 'DATA_DIR' | 'NODE_ENV'>, logger: Logger): Mailer {
  const transport: Transporter = config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : createOutboxTransport(outboxDir(config), logger);
  const linkBase = appBaseUrl(config);
  async function send(message: MailMessage): Promise<void> {
    const { to } = message;
    const threading = { replyTo: message.replyTo, messageId: message.messageId, inReplyTo: message.inReplyTo, references: message.references, attachments: message.attachments, icalEvent: message.icalEvent };
    const info = await transport.sendMail({ from: config.MAIL_FROM, to, subject: message.subject, text: message.text, html: message.html, ...Object.fromEntries(Object.entries(threading).filter(([, v]) => v !== undefined)) });
    if (config.SMTP_URL) logger.debug({ to, messageId: info.messageId }, 'email sent');
  }
  return {
    linkBase,
    async sendTemplate(to, template, data) {
      await send({ to, ...renderTemplate(template, data) });
    },
    send,
    close() {
      transport.close();
    },
  };
}
