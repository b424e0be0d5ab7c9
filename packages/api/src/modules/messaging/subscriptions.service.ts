import type { Types} from 'mongoose';
import { type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { pageOf, type PageQuery } from '../../platform/records/list-query.js';
import { subscriptionModel, suppressionModel, type Channel, type RecipientType, type Subscription } from './messaging.model.js';
import type { Recipients } from './recipients.js';
import type { UnsubscribeClaim } from './unsubscribe.js';

const toSubscriptionDto = (s: Subscription) => ({
  category: s.category,
  channel: s.channel,
  subscribed: s.subscribed,
  source: s.source,
  updatedAt: new Date(s.updatedAt).toISOString(),
});

/**
 * Who receives what: per-recipient subscriptions by category and channel (no entry = subscribed), and the
 * tenant's suppression list (never email this address). Senders ask `allows` right before each message,
 * so an unsubscribe takes effect for every send from that moment on.
 */
export function createSubscriptionsService(deps: { connection: Connection; events: EventBus; recipients: Recipients }) {
  const Subscription = subscriptionModel(deps.connection);
  const Suppression = suppressionModel(deps.connection);

  async function set(tenantId: Types.ObjectId, subject: { type: RecipientType; id: Types.ObjectId }, change: { category: string; channel: Channel; subscribed: boolean }, by: { userId: Types.ObjectId | null; source: Subscription['source'] }) {
    const filter = { tenantId, subjectType: subject.type, subjectId: subject.id, category: change.category, channel: change.channel };
    const update = { $set: { subscribed: change.subscribed, source: by.source, changedBy: by.userId } };
    try {
      return await Subscription.findOneAndUpdate(filter, update, { upsert: true, returnDocument: 'after' }).lean();
    } catch (error) {
      // Two concurrent first writes: the loser's upsert hits the unique key; the row exists now.
      if (isDuplicateKeyError(error)) return Subscription.findOneAndUpdate(filter, update, { returnDocument: 'after' }).lean();
      throw error;
    }
  }

  return {
    async list(principal: Principal, type: RecipientType, id: string) {
      const recipient = await deps.recipients.visible(principal, type, id);
      const docs = await Subscription.find({ tenantId: principal.tenantId, subjectType: type, subjectId: recipient.id }).sort({ category: 1, channel: 1 }).lean();
      const suppressed = recipient.email ? Boolean(await Suppression.exists({ tenantId: principal.tenantId, email: recipient.email })) : false;
      return { email: recipient.email, suppressed, subscriptions: docs.map(toSubscriptionDto) };
    },
    async update(principal: Principal, type: RecipientType, id: string, change: { category: string; channel: Channel; subscribed: boolean }) {
      const recipient = await deps.recipients.visible(principal, type, id);
      await set(principal.tenantId, { type, id: recipient.id }, change, { userId: principal.userId, source: 'staff' });
      await deps.events.publish({ type: `${type}.subscription_changed`, tenantId: principal.tenantId, resource: type, resourceId: id, actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId }, data: change });
      return this.list(principal, type, id);
    },
    /** What a recipient receives, read by the recipient themselves (the customer portal: the guard already proved who they are). */
    async listOwn(tenantId: Types.ObjectId, subject: { type: RecipientType; id: Types.ObjectId }) {
      const docs = await Subscription.find({ tenantId, subjectType: subject.type, subjectId: subject.id }).sort({ category: 1, channel: 1 }).lean();
      return docs.map(toSubscriptionDto);
    },
    /** A recipient's own choice from the customer portal, recorded as `self-service` and announced like a staff change. */
    async setOwn(tenantId: Types.ObjectId, subject: { type: RecipientType; id: Types.ObjectId }, change: { category: string; channel: Channel; subscribed: boolean }) {
      await set(tenantId, subject, change, { userId: null, source: 'self-service' });
      await deps.events.publish({ type: `${subject.type}.subscription_changed`, tenantId, resource: subject.type, resourceId: String(subject.id), actor: null, data: { ...change, source: 'self-service' } });
    },
    /** Applies a verified unsubscribe link: that category, on email, for this recipient, from now on. */
    async unsubscribe(claim: UnsubscribeClaim) {
      await set(claim.tenantId, { type: claim.subjectType, id: claim.subjectId }, { category: claim.category, channel: 'email', subscribed: false }, { userId: null, source: 'unsubscribe-link' });
      await deps.events.publish({ type: `${claim.subjectType}.unsubscribed`, tenantId: claim.tenantId, resource: claim.subjectType, resourceId: String(claim.subjectId), actor: null, data: { category: claim.category, channel: 'email' } });
    },
    /** True when the recipient may get this category on this channel now. */
    async allows(tenantId: Types.ObjectId, recipient: { type: RecipientType; id: Types.ObjectId; email: string | null }, category: string, channel: Channel): Promise<boolean> {
      if (channel === 'email') {
        if (!recipient.email) return false;
        if (await Suppression.exists({ tenantId, email: recipient.email })) return false;
      }
      const entry = await Subscription.findOne({ tenantId, subjectType: recipient.type, subjectId: recipient.id, category, channel }).lean();
      return entry ? entry.subscribed : true;
    },
    /**
     * `allows` for many recipients at once: the agency's suppressions and the opt-outs of one category on
     * one channel, read once (two equality queries) and answered from memory. A sender renews it every
     * few seconds, so an unsubscribe still counts for every message not yet out.
     */
    async snapshot(tenantId: Types.ObjectId, category: string, channel: Channel): Promise<(recipient: { type: RecipientType; id: Types.ObjectId; email: string | null }) => boolean> {
      const suppressed = channel === 'email' ? new Set((await Suppression.find({ tenantId }).select('email').lean()).map((s) => s.email)) : new Set<string>();
      const optedOut = new Set((await Subscription.find({ tenantId, category, channel, subscribed: false }).select('subjectType subjectId').lean()).map((s) => `${s.subjectType}:${String(s.subjectId)}`));
      return (r) => (channel !== 'email' || (r.email !== null && !suppressed.has(r.email))) && !optedOut.has(`${r.type}:${String(r.id)}`);
    },
    suppressions: {
      async list(principal: Principal, page: PageQuery) {
        return pageOf(Suppression, { tenantId: principal.tenantId }, page, (d) => ({ email: d.email, reason: d.reason, createdAt: new Date(d.createdAt).toISOString() }));
      },
      async add(principal: Principal, email: string, reason: string) {
        const normalized = email.trim().toLowerCase();
        try {
          await Suppression.create({ tenantId: principal.tenantId, email: normalized, reason });
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
        return { email: normalized, reason };
      },
      async remove(principal: Principal, email: string) {
        const res = await Suppression.deleteOne({ tenantId: principal.tenantId, email: email.trim().toLowerCase() });
        if (!res.deletedCount) throw AppError.notFound('Suppressed address');
      },
      async isSuppressed(tenantId: Types.ObjectId, emails: string[]) {
        const docs = await Suppression.find({ tenantId, email: op({ $in: emails }) }).lean();
        return new Set(docs.map((d) => d.email));
      },
    },
  };
}

export type SubscriptionsService = ReturnType<typeof createSubscriptionsService>;
