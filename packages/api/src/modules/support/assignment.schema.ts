import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';

const rule = z
  .object({
    category: z.string().trim().min(1).max(100).nullable().optional().openapi({ description: 'Matches tickets of this category (case does not matter); omitted or null: any category' }),
    productId: objectId.nullable().optional().openapi({ description: 'Matches tickets about this product; omitted or null: any product' }),
    teamId: objectId.openapi({ description: 'The support team the ticket goes to' }),
    userId: objectId.nullable().optional().openapi({ description: 'The agent it goes to; omitted or null: the team\'s active members take turns (round-robin)' }),
  })
  .openapi('TicketAssignmentRule');

export const assignmentRulesBody = z
  .object({
    rules: z.array(rule).max(200).openapi({ description: 'Tried in order; the first whose category and product (where it names them) match wins. A rule naming neither matches every ticket.' }),
  })
  .openapi('TicketAssignmentRulesUpdate');

export const assignmentRulesSchema = z
  .object({
    rules: z.array(z.object({ category: z.string().nullable(), productId: objectId.nullable(), teamId: objectId, userId: objectId.nullable() })),
    version: z.number().int().openapi({ description: '0 until the rules are first saved' }),
    updatedAt: z.string().nullable(),
  })
  .openapi('TicketAssignmentRules');
