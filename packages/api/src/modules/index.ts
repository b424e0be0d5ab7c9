import { publicBaseUrl } from '../platform/config.js';
import type { AppContext } from '../platform/context.js';
import type { Authenticator } from '../platform/auth/guard.js';
import { createRateLimiter } from '../platform/http/rate-limit.js';
import type { RouteSpec } from '../platform/http/route.js';
import { createAuthService } from './identity/auth.service.js';
import { authRoutes } from './identity/auth.routes.js';
import { createAuthenticator } from './identity/authenticate.js';
import { createAccessChannel } from '../platform/auth/access-channel.js';
import { accessVersionModel } from '../platform/auth/principal-cache.js';
import { meRoutes } from './identity/me.routes.js';
import { createCustomFields } from '../platform/custom-fields/custom-fields.js';
import { createIdempotency, defineIdempotencyJobs, type Idempotency } from '../platform/http/idempotency.js';
import type { RecordDeps } from '../platform/records/record-service.js';
import { createWorkflowEngine } from '../platform/workflow/workflow-engine.js';
import { contactRoutes } from './contacts/contacts.routes.js';
import { createContactsService } from './contacts/contacts.service.js';
import { createOrgDirectory } from './identity/org-directory.js';
import { createMailer, type Mailer } from '../platform/mail/mailer.js';
import { createLoginThrottle } from '../platform/auth/login-throttle.js';
import { createAuditService } from './audit/audit.service.js';
import { auditRoutes } from './audit/audit.routes.js';
import { defineAuditJobs } from './audit/audit.jobs.js';
import { defineVersionClaimJobs } from '../platform/records/version-claims.js';
import { defineRoleUpgradeJobs } from './identity/roles.upgrade.js';
import { defineRecordCountJobs } from '../platform/counts/count-jobs.js';
import { defineRegistrationJobs } from './identity/pending-registration.model.js';
import { defineExpirySweepJob } from '../platform/db/expiry-sweep.js';
import { claimModel } from '../platform/db/claim-once.js';
import { refreshTokenModel, sessionModel } from './identity/session.model.js';
import { userTokenModel } from './identity/user-token.model.js';
import { customerLinkModel } from './customer-portal/customer-user.model.js';
import { createApiKeysService } from './api-keys/api-keys.service.js';
import { apiKeysRoutes } from './api-keys/api-keys.routes.js';
import { publishableKeyGuard } from './api-keys/publishable.js';
import { createUsersService } from './identity/users.service.js';
import { usersRoutes } from './identity/users.routes.js';
import { createRolesService } from './identity/roles.service.js';
import { rolesRoutes } from './identity/roles.routes.js';
import { createOrgService } from './identity/org.service.js';
import { orgRoutes } from './identity/org.routes.js';
import { createTenantService } from './identity/tenant.service.js';
import { tenantRoutes } from './identity/tenant.routes.js';
import { buildMessaging } from './messaging/messaging.module.js';
import { contactPictureRoutes, createContactPictures } from './contacts/contact-pictures.js';
import { cardScanModule } from './card-scan/card-scan.module.js';
import { crmRecordRoutes } from './customers/crm-records.wiring.js';
import { buildSalesModules } from './opportunities/sales.wiring.js';
import { campaignsModule } from './campaigns/campaigns.module.js';
import { buildCustomerPortal } from './customer-portal/customer-portal.module.js';
import type { CustomerAuthenticator } from '../platform/auth/customer-guard.js';
import type { RequestHandler, Router } from 'express';
import { buildSupport } from './support/support.module.js';
import { buildSupportMail } from './support/support-mail.js';
import { defaultReplyAddress } from './support/ticket-mail-address.js';
import type { InboundMail } from './support/inbound-mail.js';
import { knowledgeModule } from './knowledge/knowledge.module.js';
import { reportingModule } from './reporting/reporting.module.js';
import { reportsModule } from './reporting/reports.module.js';
import { importsModule } from './imports/imports.module.js';
import { exportsModule } from './exports/exports.module.js';
import type { RecordBase, RecordService } from '../platform/records/record-service.js';
import { quoteToCashModule } from './quotes/quote-to-cash.module.js';
import { ordersModule } from './orders/orders.module.js';
import { createQuoteLinkSigner, quoteLinkToken } from './orders/quote-link.js';
import express from 'express';
import { privacyModule } from './privacy/privacy.module.js';
import { privacyErasureJobsModule } from './privacy/privacy.erasure-job.routes.js';
import { mailwizzModule } from './mailwizz/mailwizz.module.js';
import { createCampaignBody } from './campaigns/campaign.schema.js';
import { webhooksModule } from './webhooks/webhooks.module.js';
import { calendarModule } from './calendar/calendar.module.js';
import { lostRoutingModule } from './lost-routing/lost-routing.module.js';
import { projectsModule } from './projects/projects.module.js';
import { leadRequestsModule } from './lead-requests/lead-requests.module.js';
import { voipModule } from './voip/voip.module.js';
import { conversationsModule } from './conversations/conversations.module.js';
import { salesEventsModule } from './sales-events/sales-events.module.js';
import { accountHealthModule } from './account-health/account-health.module.js';

