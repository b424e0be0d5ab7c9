import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { EventBus } from '../../platform/events.js';
import type { TicketsService } from './tickets.service.js';

/** The id of the follow-up case of one piece of feedback: derived, so it is opened once however often the event comes. */
export function followUpTicketId(tenantId: string, feedbackId: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`ticket-follow-up:${tenantId}:${feedbackId}`).digest().subarray(0, 12).toString('hex'));
}

/**
 * 003's feedback flow: negative feedback from a customer (a survey answer or feedback an agent logged)
 * opens a follow-up case on that customer, high priority, unassigned, once per feedback.
 */
export function subscribeFeedbackFollowUps(events: EventBus, tickets: Pick<TicketsService, 'createForCustomer'>): () => void {
  return events.subscribe('customer.feedback_received', async (event) => {
    const data = event.data as { feedbackId?: string; rating?: string; source?: string; respondentType?: string; respondentId?: string } | undefined;
    if (data?.rating !== 'negative' || !data.feedbackId || !event.resourceId || !Types.ObjectId.isValid(event.resourceId)) return;
    // A contact who answered a ticket's survey is the one to reach out to.
    const contactId = data.respondentType === 'contact' && data.respondentId && Types.ObjectId.isValid(data.respondentId) ? new Types.ObjectId(data.respondentId) : null;
    await tickets.createForCustomer(
      { tenantId: event.tenantId, customerUserId: null, contactId, accountId: new Types.ObjectId(event.resourceId) },
      { subject: 'Follow-up: negative feedback', description: `The customer gave negative feedback (${data.source ?? 'feedback'}); reach out and resolve it.`, category: 'feedback', priority: 'high' },
      { tenantId: event.tenantId, userId: null, apiKeyId: null },
      { id: followUpTicketId(String(event.tenantId), data.feedbackId), channel: 'email' },
    );
  });
}
