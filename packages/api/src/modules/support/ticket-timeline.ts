import { createHash } from 'node:crypto';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import { can, matchesFilter, visibilityFilter } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { findByIdInTenant, tenantScoped } from '../../platform/db/tenancy.plugin.js';
import { isDuplicateKeyError } from '../../platform/errors.js';
import type { DomainEvent, EventBus } from '../../platform/events.js';
import { ticketModel, type Ticket } from './ticket.model.js';

/** What happened to a ticket, as a contact's or an account's timeline shows it. */
export const ticketTimelineKinds = ['created', 'replied', 'resolved'] as const;
type TicketTimelineKind = (typeof ticketTimelineKinds)[number];

/**
 * One ticket event on one record's timeline (the ticket's contact, its account): its own document per
 * subject, so a timeline reads its entries by one equality (`subjectId`) like its activities.
 */
export interface TicketTimelineEntry {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  subjectId: Types.ObjectId;
  ticketId: Types.ObjectId;
  kind: TicketTimelineKind;
  at: Date;
  number: number;
  subject: string;
  /** The agent who did it; null for the customer (portal, email) or the system. */
  byUserId: Types.ObjectId | null;
}

const entrySchema = new Schema<TicketTimelineEntry>(
  {
    subjectId: { type: Schema.Types.ObjectId, required: true },
    ticketId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: ticketTimelineKinds, required: true },
    at: { type: Date, required: true },
    number: { type: Number, required: true },
    subject: { type: String, required: true },
    byUserId: { type: Schema.Types.ObjectId, default: null },
  },
  { versionKey: false },
);
entrySchema.plugin(tenantScoped);
entrySchema.index({ tenantId: 1, subjectId: 1, at: -1 });

export function ticketTimelineModel(connection: Connection): Model<TicketTimelineEntry> {
  return (connection.models.TicketTimelineEntry as Model<TicketTimelineEntry>) ?? connection.model<TicketTimelineEntry>('TicketTimelineEntry', entrySchema, 'ticket_timeline');
}

type TicketRecord = { number?: number; subject?: string; contactId?: string | null; accountId?: string | null; createdAt?: string };

/** The kind and time of a ticket event worth a timeline entry, or null. */
function entryOf(event: DomainEvent): { kind: TicketTimelineKind; at: Date } | null {
  const record = event.record as TicketRecord | undefined;
  if (event.type === 'ticket.created') return { kind: 'created', at: record?.createdAt ? new Date(record.createdAt) : event.at };
  if (event.type === 'ticket.transitioned' && ((event.data as { to?: string } | undefined)?.to ?? event.changes?.status?.to) === 'resolved') return { kind: 'resolved', at: event.at };
  const reply = event.changes?.lastPublicMessageAt?.to;
  if (event.type === 'ticket.updated' && reply) return { kind: 'replied', at: new Date(reply as string | Date) };
  return null;
}

/**
 * Issue 18: a ticket opened, answered publicly or resolved appears on its contact's and its account's
 * timelines. Each entry's id is derived from the ticket, the event and its time, so a replayed event
 * writes nothing more.
 */
export function subscribeTicketTimeline(events: EventBus, connection: Connection): () => void {
  const Entries = ticketTimelineModel(connection);
  return events.subscribe('ticket.*', async (event) => {
    const found = entryOf(event);
    const record = event.record as TicketRecord | undefined;
    if (!found || !record || !event.resourceId || !Types.ObjectId.isValid(event.resourceId)) return;
    const subjects = [record.contactId, record.accountId].filter((id): id is string => Boolean(id && Types.ObjectId.isValid(id)));
    for (const subjectId of subjects) {
      const key = `${event.resourceId}:${found.kind}:${found.at.getTime()}:${subjectId}`;
      const _id = new Types.ObjectId(createHash('sha256').update(key).digest().subarray(0, 12).toString('hex'));
      try {
        await Entries.collection.insertOne({
          _id,
          tenantId: event.tenantId,
          subjectId: new Types.ObjectId(subjectId),
          ticketId: new Types.ObjectId(event.resourceId),
          kind: found.kind,
          at: found.at,
          number: record.number ?? 0,
          subject: record.subject ?? '',
          byUserId: event.actor?.userId ?? null,
        } as never);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
  });
}

const titles: Record<TicketTimelineKind, string> = { created: 'opened', replied: 'answered', resolved: 'resolved' };

/**
 * The ticket entries of one record's timeline that the caller may see: none without the ticket read
 * permission, and only entries of tickets the access module lets them read (so a timeline never tells
 * of a ticket the caller's team does not work). Newest first, at most `take`, before `before`.
 */
export async function ticketTimelineItems(connection: Connection, principal: Principal, subjectId: Types.ObjectId, query: { before: Date | null; take: number }) {
  if (!can(principal, 'ticket', 'read')) return [];
  const entries = await ticketTimelineModel(connection)
    .find({ tenantId: principal.tenantId, subjectId, ...(query.before ? { at: op({ $lt: query.before }) } : {}) })
    .sort({ at: -1, _id: -1 })
    .limit(query.take)
    .lean<TicketTimelineEntry[]>();
  const filter = visibilityFilter(principal, 'ticket', 'read');
  const Tickets = ticketModel(connection);
  const visible = new Map<string, Ticket | null>();
  for (const id of new Set(entries.map((e) => String(e.ticketId)))) {
    const ticket = (await findByIdInTenant(Tickets as never, principal.tenantId, new Types.ObjectId(id))) as Ticket | null;
    visible.set(id, ticket && matchesFilter(ticket as unknown as Record<string, unknown>, filter) ? ticket : null);
  }
  return entries
    .filter((e) => visible.get(String(e.ticketId)))
    .map((e) => {
      const ticket = visible.get(String(e.ticketId))!;
      return {
        kind: 'ticket' as const,
        id: String(e._id),
        at: e.at,
        title: `Ticket #${e.number} ${titles[e.kind]}: ${e.subject}`,
        byUserId: e.byUserId ? String(e.byUserId) : null,
        data: { event: e.kind, ticketId: String(e.ticketId), number: e.number, subject: ticket.subject, status: ticket.status, priority: ticket.priority },
      };
    });
}
