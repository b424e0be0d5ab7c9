import type { Principal } from '../../platform/access/principal.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { createRateLimiter } from '../../platform/http/rate-limit.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { createMailer, type Mailer } from '../../platform/mail/mailer.js';
import { createRecordService, type RecordBase, type RecordDeps, type RecordService } from '../../platform/records/record-service.js';
import type { ApiKeysService } from '../api-keys/api-keys.service.js';
import { publishableKeyGuard } from '../api-keys/publishable.js';
import { leadDefinition } from '../leads/lead.definition.js';
import { createTemplatesService } from '../templates/templates.service.js';
import { publicBaseUrl } from '../../platform/config.js';
import { createSecretBox, resolveEncryptionKey } from '../../platform/crypto/secret-box.js';
import type { SendHooks } from '../messaging/send-hooks.js';
import { createCampaignMessages } from './campaign-message.js';
import { createCampaignMailRouter } from './email-inbound.js';
import { createEmailTracking } from './email-tracking.js';
import { emailTrackingRoutes } from './email-tracking.routes.js';
import { campaignEngagementRoutes, createCampaignEngagement } from './campaign-engagement.js';
import { campaignPublicRoutes } from './campaign-public.routes.js';
import { createCampaignPublicService } from './campaign-public.service.js';
import { campaignRoutes } from './campaigns.routes.js';
import { defineCampaignJobs } from './campaign.jobs.js';
import { createCampaignSchedule, createCampaignsService } from './campaigns.service.js';

/**
 * Campaigns (issue 7): the record routes, stats, referral codes, and the widget routes under
 * /v1/public, and the period-edge jobs (campaign.jobs.ts). Returns the routes and the services.
 */
export function campaignsModule(
  ctx: AppContext,
  deps: {
    recordDeps: RecordDeps; apiKeys: ApiKeysService; contacts: RecordService<RecordBase>; mailer?: Mailer; minFillMs?: number; segmentVisible?: (principal: Principal, id: string) => Promise<unknown>;
    /** Messaging's send hooks, which campaign analytics fill in (tracking, counts). */
    sendHooks?: SendHooks;
    /** The address whose `+b<delivery>` variants are the return paths (VERP) of campaign sends; null for none. */
    returnPathBase?: string | null;
  },
) {
  const { connection, config, events, logger } = ctx;
  const mailer = deps.mailer ?? createMailer(config, logger);
  const campaigns = createCampaignsService(connection, deps.recordDeps, {
    messages: createCampaignMessages({ connection, templates: createTemplatesService(connection) }),
    mailer,
    // Without the segments module, no segment is visible: an audience names contacts, leads or customers.
    segmentVisible: deps.segmentVisible ?? (async () => Promise.reject(AppError.notFound('Segment'))),
  });
  const schedule = createCampaignSchedule({ connection, events, workflows: deps.recordDeps.workflows });
  const edges = defineCampaignJobs({ connection, events, jobs: ctx.jobs, schedule, logger });
  const leads = createRecordService(leadDefinition(connection), deps.recordDeps) as unknown as RecordService<RecordBase>;
  const publicService = createCampaignPublicService({
    connection,
    events,
    customFields: deps.recordDeps.customFields,
    contacts: deps.contacts,
    leads,
    mailer,
    logger,
    secret: ctx.secrets.jwt,
    apiBase: (config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/+$/, ''),
    // Least time between serving a signup form and its submission (a bot submits at once).
    minFillMs: deps.minFillMs ?? config.CAMPAIGN_MIN_FILL_MS,
  });
  const publishable = publishableKeyGuard({ keys: deps.apiKeys, windowMs: config.RATE_LIMIT_WINDOW_MS, limit: config.RATE_LIMIT_MAX, redisUrl: config.REDIS_URL });
  const perAddress = (name: string) =>
    createRateLimiter({ name, windowMs: 60_000, limit: config.PUBLIC_RATE_LIMIT_PER_MINUTE, key: (req) => `${String(req.publishable?.keyId ?? '')}:${req.ip ?? 'unknown'}`, redisUrl: config.REDIS_URL });
  // Campaign analytics for our own sends (docs/campaign-analytics.md): pixel, signed clicks, bounces, replies.
  const tracking = createEmailTracking({ connection, box: createSecretBox(resolveEncryptionKey(config)), logger, publicBase: publicBaseUrl(config), secret: ctx.secrets.jwt, returnPathBase: deps.returnPathBase });
  if (deps.sendHooks) {
    Object.assign(deps.sendHooks, tracking.hooks);
    deps.sendHooks.campaignOf = async (principal, id) => (await campaigns.findVisible(principal, id, 'read'))._id;
  }
  const mailRouter = createCampaignMailRouter({ connection, tracking, logger });
  const trackingLimit = createRateLimiter({ name: 'email-tracking', windowMs: 60_000, limit: Math.max(120, config.PUBLIC_RATE_LIMIT_PER_MINUTE * 10), key: (req) => req.ip ?? 'unknown', redisUrl: config.REDIS_URL });
  const routes: RouteSpec[] = [
    ...campaignRoutes(campaigns),
    ...emailTrackingRoutes(tracking, { limit: trackingLimit, campaignVisible: (principal, id) => campaigns.findVisible(principal, id, 'read') }),
    // Campaign analytics per person: what each campaign did with a contact (or a lead's contact).
    ...campaignEngagementRoutes(
      createCampaignEngagement({
        connection,
        campaignVisible: (principal, id) => campaigns.findVisible(principal, id, 'read') as never,
        contactVisible: (principal, id) => deps.contacts.findVisible(principal, id, 'read') as never,
        leadVisible: (principal, id) => leads.findVisible(principal, id, 'read') as never,
      }),
    ),
    ...campaignPublicRoutes(publicService, { publishable, signupLimit: perAddress('campaign-signup'), confirmLimit: perAddress('campaign-confirm') }),
  ];
  return { routes, campaigns, schedule, edges, publicService, tracking, mailRouter };
}
