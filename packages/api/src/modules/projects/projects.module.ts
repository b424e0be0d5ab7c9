import type { AppContext } from '../../platform/context.js';
import type { Principal } from '../../platform/access/principal.js';
import type { RouteSpec } from '../../platform/http/route.js';
import type { RecordDeps } from '../../platform/records/record-service.js';
import { projectsRoutes } from './projects.routes.js';
import { createProjectsService } from './projects.service.js';

/** From won deal to project (issue 23.6) wired to the app: the `opportunity.won` subscriber and the routes. */
export function projectsModule(ctx: AppContext, deps: { recordDeps: RecordDeps; customerVisible: (principal: Principal, id: string, action: 'read' | 'update') => Promise<unknown> }): { routes: RouteSpec[]; service: ReturnType<typeof createProjectsService> } {
  const service = createProjectsService({ connection: ctx.connection, events: ctx.events, workflows: deps.recordDeps.workflows, directory: deps.recordDeps.directory, customerVisible: deps.customerVisible });
  ctx.events.subscribe('opportunity.won', (event) => service.onWon(event));
  return { routes: projectsRoutes(service), service };
}
