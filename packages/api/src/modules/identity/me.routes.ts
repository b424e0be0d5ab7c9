import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { AppError } from '../../platform/errors.js';
import type { Connection } from 'mongoose';
import { toTenantDto, toUserDto } from './dto.js';
import { z } from '../../platform/http/zod.js';
import { tenantSchema, userSchema } from './identity.schema.js';
import { tenantModel } from './tenant.model.js';
import { userModel } from './user.model.js';

/** The caller's own user, role and agency. */
export function meRoutes(connection: Connection): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/me',
      operationId: 'getMe',
      summary: 'Who am I: my user, my role and my agency',
      tags: ['Auth'],
      access: access.authenticated,
      success: {
        status: 200,
        description: 'The signed-in user',
        schema: z
          .object({
            user: userSchema,
            tenant: tenantSchema,
            role: z.object({ id: z.string(), key: z.string(), name: z.string(), isAdmin: z.boolean(), permissions: z.record(z.string(), z.array(z.string())) }),
            via: z.enum(['user', 'apiKey']),
          })
          .openapi('Me'),
      },
      handler: async ({ req }) => {
        const p = req.principal!;
        const [user, tenant] = await Promise.all([
          userModel(connection).findOne({ tenantId: p.tenantId, _id: p.userId }).lean(),
          tenantModel(connection).findById(p.tenantId).lean(),
        ]);
        if (!user || !tenant) throw new AppError('unauthenticated', 'The account no longer exists');
        return {
          user: toUserDto(user, p.role.key),
          tenant: toTenantDto(tenant),
          role: { id: p.role.id, key: p.role.key, name: p.role.name, isAdmin: p.role.isAdmin, permissions: Object.fromEntries([...p.role.permissions].map(([r, a]) => [r, [...a]])) },
          via: p.kind,
        };
      },
    }),
  ];
}
