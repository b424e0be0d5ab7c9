import type { RequestHandler } from 'express';
import type { AppContext } from '../../platform/context.js';
import type { Principal } from '../../platform/access/principal.js';
import type { RouteSpec } from '../../platform/http/route.js';
import type { Types } from 'mongoose';
import { salesEventsRoutes } from './sales-events.routes.js';
import { createSalesEventsService, type SalesEventsService } from './sales-events.service.js';
import { createSalesEventsPublic } from './sales-events-public.service.js';
import { salesEventsPublicRoutes } from './sales-events-public.routes.js';

type Visible = { findVisible(principal: Principal, id: string, action: 'read'): Promise<{ _id: Types.ObjectId }> };

/**
 * Sales events (issue 23 item 4), wired to the leads, contacts and campaigns whose visibility they reuse;
 * with `publicGuards`, also the registration widget's routes under /v1/public.
 */
export function salesEventsModule(
  ctx: AppContext,
  deps: { leads: Visible & { create(principal: Principal, input: Record<string, unknown>): Promise<{ id: string }> }; contacts: Visible; campaigns: Visible; publicGuards?: { publishable: RequestHandler; registrationLimit: RequestHandler } },
): { routes: RouteSpec[]; service: SalesEventsService } {
  const { publicGuards, ...linked } = deps;
  const service = createSalesEventsService({ connection: ctx.connection, events: ctx.events, ...linked });
  const routes = salesEventsRoutes(service);
  if (publicGuards) routes.push(...salesEventsPublicRoutes(createSalesEventsPublic({ connection: ctx.connection, salesEvents: service }), publicGuards));
  return { routes, service };
}
