import { Types } from 'mongoose';
import type { AppContext } from '../../platform/context.js';
import { secretBoxFor } from '../../platform/crypto/secret-box.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { RouteSpec } from '../../platform/http/route.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { webhooksRoutes } from './webhooks.routes.js';
import { createWebhooksService, DELIVER_JOB, PRUNE_JOB, SWEEP_JOB, type WebhookSettings } from './webhooks.service.js';

/** `1m`, `30s`, `2h`, `1d` or plain milliseconds, as WEBHOOKS_RETRY_DELAYS lists them. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration (e.g. 30s, 5m, 2h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms'] as number;
  return Math.round(Number(match[1]) * unit);
}

/** The settings from the environment (README: WEBHOOKS_*). */
export function webhookSettings(config: AppContext['config']): WebhookSettings {
  return {
    policy: { allowPrivate: config.WEBHOOKS_ALLOW_PRIVATE ?? false, allowedCidrs: config.WEBHOOKS_ALLOWED_CIDRS },
    retryDelaysMs: config.WEBHOOKS_RETRY_DELAYS.map(parseDuration),
    timeoutMs: config.WEBHOOKS_TIMEOUT_MS,
    rotationOverlapMs: config.WEBHOOKS_SECRET_OVERLAP_HOURS * 3_600_000,
    disableAfterFailedEvents: config.WEBHOOKS_DISABLE_AFTER_FAILED_EVENTS,
    disableAfterMs: config.WEBHOOKS_DISABLE_AFTER_DAYS * 86_400_000,
    retentionDays: config.WEBHOOKS_RETENTION_DAYS,
  };
}

/** Signed outbound webhooks (issue 22), wired to the app: the outbox subscriber, the jobs and the routes. */
export function webhooksModule(ctx: AppContext, deps: { notifications: NotificationsService; mailer: Mailer }): { routes: RouteSpec[]; service: ReturnType<typeof createWebhooksService> } {
  const { connection, config, events, jobs, logger } = ctx;
  const service = createWebhooksService({ connection, box: secretBoxFor(config), jobs, logger, settings: webhookSettings(config), notifications: deps.notifications, mailer: deps.mailer });
  // The outbox row is written while the event is published (the write's request awaits it), so an
  // event is never lost to a crash between the write and the job.
  events.subscribe('*', (event) => service.onEvent(event));
  jobs.define<{ tenantId: string; deliveryId: string }>(DELIVER_JOB, async (job) => {
    const { tenantId, deliveryId } = job.attrs.data;
    await service.attempt(new Types.ObjectId(tenantId), new Types.ObjectId(deliveryId));
  }, { concurrency: 10, lockLifetime: config.WEBHOOKS_TIMEOUT_MS * 6 });
  jobs.define(SWEEP_JOB, async () => {
    await service.sweep(new Date());
  });
  jobs.recurring('* * * * *', SWEEP_JOB);
  jobs.define(PRUNE_JOB, async () => {
    const removed = await service.prune(new Date());
    if (removed) logger.info({ removed }, 'finished webhook deliveries past retention forgotten');
  });
  jobs.recurring('41 3 * * *', PRUNE_JOB, { timezone: 'UTC' });
  return { routes: webhooksRoutes(service), service };
}
