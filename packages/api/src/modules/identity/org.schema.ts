import { listOf, objectId, pageQuery } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';

const name = z.string().trim().min(1).max(200);
const key = z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'must be lower-case letters, digits and -').nullable().optional();

export const orgNodeSchema = z
  .object({
    id: objectId,
    kind: z.enum(['unit', 'department', 'designation', 'team']),
    name: z.string(),
    key: z.string().nullable(),
    parentId: objectId.nullable(),
    departmentId: objectId.nullable(),
    memberIds: z.array(objectId),
    leadId: objectId.nullable(),
    productIds: z.array(objectId),
    createdAt: z.string(),
    version: z.number().int(),
  })
  .openapi('OrgNode');

export const orgListSchema = listOf(orgNodeSchema, 'OrgNodeList');
export const orgListQuery = pageQuery.openapi('OrgListQuery');

/** The body each kind takes on create; updates take the same fields, all optional. */
export const orgBodies = {
  unit: z.object({ name, key, parentId: objectId.nullable().optional().openapi({ description: 'The parent unit or division' }) }),
  department: z.object({ name, key, parentId: objectId.nullable().optional().openapi({ description: 'The unit or division it belongs to' }) }),
  designation: z.object({ name, key, departmentId: objectId.nullable().optional() }),
  team: z.object({
    name,
    departmentId: objectId.nullable().optional(),
    memberIds: z.array(objectId).max(500).optional(),
    leadId: objectId.nullable().optional(),
    productIds: z.array(objectId).max(100).optional().openapi({ description: 'The products the team works on' }),
  }),
} as const;

export type OrgInput = {
  name?: string | undefined;
  key?: string | null | undefined;
  parentId?: string | null | undefined;
  departmentId?: string | null | undefined;
  memberIds?: string[] | undefined;
  leadId?: string | null | undefined;
  productIds?: string[] | undefined;
};
