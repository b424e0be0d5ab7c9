import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { subjectSchema } from '../tasks/task.schema.js';
import { activityTypes } from './activity.model.js';

const customValues = z.record(z.string().regex(/^[a-z][a-zA-Z0-9_]{0,39}$/), z.unknown()).openapi({ description: 'Custom attributes defined by a sysadmin (see /v1/custom-fields)' });

const writable = {
  type: z.enum(activityTypes),
  title: z.string().trim().min(1).max(300).openapi({ description: 'A one-line summary' }),
  body: z.string().max(50_000).nullable().optional(),
  subject: subjectSchema,
  occurredAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Defaults to now' }),
  direction: z.enum(['inbound', 'outbound']).nullable().optional().openapi({ description: 'Calls and emails' }),
  durationMinutes: z.number().int().min(0).max(24 * 60).nullable().optional(),
  outcome: z.string().max(200).nullable().optional(),
  contactIds: z.array(objectId).max(50).optional().openapi({ description: 'Who took part' }),
  taskId: objectId.nullable().optional().openapi({ description: 'The task this activity carried out' }),
  ownerId: objectId.optional(),
  productId: objectId.nullable().optional().openapi({ description: 'Defaults to the subject’s product' }),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
  custom: customValues.optional(),
};

export const createActivityBody = z.object(writable).openapi('ActivityCreate');
export const updateActivityBody = z
  .object({ ...writable, type: writable.type.optional(), title: writable.title.optional(), subject: writable.subject.optional() })
  .openapi('ActivityUpdate');

export const activitySchema = z
  .object({
    id: objectId,
    type: z.enum(activityTypes),
    title: z.string(),
    body: z.string().nullable(),
    subject: subjectSchema,
    occurredAt: z.string(),
    direction: z.enum(['inbound', 'outbound']).nullable(),
    durationMinutes: z.number().nullable(),
    outcome: z.string().nullable(),
    contactIds: z.array(objectId),
    taskId: objectId.nullable(),
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
  .openapi('Activity');

export const timelineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime({ offset: true }).optional().openapi({ description: 'The `nextBefore` of the previous page' }),
});

export const timelineSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(
      z.object({
        kind: z.enum(['activity', 'task', 'statusChange', 'stageChange', 'ticket']),
        id: objectId,
        at: z.string(),
        title: z.string(),
        byUserId: objectId.nullable(),
        data: z.record(z.string(), z.unknown()).openapi({ description: 'The activity or task, {from, to, note} of a status or stage change, or {event, ticketId, number, subject, status, priority} of a ticket (event: created, replied, resolved)' }),
      }),
    ),
    hasMore: z.boolean(),
    nextBefore: z.string().nullable(),
  })
  .openapi('Timeline');
