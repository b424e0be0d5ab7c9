import { Types } from 'mongoose';
import type { AppContext } from '../../platform/context.js';
import { secretBoxFor } from '../../platform/crypto/secret-box.js';
import type { DomainEvent } from '../../platform/events.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { mailwizzRoutes } from './mailwizz.routes.js';
import { createMailwizzService, MAILWIZZ_MIRROR_JOB, MAILWIZZ_STATS_JOB, MAILWIZZ_SYNC_JOB, MAILWIZZ_UNSUBSCRIBES_JOB, type MailwizzDeps } from './mailwizz.service.js';

/**
 * Mailwizz (issue 22, item 2), wired: the service with its own sealed-key box (the one ENCRYPTION_KEY),
 * the sync job, the hourly statistics and unsubscribe pulls, and the mirror of CRM opt-outs.
 */
export function mailwizzModule(ctx: AppContext, deps: Pick<MailwizzDeps, 'subscriptions' | 'segments' | 'createCampaign'>): { routes: RouteSpec[]; service: ReturnType<typeof createMailwizzService> } {
  const { connection, jobs, events, logger, config } = ctx;
  const service = createMailwizzService({ connection, jobs, events, logger, box: secretBoxFor(config), ...deps });
  jobs.define<{ tenantId: string; segmentId: string }>(MAILWIZZ_SYNC_JOB, async (job, keepAlive) => {
    await service.runSync(new Types.ObjectId(job.attrs.data.tenantId), new Types.ObjectId(job.attrs.data.segmentId), keepAlive);
  }, { concurrency: 2 });
  jobs.define(MAILWIZZ_STATS_JOB, async () => service.pullAllStats());
  jobs.recurring('17 * * * *', MAILWIZZ_STATS_JOB);
  jobs.define(MAILWIZZ_UNSUBSCRIBES_JOB, async () => service.pullAllUnsubscribes());
  jobs.recurring('47 * * * *', MAILWIZZ_UNSUBSCRIBES_JOB);
  jobs.define<{ tenantId: string; contactId: string }>(MAILWIZZ_MIRROR_JOB, async (job) => {
    await service.mirrorUnsubscribe(new Types.ObjectId(job.attrs.data.tenantId), new Types.ObjectId(job.attrs.data.contactId));
  });
  // A CRM opt-out from marketing email (a link, the portal, staff) reaches Mailwizz by a job, so a Mailwizz outage retries.
  const mirror = async (event: DomainEvent) => {
    const data = event.data ?? {};
    if (event.resource !== 'contact' || !event.resourceId || data.source === 'mailwizz' || data.subscribed === true) return;
    if (data.channel !== undefined && data.channel !== 'email') return;
    if (!Types.ObjectId.isValid(event.resourceId) || !(await service.isMapped(event.tenantId, new Types.ObjectId(event.resourceId)))) return;
    await jobs.schedule(new Date(), MAILWIZZ_MIRROR_JOB, { tenantId: String(event.tenantId), contactId: event.resourceId });
  };
  events.subscribe('contact.unsubscribed', mirror);
  events.subscribe('contact.subscription_changed', mirror);
  return { routes: mailwizzRoutes(service), service };
}
