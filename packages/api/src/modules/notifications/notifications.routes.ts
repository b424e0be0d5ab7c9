import { idParams, pageQuery } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import type { NotificationsService } from './notifications.service.js';

const notificationSchema = z
  .object({
    id: z.string(),
    category: z.string(),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable(),
    resource: z.string().nullable(),
    resourceId: z.string().nullable(),
    read: z.boolean(),
    readAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Notification');
const inboxSchema = z
  .object({ object: z.literal('list'), data: z.array(notificationSchema), hasMore: z.boolean(), nextCursor: z.string().nullable(), unreadCount: z.number().int() })
  .openapi('NotificationInbox');
const inboxQuery = pageQuery.extend({ unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional() });
const markedSchema = notificationSchema.extend({ unreadCount: z.number().int() }).openapi('MarkedNotification');

/** The signed-in user's own inbox; nobody reads another user's notifications. */
export function notificationRoutes(service: NotificationsService): RouteSpec[] {
  const tags = ['Notifications'];
  return [
    defineRoute({
      method: 'get', path: '/notifications', operationId: 'listNotifications', summary: 'List my notifications, newest first, with the unread count', tags,
      access: access.authenticated, query: inboxQuery,
      success: { status: 200, description: 'A page of the inbox', schema: inboxSchema },
      handler: ({ query, req }) => service.list(req.principal!, query),
    }),
    defineRoute({
      method: 'post', path: '/notifications/{id}/read', operationId: 'markNotificationRead', summary: 'Mark a notification read', tags,
      access: access.authenticated, params: idParams,
      success: { status: 200, description: 'The notification', schema: markedSchema },
      handler: ({ params, req }) => service.mark(req.principal!, params.id, true),
    }),
    defineRoute({
      method: 'post', path: '/notifications/{id}/unread', operationId: 'markNotificationUnread', summary: 'Mark a notification unread', tags,
      access: access.authenticated, params: idParams,
      success: { status: 200, description: 'The notification', schema: markedSchema },
      handler: ({ params, req }) => service.mark(req.principal!, params.id, false),
    }),
    defineRoute({
      method: 'post', path: '/notifications/read-all', operationId: 'markAllNotificationsRead', summary: 'Mark every notification read', tags,
      access: access.authenticated,
      success: { status: 200, description: 'How many changed', schema: z.object({ updated: z.number().int(), unreadCount: z.number().int() }) },
      handler: ({ req }) => service.readAll(req.principal!),
    }),
  ];
}
