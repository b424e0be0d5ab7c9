import type { AppContext } from '../../platform/context.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { resolvePrincipal } from '../identity/principal.service.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { conversationRoutes } from './conversations.routes.js';
import { createConversationsService } from './conversations.service.js';
import type { RecordReaders } from './record-readers.js';
import { backfillInbox } from './inbox.js';
import { inboxDayModel } from './inbox-days.js';
import { inboxStampModel } from './inbox-page-cache.js';

/** Internal messaging (issue 23, 004), wired to the app: record threads read through each record's own service. */
export function conversationsModule(ctx: AppContext, deps: { notifications: NotificationsService; records: RecordReaders }): { routes: RouteSpec[]; service: ReturnType<typeof createConversationsService> } {
  const { connection, events, logger } = ctx;
  // Registered now, before the indexes are made at start (inbox-days.ts).
  inboxDayModel(connection);
  inboxStampModel(connection);
  // Member rows stored before the inbox buckets existed get theirs in the background (once; a stopped run resumes at the next start).
  void backfillInbox(connection, logger).catch((error: unknown) => logger.error({ err: error }, 'inbox backfill stopped; it resumes at the next start'));
  const service = createConversationsService({
    connection, events, notifications: deps.notifications, records: deps.records,
    principalOf: (tenantId, userId) => resolvePrincipal(connection, { tenantId, userId }),
  });
  return { routes: conversationRoutes(service), service };
}
