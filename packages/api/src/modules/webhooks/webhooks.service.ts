import { randomUUID } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { can, matchesFilter, visibilityFilter } from '../../platform/access/access.js';
import type { Resource } from '../../platform/access/catalog.js';
import type { Principal } from '../../platform/access/principal.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import { op } from '../../platform/db/operators.js';
import { deleteManyBounded } from '../../platform/db/bulk-writes.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { DomainEvent } from '../../platform/events.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { writeNextVersion, writeStoredVersion } from '../../platform/records/version-claims.js';
import { loadPrincipal, resolvePrincipal } from '../identity/principal.service.js';
import { userModel } from '../identity/user.model.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { PING_EVENT, splitEventType, wantsEvent, webhookKinds } from './webhook-events.js';
import { newWebhookSecret, sendDelivery, SIGNATURE_HEADER, signatureHeader } from './webhook-sender.js';
import { parseTargetUrl, resolveTarget, type TargetPolicy } from './webhook-target.js';
import { webhookAttemptClaimModel, webhookDeliveryModel, webhookSubscriptionModel, type WebhookAttempt, type WebhookDelivery, type WebhookSubscription } from './webhook.model.js';

/** The job that makes one attempt of one delivery. */
export const DELIVER_JOB = 'webhooks.deliver';
/** The sweep that schedules pending deliveries whose job was lost (a crash between the outbox row and the job). */
export const SWEEP_JOB = 'webhooks.sweep';
/** The daily job that forgets finished deliveries after the retention period. */
export const PRUNE_JOB = 'webhooks.prune';

export interface WebhookSettings {
  policy: TargetPolicy;
  /** Waits before the 2nd, 3rd... attempt; its length is the number of retries. */
  retryDelaysMs: number[];
  timeoutMs: number;
  rotationOverlapMs: number;
  /** Disable after this many events in a row whose every attempt failed... */
  disableAfterFailedEvents: number;
  /** ...or when failures have lasted this long without a success. */
  disableAfterMs: number;
  retentionDays: number;
  /**
   * How long a process keeps an agency's active subscriptions in memory (default 5 s). A change made
   * through this service drops its agency's entry at once in the process that made it; other processes
   * see it within this time.
   */
  subscriptionCacheMs?: number;
}

export interface SubscriptionInput {
  url: string;
  description?: string | undefined;
  kinds: string[];
  actions?: string[] | undefined;
  active?: boolean | undefined;
}

