import type { Connection } from 'mongoose';
import type { RouteSpec } from '../../platform/http/route.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import type { RecordDeps } from '../../platform/records/record-service.js';
import { createNotificationsService } from '../notifications/notifications.service.js';
import { assignmentRoutes } from './assignment.routes.js';
import { createAssignmentService } from './assignment.service.js';
import { defineRoundRobinClaimsPrune } from './round-robin-claims.js';
import { defineSlaEscalation } from './sla-escalation.js';
import { subscribeFeedbackFollowUps } from './feedback-follow-up.js';
import { createPortalTickets } from './portal-tickets.service.js';
import { portalTicketRoutes } from './portal-tickets.routes.js';
import { createTicketThread } from './ticket-messages.service.js';
import { ticketRoutes } from './tickets.routes.js';
import { subscribeTicketAssignmentNotices } from './ticket-notices.js';
import { subscribeTicketTimeline } from './ticket-timeline.js';
import { createTicketsService } from './tickets.service.js';

/** Support (issue 18): tickets and their threads, for agents (`/v1/tickets`) and for customers on the portal (`/v1/portal/tickets`). */
export function buildSupport(options: { connection: Connection; recordDeps: RecordDeps; jobs?: Jobs }) {
  const assignment = createAssignmentService({ connection: options.connection, events: options.recordDeps.events, directory: options.recordDeps.directory });
  const tickets = createTicketsService(options.connection, options.recordDeps, assignment);
  const thread = createTicketThread(options.connection, tickets, options.recordDeps.events);
  subscribeFeedbackFollowUps(options.recordDeps.events, tickets);
  subscribeTicketTimeline(options.recordDeps.events, options.connection);
  const notifications = createNotificationsService({ connection: options.connection, events: options.recordDeps.events });
  subscribeTicketAssignmentNotices(options.recordDeps.events, notifications);
  if (options.jobs) {
    defineSlaEscalation({ connection: options.connection, events: options.recordDeps.events, notifications, jobs: options.jobs });
    defineRoundRobinClaimsPrune({ connection: options.connection, jobs: options.jobs });
  }
  const portal = createPortalTickets(options.connection, tickets, thread);
  const routes: RouteSpec[] = [...ticketRoutes(tickets, thread), ...portalTicketRoutes(portal), ...assignmentRoutes(assignment)];
  return { tickets, thread, portal, assignment, routes };
}
