import type { Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import type { AppContext } from '../../platform/context.js';
import type { RouteSpec } from '../../platform/http/route.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { accountHealthRoutes } from './account-health.routes.js';
import { createAccountHealthService, type AccountHealthService } from './account-health.service.js';

export const ACCOUNT_HEALTH_JOB = 'account-health:weekly';

/** Account behaviour tracking wired to the app: the counting subscriber, the Monday job and the routes. */
export function accountHealthModule(ctx: AppContext, deps: { notifications: NotificationsService; customers: { findVisible(principal: Principal, id: string, action: 'read'): Promise<{ _id: Types.ObjectId }> } }): { routes: RouteSpec[]; service: AccountHealthService } {
  const service = createAccountHealthService({ connection: ctx.connection, notifications: deps.notifications });
  service.subscribe(ctx.events);
  ctx.jobs.define(ACCOUNT_HEALTH_JOB, async () => {
    const result = await service.run(new Date());
    ctx.logger.info(result, 'account health: last week snapshotted');
  });
  // Mondays 04:20 UTC: the week before, once every agency's Sunday is over.
  ctx.jobs.recurring('20 4 * * 1', ACCOUNT_HEALTH_JOB, { timezone: 'UTC' });
  return { routes: accountHealthRoutes(service, deps.customers), service };
}
