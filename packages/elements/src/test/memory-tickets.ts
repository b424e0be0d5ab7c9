// Support tickets in the in-memory API (src/test/memory-api.ts), for stories: a small queue, one thread
// with a public reply and an internal note, the seeded ticket workflow, and the moves the view makes.
import type { CustomerUser } from '@crm/client-sdk';
import type { Ticket, TicketMessage, Workflow } from '../shared/api/types.js';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');

/** The ticket workflow as the API seeds it. */
export const ticketWorkflow: Workflow = (() => {
  const states = [['new', 'New'], ['open', 'Open'], ['pending_customer', 'Pending customer'], ['resolved', 'Resolved'], ['closed', 'Closed']] as const;
  return {
    key: 'ticket',
    name: 'Support ticket',
    initial: 'new',
    version: 0,
    updatedAt: null,
    states: states.map(([key, label]) => ({ key, label, final: key === 'closed' })),
    transitions: states.filter(([k]) => k !== 'closed').flatMap(([from]) => states.filter(([to]) => to !== from).map(([to]) => ({ from, to, roles: [] }))),
  };
})();

/** A ticket with the demo's defaults. */
export function makeTicket(n: number, extra: Partial<Ticket> = {}): Ticket {
  const at = new Date(Date.UTC(2026, 11, 1, 9, 0) + n * 3_600_000).toISOString();
  return {
    id: hex(0x900000 + n), number: 1000 + n, subject: `Ticket ${n}`, description: null, accountId: null, contactId: null, productId: null, category: null,
    priority: 'normal', channel: 'portal', status: 'new', statusChangedAt: null, ownerId: null, teamId: null, departmentId: null, customerUserId: null,
    messageCount: 0, lastMessageAt: null, lastPublicMessageAt: null, firstResponseAt: null,
    sla: { firstResponseDueAt: null, resolutionDueAt: null, firstResponseBreached: false, resolutionBreached: false }, tags: [], custom: {}, version: 0, createdAt: at, updatedAt: at, satisfaction: null,
    ...extra,
  };
}

/** The routes the ticket elements call, over `tickets` and `messages` (changed in place). */
export function ticketRoutes(tickets: Ticket[], messages: TicketMessage[], notFound: () => Error): Array<[string, RegExp, Handler]> {
  const byId = (id: string) => tickets.find((t) => t.id === id) ?? (() => { throw notFound(); })();
  const list = <T>(data: T[]) => ({ object: 'list' as const, data, hasMore: false, nextCursor: null });
  return [
    route('GET', /^\/v1\/workflows\/ticket$/, 'getWorkflow', () => ticketWorkflow),
    route('GET', /^\/v1\/tickets$/, 'listTickets', (_, q) =>
      list([...tickets].filter((t) => (!q.status || t.status === q.status) && (!q.priority || t.priority === q.priority) && (!q.ownerId || t.ownerId === q.ownerId)).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)))),
    route('GET', /^\/v1\/tickets\/(\w+)$/, 'getTicket', (m) => ({ ...byId(m[1]!) })),
    route('GET', /^\/v1\/tickets\/(\w+)\/messages$/, 'listTicketMessages', (m) => list(messages.filter((x) => x.ticketId === m[1]))),
    route('POST', /^\/v1\/tickets\/(\w+)\/messages$/, 'createTicketMessage', (m, __, body) => {
      const ticket = byId(m[1]!);
      const message: TicketMessage = { id: hex(0x910000 + messages.length), ticketId: ticket.id, visibility: body.visibility === 'internal' ? 'internal' : 'public', authorKind: 'user', authorId: hex(1), body: String(body.body), attachments: [], createdAt: new Date().toISOString() };
      messages.push(message);
      Object.assign(ticket, { messageCount: ticket.messageCount + 1, version: ticket.version + 1 });
      return message;
    }),
    route('POST', /^\/v1\/tickets\/(\w+)\/transitions$/, 'transitionTicket', (m, __, body) => Object.assign(byId(m[1]!), { status: String(body.to), version: byId(m[1]!).version + 1 }) && { ...byId(m[1]!) }),
    route('POST', /^\/v1\/tickets\/(\w+)\/assign$/, 'assignTicket', (m, __, body) => Object.assign(byId(m[1]!), { ownerId: (body.ownerId as string | null) ?? null, version: byId(m[1]!).version + 1 }) && { ...byId(m[1]!) }),
  ];
}

/** A demo queue and one thread (a customer's question, an agent's reply, an internal note). */
export function demoTickets(): { tickets: Ticket[]; messages: TicketMessage[] } {
  const tickets = [
    makeTicket(1, { subject: 'Cannot download my invoice', priority: 'high', status: 'open', messageCount: 3 }),
    makeTicket(2, { subject: 'Change of billing address', channel: 'email', ownerId: hex(1) }),
    makeTicket(3, { subject: 'Printer on fire', priority: 'urgent', channel: 'phone', status: 'pending_customer' }),
  ];
  const t = tickets[0]!;
  const messages: TicketMessage[] = [
    { id: hex(0x910001), ticketId: t.id, visibility: 'public', authorKind: 'customer', authorId: hex(0x990001), body: 'The download link says 404.', attachments: [], createdAt: '2026-12-01T10:00:00.000Z' },
    { id: hex(0x910002), ticketId: t.id, visibility: 'internal', authorKind: 'user', authorId: hex(1), body: 'Known storage issue, see incident 42.', attachments: [], createdAt: '2026-12-01T10:05:00.000Z' },
    { id: hex(0x910003), ticketId: t.id, visibility: 'public', authorKind: 'user', authorId: hex(1), body: 'Sorry about that. Here is a fresh link.', attachments: [], createdAt: '2026-12-01T10:10:00.000Z' },
  ];
  return { tickets, messages };
}

/** Portal identities of contacts (`crm.customerUsers`): the first contact is an active customer; the others can be invited. */
export function customerUserRoutes(contactEmail: (contactId: string) => { email: string; name: string } | undefined, notFound: () => Error): Array<[string, RegExp, Handler]> {
  const now = new Date().toISOString();
  const people: CustomerUser[] = [];
  const byId = (id: string) => people.find((p) => p.id === id) ?? (() => { throw notFound(); })();
  const first = contactEmail(hex(0x100000));
  if (first) people.push({ id: hex(0xc00001), object: 'customerUser', contactId: hex(0x100000), accountId: null, email: first.email, name: first.name, role: 'customer', status: 'active', locale: 'en', lastSignInAt: now, createdAt: now, updatedAt: now, version: 1 });
  return [
    route('GET', /^\/v1\/customer-users$/, 'listCustomerUsers', (_, q) => ({ object: 'list' as const, data: people.filter((p) => !q.contactId || p.contactId === q.contactId), hasMore: false, nextCursor: null })),
    route('POST', /^\/v1\/customer-users$/, 'inviteCustomerUser', (_, __, body) => {
      const contact = contactEmail(String(body.contactId)) ?? (() => { throw notFound(); })();
      const invited: CustomerUser = { id: hex(0xc00000 + people.length + 2), object: 'customerUser', contactId: String(body.contactId), accountId: null, email: contact.email, name: contact.name, role: body.role === 'customer_case_manager' ? 'customer_case_manager' : 'customer', status: 'invited', locale: 'en', lastSignInAt: null, createdAt: now, updatedAt: now, version: 0 };
      people.push(invited);
      return invited;
    }),
    route('POST', /^\/v1\/customer-users\/(\w+)\/invitation$/, 'resendCustomerInvitation', (m) => ({ ...byId(m[1]!) })),
  ];
}
