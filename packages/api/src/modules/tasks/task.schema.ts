import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { transitionBody } from '../../platform/records/record-routes.js';
import { subjectTypes, taskKinds } from './task.model.js';

const customValues = z.record(z.string().regex(/^[a-z][a-zA-Z0-9_]{0,39}$/), z.unknown()).openapi({ description: 'Custom attributes defined by a sysadmin (see /v1/custom-fields)' });
const timestamp = z.iso.datetime({ offset: true }).openapi({ example: '2026-03-02T10:00:00Z' });

export const subjectSchema = z
  .object({ type: z.enum(subjectTypes), id: objectId })
  .openapi('RecordSubject', { description: 'The contact, customer, lead or opportunity this is about' });

export const timeSlotSchema = z
  .object({ start: timestamp, end: timestamp })
  .refine((s) => Date.parse(s.end) > Date.parse(s.start), 'end must be after start')
  .openapi('TimeSlot');

const writable = {
  kind: z.enum(taskKinds).openapi({ description: 'call (000 calling task), meeting (with proposed slots), followUp (003), todo' }),
  title: z.string().trim().min(1).max(300),
  description: z.string().max(20_000).nullable().optional(),
  subject: subjectSchema.nullable().optional(),
  assigneeId: objectId.nullable().optional().openapi({ description: 'Anyone in the agency (003); defaults to you' }),
  dueAt: timestamp.nullable().optional(),
  location: z.string().max(500).nullable().optional(),
  proposedSlots: z.array(timeSlotSchema).max(20).optional().openapi({ description: 'Meetings: the times you offer; the contact picks one' }),
  ownerId: objectId.optional(),
  teamId: objectId.nullable().optional(),
  productId: objectId.nullable().optional().openapi({ description: 'Defaults to the subject’s product' }),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
  custom: customValues.optional(),
};

export const createTaskBody = z.object(writable).openapi('TaskCreate');
export const updateTaskBody = z
  .object({ ...writable, kind: writable.kind.optional(), title: writable.title.optional() })
  .openapi('TaskUpdate');

const slotOut = z.object({ start: z.string(), end: z.string() });

export const taskSchema = z
  .object({
    id: objectId,
    kind: z.enum(taskKinds),
    title: z.string(),
    description: z.string().nullable(),
    subject: z.object({ type: z.enum(subjectTypes), id: objectId }).nullable(),
    assigneeId: objectId.nullable(),
    dueAt: z.string().nullable(),
    status: z.string(),
    statusChangedAt: z.string().nullable(),
    location: z.string().nullable(),
    proposedSlots: z.array(slotOut),
    chosenSlot: slotOut.nullable(),
    automatic: z.boolean().openapi({ description: 'Created by the system (000: a task per new contact, an activation task per new customer)' }),
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
  .openapi('Task');

export const chooseSlotBody = z.object({ start: timestamp.openapi({ description: 'The start of one of the proposed slots' }), version: z.number().int().min(0).optional() }).openapi('ChooseSlot');

export const invitationSchema = z
  .object({ token: z.string(), path: z.string().openapi({ description: 'The public path the contact opens (GET shows the slots, POST picks one)' }), expiresAt: z.string().nullable() })
  .openapi('MeetingInvitation');

export const publicInvitationSchema = z
  .object({ title: z.string(), location: z.string().nullable(), proposedSlots: z.array(slotOut), chosenSlot: slotOut.nullable() })
  .openapi('PublicMeetingInvitation');

export const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'is not an invitation token') });

/** A task's status change, optionally with a new due time in the same write (re-scheduling a call). */
export const transitionTaskBody = transitionBody
  .extend({
    dueAt: timestamp.optional().openapi({ description: 'The new due time, set together with a move to scheduled or rescheduled (one version: never the time without the move, or the move without the time)' }),
  })
  .openapi('TaskTransitionRequest');
