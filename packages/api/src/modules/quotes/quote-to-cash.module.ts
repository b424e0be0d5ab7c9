import type { Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import type { RouteSpec } from '../../platform/http/route.js';
import type { WorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import { buildInvoicing } from '../invoices/invoicing.module.js';
import type { MailSettingsService } from '../mail-settings/mail-settings.service.js';
import { priceBookRoutes } from '../price-books/price-books.routes.js';
import { createPriceBooksService } from '../price-books/price-books.service.js';
import { defineQuoteJobs } from './quote-expiry.js';
import { quoteRoutes } from './quotes.routes.js';
import { quoteSettingsModel } from './quote.model.js';
import { createQuotesService, type QuoteDeps } from './quotes.service.js';

type Visible<T> = (principal: Principal, id: string, action: 'read' | 'update') => Promise<T>;

/**
 * Issue 21's first slice, wired: price books and their resolver, quotes on opportunities (sent through
 * the rep's own SMTP), and gaplessly numbered invoices. Records are checked through their own services.
 */
export function quoteToCashModule(options: {
  connection: Connection;
  events: EventBus;
  workflows: WorkflowEngine;
  mailSettings: MailSettingsService;
  opportunities: { findVisible: Visible<unknown>; visibleIds: QuoteDeps['visibleOpportunityIds'] };
  customers: { findVisible: Visible<unknown> };
  activities: { create(principal: Principal, input: Record<string, unknown>): Promise<unknown> };
  /** Production never marks a quote sent that could only reach the local outbox. */
  production: boolean;
  jobs: Jobs;
  /** The run lease of invoice mail (MAIL_SEND_LEASE_MS). */
  leaseMs?: number;
  /** The signed accept/reject link of a sent revision (modules/orders), put in the quote email. */
  acceptUrl?: QuoteDeps['acceptUrl'];
}) {
  const { connection, events, workflows, mailSettings } = options;
  const account = (principal: Principal, id: string) => options.customers.findVisible(principal, id, 'read') as Promise<never>;
  const priceBooks = createPriceBooksService(connection, { visibleAccount: account });
  const quotes = createQuotesService(connection, {
    events,
    workflows,
    priceBooks,
    opportunity: options.opportunities.findVisible as QuoteDeps['opportunity'],
    visibleOpportunityIds: options.opportunities.visibleIds,
    account,
    sendAs: async (tenantId, userId, message) => {
      if (options.production && !(await mailSettings.routeFor(tenantId, userId)).delivers) {
        throw new AppError('conflict', 'No SMTP server is configured: set your mailbox (PUT /v1/me/mail-settings), the agency\'s (PUT /v1/mail-settings) or SMTP_URL before sending');
      }
      return mailSettings.sendAs(tenantId, userId, message);
    },
    logActivity: (principal, input) => options.activities.create(principal, input),
    ...(options.acceptUrl ? { acceptUrl: options.acceptUrl } : {}),
  });
  const quoteSettings = quoteSettingsModel(connection);
  const invoicing = buildInvoicing({
    connection,
    events,
    priceBooks,
    mailSettings,
    account,
    // Invoices carry the agency's branding as its quotes do.
    branding: async (tenantId) => {
      const stored = await quoteSettings.findOne({ tenantId, scope: 'quote' }).lean();
      return { companyName: stored?.companyName ?? '', accentColor: stored?.accentColor ?? '#1f4e79' };
    },
    leaseMs: options.leaseMs ?? 10_000,
    production: options.production,
    jobs: options.jobs,
  });
  const invoices = invoicing.invoices;
  defineQuoteJobs({ connection, workflows, events, jobs: options.jobs });
  const routes: RouteSpec[] = [...priceBookRoutes(priceBooks), ...quoteRoutes(quotes), ...invoicing.routes];
  return { routes, priceBooks, quotes, invoices, invoicing };
}
