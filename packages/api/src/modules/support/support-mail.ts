import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { EventBus } from '../../platform/events.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { createInboundMail } from './inbound-mail.js';
import { createTicketMail } from './ticket-mail.js';
import { createTicketMailAddresses } from './ticket-mail-address.js';
import type { TicketThread } from './ticket-messages.service.js';
import type { TicketsService } from './tickets.service.js';

/**
 * Support email in and out (docs/support.md): public agent replies are emailed with the ticket's reply
 * address, and the answers (through the SMTP listener server.ts starts) thread back in.
 */
export function buildSupportMail(deps: { connection: Connection; tickets: TicketsService; thread: TicketThread; events: EventBus; jobs?: Jobs; mailer: Mailer; secret: string; replyAddress: string; logger: Logger }) {
  const addresses = createTicketMailAddresses(deps.secret, deps.replyAddress);
  createTicketMail({ connection: deps.connection, mailer: deps.mailer, addresses, logger: deps.logger }).subscribe(deps.events, deps.jobs);
  const inbound = createInboundMail({ connection: deps.connection, tickets: deps.tickets, thread: deps.thread, addresses, logger: deps.logger });
  return { addresses, inbound };
}
