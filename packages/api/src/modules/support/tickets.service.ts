import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { createRecordService, type ListQuery, type RecordDeps } from '../../platform/records/record-service.js';
import { writeVersion } from '../../platform/records/version-claims.js';
import type { Actor } from '../../platform/events.js';
import { syncListRow } from '../../platform/lists/list-rows.js';
import { syncRecordSearch } from '../../platform/search/search-index.js';
import { contactModel } from '../contacts/contact.model.js';
import { customerModel } from '../customers/customer.model.js';
import { ticketDefinition, toTicketDto } from './ticket.definition.js';
import { defaultSupportSettings, slaDueTimes, supportSettingsModel, type SupportSettings } from './sla.js';
import { ticketModel, ticketNumberClaimModel, type Ticket, type TicketPriority } from './ticket.model.js';
import type { AssignmentService } from './assignment.service.js';

type Client = { ip?: string; userAgent?: string };

/** The highest number claimed per agency as this process last saw it, so a claim usually succeeds first time. */
const lastClaimed = new Map<string, number>();

/**
 * Hands out the agency's next ticket number exactly once: each number is an insert into
 * `ticket_number_claims` under `<tenant>:<n>`, refused by the `_id` index when taken (then the next is
 * tried). A process that starts without a hint begins after the agency's highest ticket number.
 */
export async function claimTicketNumber(connection: Connection, tenantId: Types.ObjectId): Promise<number> {
  const Claims = ticketNumberClaimModel(connection);
  const key = String(tenantId);
  let n = lastClaimed.get(key);
  if (n === undefined) {
    // One sorted read per agency per process: FerretDB decodes every ticket of the agency here, once.
    const highest = await ticketModel(connection).findOne({ tenantId }).sort({ number: -1 }).select({ number: 1 }).lean<{ number: number }>();
    n = highest?.number ?? 0;
  }
  for (let attempt = 0; attempt < 10_000; attempt += 1) {
    n += 1;
    try {
      await Claims.collection.insertOne({ _id: `${key}:${n}`, tenantId, at: new Date() } as never);
      lastClaimed.set(key, n);
      return n;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // Probe forward in growing steps when far behind (another process handed out many meanwhile).
      if (attempt > 8) n += attempt;
    }
  }
  throw new AppError('conflict', 'Could not claim a ticket number; try again');
}

/** Forgets the per-process hints (tests that drop databases). */
export function forgetTicketNumberHints(): void {
  lastClaimed.clear();
}

/**
 * Tickets: the shared record rules (visibility, workflow "ticket", list rows, search, If-Match, audit
 * events) plus a human number per agency, references checked against the agency's accounts and
 * contacts, and the thread's counters kept on the ticket.
 */
