import type { Connection } from 'mongoose';
import type { RecordDefinition } from '../../platform/records/record-service.js';
import { id, iso } from '../../platform/records/dto.js';
import { ticketChannels, ticketModel, ticketPriorities, type Ticket } from './ticket.model.js';

/** The public shape of a ticket (agents' view). */
export function toTicketDto(t: Ticket) {
  return {
    id: String(t._id),
    number: t.number,
    subject: t.subject,
    description: t.description ?? null,
    accountId: id(t.accountId),
    contactId: id(t.contactId),
    productId: id(t.productId),
    category: t.category ?? null,
    priority: t.priority ?? 'normal',
    channel: t.channel ?? 'phone',
    status: t.status,
    statusChangedAt: iso(t.statusChangedAt),
    ownerId: id(t.ownerId),
    teamId: id(t.teamId),
    departmentId: id(t.departmentId),
    customerUserId: id(t.customerUserId),
    messageCount: t.messageCount ?? 0,
    lastMessageAt: iso(t.lastMessageAt),
    lastPublicMessageAt: iso(t.lastPublicMessageAt),
    firstResponseAt: iso(t.firstResponseAt),
    sla: {
      firstResponseDueAt: iso(t.firstResponseDueAt),
      resolutionDueAt: iso(t.resolutionDueAt),
      firstResponseBreached: t.firstResponseBreached ?? false,
      resolutionBreached: t.resolutionBreached ?? false,
    },
    satisfaction: t.satisfactionRating ? { rating: t.satisfactionRating, comment: t.satisfactionComment ?? null, ratedAt: iso(t.ratedAt) } : null,
    tags: t.tags ?? [],
    custom: t.custom ?? {},
    version: t.version ?? 0,
    createdAt: iso(t.createdAt) ?? '',
    updatedAt: iso(t.updatedAt) ?? '',
  };
}

export type TicketDto = ReturnType<typeof toTicketDto>;

/** Tickets: the record definition the shared record service runs (list rows, search, workflow "ticket"). */
export const ticketDefinition = (connection: Connection): RecordDefinition<Ticket> => ({
  resource: 'ticket',
  label: 'Ticket',
  model: ticketModel(connection),
  workflowKey: 'ticket',
  listRows: true,
  list: {
    filters: {
      status: { path: 'status', kind: 'string' },
      priority: { path: 'priority', kind: 'enum', values: ticketPriorities },
      channel: { path: 'channel', kind: 'enum', values: ticketChannels },
      ownerId: { path: 'ownerId', kind: 'id' },
      teamId: { path: 'teamId', kind: 'id' },
      productId: { path: 'productId', kind: 'id' },
      accountId: { path: 'accountId', kind: 'id' },
      contactId: { path: 'contactId', kind: 'id' },
      category: { path: 'category', kind: 'string' },
      tag: { path: 'tags', kind: 'string' },
      number: { path: 'number', kind: 'number' },
      createdAt: { path: 'createdAt', kind: 'date' },
      updatedAt: { path: 'updatedAt', kind: 'date' },
    },
    sorts: {
      createdAt: { path: 'createdAt', kind: 'date' },
      updatedAt: { path: 'updatedAt', kind: 'date' },
      priority: { path: 'priority', kind: 'string' },
      status: { path: 'status', kind: 'string' },
    },
  },
  searchValues: (t) => [t.subject, t.number ? String(t.number) : null, t.category, ...(t.tags ?? [])],
  toDto: toTicketDto,
  exportColumns: {
    number: (t) => t.number,
    subject: (t) => t.subject,
    status: (t) => t.status,
    priority: (t) => t.priority,
    channel: (t) => t.channel,
    category: (t) => t.category,
    createdAt: (t) => t.createdAt,
    updatedAt: (t) => t.updatedAt,
  },
});