/** Every domain module, wired to the app context: their routes and the authenticator they provide. */
export function buildModules(ctx: AppContext): { routes: RouteSpec[]; authenticate: Authenticator; authenticateCustomer: CustomerAuthenticator; customerPortal: { cors: RequestHandler; hostedPortal: Router }; idempotency: Idempotency; inboundMail: InboundMail } {
  const { connection, config, secrets, events } = ctx;
  // One mailer for identity: invitations, password resets and the owner's notice of failed sign-ins.
  const mailer = createMailer(config, ctx.logger);
  const throttle = createLoginThrottle({ failuresPerAddressPerHour: config.LOGIN_FAILURES_PER_IP_PER_HOUR, redisUrl: config.REDIS_URL });
  const auth = createAuthService({ connection, jwtSecret: secrets.jwt, events, throttle, mailer });
  const apiKeys = createApiKeysService({ connection, events });
  // With Redis, access changes are published and a warm request reads nothing about who the caller is.
  const accessChannel = config.REDIS_URL ? createAccessChannel({ url: config.REDIS_URL, connection, onError: (err) => ctx.logger.warn({ err }, 'access changes channel (Redis): the database counter is read meanwhile') }) : undefined;
  accessVersionModel(connection);
  const authenticate = createAuthenticator({ connection, jwtSecret: secrets.jwt, auth, secretKeys: apiKeys.resolveSecretKey, accessChannel });
  const perMinute = (name: string, limit: number) =>
    createRateLimiter({ name, windowMs: 60_000, limit, key: (req) => req.ip ?? 'unknown', redisUrl: config.REDIS_URL });

  const recordDeps: RecordDeps = {
    events,
    workflows: createWorkflowEngine(connection),
    customFields: createCustomFields(connection),
    directory: createOrgDirectory(connection),
  };
  const idempotency = createIdempotency(connection);
  defineIdempotencyJobs({ idempotency, jobs: ctx.jobs });
  const contacts = createContactsService(connection, recordDeps);
  const sales = buildSalesModules({ connection, events, recordDeps, contacts });

  const crm = crmRecordRoutes({ connection, recordDeps, contacts, opportunityFromLead: sales.opportunityFromLead });
  const messaging = buildMessaging(ctx, perMinute, { segmentMembers: (principal, id) => crm.segments.memberIds(principal, id, { field: 'targets.segmentId' }) });
  const customerPortal = buildCustomerPortal(ctx, { mailer, throttle, contacts, subscriptions: messaging.subscriptions, visibleAccount: (principal, id) => crm.customers.findVisible(principal, id, 'read') });

  const support = buildSupport({ connection, recordDeps, jobs: ctx.jobs });
  const supportMail = buildSupportMail({ connection, tickets: support.tickets, thread: support.thread, events, jobs: ctx.jobs, mailer, secret: secrets.jwt, replyAddress: config.SUPPORT_REPLY_ADDRESS ?? defaultReplyAddress(config.MAIL_FROM), logger: ctx.logger });

  const campaigns = campaignsModule(ctx, {
    recordDeps, apiKeys, contacts: contacts as never, segmentVisible: (principal, id) => crm.segments.findVisible(principal, id),
    // Campaign analytics: tracking hooks into sends; bounces come back to the support listener's address (VERP) when it runs.
    sendHooks: messaging.sendHooks,
    returnPathBase: config.SUPPORT_SMTP_PORT !== undefined ? (config.SUPPORT_REPLY_ADDRESS ?? defaultReplyAddress(config.MAIL_FROM)) : null,
  });
  supportMail.inbound.route(campaigns.mailRouter);
  const routes: RouteSpec[] = [
    ...authRoutes(auth, { signup: perMinute('signup', Math.max(5, config.PUBLIC_RATE_LIMIT_PER_MINUTE)), login: perMinute('login', Math.max(30, config.PUBLIC_RATE_LIMIT_PER_MINUTE)) }),
    ...meRoutes(connection),
    ...identityAndAccessRoutes(ctx, auth, apiKeys, perMinute, mailer),
    ...contactRoutes(contacts),
    ...contactPictureRoutes(createContactPictures({ connection, contacts, events, publicBase: publicBaseUrl(config) }), { view: perMinute('contact-picture', 600) }),
    // Business-card scans (issue 20 item 6): a photo read into a contact draft, created with the normal create.
    ...cardScanModule(ctx).routes,
    ...messaging.routes,
    ...crm.routes,
    ...sales.routes,
    ...campaigns.routes,
    ...support.routes,
  ];
  routes.push(...customerPortal.routes);
  // Imports of contacts, leads, customers, opportunities, products and tasks from CSV and XLSX (issue 20), run as Agenda jobs.
  routes.push(...importsModule(ctx, { recordDeps, contacts, leads: crm.leads, customers: crm.customers, opportunities: sales.opportunities, products: crm.products, tasks: sales.tasks, notify: (input) => messaging.notifications.notify(input) }).routes);
  // Exports made in the background with a download link (issue 20), for every kind with a direct export.
  const asRecords = (service: unknown) => service as RecordService<RecordBase>;
  routes.push(
    ...exportsModule(ctx, {
      kinds: { contacts: asRecords(contacts), leads: asRecords(crm.leads), customers: asRecords(crm.customers), opportunities: asRecords(sales.opportunities), tasks: asRecords(sales.tasks), activities: asRecords(sales.activities), tickets: asRecords(support.tickets), campaigns: asRecords(campaigns.campaigns) },
      notify: (input) => messaging.notifications.notify(input),
    }).routes,
  );
  // The knowledge base: agents' routes, and published articles for customers and for visitors with the publishable key.
  routes.push(...knowledgeModule(ctx, { publishable: publishableKeyGuard({ keys: apiKeys, windowMs: config.RATE_LIMIT_WINDOW_MS, limit: config.RATE_LIMIT_MAX, redisUrl: config.REDIS_URL }) }).routes);
  // Price books, quotes sent through the rep's own SMTP, gaplessly numbered invoices (issue 21).
  const quoteLinks = createQuoteLinkSigner(secrets.jwt);
  const quoteToCash = quoteToCashModule({ connection, events, workflows: recordDeps.workflows, mailSettings: messaging.mailSettings, opportunities: sales.opportunities, customers: crm.customers, activities: sales.activities, production: config.NODE_ENV === 'production', jobs: ctx.jobs, leaseMs: config.MAIL_SEND_LEASE_MS, acceptUrl: (quote) => `${publicBaseUrl(config)}/portal/quote-links/${quoteLinkToken(quoteLinks, quote)}` });
  routes.push(...quoteToCash.routes);
  // Orders, the credit gate, and acceptance of quotes by the customer (portal or signed link) or an agent (issue 21).
  const orders = ordersModule({ connection, events, workflows: recordDeps.workflows, priceBooks: quoteToCash.priceBooks, signer: quoteLinks, customers: crm.customers, opportunities: sales.opportunities, pipelines: sales.pipelines, quotes: quoteToCash.quotes, invoices: quoteToCash.invoices, perMinute: Math.max(30, config.PUBLIC_RATE_LIMIT_PER_MINUTE), redisUrl: config.REDIS_URL, jobs: ctx.jobs });
  routes.push(...orders.routes);
  // The signed quote link's page lives beside the hosted portal (/portal/quote-links/{token}).
  const hostedPortal = express.Router();
  hostedPortal.use(orders.linkPage, customerPortal.hostedPortal);
  // Roll-ups follow the record events; metrics, targets and dashboards read them (issue 19).
  const reporting = reportingModule(ctx);
  routes.push(...reporting.routes);
  // Saved reports, their exports and scheduled emails, on the same metrics (issue 19, item 4).
  routes.push(...reportsModule(ctx, { metrics: reporting.metrics, rollups: reporting.rollups, mailer }).routes);
  // GDPR / CCPA export, erasure with a suppression hash, retention rules (issue 22).
  routes.push(...privacyModule(ctx).routes);
  // Erasure as a resumable, exactly-once background job: 202 and a status URL.
  routes.push(...privacyErasureJobsModule(ctx).routes);
  // Signed outbound webhooks: an outbox row per event and subscription, delivered by jobs (issue 22).
  routes.push(...webhooksModule(ctx, { notifications: messaging.notifications, mailer }).routes);
  // Mailwizz 1.9 (issue 22): segments pushed as lists, campaigns created there and recorded here, statistics and unsubscribes pulled.
  routes.push(...mailwizzModule(ctx, {
    subscriptions: messaging.subscriptions,
    segments: { find: (principal, id) => crm.segments.findVisible(principal, id), members: (principal, id, page) => crm.segments.members(principal, id, page) as never },
    createCampaign: async (principal, input) => {
      const code = `MW-${Date.now().toString(36).toUpperCase()}${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
      const created = await campaigns.campaigns.create(principal, createCampaignBody.parse({ title: input.title, code, type: 'email', description: input.description, startAt: input.startAt.toISOString() }));
      return { id: String((created as { id?: unknown; _id?: unknown }).id ?? (created as { _id?: unknown })._id) };
    },
  }).routes);
  // Internal messaging (issue 23): record threads readable exactly by who may read the record (each kind's own service decides), direct conversations, mentions.
  routes.push(...conversationsModule(ctx, {
    notifications: messaging.notifications,
    records: {
      contact: { resource: 'contact', get: (p, id) => contacts.get(p, id), visibleIds: (p, ids) => contacts.visibleIds(p, ids) },
      customer: { resource: 'customer', get: (p, id) => crm.customers.get(p, id), visibleIds: (p, ids) => crm.customers.visibleIds(p, ids) },
      lead: { resource: 'lead', get: (p, id) => crm.leads.get(p, id), visibleIds: (p, ids) => crm.leads.visibleIds(p, ids) },
      opportunity: { resource: 'opportunity', get: (p, id) => sales.opportunities.get(p, id), visibleIds: (p, ids) => sales.opportunities.visibleIds(p, ids) },
      task: { resource: 'task', get: (p, id) => sales.tasks.get(p, id), visibleIds: (p, ids) => sales.tasks.visibleIds(p, ids) },
      ticket: { resource: 'ticket', get: (p, id) => support.tickets.get(p, id), visibleIds: (p, ids) => support.tickets.visibleIds(p, ids) },
      campaign: { resource: 'campaign', get: (p, id) => campaigns.campaigns.get(p, id), visibleIds: (p, ids) => campaigns.campaigns.visibleIds(p, ids) },
      quote: { resource: 'opportunity', get: (p, id) => quoteToCash.quotes.get(p, id), visibleIds: (p, ids) => quoteToCash.quotes.visibleIds(p, ids) },
    },
  }).routes);
  // Yealink VOIP (issue 22): click-to-call through the phone's Action URI, Action-URL events and CDR imports as call activities.
  routes.push(...voipModule(ctx, {
    activities: sales.activities,
    findSubject: (principal, subject) => (subject.type === 'contact' ? contacts.findVisible(principal, subject.id, 'read') : crm.leads.findVisible(principal, subject.id, 'read')) as never,
    eventsLimit: perMinute('voip-events', Math.max(120, config.PUBLIC_RATE_LIMIT_PER_MINUTE)),
  }).routes);
  // Sales events (issue 23 item 4): sessions, registrations linked to leads, seats by unique insert, check-in; costs and revenue feed the campaign ROI.
  // With the registration widget's routes under /v1/public: the publishable key guard first, then a per-address limit.
  const eventPublicGuards = {
    publishable: publishableKeyGuard({ keys: apiKeys, windowMs: config.RATE_LIMIT_WINDOW_MS, limit: config.RATE_LIMIT_MAX, redisUrl: config.REDIS_URL }),
    registrationLimit: createRateLimiter({ name: 'event-registration', windowMs: 60_000, limit: config.PUBLIC_RATE_LIMIT_PER_MINUTE, key: (req) => `${String(req.publishable?.keyId ?? '')}:${req.ip ?? 'unknown'}`, redisUrl: config.REDIS_URL }),
  };
  routes.push(...salesEventsModule(ctx, { leads: crm.leads as never, contacts: contacts as never, campaigns: campaigns.campaigns as never, publicGuards: eventPublicGuards }).routes);
  // Account behaviour tracking (issue 23 item 8): weekly counts from the writes, a Monday snapshot per account, flags to the account manager once.
  routes.push(...accountHealthModule(ctx, { notifications: messaging.notifications, customers: crm.customers as never }).routes);
  // Issue 23.5-7: lost deals routed to consultant groups by reason, won deals made projects staffed by the account's production team, requests for leads.
  routes.push(...lostRoutingModule(ctx, { recordDeps, opportunities: sales.opportunities, tasks: sales.tasks }).routes);
  routes.push(...projectsModule(ctx, { recordDeps, customerVisible: (principal, id, action) => crm.customers.findVisible(principal, id, action) }).routes);
  routes.push(...leadRequestsModule(ctx, {
    recordDeps,
    leadVisible: (principal, id) => crm.leads.findVisible(principal, id, 'read') as never,
    startCampaign: async (principal, input) => {
      const code = `RFL-${Date.now().toString(36).toUpperCase()}${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
      const created = (await campaigns.campaigns.create(principal, createCampaignBody.parse({ title: input.title, code, type: input.type, ...(input.ownerId ? { ownerId: input.ownerId } : {}), audience: { leadIds: input.leadIds } }))) as { id: string };
      const started = (await campaigns.campaigns.transition(principal, created.id, { to: 'new', note: 'started on the leads a request delivered' })) as { status: string };
      return { id: created.id, status: started.status };
    },
  }).routes);
  // Shared calendars, free/busy, .ics invitations, private feeds, reminders, slot offers by email (issue 23).
  routes.push(...calendarModule(ctx, { notifications: messaging.notifications, mailer, publicLimit: perMinute('calendar-public', Math.max(30, config.PUBLIC_RATE_LIMIT_PER_MINUTE)), slotInvitations: (handler) => sales.tasks.onInvitation(handler) }).routes);
  return { routes, authenticate, authenticateCustomer: customerPortal.authenticateCustomer, customerPortal: { cors: customerPortal.cors, hostedPortal }, idempotency, inboundMail: supportMail.inbound };
}

/** Users, roles, organisation, agency settings, API keys and the audit trail (issue 4), with the audit subscriber. */
function identityAndAccessRoutes(
  ctx: AppContext,
  auth: ReturnType<typeof createAuthService>,
  apiKeys: ReturnType<typeof createApiKeysService>,
  perMinute: (name: string, limit: number) => ReturnType<typeof createRateLimiter>,
  mailer: Mailer,
): RouteSpec[] {
  const { connection, config, events, logger } = ctx;
  const audit = createAuditService({ connection });
  audit.subscribe(events);
  defineAuditJobs({ connection, jobs: ctx.jobs, logger });
  defineVersionClaimJobs({ connection, jobs: ctx.jobs });
  defineRoleUpgradeJobs({ connection, jobs: ctx.jobs });
  defineRecordCountJobs({ connection, jobs: ctx.jobs });
  defineRegistrationJobs({ connection, jobs: ctx.jobs });
  defineExpirySweepJob({
    jobs: ctx.jobs,
    logger,
    models: [
      { name: 'sessions', model: sessionModel(connection) },
      { name: 'refresh_tokens', model: refreshTokenModel(connection) },
      { name: 'user_tokens', model: userTokenModel(connection) },
      { name: 'customer_links', model: customerLinkModel(connection) },
      { name: 'single_use_claims', model: claimModel(connection) },
    ],
  });
  const tenant = createTenantService({ connection, events });
  const publishable = publishableKeyGuard({ keys: apiKeys, windowMs: config.RATE_LIMIT_WINDOW_MS, limit: config.RATE_LIMIT_MAX, redisUrl: config.REDIS_URL });
  const publicLimit = Math.max(5, config.PUBLIC_RATE_LIMIT_PER_MINUTE);
  return [
    ...usersRoutes(createUsersService({ connection, events, mailer, auth, logger }), { passwordReset: perMinute('password-reset', publicLimit), invitation: perMinute('invitation', publicLimit) }),
    ...rolesRoutes(createRolesService({ connection, events })),
    ...orgRoutes(createOrgService({ connection, events })),
    ...tenantRoutes(tenant),
    ...apiKeysRoutes(apiKeys, publishable, (tenantId) => tenant.displayName(tenantId)),
    ...auditRoutes(audit),
  ];
}
