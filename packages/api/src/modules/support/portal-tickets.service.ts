import { Types, type Connection } from 'mongoose';
import { customerEqualityScopes, customerMaySee, type CustomerPrincipal } from '../../platform/access/customer.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { AppError } from '../../platform/errors.js';
import type { Actor } from '../../platform/events.js';
import { id, iso } from '../../platform/records/dto.js';
import { ticketModel, type Ticket, type TicketPriority } from './ticket.model.js';
import type { TicketThread } from './ticket-messages.service.js';
import type { TicketsService } from './tickets.service.js';

/** At most this many tickets are read per visibility scope for one portal page (a contact's or one account's tickets). */
const PORTAL_SCOPE_LIMIT = 5000;

/** The customer's view of a ticket: no agent, team, internal counters or custom fields. */
export function toPortalTicketDto(t: Ticket) {
  return {
    id: String(t._id),
    number: t.number,
    subject: t.subject,
    description: t.description ?? null,
    status: t.status,
    priority: t.priority ?? 'normal',
    category: t.category ?? null,
    channel: t.channel,
    accountId: id(t.accountId),
    contactId: id(t.contactId),
    mine: false,
    messageCount: t.publicMessageCount ?? 0,
    lastMessageAt: iso(t.lastPublicMessageAt),
    satisfaction: t.satisfactionRating ? { rating: t.satisfactionRating, comment: t.satisfactionComment ?? null, ratedAt: iso(t.ratedAt) } : null,
    createdAt: iso(t.createdAt) ?? '',
    updatedAt: iso(t.updatedAt) ?? '',
    version: t.version ?? 0,
  };
}

function actorOf(customer: CustomerPrincipal): Actor {
  return { tenantId: customer.tenantId, userId: null, apiKeyId: null };
}

const sortKey = (t: Pick<Ticket, '_id' | 'updatedAt'>) => `${String(new Date(t.updatedAt ?? 0).getTime()).padStart(13, '0')}_${String(t._id)}`;

/**
 * Tickets as customers see them on the portal (issue 18): what the access module's customer rule lets
 * them see (their own contact's tickets; a case manager's account tree too), public replies only, and
 * the moves a customer may make (close, reopen, and back to open when they answer).
 */
export function createPortalTickets(connection: Connection, tickets: TicketsService, thread: TicketThread) {
  const Tickets = ticketModel(connection);

  async function visible(customer: CustomerPrincipal, ticketId: string): Promise<Ticket> {
    if (!/^[a-f0-9]{24}$/i.test(ticketId)) throw AppError.invalidField('id', 'must be a 24-character hex id');
    const ticket = (await findByIdInTenant(Tickets as never, customer.tenantId, new Types.ObjectId(ticketId))) as Ticket | null;
    if (!ticket || !customerMaySee(customer, ticket as never)) throw AppError.notFound('Ticket');
    return ticket;
  }

  const dto = (customer: CustomerPrincipal, t: Ticket) => ({ ...toPortalTicketDto(t), mine: String(t.contactId) === String(customer.contactId) });

  return {
    /**
     * The customer's tickets, last update first. Each visibility scope (the own contact, each account of
     * a case manager's tree) is one equality read the database pushes down; they are merged in memory.
     */
    async list(customer: CustomerPrincipal, query: { limit: number; cursor?: string | undefined; status?: string | undefined }) {
      const scopes = customerEqualityScopes(customer, { contact: 'contactId', account: 'accountId' });
      const seen = new Map<string, Ticket>();
      for (const scope of scopes) {
        const found = await Tickets.find({ ...scope, ...(query.status ? { status: query.status } : {}) } as never).limit(PORTAL_SCOPE_LIMIT).lean<Ticket[]>();
        for (const t of found) seen.set(String(t._id), t);
      }
      const ordered = [...seen.values()].sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : -1));
      const after = query.cursor ? ordered.filter((t) => sortKey(t) < query.cursor!) : ordered;
      const page = after.slice(0, query.limit);
      const hasMore = after.length > query.limit;
      return { object: 'list' as const, data: page.map((t) => dto(customer, t)), hasMore, nextCursor: hasMore ? sortKey(page[page.length - 1]!) : null };
    },

    async get(customer: CustomerPrincipal, ticketId: string) {
      return dto(customer, await visible(customer, ticketId));
    },

    /** Opens a ticket from the portal, with the customer's first message as its description. */
    async create(customer: CustomerPrincipal, input: { subject: string; description?: string | null | undefined; category?: string | null | undefined; priority?: TicketPriority | undefined }) {
      const created = await tickets.createForCustomer(customer, input, actorOf(customer));
      return dto(customer, created);
    },

    /** The public part of the thread (internal notes never leave the agents). */
    async messages(customer: CustomerPrincipal, ticketId: string, query: { limit: number; cursor?: string | undefined }) {
      return thread.page(await visible(customer, ticketId), query, true);
    },

    /** A customer's reply: public; a ticket waiting for the customer (or resolved) goes back to open where the workflow allows it. */
    async reply(customer: CustomerPrincipal, ticketId: string, input: { body: string; attachmentIds?: string[] | undefined }) {
      const ticket = await visible(customer, ticketId);
      const { message } = await thread.post(ticket, { kind: 'customer', id: customer.customerUserId }, { body: input.body, visibility: 'public', attachmentIds: input.attachmentIds }, actorOf(customer));
      if (ticket.status === 'pending_customer' || ticket.status === 'resolved') {
        const current = await visible(customer, ticketId);
        try {
          await tickets.moveForCustomer(current, 'open', actorOf(customer));
        } catch (error) {
          // A workflow without that move keeps the status; the reply itself is stored.
          if (!(error instanceof AppError)) throw error;
        }
      }
      return message;
    },

    /** Closes the ticket, with the customer's satisfaction rating when they give one (counted by the roll-ups as `tickets.rated`). */
    async close(customer: CustomerPrincipal, ticketId: string, input: { rating?: number | undefined; comment?: string | undefined } = {}) {
      const rated = input.rating ? { satisfactionRating: input.rating, satisfactionComment: input.comment || null, ratedAt: new Date() } : undefined;
      return dto(customer, await tickets.moveForCustomer(await visible(customer, ticketId), 'closed', actorOf(customer), rated));
    },

    async reopen(customer: CustomerPrincipal, ticketId: string) {
      return dto(customer, await tickets.moveForCustomer(await visible(customer, ticketId), 'open', actorOf(customer)));
    },

    async upload(customer: CustomerPrincipal, ticketId: string, file: { name: string; data: Buffer }) {
      return thread.upload(await visible(customer, ticketId), { kind: 'customer', id: customer.customerUserId }, file);
    },

    async download(customer: CustomerPrincipal, ticketId: string, attachmentId: string) {
      return thread.download(await visible(customer, ticketId), attachmentId, { kind: 'customer', id: customer.customerUserId });
    },
  };
}

export type PortalTickets = ReturnType<typeof createPortalTickets>;
