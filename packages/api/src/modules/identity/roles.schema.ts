import { actions, resources, visibilityScopes } from '../../platform/access/catalog.js';
import { listOf, objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';

const resource = z.enum(resources);
const scope = z.enum(visibilityScopes);

const permissionsSchema = z
  .array(z.object({ resource, actions: z.array(z.enum(actions)).max(actions.length) }))
  .max(resources.length)
  .openapi({ description: 'Actions granted per resource; resources not listed grant nothing' });

const visibilitySchema = z
  .array(z.object({ resource, scope }))
  .max(resources.length)
  .openapi({ description: 'How far the role sees each resource (own when not listed)' });

const exportsSchema = z
  .array(
    z.object({
      resource,
      scope,
      columns: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_.]{0,59}$/, 'must be a field name')).max(100).openapi({ description: 'Columns the role may export; empty means every column' }),
      activeProductsOnly: z.boolean().default(false),
    }),
  )
  .max(resources.length)
  .openapi({ description: 'Named export column sets per resource' });

export const roleSchema = z
  .object({
    id: objectId,
    key: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    departmentKey: z.string().nullable(),
    parentRoleId: objectId.nullable(),
    isAdmin: z.boolean(),
    builtIn: z.boolean(),
    permissions: z.array(z.object({ resource: z.string(), actions: z.array(z.string()) })),
    visibility: z.array(z.object({ resource: z.string(), scope: z.string() })),
    exports: z.array(z.object({ resource: z.string(), scope: z.string(), columns: z.array(z.string()), activeProductsOnly: z.boolean() })),
    userCount: z.number().int().optional(),
    version: z.number().int(),
  })
  .openapi('Role');

export const roleListSchema = listOf(roleSchema, 'RoleList');

export const createRoleBody = z
  .object({
    key: z.string().trim().regex(/^[A-Z][A-Z0-9_]{1,39}$/, 'must be 2-40 upper-case letters, digits or _ (e.g. REGIONAL_LEAD)'),
    name: z.string().trim().min(1).max(100),
    description: z.string().max(500).optional(),
    parentRoleId: objectId.nullable().optional().openapi({ description: 'The manager role; it sees what this role sees' }),
    departmentKey: z.string().max(60).nullable().optional(),
    permissions: permissionsSchema.default([]),
    visibility: visibilitySchema.default([]),
    exports: exportsSchema.default([]),
  })
  .openapi('CreateRoleRequest');

export const updateRoleBody = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    description: z.string().max(500).optional(),
    parentRoleId: objectId.nullable().optional(),
    departmentKey: z.string().max(60).nullable().optional(),
    permissions: permissionsSchema.optional(),
    visibility: visibilitySchema.optional(),
    exports: exportsSchema.optional(),
  })
  .openapi('UpdateRoleRequest');

export type CreateRoleInput = z.output<typeof createRoleBody>;
export type UpdateRoleInput = z.output<typeof updateRoleBody>;
