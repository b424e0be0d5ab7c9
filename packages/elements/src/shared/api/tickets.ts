// What <crm-ticket-list> and <crm-ticket-view> ask of the API, through the SDK's resources: tickets
// (`crm.tickets.list/get/transition/assign/listMessages/reply`), the ticket workflow
// (`crm.workflows.get('ticket')`), the agency's people (`crm.users.list`) and live changes
// (`crm.realtime.subscribe({ resource: 'ticket', filter: { id } })`).
import { compactQuery, type CrmCallOptions, type CrmDataClient } from './transport.js';
import type { Person, Ticket, TicketMessage, Workflow } from './types.js';

/** A page of tickets, last update first, with the filters the list offers. */
export async function listTickets(client: CrmDataClient, filters: { status?: string; priority?: string; ownerId?: string; limit: number; cursor?: string | undefined }, options?: CrmCallOptions) {
  return client.tickets.list(compactQuery({ ...filters, sort: '-updatedAt' }) as never, options);
}

/** The agency's ticket workflow (states, labels, moves). */
export function loadTicketWorkflow(client: CrmDataClient, options?: CrmCallOptions): Promise<Workflow> {
  return client.workflows.get('ticket', options);
}

/** A ticket by id. */
export function getTicket(client: CrmDataClient, id: string, options?: CrmCallOptions): Promise<Ticket> {
  return client.tickets.get(id, options);
}

/** The whole thread (up to 500 messages), oldest first. */
export async function loadThread(client: CrmDataClient, id: string, options?: CrmCallOptions): Promise<TicketMessage[]> {
  const out: TicketMessage[] = [];
  for await (const message of client.tickets.listMessages(id, { limit: 100 }, options)) {
    out.push(message);
    if (out.length >= 500) break;
  }
  return out;
}

/** Posts a public reply or an internal note. */
export function replyToTicket(client: CrmDataClient, id: string, body: string, visibility: 'public' | 'internal'): Promise<TicketMessage> {
  return client.tickets.reply(id, { body, visibility });
}

/** Moves the ticket, failing with a version conflict when someone changed it since `version`. */
export function transitionTicket(client: CrmDataClient, id: string, to: string, version: number): Promise<Ticket> {
  return client.tickets.transition(id, { to, version });
}

/** Assigns the ticket to a person (null: unassigned). */
export function assignTicket(client: CrmDataClient, id: string, ownerId: string | null, version: number): Promise<Ticket> {
  return client.tickets.assign(id, { ownerId }, { ifMatch: version });
}

/** The people a ticket can be assigned to (up to 200). */
export async function listAgents(client: CrmDataClient, options?: CrmCallOptions): Promise<Person[]> {
  return (await client.users.list({ limit: 200 } as never, options)).data;
}

/** Calls `handler` when the ticket changes (a reply, a note, a move); returns the unsubscribe. */
export function watchTicket(client: CrmDataClient, id: string, handler: (ticket: Ticket) => void): () => void {
  if (!client.realtime) return () => undefined;
  return client.realtime.subscribe({ resource: 'ticket', filter: { id } }, (event) => {
    if (event.record) handler(event.record as Ticket);
  });
}
