import { listOf, objectId, pageQuery } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';

const teamMember = z.object({
  userId: objectId,
  taskType: z.string().trim().min(1).max(100).nullable().optional().openapi({ description: 'The task type (a price-book service id) this member works on; null or left out: every type' }),
  spec: z.string().trim().min(1).max(100).nullable().optional().openapi({ description: 'The spec (a price-book spec id); null or left out: every spec' }),
  role: z.string().trim().max(80).nullable().optional(),
});

export const productionTeamBody = z
  .object({ members: z.array(teamMember).max(200), version: z.number().int().min(0).optional().openapi({ description: 'The version you last read; a stale one answers 409' }) })
  .openapi('ProductionTeamInput');

export const productionTeamSchema = z
  .object({
    customerId: z.string(),
    members: z.array(z.object({ userId: z.string(), taskType: z.string().nullable(), spec: z.string().nullable(), role: z.string().nullable() })),
    version: z.number().int(),
  })
  .openapi('ProductionTeam');

export const projectSchema = z
  .object({
    id: z.string(),
    opportunityId: z.string(),
    customerId: z.string().nullable(),
    quoteId: z.string().nullable(),
    name: z.string(),
    outcome: z.enum(['won', 'partially_won']),
    amount: z.number(),
    currency: z.string(),
    status: z.enum(['open', 'done']),
    jobs: z.array(z.object({ title: z.string(), taskType: z.string().nullable(), spec: z.string().nullable(), quantity: z.number(), unit: z.string().nullable(), assigneeIds: z.array(z.string()), taskIds: z.array(z.string()) })),
    ownerId: z.string().nullable(),
    wonAt: z.string(),
    createdAt: z.string(),
  })
  .openapi('Project');
export const projectListSchema = listOf(projectSchema, 'ProjectList');

export const projectListQuery = z.object({
  customerId: objectId.optional(),
  opportunityId: objectId.optional(),
  status: z.enum(['open', 'done']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: pageQuery.shape.cursor,
});
