import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { pipelineSchema, pipelineStageSchema } from './pipeline.schema.js';

const customValues = z.record(z.string().regex(/^[a-z][a-zA-Z0-9_]{0,39}$/), z.unknown()).openapi({ description: 'Custom attributes defined by a sysadmin (see /v1/custom-fields)' });
/** A calendar date or an ISO 8601 timestamp. */
export const dateInput = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).openapi({ example: '2026-03-31' });

const writable = {
  name: z.string().trim().min(1).max(200).openapi({ description: "By convention '<company> - <what you sell>' (001)" }),
  description: z.string().max(20_000).nullable().optional(),
  customerId: objectId.nullable().optional().openapi({ description: 'The account' }),
  contactIds: z.array(objectId).max(50).optional(),
  amount: z.number().min(0).max(1e12).optional().openapi({ description: 'Estimated amount (revenue)' }),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').optional(),
  expectedGrossProfit: z.number().min(-1e12).max(1e12).nullable().optional().openapi({ description: '003: potential gross profit' }),
  probability: z.number().int().min(0).max(100).optional().openapi({ description: 'Win probability (%); defaults to the stage’s' }),
  expectedCloseDate: dateInput.nullable().optional(),
  nextStep: z.string().trim().max(500).nullable().optional(),
  nextStepDate: dateInput.nullable().optional(),
  leadId: objectId.nullable().optional(),
  leadSource: z.string().max(100).nullable().optional(),
  campaignId: objectId.nullable().optional(),
  ownerId: objectId.optional().openapi({ description: 'Defaults to you; assigning to someone else needs the assign permission' }),
  teamId: objectId.nullable().optional(),
  productId: objectId.nullable().optional().openapi({ description: 'Required for department users (002)' }),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
  custom: customValues.optional(),
};

export const createOpportunityBody = z
  .object({
    ...writable,
    pipelineId: objectId.optional().openapi({ description: 'Defaults to the tenant’s default pipeline' }),
    stage: z.string().max(40).optional().openapi({ description: 'Defaults to the pipeline’s first open stage' }),
    lostReason: z.string().trim().min(1).max(200).optional().openapi({ description: 'Required when created directly in a lost stage' }),
  })
  .openapi('OpportunityCreate');

export const updateOpportunityBody = z
  .object({ ...writable, name: writable.name.optional(), lostReason: z.string().trim().min(1).max(200).optional() })
  .openapi({ description: 'Stage and pipeline change through POST /v1/opportunities/{id}/move' })
  .openapi('OpportunityUpdate');

export const moveOpportunityBody = z
  .object({
    stage: z.string().min(1).max(40).openapi({ description: 'The target stage key' }),
    version: z.number().int().min(0).openapi({ description: 'The version you last saw; a stale one answers 409 version_conflict with the current record' }),
    position: z.number().int().min(0).max(100_000).optional().openapi({ description: '0-based place in the target column (default: keep, or last)' }),
    pipelineId: objectId.optional().openapi({ description: 'Move to another pipeline' }),
    outcome: z.enum(['won', 'partially_won']).optional().openapi({ description: 'Into a won stage: won (default) or partially_won (003)' }),
    lostReason: z.string().trim().min(1).max(200).optional().openapi({ description: 'Required when moving into a lost stage (003 routes lost deals by reason)' }),
  })
  .openapi('OpportunityMove');

export const opportunitySchema = z
  .object({
    id: objectId,
    name: z.string(),
    description: z.string().nullable(),
    customerId: objectId.nullable(),
    contactIds: z.array(objectId),
    amount: z.number(),
    currency: z.string(),
    weightedAmount: z.number().openapi({ description: 'amount × probability / 100' }),
    expectedGrossProfit: z.number().nullable(),
    probability: z.number(),
    expectedCloseDate: z.string().nullable(),
    pipelineId: objectId,
    stage: z.string(),
    stageKind: z.enum(['open', 'won', 'lost']),
    rank: z.number(),
    nextStep: z.string().nullable(),
    nextStepDate: z.string().nullable(),
    leadId: objectId.nullable(),
    leadSource: z.string().nullable(),
    campaignId: objectId.nullable(),
    outcome: z.enum(['won', 'partially_won', 'lost']).nullable(),
    lostReason: z.string().nullable(),
    closedAt: z.string().nullable(),
    stageChangedAt: z.string().nullable(),
    ownerId: objectId.nullable(),
    teamId: objectId.nullable(),
    productId: objectId.nullable(),
    departmentId: objectId.nullable(),
    tags: z.array(z.string()),
    custom: z.record(z.string(), z.unknown()),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Opportunity');

export const stageHistorySchema = z
  .object({
    object: z.literal('list'),
    data: z.array(
      z.object({
        id: objectId,
        pipelineId: objectId,
        fromPipelineId: objectId.nullable(),
        fromStage: z.string().nullable(),
        toStage: z.string(),
        probability: z.number(),
        amount: z.number(),
        outcome: z.string().nullable(),
        lostReason: z.string().nullable(),
        byUserId: objectId.nullable(),
        at: z.string(),
      }),
    ),
  })
  .openapi('OpportunityStageHistory');

export const boardQuery = z.object({
  ownerId: objectId.optional(),
  productId: objectId.optional(),
  closeAfter: dateInput.optional().openapi({ description: 'Expected close date on or after' }),
  closeBefore: dateInput.optional().openapi({ description: 'Expected close date before' }),
  perStage: z.coerce.number().int().min(0).max(500).default(100).openapi({ description: 'Cards per column (totals always count every card); load more of a column with GET /v1/pipelines/{id}/board/{stage} and its nextCursor' }),
});

/** One board column's next page: the board's filters, a page size and the column's cursor. */
export const boardColumnQuery = boardQuery.omit({ perStage: true }).extend({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: 'Cards in this page, 1 to 200' }),
  cursor: z.string().max(512).optional().openapi({ description: 'The column’s `nextCursor` (from the board or the previous page); none for the column’s first cards' }),
});

export const boardColumnParams = z.object({
  id: objectId,
  stage: z.string().min(1).max(40).openapi({ description: 'The key of an open stage of the pipeline' }),
});

export const boardSchema = z
  .object({
    pipeline: pipelineSchema,
    columns: z.array(
      z.object({
        stage: pipelineStageSchema,
        count: z.number().int(),
        totals: z.array(z.object({ currency: z.string(), count: z.number().int(), amount: z.number(), weightedAmount: z.number() })),
        opportunities: z.array(opportunitySchema),
        hasMore: z.boolean(),
        nextCursor: z.string().nullable().openapi({ description: 'Where this column goes on: pass it to GET /v1/pipelines/{id}/board/{stage}; null when every card is shown or none were asked for' }),
      }),
    ),
  })
  .openapi('PipelineBoard');
