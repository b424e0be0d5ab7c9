import { z } from '../../platform/http/zod.js';

const pageKey = z.string().regex(/^[a-z][a-z0-9-]{0,39}(\/[a-z0-9-]{1,40})?$/, 'a page key such as contacts or admin/templates');

export const departmentMenuSchema = z
  .object({
    department: z.string().openapi({ description: "The department's org id, or `default` (every department without its own menu)" }),
    pages: z.array(z.string()).openapi({ description: 'Page keys of the internal portal, in menu order' }),
    version: z.number().int(),
    updatedAt: z.string().nullable(),
  })
  .openapi('DepartmentMenu');

export const myMenuSchema = departmentMenuSchema
  .extend({
    source: z.enum(['department', 'default', 'built-in']).openapi({ description: "Where the menu came from: the caller's department's own, the agency's default, or the built-in one" }),
    departmentId: z.string().nullable().openapi({ description: "The caller's department (null when they have none)" }),
  })
  .openapi('MyMenu');

export const departmentMenuListSchema = z.object({ object: z.literal('list'), data: z.array(departmentMenuSchema) }).openapi('DepartmentMenuList');

export const setDepartmentMenuBody = z
  .object({ pages: z.array(pageKey).min(1).max(40).openapi({ description: 'Page keys in menu order (duplicates are dropped)' }) })
  .openapi('DepartmentMenuSet');

export const departmentParams = z.object({ department: z.string().min(1).max(24).openapi({ description: "A department's org id, or `default`" }) });
