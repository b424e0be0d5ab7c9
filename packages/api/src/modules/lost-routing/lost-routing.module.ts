import type { AppContext } from '../../platform/context.js';
import type { RouteSpec } from '../../platform/http/route.js';
import type { RecordDeps } from '../../platform/records/record-service.js';
import type { OpportunitiesService } from '../opportunities/opportunities.service.js';
import type { TasksService } from '../tasks/tasks.service.js';
import { lostRoutingRoutes } from './lost-routing.routes.js';
import { createLostRoutingService } from './lost-routing.service.js';

/** Lost-deal routing (issue 23.5) wired to the app: the `opportunity.lost` subscriber and the routes. */
export function lostRoutingModule(ctx: AppContext, deps: { recordDeps: RecordDeps; opportunities: OpportunitiesService; tasks: TasksService }): { routes: RouteSpec[]; service: ReturnType<typeof createLostRoutingService> } {
  const service = createLostRoutingService({ connection: ctx.connection, events: ctx.events, workflows: deps.recordDeps.workflows, directory: deps.recordDeps.directory, opportunities: deps.opportunities, tasks: deps.tasks });
  ctx.events.subscribe('opportunity.lost', (event) => service.onLost(event));
  return { routes: lostRoutingRoutes(service), service };
}
