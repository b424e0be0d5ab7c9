import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { clientInfo } from './auth.routes.js';
import { tenantSchema } from './identity.schema.js';
import { updateTenantBody } from './tenant.schema.js';
import type { TenantService } from './tenant.service.js';

/** The agency's settings (admins). */
export function tenantRoutes(tenant: TenantService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/tenant',
      operationId: 'getTenant',
      summary: "Get my agency's settings",
      tags: ['Agency'],
      access: access.permission('tenant', 'read'),
      success: { status: 200, description: 'The agency', schema: tenantSchema },
      handler: ({ req }) => tenant.get(req.principal!),
    }),
    defineRoute({
      method: 'patch',
      path: '/tenant',
      operationId: 'updateTenant',
      summary: "Update my agency's settings",
      description: 'Name, type, address, time zone, locale, currency and audit retention in months.',
      tags: ['Agency'],
      access: access.permission('tenant', 'update'),
      body: updateTenantBody,
      success: { status: 200, description: 'The updated agency', schema: tenantSchema },
      handler: ({ body, req }) => tenant.update(req.principal!, body, clientInfo(req)),
    }),
  ];
}
