import type { AppContext } from '../../platform/context.js';
import type { Principal } from '../../platform/access/principal.js';
import type { RouteSpec } from '../../platform/http/route.js';
import type { Types } from 'mongoose';
import { salesEventsRoutes } from './sales-events.routes.js';
import { createSalesEventsService, type SalesEventsService } from './sales-events.service.js';

type Visible = { findVisible(principal: Principal, id: string, action: 'read'): Promise<{ _id: Types.ObjectId }> };

/** Sales events (issue 23 item 4), wired to the leads, contacts and campaigns whose visibility they reuse. */
export function salesEventsModule(ctx: AppContext, deps: { leads: Visible & { create(principal: Principal, input: Record<string, unknown>): Promise<{ id: string }> }; contacts: Visible; campaigns: Visible }): { routes: RouteSpec[]; service: SalesEventsService } {
  const service = createSalesEventsService({ connection: ctx.connection, events: ctx.events, ...deps });
  return { routes: salesEventsRoutes(service), service };
}