export function createTicketsService(connection: Connection, deps: RecordDeps, assignment?: Pick<AssignmentService, 'route'>) {
  const record = createRecordService(ticketDefinition(connection), deps);
  const Tickets = ticketModel(connection);
  const Customers = customerModel(connection);
  const Contacts = contactModel(connection);
  const Settings = supportSettingsModel(connection);

  /** The agency's SLA targets, business hours and holidays (the defaults until an admin saves them). */
  async function settings(tenantId: Types.ObjectId) {
    const stored = await Settings.findOne({ tenantId, scope: 'support' }).lean<SupportSettings>();
    return { targets: stored?.targets ?? defaultSupportSettings.targets, businessHours: stored?.businessHours ?? defaultSupportSettings.businessHours, holidays: stored?.holidays ?? [], version: stored?.version ?? 0 };
  }

  async function dueTimes(tenantId: Types.ObjectId, priority: TicketPriority | undefined, at: Date) {
    return slaDueTimes(await settings(tenantId), priority ?? 'normal', at);
  }

  /**
   * The due times of a ticket whose priority changed: counted from when it opened, in the agency's
   * business hours, as if it had opened at the new priority. A met target is judged against its new due
   * time; an unmet one is unflagged when its new due time is still ahead (the escalation job flags it then).
   */
  async function recomputedSla(existing: Ticket, priority: TicketPriority) {
    const now = new Date();
    const due = await dueTimes(existing.tenantId, priority, existing.createdAt ?? now);
    const resolvedAt = existing.status === 'resolved' || existing.status === 'closed' ? (existing.statusChangedAt ?? null) : null;
    const judge = (metAt: Date | null, dueAt: Date, flagged: boolean) => (metAt ? metAt > dueAt : dueAt > now ? false : flagged);
    return {
      ...due,
      firstResponseBreached: judge(existing.firstResponseAt ?? null, due.firstResponseDueAt, existing.firstResponseBreached ?? false),
      resolutionBreached: resolvedAt ? (existing.resolutionBreached ?? false) : judge(null, due.resolutionDueAt, existing.resolutionBreached ?? false),
    };
  }

  /** The account and contact a ticket names must be the agency's, and the contact the account's when both are given. */
  async function checkReferences(tenantId: Types.ObjectId, input: Record<string, unknown>, existing?: Ticket): Promise<void> {
    const accountId = 'accountId' in input ? input.accountId : existing?.accountId;
    const contactId = 'contactId' in input ? input.contactId : existing?.contactId;
    if (input.accountId) {
      const account = await findByIdInTenant(Customers as never, tenantId, new Types.ObjectId(String(input.accountId)));
      if (!account) throw AppError.invalidField('accountId', 'is not a customer of this agency');
    }
    if (input.contactId || (input.accountId && contactId)) {
      const contact = (await findByIdInTenant(Contacts as never, tenantId, new Types.ObjectId(String(contactId)))) as { customerId?: Types.ObjectId | null } | null;
      if (!contact) throw AppError.invalidField('contactId', 'is not a contact of this agency');
      if (accountId && contact.customerId && String(contact.customerId) !== String(accountId)) throw AppError.invalidField('contactId', 'belongs to another customer than accountId');
    }
  }

  return {
    ...record,

    /** Opens a ticket with the agency's next number (channel from the input; phone by default); sent with `ownerId: null`, the agency's assignment rules pick its team and agent. */
    async create(principal: Principal, input: Record<string, unknown>, client?: Client, extra: { id?: Types.ObjectId; customerUserId?: Types.ObjectId | null } = {}) {
      await checkReferences(principal.tenantId, input);
      const number = await claimTicketNumber(connection, principal.tenantId);
      const due = await dueTimes(principal.tenantId, input.priority as TicketPriority | undefined, new Date());
      let creator = principal;
      const routed = input.ownerId === null && assignment ? await assignment.route(principal.tenantId, { category: input.category as string | null, productId: input.productId as string | null, teamId: input.teamId as string | null }) : null;
      if (routed) {
        input = { ...input, teamId: String(routed.teamId), ownerId: routed.ownerId ? String(routed.ownerId) : null };
        // The agency's rules chose the agent, not the caller: their role needs no assign permission for it.
        const permissions = new Map(principal.role.permissions);
        permissions.set('ticket', new Set([...(permissions.get('ticket') ?? []), 'assign']));
        creator = { ...principal, role: { ...principal.role, permissions } };
      }
      return record.create(creator, { ...input, ...due, number, customerUserId: extra.customerUserId ?? null, messageCount: 0 }, client, extra.id ? { id: extra.id } : {});
    },

    async update(principal: Principal, id: string, patch: Record<string, unknown>, options: { ifMatch?: number | undefined; client?: Client } = {}) {
      const existing = await record.findVisible(principal, id, 'update');
      await checkReferences(principal.tenantId, patch, existing);
      const { number: _n, messageCount: _m, lastMessageAt: _l, lastPublicMessageAt: _lp, publicMessageCount: _pm, firstResponseAt: _f, customerUserId: _c, channel: _ch, firstResponseDueAt: _fd, resolutionDueAt: _rd, firstResponseBreached: _fb, resolutionBreached: _rb, ...allowed } = patch;
      const priority = allowed.priority as TicketPriority | undefined;
      if (priority && priority !== existing.priority) Object.assign(allowed, await recomputedSla(existing, priority));
      return record.update(principal, id, allowed, options);
    },

    settings: (principal: Principal) => settings(principal.tenantId),

    /** Replaces the agency's SLA targets, business hours and holidays (with `ifMatch`, only if still at that version). */
    async updateSettings(principal: Principal, input: Pick<SupportSettings, 'targets' | 'businessHours' | 'holidays'>, ifMatch?: number) {
      const current = await settings(principal.tenantId);
      if (ifMatch !== undefined && ifMatch !== current.version) throw new AppError('precondition_failed', `The support settings changed (now version ${current.version}); reload and try again`, { extensions: { current } });
      const stored = await Settings.findOne({ tenantId: principal.tenantId, scope: 'support' }).lean<SupportSettings>();
      if (!stored) {
        try {
          // Inserted as version 1 (the defaults were version 0), refused by the unique (tenant, scope) index when another save won.
          const now = new Date();
          await Settings.collection.insertOne({ tenantId: principal.tenantId, scope: 'support', ...input, version: 1, createdAt: now, updatedAt: now } as never);
        } catch (error) {
          if (isDuplicateKeyError(error)) throw new AppError('precondition_failed', 'The support settings were saved by someone else meanwhile; reload and try again');
          throw error;
        }
      } else if (!(await writeVersion(Settings as never, stored, { $set: { ...input, updatedAt: new Date() } }))) {
        throw new AppError('precondition_failed', 'The support settings were saved by someone else meanwhile; reload and try again');
      }
      await deps.events.publish({ type: 'supportSettings.updated', tenantId: principal.tenantId, resource: 'tenant', resourceId: null, actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId }, data: { ...input } });
      return settings(principal.tenantId);
    },

    /** Moves the ticket along its workflow; a move to resolved records whether it came after the resolution due time. */
    async transition(principal: Principal, id: string, input: { to: string; version?: number | undefined; note?: string | undefined }, client?: Client) {
      if (input.to !== 'resolved') return record.transition(principal, id, input, client);
      const existing = await record.findVisible(principal, id, 'transition');
      const now = new Date();
      return record.transition(principal, id, input, client, { resolutionBreached: Boolean(existing.resolutionDueAt && now > existing.resolutionDueAt) });
    },

    /** Sets the assigned agent and/or team (the assign permission is checked by the record rules). */
    async assign(principal: Principal, id: string, input: { ownerId?: string | null | undefined; teamId?: string | null | undefined }, options: { ifMatch?: number | undefined; client?: Client } = {}) {
      const patch: Record<string, unknown> = {};
      if (input.ownerId !== undefined) patch.ownerId = input.ownerId;
      if (input.teamId !== undefined) patch.teamId = input.teamId;
      if (!Object.keys(patch).length) {
        // Another agency's id (or one the caller may not see) is a 404 whatever the body says.
        await record.get(principal, id);
        throw AppError.invalidField('ownerId', 'send ownerId, teamId or both');
      }
      return record.update(principal, id, patch, options);
    },

    /** Lists tickets, by last update unless another order is asked for (the support queue's order). */
    list(principal: Principal, query: ListQuery) {
      return record.list(principal, { ...query, sort: query.sort ?? '-updatedAt' });
    },

    /**
     * Opens a ticket on behalf of a customer (the portal): channel portal, their contact and account, no
     * agent yet. The same number claim, rows, search entries, history and event as an agent's create.
     */
    async createForCustomer(customer: { tenantId: Types.ObjectId; customerUserId: Types.ObjectId | null; contactId: Types.ObjectId | null; accountId: Types.ObjectId | null }, input: { subject: string; description?: string | null | undefined; category?: string | null | undefined; priority?: Ticket['priority'] | undefined }, actor: Actor, options: { teamId?: Types.ObjectId | null; id?: Types.ObjectId; channel?: Ticket['channel'] } = {}) {
      const { tenantId } = customer;
      const number = await claimTicketNumber(connection, tenantId);
      const status = await deps.workflows.initialState(tenantId, 'ticket');
      const due = await dueTimes(tenantId, input.priority, new Date());
      // Nobody is assigned yet: the agency's rules pick the team (and the agent, in turn).
      const routed = assignment ? await assignment.route(tenantId, { category: input.category ?? null, teamId: options.teamId ?? null }) : null;
      let inserted;
      try {
        inserted = await Tickets.create({
          ...(options.id ? { _id: options.id } : {}),
          tenantId,
          number,
          subject: input.subject,
          description: input.description ?? null,
          category: input.category ?? null,
          priority: input.priority ?? 'normal',
          channel: options.channel ?? 'portal',
          status,
          accountId: customer.accountId,
          contactId: customer.contactId,
          customerUserId: customer.customerUserId,
          ownerId: routed?.ownerId ?? null,
          teamId: routed?.teamId ?? options.teamId ?? null,
          ...due,
          custom: {},
        });
      } catch (error) {
        // A ticket opened under a derived id (a follow-up of one feedback) exists already: it is that one.
        if (options.id && isDuplicateKeyError(error)) {
          const existing = (await findByIdInTenant(Tickets as never, tenantId, options.id)) as Ticket | null;
          if (existing) return existing;
        }
        throw error;
      }
      const created = (inserted as unknown as { toObject(): Ticket }).toObject();
      await Promise.all([syncListRow(connection, record.definition, tenantId, created._id, created), syncRecordSearch(connection, record.definition, tenantId, created._id, created)]);
      await deps.workflows.record({ principal: null, tenantId, key: 'ticket', resource: 'ticket', recordId: created._id, from: null, to: status });
      const dto = toTicketDto(created);
      await deps.events.publish({ type: 'ticket.created', tenantId, resource: 'ticket', resourceId: String(created._id), actor, record: dto });
      return created;
    },

    /**
     * Moves a ticket for a customer (close, reopen, or back to open when they answer): only along a
     * transition of the agency's workflow that names no role, since a customer holds no agent role.
     */
    async moveForCustomer(ticket: Ticket, to: string, actor: Actor, also: Partial<Pick<Ticket, 'satisfactionRating' | 'satisfactionComment' | 'ratedAt'>> = {}): Promise<Ticket> {
      const workflow = await deps.workflows.get(ticket.tenantId, 'ticket');
      const allowed = workflow.transitions.filter((t) => t.from === ticket.status && t.roles.length === 0).map((t) => t.to);
      if (!allowed.includes(to)) throw new AppError('invalid_transition', `status '${to}' cannot follow '${ticket.status}'; allowed: ${allowed.join(', ') || 'none'}`, { extensions: { from: ticket.status, to, allowed } });
      const now = new Date();
      if (!(await writeVersion(Tickets as never, ticket, { $set: { ...also, status: to, statusChangedAt: now, updatedAt: now } }))) {
        throw new AppError('version_conflict', 'The ticket was changed meanwhile; reload and try again');
      }
      await deps.workflows.record({ principal: null, tenantId: ticket.tenantId, key: 'ticket', resource: 'ticket', recordId: ticket._id, from: ticket.status, to, note: 'by the customer' });
      const updated = (await findByIdInTenant(Tickets as never, ticket.tenantId, ticket._id)) as Ticket;
      await syncRecordSearch(connection, record.definition, ticket.tenantId, ticket._id, updated);
      await deps.events.publish({ type: 'ticket.transitioned', tenantId: ticket.tenantId, resource: 'ticket', resourceId: String(ticket._id), actor, record: toTicketDto(updated), changes: { status: { from: ticket.status, to } }, data: { from: ticket.status, to } });
      return updated;
    },

    /**
     * Counts a new message on the ticket (and its first public agent reply), under the ticket's version
     * check, retried when a concurrent write moved it on; the `ticket.updated` event tells every agent
     * who may see the ticket (realtime) that its thread grew.
     */
    async noteMessage(tenantId: Types.ObjectId, ticketId: Types.ObjectId, message: { at: Date; firstResponse: boolean; visibility: 'public' | 'internal' }, actor: Actor) {
      for (let attempt = 0; attempt < 8; attempt += 1) {
        const current = (await findByIdInTenant(Tickets as never, tenantId, ticketId)) as Ticket | null;
        if (!current) throw AppError.notFound('Ticket');
        const set: Record<string, unknown> = { messageCount: (current.messageCount ?? 0) + 1, lastMessageAt: message.at, updatedAt: message.at };
        if (message.visibility === 'public') Object.assign(set, { lastPublicMessageAt: message.at, publicMessageCount: (current.publicMessageCount ?? 0) + 1 });
        if (message.firstResponse && !current.firstResponseAt) {
          set.firstResponseAt = message.at;
          set.firstResponseBreached = Boolean(current.firstResponseDueAt && message.at > current.firstResponseDueAt);
        }
        if (!(await writeVersion(Tickets as never, current, { $set: set }))) continue;
        const updated = (await findByIdInTenant(Tickets as never, tenantId, ticketId)) as Ticket;
        const dto = toTicketDto(updated);
        const changes = Object.fromEntries(Object.keys(set).map((k) => [k, { from: (current as unknown as Record<string, unknown>)[k] ?? null, to: set[k] }]));
        await deps.events.publish({ type: 'ticket.updated', tenantId, resource: 'ticket', resourceId: String(ticketId), actor, record: dto, changes });
        return dto;
      }
      throw new AppError('conflict', 'The ticket is being changed by many at once; try again');
    },
  };
}

export type TicketsService = ReturnType<typeof createTicketsService>;
