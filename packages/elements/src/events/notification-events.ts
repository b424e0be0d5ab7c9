import type { Notification } from '../shared/api/notifications.js';
import { CrmEvent } from './crm-event.js';

/** What `crm-notification-open` carries: the notification and the address its link resolves to (`link-base` + `link`). */
export interface NotificationOpenDetail {
  notification: Notification;
  href: string;
}

/**
 * Fired by <crm-notification-inbox> when the user follows a notification's link, before the browser
 * navigates; cancelable: `preventDefault()` and route yourself (a single-page host). Either way the
 * notification is marked read.
 */
export class CrmNotificationOpenEvent extends CrmEvent<NotificationOpenDetail> {
  static readonly eventName = 'crm-notification-open';
  constructor(detail: NotificationOpenDetail) {
    super(CrmNotificationOpenEvent.eventName, detail, { cancelable: true });
  }
}

/** What `crm-notification-marked` carries: the notifications the user marked (`all` for "Mark all read"), their state, and the unread count after. */
export interface NotificationMarkedDetail {
  ids: string[] | 'all';
  read: boolean;
  unreadCount: number;
}

/** Fired by <crm-notification-inbox> when the API has marked notifications read or unread at the user's request. */
export class CrmNotificationMarkedEvent extends CrmEvent<NotificationMarkedDetail> {
  static readonly eventName = 'crm-notification-marked';
  constructor(detail: NotificationMarkedDetail) {
    super(CrmNotificationMarkedEvent.eventName, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-notification-open': CrmNotificationOpenEvent;
    'crm-notification-marked': CrmNotificationMarkedEvent;
  }
}