/** The public shape of a subscription: never a secret, only when the previous one stops being signed with. */
export function toSubscriptionDto(s: WebhookSubscription) {
  const previous = s.secrets.find((x) => x.expiresAt);
  return {
    id: String(s._id),
    url: s.url,
    description: s.description ?? '',
    kinds: [...s.kinds],
    actions: [...s.actions],
    active: s.active,
    ownerId: String(s.ownerId),
    failedEventsInARow: s.failedEventsInARow ?? 0,
    disabledReason: s.disabledReason ?? null,
    disabledAt: s.disabledAt ? new Date(s.disabledAt).toISOString() : null,
    previousSecretExpiresAt: previous?.expiresAt && previous.expiresAt > new Date() ? new Date(previous.expiresAt).toISOString() : null,
    version: s.version,
    createdAt: new Date(s.createdAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
  };
}

function toAttemptDto(a: WebhookAttempt) {
  return { n: a.n, at: new Date(a.at).toISOString(), url: a.url, requestHeaders: a.requestHeaders ?? {}, status: a.status ?? null, responseBody: a.responseBody ?? '', durationMs: a.durationMs, error: a.error ?? null };
}

/** A delivery as the log shows it; `body` (the request body as signed) only in the detail. */
export function toDeliveryDto(d: WebhookDelivery, withBody: boolean) {
  return {
    id: String(d._id),
    subscriptionId: String(d.subscriptionId),
    eventId: d.eventId,
    eventType: d.eventType,
    resource: d.resource,
    resourceId: d.resourceId ?? null,
    state: d.state,
    attemptCount: d.attemptCount ?? d.attempts.length,
    nextAttemptAt: d.nextAttemptAt ? new Date(d.nextAttemptAt).toISOString() : null,
    replayOf: d.replayOf ? String(d.replayOf) : null,
    skippedReason: d.skippedReason ?? null,
    lastStatus: d.attempts.length ? (d.attempts[d.attempts.length - 1]!.status ?? null) : null,
    attempts: d.attempts.map(toAttemptDto),
    ...(withBody ? { body: d.body } : {}),
    createdAt: new Date(d.createdAt).toISOString(),
  };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * Signed outbound webhooks (issue 22): subscriptions per tenant, an outbox row per (subscription, event)
 * written while the event is published, an Agenda job per attempt with backoff, the delivery log, replay,
 * automatic disabling, and the owner's visibility applied when the row is written and again when sent.
 */
export function createWebhooksService(deps: { connection: Connection; box: SecretBox; jobs: Jobs; logger: Logger; settings: WebhookSettings; notifications: NotificationsService; mailer: Mailer }) {
  const Subscription = webhookSubscriptionModel(deps.connection);
  const Delivery = webhookDeliveryModel(deps.connection);
  const Claim = webhookAttemptClaimModel(deps.connection);
  const { settings } = deps;

  // Publishing an event reads the agency's active subscriptions from here, not from the database each time.
  const cacheMs = settings.subscriptionCacheMs ?? 5000;
  const cached = new Map<string, { at: number; subs: Promise<WebhookSubscription[]> }>();
  function activeSubscriptions(tenantId: Types.ObjectId): Promise<WebhookSubscription[]> {
    const key = String(tenantId);
    const hit = cached.get(key);
    if (hit && Date.now() - hit.at < cacheMs) return hit.subs;
    const subs = Subscription.find({ tenantId, active: true }).lean<WebhookSubscription[]>().exec();
    cached.set(key, { at: Date.now(), subs });
    // A failed read is not kept: the next event reads again.
    subs.catch(() => cached.delete(key));
    if (cached.size > 10_000) cached.delete(cached.keys().next().value!);
    return subs;
  }
  const invalidate = (tenantId: Types.ObjectId) => cached.delete(String(tenantId));

  const oid = (id: string, field: string) => {
    if (!Types.ObjectId.isValid(id) || id.length !== 24) throw AppError.invalidField(field, 'is not an id');
    return new Types.ObjectId(id);
  };

  /** The subscription if the principal may manage it: admins every one of the agency, others their own. */
  async function findManaged(principal: Principal, id: string): Promise<WebhookSubscription> {
    const sub = await findByIdInTenant(Subscription, principal.tenantId, oid(id, 'id'));
    if (!sub || (!principal.role.isAdmin && !sub.ownerId.equals(principal.userId))) throw AppError.notFound('Webhook subscription');
    return sub;
  }

  async function validateInput(input: Partial<SubscriptionInput>) {
    if (input.url !== undefined) await resolveTarget(parseTargetUrl(input.url), settings.policy);
    for (const [i, kind] of (input.kinds ?? []).entries()) {
      if (!webhookKinds.includes(kind)) throw AppError.invalidField(`kinds.${i}`, `"${kind}" is not an event kind; allowed: ${webhookKinds.join(', ')}`);
    }
  }

  /** True when the principal may read the record of an event: the access module's permission and visibility filter. */
  function visibleTo(principal: Principal | null, resource: string, record: Record<string, unknown> | undefined): boolean {
    if (!principal || !record || !webhookKinds.includes(resource)) return false;
    if (!can(principal, resource as Resource, 'read')) return false;
    return matchesFilter({ ...record, tenantId: principal.tenantId }, visibilityFilter(principal, resource as Resource, 'read'));
  }

  /**
   * The record as it is now, for the check at send time: who owns it may have changed since the event
   * (a deleted record is judged by its last state, the event's snapshot).
   */
  async function currentRecord(tenantId: Types.ObjectId, resource: string, resourceId: string | null, snapshot: Record<string, unknown>): Promise<Record<string, unknown>> {
    const model = deps.connection.models[resource.charAt(0).toUpperCase() + resource.slice(1)];
    if (!model || !resourceId || !Types.ObjectId.isValid(resourceId)) return snapshot;
    const stored = await findByIdInTenant(model as never, tenantId, new Types.ObjectId(resourceId));
    return stored ? { ...snapshot, ...(stored as Record<string, unknown>) } : snapshot;
  }

  async function schedule(d: Pick<WebhookDelivery, '_id' | 'tenantId' | 'attemptCount'>, when: Date) {
    await deps.jobs.scheduleUnique(`${String(d._id)}:${(d.attemptCount ?? 0) + 1}`, when, DELIVER_JOB, { tenantId: String(d.tenantId), deliveryId: String(d._id) });
  }

  async function enqueue(sub: WebhookSubscription, event: { eventId: string; type: string; resource: string; resourceId: string | null; body: string; replayOf?: Types.ObjectId }) {
    const now = new Date();
    const created = await Delivery.create({
      tenantId: sub.tenantId,
      subscriptionId: sub._id,
      eventId: event.eventId,
      eventType: event.type,
      resource: event.resource,
      resourceId: event.resourceId,
      body: event.body,
      state: 'pending',
      nextAttemptAt: now,
      attemptCount: 0,
      attempts: [],
      replayOf: event.replayOf ?? null,
    });
    await schedule(created, now);
    return created.toObject();
  }

  function eventBody(eventId: string, event: Pick<DomainEvent, 'type' | 'at' | 'record' | 'changes' | 'resource' | 'resourceId'>) {
    return JSON.stringify({
      id: eventId,
      type: event.type,
      createdAt: event.at.toISOString(),
      resource: event.resource,
      resourceId: event.resourceId,
      data: { object: event.record ?? null, ...(event.changes ? { changes: event.changes } : {}) },
    });
  }

  async function failed(sub: WebhookSubscription, firstFailureAt: Date, now: Date) {
    if (!sub.failingSince) await Subscription.updateOne({ tenantId: sub.tenantId, _id: sub._id, failingSince: null }, { $set: { failingSince: firstFailureAt } });
    const counted = await Subscription.findOne({ tenantId: sub.tenantId, _id: sub._id }).lean();
    if (!counted) return;
    // Which failed event of the run this is: the first number of the run nobody has claimed, by a unique insert.
    // Two events can end failing at the same moment, and FerretDB runs two `$inc`s of one document as
    // read-then-write (both read 0, both write 1: the subscription was never turned off, seen in CI).
    const run = counted.failureRun ?? '';
    let failedEvents = 0;
    for (let n = (counted.failedEventsInARow ?? 0) + 1; !failedEvents && n <= (counted.failedEventsInARow ?? 0) + 1000; n += 1) {
      try {
        await Claim.create({ tenantId: sub.tenantId, key: `failed:${String(sub._id)}:${run}:${n}` });
        failedEvents = n;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    if (!failedEvents) return;
    // Shown on the subscription (what decides is the claim above); never lowered by a slower writer of the same run.
    await Subscription.updateOne({ tenantId: sub.tenantId, _id: sub._id, failureRun: run, failedEventsInARow: op({ $lt: failedEvents }) }, { $set: { failedEventsInARow: failedEvents } });
    const since = counted.failingSince ?? firstFailureAt;
    const tooMany = failedEvents >= settings.disableAfterFailedEvents;
    const tooLong = now.getTime() - since.getTime() >= settings.disableAfterMs;
    if (!counted.active || (!tooMany && !tooLong)) return;
    const reason = tooMany ? `${failedEvents} events in a row failed on every attempt` : `every attempt has failed since ${since.toISOString()}`;
    // Through the version claims (platform/records/version-claims.ts): FerretDB runs a conditional update as a read
    // and a write, so two deliveries failing at once could both turn it off, and its owner be told twice.
    const disabled = await writeNextVersion(Subscription, sub.tenantId, sub._id, (current) => (current.active ? { $set: { active: false, disabledAt: now, disabledReason: reason } } : null));
    invalidate(sub.tenantId);
    if (!disabled) return;
    deps.logger.warn({ subscriptionId: String(sub._id), reason }, 'webhook subscription disabled after persistent failure');
    const title = `Webhook to ${new URL(sub.url).host} was turned off`;
    const body = `Deliveries to ${sub.url} kept failing (${reason}). Fix the receiver, then turn the subscription on again; failed deliveries can be replayed from the delivery log.`;
    await deps.notifications.notify({ tenantId: sub.tenantId, userId: sub.ownerId, category: 'webhook.disabled', title, body, resource: 'webhook', resourceId: String(sub._id), dedupeKey: `webhook.disabled:${String(sub._id)}:${now.getTime()}` });
    const owner = await findByIdInTenant(userModel(deps.connection), sub.tenantId, sub.ownerId);
    if (owner) {
      await deps.mailer
        .send({ to: owner.email, subject: title, text: body, html: `<p>${escapeHtml(body)}</p>` })
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'webhook disabled: the owner could not be emailed'));
    }
  }

  /**
   * One attempt of one delivery (the job). The attempt is claimed by a unique insert first, so a job
   * run twice never sends twice; what comes back is recorded under a check of the attempt count.
   */
  async function attempt(tenantId: Types.ObjectId, deliveryId: Types.ObjectId, now = new Date()): Promise<void> {
    const d = await findByIdInTenant(Delivery, tenantId, deliveryId);
    if (!d || d.state !== 'pending') return;
    const sub = await findByIdInTenant(Subscription, tenantId, d.subscriptionId);
    if (!sub) {
      await Delivery.updateOne({ tenantId, _id: d._id, state: 'pending' }, { $set: { state: 'skipped', skippedReason: 'the subscription was deleted', nextAttemptAt: null } });
      return;
    }
    // A paused subscription keeps its deliveries pending; turning it on again sends them.
    if (!sub.active) {
      await Delivery.updateOne({ tenantId, _id: d._id, state: 'pending' }, { $set: { nextAttemptAt: null } });
      return;
    }
    const n = (d.attemptCount ?? 0) + 1;
    try {
      await Claim.create({ tenantId, key: `${String(d._id)}:${n}` });
    } catch (error) {
      if (isDuplicateKeyError(error)) return;
      throw error;
    }
    if (d.eventType !== PING_EVENT) {
      // The owner's visibility now, not when the event happened: a record they lost sight of is not sent.
      const owner = await loadPrincipal(deps.connection, { tenantId, userId: sub.ownerId });
      const snapshot = (JSON.parse(d.body) as { data?: { object?: Record<string, unknown> } }).data?.object ?? undefined;
      const record = snapshot && (await currentRecord(tenantId, d.resource, d.resourceId, snapshot));
      if (!visibleTo(owner, d.resource, record)) {
        await Delivery.updateOne({ tenantId, _id: d._id, attemptCount: d.attemptCount ?? 0 }, { $set: { state: 'skipped', skippedReason: "the subscription's owner may not see this record", body: '{}', nextAttemptAt: null } });
        return;
      }
    }
    const secrets = sub.secrets.filter((s) => !s.expiresAt || s.expiresAt > now).map((s) => deps.box.decrypt(s.sealed));
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'CRM-Webhooks/1.0',
      'Crm-Event-Id': d.eventId,
      'Crm-Event-Type': d.eventType,
      'Crm-Delivery-Id': String(d._id),
      [SIGNATURE_HEADER]: signatureHeader(secrets, Math.floor(Date.now() / 1000), d.body),
    };
    const result = await sendDelivery({ url: sub.url, headers, body: d.body, timeoutMs: settings.timeoutMs, policy: settings.policy });
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const record: WebhookAttempt = { n, at: now, url: sub.url, requestHeaders: headers, status: result.status, responseBody: result.responseBody, durationMs: result.durationMs, error: ok ? null : (result.error ?? (result.status && result.status >= 300 && result.status < 400 ? `redirect to ${result.status} is not followed` : `answered ${result.status}`)) };
    const retryIn = settings.retryDelaysMs[n - 1];
    const state = ok ? 'succeeded' : retryIn === undefined ? 'failed' : 'pending';
    const nextAttemptAt = state === 'pending' ? new Date(now.getTime() + Math.round(retryIn! * (0.8 + Math.random() * 0.4))) : null;
    const saved = await Delivery.updateOne({ tenantId, _id: d._id, attemptCount: d.attemptCount ?? 0 }, { $set: { state, nextAttemptAt, attemptCount: n, attempts: [...d.attempts, record] } });
    if (!saved.modifiedCount) return;
    if (state === 'pending') await schedule({ ...d, attemptCount: n }, nextAttemptAt!);
    if (ok && (sub.failedEventsInARow || sub.failingSince)) await Subscription.updateOne({ tenantId, _id: sub._id }, { $set: { failedEventsInARow: 0, failingSince: null, failureRun: randomUUID() } });
    if (state === 'failed') await failed(sub, new Date(d.createdAt), now);
  }

  return {
    attempt,

    /** The outbox writer: one pending delivery per subscription that wants the event and whose owner sees the record. */
    async onEvent(event: DomainEvent): Promise<void> {
      if (!event.record || !webhookKinds.includes(event.resource) || splitEventType(event.type).kind !== event.resource) return;
      const subs = await activeSubscriptions(event.tenantId);
      const wanting = subs.filter((s) => wantsEvent(s, event.type));
      if (!wanting.length) return;
      const eventId = `evt_${randomUUID().replace(/-/g, '')}`;
      const body = eventBody(eventId, event);
      for (const sub of wanting) {
        const owner = await resolvePrincipal(deps.connection, { tenantId: event.tenantId, userId: sub.ownerId });
        if (!visibleTo(owner, event.resource, event.record)) continue;
        await enqueue(sub, { eventId, type: event.type, resource: event.resource, resourceId: event.resourceId, body });
      }
    },

    /** Schedules pending deliveries that are due but whose job is gone; a job that exists is kept. */
    async sweep(now = new Date()): Promise<number> {
      const pending = await Delivery.find({ state: 'pending' }).setOptions({ crossTenant: 'the sweep visits every agency' }).select('_id tenantId nextAttemptAt attemptCount').limit(1000).lean();
      const due = pending.filter((d) => d.nextAttemptAt && d.nextAttemptAt <= now);
      for (const d of due) await schedule(d, now);
      return due.length;
    },

    /** Forgets finished deliveries older than the retention period (pending ones stay). */
    async prune(now = new Date()): Promise<number> {
      const cutoff = new Date(now.getTime() - settings.retentionDays * 86_400_000);
      let removed = 0;
      for (const state of ['succeeded', 'failed', 'skipped'] as const) {
        // Retention visits every agency, whose deliveries can be more than one FerretDB delete may take.
        removed += await deleteManyBounded(Delivery.collection, { state, createdAt: { $lt: cutoff } });
      }
      await deleteManyBounded(Claim.collection, { createdAt: { $lt: cutoff } });
      return removed;
    },

    async list(principal: Principal) {
      const filter: Record<string, unknown> = { tenantId: principal.tenantId };
      if (!principal.role.isAdmin) filter.ownerId = principal.userId;
      const subs = await Subscription.find(filter).lean();
      subs.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      return { object: 'list' as const, data: subs.map(toSubscriptionDto), hasMore: false, nextCursor: null };
    },

    async get(principal: Principal, id: string) {
      return toSubscriptionDto(await findManaged(principal, id));
    },

    /** Creates a subscription owned by the caller; the answer carries the secret, the only time it is shown. */
    async create(principal: Principal, input: SubscriptionInput) {
      await validateInput(input);
      const secret = newWebhookSecret();
      const created = await Subscription.create({
        tenantId: principal.tenantId,
        url: input.url,
        description: input.description ?? '',
        kinds: [...new Set(input.kinds)],
        actions: [...new Set(input.actions ?? [])],
        active: input.active ?? true,
        ownerId: principal.userId,
        secrets: [{ sealed: deps.box.encrypt(secret), createdAt: new Date(), expiresAt: null }],
      });
      invalidate(principal.tenantId);
      return { ...toSubscriptionDto(created.toObject()), secret };
    },

    async update(principal: Principal, id: string, input: Partial<SubscriptionInput>, ifMatch?: number) {
      const sub = await findManaged(principal, id);
      if (ifMatch !== undefined && ifMatch !== sub.version) throw new AppError('version_conflict', `The subscription is at version ${sub.version}, not ${ifMatch}; reload it and try again`, { extensions: { current: toSubscriptionDto(sub) } });
      await validateInput(input);
      const $set: Record<string, unknown> = {};
      if (input.url !== undefined) $set.url = input.url;
      if (input.description !== undefined) $set.description = input.description;
      if (input.kinds !== undefined) $set.kinds = [...new Set(input.kinds)];
      if (input.actions !== undefined) $set.actions = [...new Set(input.actions)];
      if (input.active !== undefined) {
        $set.active = input.active;
        // Turning it on again starts a fresh count and sends what waited meanwhile.
        if (input.active) Object.assign($set, { disabledAt: null, disabledReason: null, failedEventsInARow: 0, failingSince: null, failureRun: randomUUID() });
      }
      // Through the version claims, as every versioned write: a person's change and the automatic turning off
      // below never both make the next version (the turning off was an `$inc` of it).
      const updated = await writeStoredVersion(Subscription, sub, { $set });
      invalidate(principal.tenantId);
      if (!updated) throw new AppError('version_conflict', 'The subscription was changed by someone else; reload it and try again');
      if (input.active && !sub.active) {
        const now = new Date();
        await Delivery.updateMany({ tenantId: principal.tenantId, subscriptionId: sub._id, state: 'pending' }, { $set: { nextAttemptAt: now } });
        const waiting = await Delivery.find({ tenantId: principal.tenantId, subscriptionId: sub._id, state: 'pending' }).select('_id tenantId attemptCount').lean();
        for (const d of waiting) await schedule(d, now);
      }
      return toSubscriptionDto(updated);
    },

    async remove(principal: Principal, id: string) {
      const sub = await findManaged(principal, id);
      await Subscription.deleteOne({ tenantId: principal.tenantId, _id: sub._id });
      invalidate(principal.tenantId);
      // Pending deliveries end as skipped when their job runs; the log stays until retention.
    },

    /**
     * A new secret, shown once; the previous one keeps being signed with (a second `v1=`) for the overlap,
     * so receivers can switch without dropping a delivery.
     */
    async rotateSecret(principal: Principal, id: string, overlapMs = settings.rotationOverlapMs) {
      const sub = await findManaged(principal, id);
      const now = new Date();
      const secret = newWebhookSecret();
      const current = sub.secrets.find((s) => !s.expiresAt);
      const expiresAt = new Date(now.getTime() + overlapMs);
      const secrets = [{ sealed: deps.box.encrypt(secret), createdAt: now, expiresAt: null }, ...(current && overlapMs > 0 ? [{ ...current, expiresAt }] : [])];
      const updated = await writeStoredVersion(Subscription, sub, { $set: { secrets } });
      invalidate(principal.tenantId);
      if (!updated) throw new AppError('version_conflict', 'The subscription was changed meanwhile; rotate again');
      return { ...toSubscriptionDto(updated), secret };
    },

    async deliveries(principal: Principal, id: string, query: { limit: number; cursor?: string | undefined; state?: string | undefined }) {
      const sub = await findManaged(principal, id);
      const filter: Record<string, unknown> = { tenantId: principal.tenantId, subscriptionId: sub._id };
      if (query.state) filter.state = query.state;
      if (query.cursor) filter._id = op({ $lt: oid(query.cursor, 'cursor') });
      const docs = await Delivery.find(filter).select('-body').sort({ _id: -1 }).limit(query.limit + 1).lean();
      const page = docs.slice(0, query.limit);
      const hasMore = docs.length > query.limit;
      return { object: 'list' as const, data: page.map((d) => toDeliveryDto(d, false)), hasMore, nextCursor: hasMore ? String(page[page.length - 1]!._id) : null };
    },

    async delivery(principal: Principal, id: string, deliveryId: string) {
      const sub = await findManaged(principal, id);
      const d = await findByIdInTenant(Delivery, principal.tenantId, oid(deliveryId, 'deliveryId'));
      if (!d || !d.subscriptionId.equals(sub._id)) throw AppError.notFound('Delivery');
      return toDeliveryDto(d, true);
    },

    /** Sends one delivery again: a new delivery id, the same event id and body (receivers dedupe by event id). */
    async replay(principal: Principal, id: string, deliveryId: string) {
      const sub = await findManaged(principal, id);
      const d = await findByIdInTenant(Delivery, principal.tenantId, oid(deliveryId, 'deliveryId'));
      if (!d || !d.subscriptionId.equals(sub._id)) throw AppError.notFound('Delivery');
      if (d.state === 'skipped') throw new AppError('conflict', 'This delivery was skipped (its record is not visible to the owner, or the subscription was deleted); there is nothing to replay');
      return toDeliveryDto(await enqueue(sub, { eventId: d.eventId, type: d.eventType, resource: d.resource, resourceId: d.resourceId, body: d.body, replayOf: d._id }), true);
    },

    /** Replays every event delivered (or attempted) in a time range, once per event. */
    async replayRange(principal: Principal, id: string, range: { from: Date; to: Date; onlyFailed?: boolean | undefined }) {
      const sub = await findManaged(principal, id);
      if (range.to <= range.from) throw AppError.invalidField('to', 'must be after from');
      if (range.to.getTime() - range.from.getTime() > 31 * 86_400_000) throw AppError.invalidField('to', 'is more than 31 days after from; replay a month at a time');
      const docs = await Delivery.find({ tenantId: principal.tenantId, subscriptionId: sub._id }).select('_id eventId state createdAt').lean();
      const inRange = docs.filter((d) => d.createdAt >= range.from && d.createdAt < range.to && d.state !== 'skipped' && d.state !== 'pending' && (!range.onlyFailed || d.state === 'failed'));
      inRange.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      const firstPerEvent = new Map<string, Types.ObjectId>();
      for (const d of inRange) if (!firstPerEvent.has(d.eventId)) firstPerEvent.set(d.eventId, d._id);
      if (firstPerEvent.size > 1000) throw AppError.invalidField('to', `the range holds ${firstPerEvent.size} events; replay at most 1000 at a time`);
      let replayed = 0;
      for (const deliveryId of firstPerEvent.values()) {
        const d = await findByIdInTenant(Delivery, principal.tenantId, deliveryId);
        if (!d) continue;
        await enqueue(sub, { eventId: d.eventId, type: d.eventType, resource: d.resource, resourceId: d.resourceId, body: d.body, replayOf: d._id });
        replayed += 1;
      }
      return { replayed };
    },

    /** Sends a `webhook.ping` event now, to test the receiver and its signature check. */
    async ping(principal: Principal, id: string) {
      const sub = await findManaged(principal, id);
      const eventId = `evt_${randomUUID().replace(/-/g, '')}`;
      const body = JSON.stringify({ id: eventId, type: PING_EVENT, createdAt: new Date().toISOString(), resource: 'webhook', resourceId: String(sub._id), data: { object: { subscriptionId: String(sub._id) } } });
      return toDeliveryDto(await enqueue(sub, { eventId, type: PING_EVENT, resource: 'webhook', resourceId: String(sub._id), body }), true);
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
