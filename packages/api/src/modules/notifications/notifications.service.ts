import { randomUUID } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { DomainEvent, EventBus } from '../../platform/events.js';
import { USER_MESSAGE_EVENT } from '../../platform/realtime/realtime.js';
import { notificationModel, type Notification } from './notification.model.js';

export function toNotificationDto(n: Notification) {
  return {
    id: String(n._id),
    category: n.category,
    title: n.title,
    body: n.body,
    link: n.link ?? null,
    resource: n.resource ?? null,
    resourceId: n.resourceId ?? null,
    read: Boolean(n.readAt),
    readAt: n.readAt ? new Date(n.readAt).toISOString() : null,
    createdAt: new Date(n.createdAt).toISOString(),
  };
}

export interface NotifyInput {
  tenantId: Types.ObjectId;
  userId: Types.ObjectId;
  category: string;
  title: string;
  body?: string;
  link?: string | null;
  resource?: string | null;
  resourceId?: string | null;
  /** Makes the notification exactly once: a second call with the same key does nothing. */
  dedupeKey?: string;
  /** When it happened (defaults to now); the daily summary groups by this. */
  at?: Date;
}

/** The in-app inbox: one per user, read/unread, pushed live to the user's sockets. */
export function createNotificationsService(deps: { connection: Connection; events: EventBus }) {
  const Notification = notificationModel(deps.connection);
  const push = (tenantId: Types.ObjectId, userId: Types.ObjectId, name: string, payload: unknown) =>
    deps.events.publish({ type: USER_MESSAGE_EVENT, tenantId, resource: 'notification', resourceId: null, actor: null, data: { userId: String(userId), name, payload } });
  const unread = (tenantId: Types.ObjectId, userId: Types.ObjectId) => Notification.countDocuments({ tenantId, userId, readAt: null });

  return {
    /** Stores a notification (once per dedupe key) and pushes it; answers null when it already existed. */
    async notify(input: NotifyInput) {
      let created: Notification;
      try {
        created = (
          await Notification.create({
            tenantId: input.tenantId,
            userId: input.userId,
            category: input.category,
            title: input.title.slice(0, 300),
            body: (input.body ?? '').slice(0, 5000),
            link: input.link ?? null,
            resource: input.resource ?? null,
            resourceId: input.resourceId ?? null,
            dedupeKey: input.dedupeKey ?? `adhoc:${randomUUID()}`,
            ...(input.at ? { createdAt: input.at } : {}),
          })
        ).toObject();
      } catch (error) {
        if (isDuplicateKeyError(error)) return null;
        throw error;
      }
      await push(input.tenantId, input.userId, 'notification', { ...toNotificationDto(created), unreadCount: await unread(input.tenantId, input.userId) });
      return toNotificationDto(created);
    },
    async list(principal: Principal, query: { limit: number; cursor?: string | undefined; unread?: boolean | undefined }) {
      const filter: Record<string, unknown> = { tenantId: principal.tenantId, userId: principal.userId };
      if (query.unread) filter.readAt = null;
      if (query.cursor) {
        if (!Types.ObjectId.isValid(query.cursor)) throw AppError.invalidField('cursor', 'is not a cursor from this list');
        filter._id = op({ $lt: new Types.ObjectId(query.cursor) });
      }
      const docs = await Notification.find(filter).sort({ _id: -1 }).limit(query.limit + 1).lean();
      const page = docs.slice(0, query.limit);
      const hasMore = docs.length > query.limit;
      return { object: 'list' as const, data: page.map(toNotificationDto), hasMore, nextCursor: hasMore ? String(page[page.length - 1]!._id) : null, unreadCount: await unread(principal.tenantId, principal.userId) };
    },
    async mark(principal: Principal, id: string, read: boolean) {
      const updated = await Notification.findOneAndUpdate(
        { tenantId: principal.tenantId, userId: principal.userId, _id: new Types.ObjectId(id) },
        { $set: { readAt: read ? new Date() : null } },
        { returnDocument: 'after' },
      ).lean();
      if (!updated) throw AppError.notFound('Notification');
      const unreadCount = await unread(principal.tenantId, principal.userId);
      await push(principal.tenantId, principal.userId, 'notification.read', { ids: [id], read, unreadCount });
      return { ...toNotificationDto(updated), unreadCount };
    },
    async readAll(principal: Principal) {
      const res = await Notification.updateMany({ tenantId: principal.tenantId, userId: principal.userId, readAt: null }, { $set: { readAt: new Date() } });
      await push(principal.tenantId, principal.userId, 'notification.read', { ids: 'all', read: true, unreadCount: 0 });
      return { updated: res.modifiedCount, unreadCount: 0 };
    },
    /** Notifications of a user in a time window (the daily summary reads these). */
    async between(tenantId: Types.ObjectId, userId: Types.ObjectId, from: Date, to: Date, categoryPrefix: string) {
      const docs = await Notification.find({ tenantId, userId, createdAt: op({ $gte: from, $lt: to }) }).lean();
      return docs.filter((d) => d.category.startsWith(categoryPrefix));
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;

const campaignTitles: Record<string, (name: string) => string> = {
  'campaign.activated': (name) => `Your campaign "${name}" is now active`,
  'campaign.deactivated': (name) => `Your campaign "${name}" is no longer active`,
  'campaign.engaged': (name) => `Someone engaged with your campaign "${name}"`,
};

/**
 * Campaign owner notifications (000): the campaigns module publishes `campaign.activated`,
 * `campaign.deactivated` and `campaign.engaged` with the campaign as `record` (ownerId, name); each lands
 * in the owner's inbox once (the dedupe key is the event's own identity).
 */
export function subscribeCampaignNotifications(events: EventBus, notifications: NotificationsService): () => void {
  const handler = async (event: DomainEvent) => {
    const record = event.record ?? {};
    const ownerId = record.ownerId;
    if (typeof ownerId !== 'string' || !Types.ObjectId.isValid(ownerId)) return;
    const name = typeof record.name === 'string' ? record.name : 'campaign';
    const detail = typeof event.data?.kind === 'string' ? ` (${event.data.kind})` : '';
    const eventKey = typeof event.data?.eventId === 'string' ? event.data.eventId : event.at.toISOString();
    await notifications.notify({
      tenantId: event.tenantId,
      userId: new Types.ObjectId(ownerId),
      category: event.type,
      title: campaignTitles[event.type]!(name),
      body: event.type === 'campaign.engaged' ? `A visitor engaged${detail}.` : '',
      resource: 'campaign',
      resourceId: event.resourceId,
      dedupeKey: `${event.type}:${event.resourceId ?? ''}:${eventKey}`,
      at: event.at,
    });
  };
  const offs = Object.keys(campaignTitles).map((type) => events.subscribe(type, handler));
  return () => offs.forEach((off) => off());
}
