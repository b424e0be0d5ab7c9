import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { clientInfo } from './auth.routes.js';
import { createRoleBody, roleListSchema, roleSchema, updateRoleBody } from './roles.schema.js';
import type { RolesService } from './roles.service.js';

/** CRUD for the agency's roles: permissions per resource and action, visibility, export column sets. */
export function rolesRoutes(roles: RolesService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/roles',
      operationId: 'listRoles',
      summary: 'List roles with how many users hold each',
      tags: ['Roles'],
      access: access.permission('role', 'read'),
      success: { status: 200, description: 'Every role of the agency', schema: roleListSchema },
      handler: ({ req }) => roles.list(req.principal!),
    }),
    defineRoute({
      method: 'get',
      path: '/roles/{id}',
      operationId: 'getRole',
      summary: 'Get a role',
      tags: ['Roles'],
      access: access.permission('role', 'read'),
      params: idParams,
      success: { status: 200, description: 'The role', schema: roleSchema },
      handler: ({ params, req }) => roles.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/roles',
      operationId: 'createRole',
      summary: 'Create a custom role',
      description: 'Resources, actions and scopes come from the access catalog. A non-admin can only grant permissions their own role holds.',
      tags: ['Roles'],
      access: access.permission('role', 'create'),
      body: createRoleBody,
      success: { status: 201, description: 'The new role', schema: roleSchema },
      errors: [409],
      handler: ({ body, req }) => roles.create(req.principal!, body, clientInfo(req)),
    }),
    defineRoute({
      method: 'patch',
      path: '/roles/{id}',
      operationId: 'updateRole',
      summary: 'Update a role (built-in roles too)',
      description: 'Lists given replace the current ones. Changes to permissions, visibility, exports or parent are audited as `role.permissions_changed` and apply to the next request of every holder.',
      tags: ['Roles'],
      access: access.permission('role', 'update'),
      params: idParams,
      body: updateRoleBody,
      success: { status: 200, description: 'The updated role', schema: roleSchema },
      errors: [409],
      handler: ({ params, body, req }) => roles.update(req.principal!, params.id, body, clientInfo(req)),
    }),
    defineRoute({
      method: 'delete',
      path: '/roles/{id}',
      operationId: 'deleteRole',
      summary: 'Delete a custom role',
      description: 'Built-in roles cannot be deleted, nor a role that users, secret keys or other roles depend on (409).',
      tags: ['Roles'],
      access: access.permission('role', 'delete'),
      params: idParams,
      success: { status: 204, description: 'Deleted' },
      errors: [409],
      handler: async ({ params, req }) => {
        await roles.remove(req.principal!, params.id, clientInfo(req));
        return new Reply(204);
      },
    }),
  ];
}
