import { listOf, objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { reviewOutcomes } from './lost-routing.model.js';

export const lostReasonGroupInput = z
  .object({
    reason: z.string().trim().min(1).max(200).openapi({ description: 'The lost reason this group checks (compared case-insensitively); `*` is the fallback for reasons no group names' }),
    name: z.string().trim().min(1).max(120),
    memberIds: z.array(objectId).min(1).max(100).openapi({ description: 'The consultants; a review goes to the member with the fewest open reviews' }),
  })
  .openapi('LostReasonGroupInput');

export const lostReasonGroupUpdate = lostReasonGroupInput.partial().openapi('LostReasonGroupUpdate');

export const lostReasonGroupSchema = z
  .object({ id: z.string(), reason: z.string(), name: z.string(), memberIds: z.array(z.string()), version: z.number().int(), createdAt: z.string(), updatedAt: z.string() })
  .openapi('LostReasonGroup');
export const lostReasonGroupListSchema = listOf(lostReasonGroupSchema, 'LostReasonGroupList');

export const lostReviewSchema = z
  .object({
    id: z.string(),
    opportunityId: z.string(),
    opportunityName: z.string(),
    reason: z.string(),
    amount: z.number(),
    currency: z.string(),
    groupId: z.string().nullable(),
    groupName: z.string().nullable(),
    assigneeId: z.string().nullable(),
    taskId: z.string().nullable(),
    state: z.enum(['open', 'decided']),
    outcome: z.enum(reviewOutcomes).nullable(),
    note: z.string().nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    lostAt: z.string(),
    createdAt: z.string(),
  })
  .openapi('LostReview');
export const lostReviewListSchema = listOf(lostReviewSchema, 'LostReviewList');

export const lostReviewQuery = z.object({
  state: z.enum(['open', 'decided']).optional(),
  opportunityId: objectId.optional(),
  mine: z.enum(['true', 'false']).optional().openapi({ description: '`true`: only reviews assigned to you' }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const lostReviewOutcomeBody = z
  .object({
    outcome: z.enum(reviewOutcomes).openapi({ description: 'reopened (the deal is worth another try: move it back to an open stage), confirmed_lost, or lesson_noted' }),
    note: z.string().trim().max(4000).optional(),
    reopenStage: z.string().min(1).max(40).optional().openapi({ description: 'With `reopened`: the open stage to move the opportunity back to' }),
  })
  .openapi('LostReviewOutcome');
