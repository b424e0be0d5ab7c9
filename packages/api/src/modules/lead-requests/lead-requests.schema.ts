import { listOf, objectId, pageQuery } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { companySizes } from '../leads/lead.model.js';
import { itemStates } from './lead-requests.model.js';

const text = (max: number) => z.string().trim().min(1).max(max).nullable().optional();

const criteriaFields = {
  neededCount: z.number().int().min(1).max(10_000).openapi({ description: 'How many leads are needed' }),
  industry: text(100),
  region: text(100).openapi({ description: "Matched against the state or region of the lead's addresses" }),
  country: z.string().trim().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE').nullable().optional(),
  employeesMin: z.number().int().min(0).max(10_000_000).nullable().optional().openapi({ description: 'Fewest employees a delivered lead may have (the lead must state its count)' }),
  employeesMax: z.number().int().min(0).max(10_000_000).nullable().optional().openapi({ description: 'Most employees a delivered lead may have' }),
  size: z.enum(companySizes).nullable().optional().openapi({ description: "The lead's companySize a delivered lead must have" }),
};

export const leadCriteriaInput = z
  .object(criteriaFields)
  .refine((c) => c.employeesMin == null || c.employeesMax == null || c.employeesMin <= c.employeesMax, { message: 'must not be below employeesMin', path: ['employeesMax'] })
  .openapi('LeadCriteriaInput');

export const createLeadRequestBody = z
  .object({ title: z.string().trim().min(1).max(200), notes: z.string().max(4000).nullable().optional(), criteria: leadCriteriaInput, assigneeId: objectId.nullable().optional().openapi({ description: 'Who sources the leads' }) })
  .openapi('LeadRequestCreate');

export const updateLeadRequestBody = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    notes: z.string().max(4000).nullable().optional(),
    criteria: z
      .object({ ...criteriaFields, neededCount: criteriaFields.neededCount.optional() })
      .refine((c) => c.employeesMin == null || c.employeesMax == null || c.employeesMin <= c.employeesMax, { message: 'must not be below employeesMin', path: ['employeesMax'] })
      .optional()
      .openapi({ description: 'The criteria fields to change; null clears one' }),
    version: z.number().int().min(0).optional().openapi({ description: 'The version you read; a different current version answers 409' }),
  })
  .openapi('LeadRequestUpdate');

export const leadRequestSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    notes: z.string().nullable(),
    criteria: z.object({ neededCount: z.number().int(), industry: z.string().nullable(), region: z.string().nullable(), country: z.string().nullable(), employeesMin: z.number().int().nullable(), employeesMax: z.number().int().nullable(), size: z.string().nullable() }),
    status: z.string(),
    statusChangedAt: z.string().nullable(),
    candidateCount: z.number().int(),
    acceptedCount: z.number().int(),
    deliveredCount: z.number().int(),
    remainingCount: z.number().int().openapi({ description: 'neededCount − deliveredCount, never below 0' }),
    extensions: z.number().int(),
    campaignId: z.string().nullable(),
    assigneeId: z.string().nullable(),
    ownerId: z.string().nullable(),
    allowedTransitions: z.array(z.string()).openapi({ description: 'The states you may move it to now' }),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('LeadRequest');
export const leadRequestListSchema = listOf(leadRequestSchema, 'LeadRequestList');

export const leadRequestListQuery = z.object({ status: z.string().max(40).optional(), limit: z.coerce.number().int().min(1).max(100).default(50), cursor: pageQuery.shape.cursor });

export const leadRequestItemSchema = z
  .object({
    id: z.string(), requestId: z.string(), leadId: z.string(), leadName: z.string(), state: z.enum(itemStates),
    matchesCriteria: z.boolean().openapi({ description: 'Whether the lead met every criterion when last checked (proposed, accepted, or the criteria changed)' }),
    mismatches: z.array(z.string()).openapi({ description: 'The criteria fields it was outside of then: industry, region, country, employeesMin, employeesMax, size' }),
    note: z.string().nullable(), deliveredAt: z.string().nullable(),
  })
  .openapi('LeadRequestItem');
export const leadRequestItemListSchema = listOf(leadRequestItemSchema, 'LeadRequestItemList');
export const leadRequestItemQuery = z.object({ state: z.enum(itemStates).optional() });

export const leadRequestTransitionBody = z
  .object({ to: z.string().min(1).max(40), version: z.number().int().min(0).optional(), note: z.string().max(2000).optional() })
  .openapi('LeadRequestTransition');
export const addCandidatesBody = z.object({ leadIds: z.array(objectId).min(1).max(500) }).openapi('LeadRequestCandidates');
export const vetBody = z
  .object({ decisions: z.array(z.object({ leadId: objectId, decision: z.enum(['accept', 'reject']), note: z.string().max(1000).optional() })).min(1).max(500) })
  .openapi('LeadRequestVetting');
export const extendBody = z.object({ additionalCount: z.number().int().min(1).max(10_000), note: z.string().max(2000).optional() }).openapi('LeadRequestExtension');
export const deliveryResultSchema = z
  .object({ delivered: z.array(z.string()).openapi({ description: 'The lead ids delivered by this call' }), request: leadRequestSchema })
  .openapi('LeadRequestDelivery');
export const startCampaignBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    ownerId: objectId.optional().openapi({ description: 'The sales agent who runs it (defaults to you)' }),
    type: z.enum(['email', 'promotion', 'event', 'ad']).default('email'),
  })
  .openapi('LeadRequestCampaignStart');
export const startedCampaignSchema = z.object({ campaignId: z.string(), status: z.string(), leadIds: z.array(z.string()), request: leadRequestSchema }).openapi('LeadRequestCampaign');
export const itemParams = z.object({ id: objectId });
