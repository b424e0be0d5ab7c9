import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** One in-app notification of the current user. */
export type Notification = Schema<'Notification'>;
/** A notification just marked read or unread, with the inbox's unread count after the change. */
export type MarkedNotification = Schema<'MarkedNotification'>;
/** The query of `crm.notifications.list`: paging, and `unread: 'true'` for unread ones only. */
export type NotificationListParams = OperationQuery<'listNotifications'> & ListParams;
/** What the realtime socket sends as `notification`: a new notification of mine, with my unread count after it. */
export type NotificationPushed = Notification & {
  /** My unread notifications now, this one included. */
  unreadCount: number;
};
/** What the realtime socket sends as `notification.read`: notifications of mine marked read or unread (in this or another tab). */
export interface NotificationReadState {
  /** The notifications that changed, or `all` after `markAllRead`. */
  ids: string[] | 'all';
  /** Their state now. */
  read: boolean;
  /** My unread notifications now. */
  unreadCount: number;
}
/** The answer of `crm.notifications.markAllRead`. */
export interface NotificationsMarkedRead {
  /** How many notifications changed. */
  updated: number;
  /** Unread notifications left. */
  unreadCount: number;
}

/**
 * The current user's notification inbox (`crm.notifications`).
 *
 * @example const badge = await crm.notifications.unreadCount();
 */
export class Notifications extends APIResource {
  /** Lists my notifications, newest first. */
  list(params?: NotificationListParams, options?: RequestOptions): PagePromise<Notification> {
    return requestPage<Notification>(this._transport, '/v1/notifications', params, options);
  }

  /** How many of my notifications are unread. */
  async unreadCount(options?: RequestOptions): Promise<number> {
    const inbox = await this._transport.get<Schema<'NotificationInbox'>>('/v1/notifications', { limit: 1, unread: 'true' }, options);
    return inbox.unreadCount;
  }

  /** Marks one notification read. */
  markRead(id: string, options?: RequestOptions): Promise<MarkedNotification> {
    return this._transport.post<MarkedNotification>(path`/v1/notifications/${id}/read`, undefined, options);
  }

  /** Marks one notification unread again. */
  markUnread(id: string, options?: RequestOptions): Promise<MarkedNotification> {
    return this._transport.post<MarkedNotification>(path`/v1/notifications/${id}/unread`, undefined, options);
  }

  /** Marks every notification read. */
  markAllRead(options?: RequestOptions): Promise<NotificationsMarkedRead> {
    return this._transport.post<NotificationsMarkedRead>('/v1/notifications/read-all', undefined, options);
  }
}
