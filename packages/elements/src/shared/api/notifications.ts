// What <crm-notification-inbox> asks of the API, through the SDK's `crm.notifications` (my inbox, newest
// first, in pages; the unread count; marking read and unread) and `crm.realtime.on('notification' |
// 'notification.read')`, which the API sends only to the notification's own user.
import type { CrmClient as SdkClient, Notification, NotificationPushed, NotificationReadState } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

export type { Notification, NotificationPushed, NotificationReadState };

/** A client with an inbox: the SDK's `notifications`, and `realtime.on` for live ones when it has it (a host's double may not). */
export type NotificationClient = CrmClient & Pick<SdkClient, 'notifications'> & { readonly realtime?: Partial<Pick<SdkClient['realtime'], 'on'>> };

/** Narrows the provider's client to one with an inbox, or throws a clear error. */
export function notificationClient(client: CrmClient | undefined): NotificationClient {
  if (!client || typeof (client as Partial<NotificationClient>).notifications?.list !== 'function') {
    throw new Error('No CRM client with notifications: put the element inside a <crm-provider> with a client of @crm/client-sdk.');
  }
  return client as NotificationClient;
}

/** What a live inbox is told: a new notification, a change of read state, and each (re)connect of the socket. */
export interface NotificationWatch {
  added: (notification: NotificationPushed) => void;
  read: (change: NotificationReadState) => void;
  connected: () => void;
}

/**
 * Listens to the user's `notification` and `notification.read` messages; returns the function that stops
 * listening, or undefined when the client has no realtime (the caller then reads the count itself).
 */
export function watchNotifications(client: NotificationClient, watch: NotificationWatch): (() => void) | undefined {
  const realtime = client.realtime;
  if (typeof realtime?.on !== 'function') return undefined;
  const stops = [realtime.on('notification', watch.added, { onConnected: watch.connected }), realtime.on('notification.read', watch.read)];
  return () => stops.forEach((stop) => stop());
}

/** The notification with `change` applied when it names it (`ids: 'all'` names every one, and only marks read). */
export function applyReadState(notification: Notification, change: NotificationReadState, at = new Date().toISOString()): Notification {
  const named = change.ids === 'all' ? change.read : change.ids.includes(notification.id);
  if (!named || notification.read === change.read) return notification;
  return { ...notification, read: change.read, readAt: change.read ? at : null };
}
