// The notification inbox in memory (`crm.notifications` of the real SDK over the in-memory API of
// memory-api.ts), for <crm-notification-inbox>'s tests and stories. As the API: the list is newest first
// and pages by a keyset cursor (the id of the last one shown), `unread=true` keeps unread ones, every
// answer carries the unread count; marking one or all read (or one unread) pushes `notification.read`,
// and `notify` stores a new notification and pushes it as `notification` with the count after it.
import type { Notification, NotificationPushed, NotificationReadState } from '@crm/client-sdk';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');

/** Options of the in-memory inbox. */
export interface MemoryNotificationsOptions {
  /** The user's notifications, newest first (none when omitted). */
  seed?: Notification[];
}

/** A notification for stories and tests: an unread "export is ready" one `n` hours old, unless `overrides` say otherwise. */
export function makeNotification(n: number, overrides: Partial<Notification> = {}): Notification {
  const id = overrides.id ?? hex(0xf00000 + n);
  const exportId = hex(0xe00000 + n);
  return {
    id, category: 'export.ready', title: `Your export of ${(1234 * n).toLocaleString('en')} leads is ready`,
    body: 'The XLSX file can be downloaded for 24 hours.', link: `/exports/${exportId}`, resource: 'export', resourceId: exportId,
    read: false, readAt: null, createdAt: new Date(Date.now() - n * 3_600_000).toISOString(),
    ...overrides,
  };
}

/** A problem as the in-memory API throws it (memory-api.ts's MemoryApiError). */
type Problem = (status: number, code: string, detail: string) => Error;

/** Pushes a user message to the realtime listeners, as the API's socket does. */
type Push = <TName extends 'notification' | 'notification.read'>(name: TName, payload: TName extends 'notification' ? NotificationPushed : NotificationReadState) => void;

/** The inbox routes of the in-memory API over `inbox` (newest first); `notify` adds one as the API's services do. */
export function notificationRoutes(inbox: Notification[], push: Push, problem: Problem) {
  const unreadCount = () => inbox.filter((n) => !n.read).length;
  const byId = (id: string | undefined) => inbox.find((n) => n.id === id) ?? (() => { throw problem(404, 'not_found', 'Notification not found'); })();
  let made = 0;

  function mark(id: string | undefined, read: boolean) {
    const notification = Object.assign(byId(id), { read, readAt: read ? new Date().toISOString() : null });
    push('notification.read', { ids: [notification.id], read, unreadCount: unreadCount() });
    return { ...notification, unreadCount: unreadCount() };
  }

  const routes: Array<[string, RegExp, Handler]> = [
    route('GET', /^\/v1\/notifications$/, 'listNotifications', (_, q) => {
      const limit = Number(q.limit ?? 50);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw problem(400, 'validation_failed', 'limit must be 1..200');
      const shown = q.unread === 'true' ? inbox.filter((n) => !n.read) : inbox;
      const start = q.cursor ? shown.findIndex((n) => n.id === q.cursor) + 1 : 0;
      const data = shown.slice(start, start + limit);
      const hasMore = start + limit < shown.length;
      return { object: 'list' as const, data, hasMore, nextCursor: hasMore ? data[data.length - 1]!.id : null, unreadCount: unreadCount() };
    }),
    route('POST', /^\/v1\/notifications\/read-all$/, 'markAllNotificationsRead', () => {
      const unread = inbox.filter((n) => !n.read);
      const at = new Date().toISOString();
      for (const n of unread) Object.assign(n, { read: true, readAt: at });
      push('notification.read', { ids: 'all', read: true, unreadCount: 0 });
      return { updated: unread.length, unreadCount: 0 };
    }),
    route('POST', /^\/v1\/notifications\/(\w+)\/read$/, 'markNotificationRead', (m) => mark(m[1], true)),
    route('POST', /^\/v1\/notifications\/(\w+)\/unread$/, 'markNotificationUnread', (m) => mark(m[1], false)),
  ];

  /** Stores a new notification at the top and pushes it (`notification`), as the API's `notify` does. */
  function notify(overrides: Partial<Notification> = {}): Notification {
    made += 1;
    const notification = makeNotification(0, { id: hex(0xf10000 + made), createdAt: new Date().toISOString(), ...overrides });
    inbox.unshift(notification);
    push('notification', { ...structuredClone(notification), unreadCount: unreadCount() });
    return structuredClone(notification);
  }

  return { routes, notify };
}
