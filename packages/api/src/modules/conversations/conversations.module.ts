import type { AppContext } from '../../platform/context.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { resolvePrincipal } from '../identity/principal.service.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { conversationRoutes } from './conversations.routes.js';
import { createConversationsService, type RecordReaders } from './conversations.service.js';

/** Internal messaging (issue 23, 004), wired to the app: record threads read through each record's own service. */
export function conversationsModule(ctx: AppContext, deps: { notifications: NotificationsService; records: RecordReaders }): { routes: RouteSpec[]; service: ReturnType<typeof createConversationsService> } {
  const { connection, events } = ctx;
  const service = createConversationsService({
    connection, events, notifications: deps.notifications, records: deps.records,
    principalOf: (tenantId, userId) => resolvePrincipal(connection, { tenantId, userId }),
  });
  return { routes: conversationRoutes(service), service };
}
