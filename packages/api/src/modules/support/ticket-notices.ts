import { Types } from 'mongoose';
import type { EventBus } from '../../platform/events.js';
import type { NotificationsService } from '../notifications/notifications.service.js';

type TicketRecord = { number?: number; subject?: string; ownerId?: string | null; version?: number };

/**
 * Tells an agent in their inbox when a ticket becomes theirs by someone else's hand or by the agency's
 * assignment rules (an agent who takes a ticket needs no notice). Once per ticket, agent and version
 * (the dedupe key), so a replayed event notifies once. The daily summary counts these.
 */
export function subscribeTicketAssignmentNotices(events: EventBus, notifications: Pick<NotificationsService, 'notify'>): () => void {
  return events.subscribe('ticket.*', async (event) => {
    if (event.type !== 'ticket.created' && !(event.type === 'ticket.updated' && event.changes?.ownerId)) return;
    const ticket = event.record as TicketRecord | undefined;
    const ownerId = ticket?.ownerId;
    if (!ticket || !event.resourceId || !ownerId || !Types.ObjectId.isValid(ownerId)) return;
    if (event.actor?.userId && String(event.actor.userId) === ownerId) return;
    await notifications.notify({
      tenantId: event.tenantId,
      userId: new Types.ObjectId(ownerId),
      category: 'ticket.assigned',
      title: `Ticket #${ticket.number ?? ''} is yours: ${ticket.subject ?? ''}`.slice(0, 300),
      resource: 'ticket',
      resourceId: event.resourceId,
      dedupeKey: `ticket-assigned:${event.resourceId}:${ownerId}:${ticket.version ?? 0}`,
    });
  });
}
