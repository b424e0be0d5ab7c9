import type { AppContext } from '../../platform/context.js';
import type { Principal } from '../../platform/access/principal.js';
import type { RouteSpec } from '../../platform/http/route.js';
import type { RecordDeps } from '../../platform/records/record-service.js';
import { leadRequestsRoutes } from './lead-requests.routes.js';
import { createLeadRequestsService, type LeadFacts } from './lead-requests.service.js';

/** Requests for leads (issue 23.7) wired to the app; leads and campaigns are reached through the functions given. */
export function leadRequestsModule(
  ctx: AppContext,
  deps: {
    recordDeps: RecordDeps;
    leadVisible: (principal: Principal, id: string) => Promise<LeadFacts>;
    startCampaign: (principal: Principal, input: { title: string; type: string; ownerId?: string | undefined; leadIds: string[] }) => Promise<{ id: string; status: string }>;
  },
): { routes: RouteSpec[]; service: ReturnType<typeof createLeadRequestsService> } {
  const service = createLeadRequestsService({ connection: ctx.connection, events: ctx.events, workflows: deps.recordDeps.workflows, directory: deps.recordDeps.directory, leadVisible: deps.leadVisible, startCampaign: deps.startCampaign });
  return { routes: leadRequestsRoutes(service), service };
}
