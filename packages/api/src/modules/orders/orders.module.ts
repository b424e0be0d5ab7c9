import type { Router } from 'express';
import express from 'express';
import type { Connection, Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import type { EventBus } from '../../platform/events.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import { defineCreditJobs } from '../credit/credit.jobs.js';
import { creditRoutes } from '../credit/credit.routes.js';
import { createRateLimiter } from '../../platform/http/rate-limit.js';
import type { RouteSpec } from '../../platform/http/route.js';
import type { WorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import { loadPrincipal } from '../identity/principal.service.js';
import type { PriceBooksService } from '../price-books/price-books.service.js';
import type { Order } from './order.model.js';
import { createAcceptanceService } from './acceptance.service.js';
import { acceptanceRoutes, orderRoutes } from './orders.routes.js';
import { createOrdersService, type OrderAccount } from './orders.service.js';
import type { QuoteLinkSigner } from './quote-link.js';
import { quoteLinkPageRouter } from './quote-link-page.js';

/**
 * Orders and quote acceptance (issue 21), wired: the orders service with its credit gate, acceptance
 * by portal, signed link or agent, the agents' and customers' routes, and the hosted link page
 * (mounted under /portal/quote-links). Records are checked through their own services.
 */
export function ordersModule(options: {
  connection: Connection;
  events: EventBus;
  workflows: WorkflowEngine;
  priceBooks: PriceBooksService;
  signer: QuoteLinkSigner;
  customers: { findVisible: (principal: Principal, id: string, action: 'read' | 'update') => Promise<unknown> };
  opportunities: {
    findVisible: (principal: Principal, id: string, action: 'read' | 'update') => Promise<unknown>;
    update: (principal: Principal, id: string, patch: Record<string, unknown>) => Promise<unknown>;
    move: (principal: Principal, id: string, input: { stage: string; version: number; outcome?: 'won' | 'partially_won' }) => Promise<unknown>;
  };
  pipelines: { find: (principal: Principal, id: string) => Promise<{ stages: { key: string; kind: string }[] }> };
  quotes: { pdf: (principal: Principal, id: string, locale: 'en' | 'de') => Promise<{ filename: string; content: Buffer }> };
  invoices: { createFromOrder: (principal: Principal, order: Order) => Promise<{ id: string }> };
  perMinute: number;
  redisUrl?: string | undefined;
  /** Where the nightly credit recalculation is scheduled (none: only on demand). */
  jobs?: Jobs | undefined;
}): { routes: RouteSpec[]; linkPage: Router } {
  const { connection, events, workflows } = options;
  const orders = createOrdersService(connection, {
    events,
    workflows,
    priceBooks: options.priceBooks,
    account: (principal, id, action) => options.customers.findVisible(principal, id, action) as Promise<OrderAccount>,
    createInvoice: (principal, order) => options.invoices.createFromOrder(principal, order),
  });
  const acceptance = createAcceptanceService(connection, {
    events,
    workflows,
    orders,
    signer: options.signer,
    principalFor: (tenantId: Types.ObjectId, userId: Types.ObjectId) => loadPrincipal(connection, { tenantId, userId }),
    opportunities: options.opportunities,
    quotePdf: (principal, id, locale) => options.quotes.pdf(principal, id, locale),
    wonStage: async (principal, pipelineId) => (await options.pipelines.find(principal, pipelineId)).stages.find((s) => s.kind === 'won')?.key ?? null,
  });
  // The link is the credential: a budget per address keeps guessing and hammering out.
  const link = createRateLimiter({ name: 'quote-link', windowMs: 60_000, limit: options.perMinute, key: (req) => req.ip ?? 'unknown', redisUrl: options.redisUrl });
  const linkPage = express.Router();
  linkPage.use('/quote-links', quoteLinkPageRouter(acceptance, link));
  if (options.jobs) defineCreditJobs({ connection, credit: orders.credit, jobs: options.jobs });
  const credit = creditRoutes(orders.credit, { account: (principal, id, action) => options.customers.findVisible(principal, id, action) as Promise<OrderAccount>, exposure: orders.gate.exposure });
  return { routes: [...orderRoutes(orders), ...acceptanceRoutes(acceptance, { link }), ...credit], linkPage };
}
