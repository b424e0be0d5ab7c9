import { objectId, pageQuery } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';

const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date()).openapi({ description: 'ISO 8601 date or date-time' });

const writable = {
  name: z.string().trim().min(1).max(200).openapi({ description: 'Can change while the product is active (002)' }),
  code: z.string().trim().max(60).nullable().optional(),
  description: z.string().max(2000).nullable().optional(),
  cycleStart: isoDate.nullable().optional().openapi({ description: 'Start of the 3-month cycle' }),
  cycleEnd: isoDate.nullable().optional().openapi({ description: 'End of the cycle; defaults to 3 months after the start and must come after it' }),
  departmentId: objectId.nullable().optional().openapi({ description: 'The department that works on the product' }),
  teamIds: z.array(objectId).max(100).optional().openapi({ description: 'Teams assigned to the product' }),
  userIds: z.array(objectId).max(500).optional().openapi({ description: 'People assigned to the product directly' }),
};

export const createProductBody = z.object(writable).openapi('ProductCreate');
export const updateProductBody = z
  .object({ ...writable, name: writable.name.optional(), status: z.enum(['active', 'disabled']).optional().openapi({ description: 'Disabled products are invisible to everyone but admins' }) })
  .openapi('ProductUpdate');

export const productListQuery = pageQuery.extend({
  status: z.enum(['active', 'disabled']).optional().openapi({ description: 'Admins only see disabled products' }),
  locked: z.enum(['true', 'false']).optional(),
  departmentId: objectId.optional(),
  assigned: z.enum(['me']).optional().openapi({ description: 'Only products assigned to you (directly or through a team)' }),
  q: z.string().max(200).optional().openapi({ description: 'Name or code starts with' }),
});

export const productSchema = z
  .object({
    id: objectId,
    name: z.string(),
    code: z.string().nullable(),
    description: z.string().nullable(),
    cycleStart: z.string().nullable(),
    cycleEnd: z.string().nullable(),
    status: z.enum(['active', 'disabled']),
    locked: z.boolean(),
    lockedAt: z.string().nullable(),
    departmentId: objectId.nullable(),
    teamIds: z.array(objectId),
    userIds: z.array(objectId),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Product');
