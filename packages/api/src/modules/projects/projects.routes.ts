import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { productionTeamBody, productionTeamSchema, projectListQuery, projectListSchema, projectSchema } from './projects.schema.js';
import type { ProjectsService } from './projects.service.js';

/** Projects made from won deals, and each account's production team. */
export function projectsRoutes(service: ProjectsService): RouteSpec[] {
  const tags = ['Projects'];
  return [
    defineRoute({
      method: 'get', path: '/projects', operationId: 'listProjects', summary: 'Projects made from won and partially won deals', description: 'Newest first (creation order), paged by `cursor`; those whose opportunity you may see.', tags,
      access: access.permission('opportunity', 'read'), query: projectListQuery,
      success: { status: 200, description: 'The projects', schema: projectListSchema },
      handler: ({ query, req }) => service.list(req.principal!, query),
    }),
    defineRoute({
      method: 'get', path: '/projects/{id}', operationId: 'getProject', summary: 'One project with its jobs, their staff and tasks', tags,
      access: access.permission('opportunity', 'read'), params: idParams,
      success: { status: 200, description: 'The project', schema: projectSchema },
      errors: [404],
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get', path: '/customers/{id}/production-team', operationId: 'getProductionTeam', summary: 'The production team dedicated to an account, per task type and spec', tags,
      access: access.permission('customer', 'read'), params: idParams,
      success: { status: 200, description: 'The team (empty before one is set)', schema: productionTeamSchema },
      errors: [404],
      handler: ({ params, req }) => service.getTeam(req.principal!, params.id),
    }),
    defineRoute({
      method: 'put', path: '/customers/{id}/production-team', operationId: 'setProductionTeam', summary: 'Replace the production team of an account', tags,
      access: access.permission('customer', 'update'), params: idParams, body: productionTeamBody,
      success: { status: 200, description: 'The team', schema: productionTeamSchema },
      errors: [404, 409],
      handler: ({ params, body, req }) => service.putTeam(req.principal!, params.id, body),
    }),
  ];
}
