import { Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { isDuplicateKeyError } from '../../platform/errors.js';
import type { DomainEvent, EventBus } from '../../platform/events.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { compileMessage, type CompiledMessage } from '../../platform/mail/message-renderer.js';
import { contactModel } from '../contacts/contact.model.js';
import { tenantModel } from '../identity/tenant.model.js';
import { userModel } from '../identity/user.model.js';
import { templateModel } from '../templates/template.model.js';
import type { TicketMailAddresses } from './ticket-mail-address.js';
import { ticketMailDeliveryModel } from './ticket-mail.model.js';
import { ticketMessageModel, ticketModel, type Ticket, type TicketMessage } from './ticket.model.js';

/** The job that emails one public reply (keyed by the message, so scheduling it twice runs it once). */
export const TICKET_MAIL_JOB = 'support.ticket-reply-mail';

/** An agency's own template named this (any category) replaces the built-in one below. */
export const TICKET_REPLY_TEMPLATE = 'ticket-reply';

/** Above this line the customer writes; the inbound side cuts everything from it down. */
export const REPLY_ABOVE_MARKER = '##- Please type your reply above this line -##';

/** The built-in reply email; the values are listed in docs/support.md. HTML values are escaped. */
export const defaultTicketReplySource = {
  subject: '[#{{ticketNumber}}] {{subject}}',
  text: `${REPLY_ABOVE_MARKER}\n\n{{agentName}} ({{agencyName}}) wrote:\n\n{{body}}\n\nReply to this email to answer; your reply is added to request #{{ticketNumber}}.\n`,
  html: `<p style="color:#888">${REPLY_ABOVE_MARKER}</p><p>{{agentName}} ({{agencyName}}) wrote:</p><div style="white-space:pre-wrap">{{body}}</div><p style="color:#888">Reply to this email to answer; your reply is added to request #{{ticketNumber}}.</p>`,
};
const builtIn = compileMessage(defaultTicketReplySource);

const oid = (id: string) => new Types.ObjectId(id);

/**
 * Outbound ticket email (issue 18): every public agent reply is emailed to the ticket's contact, rendered
 * from the agency's `ticket-reply` template when it has one (else the built-in one), with the ticket's
 * reply address as Reply-To and Message-IDs that carry the same token, so answers thread back in
 * (./inbound-mail.ts). Exactly once: a job per message (`scheduleUnique`), and the send is claimed in
 * `ticket_mail_deliveries` under the message id before anything goes out.
 */
export function createTicketMail(deps: { connection: Connection; mailer: Mailer; addresses: TicketMailAddresses; logger: Logger }) {
  const { connection, addresses } = deps;
  const Deliveries = ticketMailDeliveryModel(connection);

  async function templateFor(tenantId: Types.ObjectId): Promise<CompiledMessage> {
    const own = await templateModel(connection).findOne({ tenantId, name: TICKET_REPLY_TEMPLATE }).lean();
    if (!own) return builtIn;
    try {
      return compileMessage(own);
    } catch (error) {
      deps.logger.warn({ err: error, tenantId: String(tenantId) }, 'the agency\'s ticket-reply template does not compile; the built-in one is used');
      return builtIn;
    }
  }

  /** Sends the email of one public reply, once; answers what happened (for the job's log and the tests). */
  async function deliver(tenantId: Types.ObjectId, messageId: Types.ObjectId): Promise<'sent' | 'failed' | 'skipped' | 'already'> {
    const message = await ticketMessageModel(connection).findOne({ tenantId, _id: messageId }).lean<TicketMessage>();
    if (!message || message.visibility !== 'public' || message.authorKind !== 'user') return 'skipped';
    const ticket = await ticketModel(connection).findOne({ tenantId, _id: message.ticketId }).lean<Ticket>();
    if (!ticket) return 'skipped';
    const ticketId = String(ticket._id);
    const header = addresses.messageId(ticketId, String(messageId));
    try {
      await Deliveries.create({ _id: messageId, tenantId, ticketId: ticket._id, to: null, messageIdHeader: header, state: 'sending' });
    } catch (error) {
      if (isDuplicateKeyError(error)) return 'already';
      throw error;
    }
    const settle = (state: 'sent' | 'failed' | 'skipped', to: string | null, reason: string | null = null) =>
      Deliveries.updateOne({ tenantId, _id: messageId }, { $set: { state, to, error: reason } }).then(() => state);
    const contact = ticket.contactId ? await contactModel(connection).findOne({ tenantId, _id: ticket.contactId }).select('firstName lastName primaryEmail emails').lean() : null;
    const to = contact?.primaryEmail ?? contact?.emails?.find((e) => e.primary)?.value ?? contact?.emails?.[0]?.value ?? null;
    if (!to) return settle('skipped', null, 'the ticket has no contact with an email address');
    const [agency, agent, template] = await Promise.all([
      tenantModel(connection).findOne({ _id: tenantId }).select('name settings').lean(),
      userModel(connection).findOne({ tenantId, _id: message.authorId }).select('name').lean(),
      templateFor(tenantId),
    ]);
    const settings = { locale: agency?.settings?.locale ?? 'en', timeZone: agency?.settings?.timeZone ?? 'UTC' };
    const rendered = template.render(
      {
        ticketNumber: ticket.number,
        subject: ticket.subject,
        status: ticket.status,
        body: message.body,
        agentName: (agent as { name?: string } | null)?.name ?? agency?.name ?? '',
        agencyName: agency?.name ?? '',
        contactName: contact ? `${contact.firstName} ${contact.lastName}`.trim() : '',
        attachments: message.attachments.map((a) => a.name),
      },
      settings,
    );
    try {
      await deps.mailer.send({
        to,
        ...rendered,
        replyTo: addresses.replyAddress(ticketId),
        messageId: header,
        inReplyTo: addresses.threadId(ticketId),
        references: [addresses.threadId(ticketId)],
      });
    } catch (error) {
      deps.logger.warn({ err: error, ticketId, messageId: String(messageId) }, 'ticket reply email failed; it is not sent again by itself');
      return settle('failed', to, error instanceof Error ? error.message.slice(0, 500) : 'send failed');
    }
    return settle('sent', to);
  }

  return {
    deliver,
    /** Queues the email of each public agent reply: a job per message when jobs run, else at once after the write. */
    subscribe(events: EventBus, jobs?: Jobs) {
      jobs?.define<{ tenantId: string; messageId: string }>(TICKET_MAIL_JOB, async (job) => {
        await deliver(oid(job.attrs.data.tenantId), oid(job.attrs.data.messageId));
      });
      return events.subscribe('ticket.message_created', async (event: DomainEvent) => {
        const data = event.data as { messageId?: string; visibility?: string; authorKind?: string } | undefined;
        if (!data?.messageId || data.visibility !== 'public' || data.authorKind !== 'user') return;
        const payload = { tenantId: String(event.tenantId), messageId: data.messageId };
        if (jobs) await jobs.scheduleUnique(`ticket-mail:${data.messageId}`, new Date(), TICKET_MAIL_JOB, payload);
        else await deliver(event.tenantId, oid(data.messageId));
      });
    },
  };
}

export type TicketMail = ReturnType<typeof createTicketMail>;
