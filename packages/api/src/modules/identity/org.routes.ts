import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { clientInfo } from './auth.routes.js';
import type { OrgKind } from './org.model.js';
import { orgBodies, orgListQuery, orgListSchema, orgNodeSchema, type OrgInput } from './org.schema.js';
import type { OrgService } from './org.service.js';

const kinds: { kind: OrgKind; plural: string; label: string; name: string }[] = [
  { kind: 'unit', plural: 'units', label: 'unit or division', name: 'Unit' },
  { kind: 'department', plural: 'departments', label: 'department', name: 'Department' },
  { kind: 'designation', plural: 'designations', label: 'designation', name: 'Designation' },
  { kind: 'team', plural: 'teams', label: 'team', name: 'Team' },
];

/** CRUD under /v1/org/{units,departments,designations,teams}, all guarded by `org:*`. */
export function orgRoutes(org: OrgService): RouteSpec[] {
  return kinds.flatMap(({ kind, plural, label, name }) => {
    const createBody = orgBodies[kind].openapi(`Create${name}Request`);
    const updateBody = orgBodies[kind].partial().openapi(`Update${name}Request`);
    return [
      defineRoute({
        method: 'get',
        path: `/org/${plural}`,
        operationId: `list${name}s`,
        summary: `List ${label}s`,
        tags: ['Organisation'],
        access: access.permission('org', 'read'),
        query: orgListQuery,
        success: { status: 200, description: `A page of ${label}s`, schema: orgListSchema },
        handler: ({ query, req }) => org.list(req.principal!, kind, query),
      }),
      defineRoute({
        method: 'get',
        path: `/org/${plural}/{id}`,
        operationId: `get${name}`,
        summary: `Get a ${label}`,
        tags: ['Organisation'],
        access: access.permission('org', 'read'),
        params: idParams,
        success: { status: 200, description: `The ${label}`, schema: orgNodeSchema },
        handler: ({ params, req }) => org.get(req.principal!, kind, params.id),
      }),
      defineRoute({
        method: 'post',
        path: `/org/${plural}`,
        operationId: `create${name}`,
        summary: `Create a ${label}`,
        tags: ['Organisation'],
        access: access.permission('org', 'create'),
        body: createBody,
        success: { status: 201, description: `The new ${label}`, schema: orgNodeSchema },
        errors: [409],
        handler: ({ body, req }) => org.create(req.principal!, kind, body as OrgInput, clientInfo(req)),
      }),
      defineRoute({
        method: 'patch',
        path: `/org/${plural}/{id}`,
        operationId: `update${name}`,
        summary: `Update a ${label}`,
        description: kind === 'team' ? 'Lists given (members, products) replace the current ones.' : undefined,
        tags: ['Organisation'],
        access: access.permission('org', 'update'),
        params: idParams,
        body: updateBody,
        success: { status: 200, description: `The updated ${label}`, schema: orgNodeSchema },
        errors: [409],
        handler: ({ params, body, req }) => org.update(req.principal!, kind, params.id, body as OrgInput, clientInfo(req)),
      }),
      defineRoute({
        method: 'delete',
        path: `/org/${plural}/{id}`,
        operationId: `delete${name}`,
        summary: `Delete a ${label}`,
        description: 'Refused with 409 while people, roles, teams or products depend on it.',
        tags: ['Organisation'],
        access: access.permission('org', 'delete'),
        params: idParams,
        success: { status: 204, description: 'Deleted' },
        errors: [409],
        handler: async ({ params, req }) => {
          await org.remove(req.principal!, kind, params.id, clientInfo(req));
          return new Reply(204);
        },
      }),
    ];
  });
}
