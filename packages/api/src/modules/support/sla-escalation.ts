import { Types, type Connection } from 'mongoose';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import type { EventBus } from '../../platform/events.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import { writeVersion } from '../../platform/records/version-claims.js';
import { orgModel } from '../identity/org.model.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { toTicketDto } from './ticket.definition.js';
import { ticketModel, type Ticket } from './ticket.model.js';

/** The Agenda job that checks one SLA target of one ticket at its due time. */
export const SLA_CHECK_JOB = 'ticket-sla-check';

export interface SlaCheck {
  tenantId: string;
  ticketId: string;
  target: 'firstResponse' | 'resolution';
}

/** Statuses in which a ticket no longer waits for its resolution. */
const DONE = new Set(['resolved', 'closed']);

export interface SlaEscalationDeps {
  connection: Connection;
  events: EventBus;
  notifications: Pick<NotificationsService, 'notify'>;
}

/**
 * Checks one target of a ticket: when it is due and not met (no public reply yet; not resolved), the
 * ticket is flagged as breached and its agent and its team's head are notified, each at most once
 * (the notification's dedupe key), so a job that runs twice or on two workers notifies once.
 * Answers what it found.
 */
export async function checkTicketSla(deps: SlaEscalationDeps, check: SlaCheck, now = new Date()): Promise<'met' | 'not-due' | 'breached' | 'gone'> {
  const Tickets = ticketModel(deps.connection);
  const tenantId = new Types.ObjectId(check.tenantId);
  const ticketId = new Types.ObjectId(check.ticketId);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const ticket = (await findByIdInTenant(Tickets as never, tenantId, ticketId)) as Ticket | null;
    if (!ticket) return 'gone';
    const first = check.target === 'firstResponse';
    const due = first ? ticket.firstResponseDueAt : ticket.resolutionDueAt;
    if ((first && ticket.firstResponseAt) || (!first && DONE.has(ticket.status))) return 'met';
    if (!due || due > now) return 'not-due';
    const flag = first ? 'firstResponseBreached' : 'resolutionBreached';
    if (!ticket[flag]) {
      if (!(await writeVersion(Tickets as never, ticket, { $set: { [flag]: true, updatedAt: now } }))) continue;
      const updated = (await findByIdInTenant(Tickets as never, tenantId, ticketId)) as Ticket;
      await deps.events.publish({ type: 'ticket.updated', tenantId, resource: 'ticket', resourceId: check.ticketId, actor: null, record: toTicketDto(updated), changes: { [flag]: { from: false, to: true } } });
    }
    const team = ticket.teamId ? await orgModel(deps.connection).findOne({ tenantId, _id: ticket.teamId }).select({ leadId: 1 }).lean<{ leadId?: Types.ObjectId | null }>() : null;
    const people = [...new Set([ticket.ownerId, team?.leadId].filter((id): id is Types.ObjectId => Boolean(id)).map(String))];
    const what = first ? 'first response' : 'resolution';
    for (const userId of people) {
      await deps.notifications.notify({
        tenantId,
        userId: new Types.ObjectId(userId),
        category: 'ticket.sla',
        title: `Ticket #${ticket.number} missed its ${what} target`,
        body: `"${ticket.subject}" was due ${due.toISOString()}.`,
        resource: 'ticket',
        resourceId: check.ticketId,
        dedupeKey: `ticket-sla:${check.ticketId}:${check.target}:${userId}`,
      });
    }
    return 'breached';
  }
  return 'not-due';
}

/**
 * The escalation (issue 18): each new ticket schedules one check per target at its due time (one job per
 * ticket and target, `scheduleUnique`), and the job runs `checkTicketSla`.
 */
export function defineSlaEscalation(deps: SlaEscalationDeps & { jobs: Jobs }): void {
  deps.jobs.define<SlaCheck>(SLA_CHECK_JOB, async (job) => {
    await checkTicketSla(deps, job.attrs.data);
  });
  deps.events.subscribe('ticket.created', async (event) => {
    const sla = (event.record as { sla?: { firstResponseDueAt?: string | null; resolutionDueAt?: string | null } } | undefined)?.sla;
    if (!event.resourceId || !sla) return;
    const base = { tenantId: String(event.tenantId), ticketId: event.resourceId };
    if (sla.firstResponseDueAt) await deps.jobs.scheduleUnique(`${event.resourceId}:firstResponse`, new Date(sla.firstResponseDueAt), SLA_CHECK_JOB, { ...base, target: 'firstResponse' });
    if (sla.resolutionDueAt) await deps.jobs.scheduleUnique(`${event.resourceId}:resolution`, new Date(sla.resolutionDueAt), SLA_CHECK_JOB, { ...base, target: 'resolution' });
  });
  // A new priority moves the due times: one more check per target at its new time (keyed by that time,
  // so the first check, if it comes earlier, finds the target not due and leaves it to this one).
  deps.events.subscribe('ticket.updated', async (event) => {
    const sla = (event.record as { sla?: { firstResponseDueAt?: string | null; resolutionDueAt?: string | null } } | undefined)?.sla;
    if (!event.resourceId || !sla || !event.changes?.resolutionDueAt) return;
    const base = { tenantId: String(event.tenantId), ticketId: event.resourceId };
    for (const [target, at] of [['firstResponse', sla.firstResponseDueAt], ['resolution', sla.resolutionDueAt]] as const) {
      if (at) await deps.jobs.scheduleUnique(`${event.resourceId}:${target}:${new Date(at).getTime()}`, new Date(at), SLA_CHECK_JOB, { ...base, target });
    }
  });
}
