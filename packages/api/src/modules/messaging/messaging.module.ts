import { publicBaseUrl } from '../../platform/config.js';
import { Types } from 'mongoose';
import type { AppContext } from '../../platform/context.js';
import { secretBoxFor } from '../../platform/crypto/secret-box.js';
import { AppError } from '../../platform/errors.js';
import type { RouteSpec } from '../../platform/http/route.js';
import type { createRateLimiter } from '../../platform/http/rate-limit.js';
import { createTransportPool } from '../../platform/mail/transports.js';
import { mailSettingsRoutes } from '../mail-settings/mail-settings.routes.js';
import { createMailSettingsService } from '../mail-settings/mail-settings.service.js';
import { notificationRoutes } from '../notifications/notifications.routes.js';
import { createNotificationsService, subscribeCampaignNotifications } from '../notifications/notifications.service.js';
import { defineNotificationJobs } from '../notifications/scheduled.js';
import { templateRoutes } from '../templates/templates.routes.js';
import { createTemplatesService } from '../templates/templates.service.js';
import { createDeliveryEngine, LEDGER_PRUNE_JOB, pruneDeliveryLedger, RESUME_SENDS_JOB, SEND_JOB } from './delivery.engine.js';
import { createGreetingsService, type SegmentMembers } from './greetings.service.js';
import { messagingRoutes } from './messaging.routes.js';
import { nurtureRoutes } from './nurture.routes.js';
import { createNurtureService, NURTURE_JOB } from './nurture.service.js';
import { createRecipients } from './recipients.js';
import type { SendHooks } from './send-hooks.js';
import { satisfactionRoutes } from './satisfaction.routes.js';
import { createFeedbackTokens, createSatisfactionService, SATISFACTION_JOB } from './satisfaction.service.js';
import { createSubscriptionsService } from './subscriptions.service.js';
import { createUnsubscribeTokens } from './unsubscribe.js';

/**
 * Notifications, templates, email and scheduled sends (issue 8), wired to the app context: the in-app
 * inbox, tenant templates, SMTP settings, subscriptions and unsubscribe, greetings and their job.
 */
export function buildMessaging(ctx: AppContext, perMinute: (name: string, limit: number) => ReturnType<typeof createRateLimiter>, options: { segmentMembers?: SegmentMembers } = {}) {
  const { connection, config, events, jobs, logger } = ctx;
  const box = secretBoxFor(config);
  const transports = createTransportPool(config, logger);
  // Pooled SMTP connections live as long as the database connection (runtime.close() ends both).
  connection.once('close', () => transports.close());
  const tokens = createUnsubscribeTokens(box);
  const recipients = createRecipients(connection);
  const templates = createTemplatesService(connection);
  const mailSettings = createMailSettingsService({ connection, box, transports });
  const subscriptions = createSubscriptionsService({ connection, events, recipients });
  const notifications = createNotificationsService({ connection, events });
  const publicBase = publicBaseUrl(config);
  const satisfaction = createSatisfactionService({ connection, jobs, events, logger, templates, recipients, notifications, tokens: createFeedbackTokens(box), publicBase });
  // Filled in by the campaigns module (campaign analytics): messaging itself knows no campaigns.
  const sendHooks: SendHooks = {};
  const engine = createDeliveryEngine({
    connection, config, logger, events, jobs, recipients, subscriptions, templates, mailSettings, tokens, hooks: sendHooks,
    extraData: (send, r) => (send.kind === 'satisfaction' ? { feedback: satisfaction.links(send, r) } : {}),
  });
  // Production never starts a send that could only reach the local outbox: a clear 409 instead.
  const assertCanDeliver = async (principal: { tenantId: Types.ObjectId; userId: Types.ObjectId }, fromUser: boolean) => {
    if (config.NODE_ENV !== 'production') return;
    const route = await mailSettings.routeFor(principal.tenantId, fromUser ? principal.userId : null);
    if (!route.delivers) throw new AppError('conflict', 'No SMTP server is configured: set SMTP_URL, or the agency\'s mail settings (PUT /v1/mail-settings), before sending');
  };
  const greetings = createGreetingsService({ connection, jobs, templates, recipients, segmentMembers: options.segmentMembers, assertCanDeliver, engine, hooks: sendHooks });
  const nurture = createNurtureService({ connection, templates, recipients, engine, logger });

  // The send job's lock lives as long as the ledger lease (renewed by the run's heartbeat), not Agenda's
  // 10-minute default: a send whose worker died is taken over within a lease and a poll.
  jobs.define<{ tenantId: string; sendId: string }>(
    SEND_JOB,
    async (job, keepAlive) => {
      const { tenantId, sendId } = job.attrs.data;
      await engine.run(new Types.ObjectId(tenantId), new Types.ObjectId(sendId), keepAlive);
    },
    { lockLifetime: config.MAIL_SEND_LEASE_MS },
  );
  // A send whose job failed or was lost is not left half done: this sweep schedules it again.
  jobs.define(RESUME_SENDS_JOB, async () => {
    await engine.resumeStalled(new Date());
  });
  jobs.recurring('* * * * *', RESUME_SENDS_JOB);
  jobs.define(LEDGER_PRUNE_JOB, async () => {
    const pruned = await pruneDeliveryLedger(connection, new Date(), config.DELIVERY_LEDGER_RETENTION_DAYS);
    if (pruned.sends || pruned.leases || pruned.takeovers) logger.info(pruned, 'delivery ledger of ended sends forgotten');
  });
  jobs.recurring('29 4 * * *', LEDGER_PRUNE_JOB, { timezone: 'UTC' });
  jobs.define(SATISFACTION_JOB, async () => {
    await satisfaction.runDue(new Date());
  });
  jobs.recurring('7 * * * *', SATISFACTION_JOB);
  jobs.define(NURTURE_JOB, async (_job, keepAlive) => {
    await nurture.runDue(new Date(), keepAlive);
  });
  jobs.recurring('* * * * *', NURTURE_JOB);
  defineNotificationJobs({ connection, notifications, jobs, logger });
  subscribeCampaignNotifications(events, notifications);
  events.subscribe('opportunity.won', (event) => satisfaction.onOpportunityWon(event));
  events.subscribe('ticket.transitioned', (event) => satisfaction.onTicketResolved(event));

  const routes: RouteSpec[] = [
    ...notificationRoutes(notifications),
    ...templateRoutes(templates, recipients),
    ...mailSettingsRoutes(mailSettings),
    ...messagingRoutes({ subscriptions, greetings, tokens, unsubscribeLimit: perMinute('unsubscribe', Math.max(30, config.PUBLIC_RATE_LIMIT_PER_MINUTE * 3)), hooks: sendHooks }),
    ...nurtureRoutes(nurture),
    ...satisfactionRoutes({ satisfaction, answerLimit: perMinute('feedback', Math.max(30, config.PUBLIC_RATE_LIMIT_PER_MINUTE * 3)) }),
  ];
  return { routes, notifications, templates, mailSettings, subscriptions, greetings, satisfaction, nurture, engine, tokens, transports, sendHooks };
}
