import { idParams, listOf, objectId, pageQuery } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import { enrollmentStates } from './nurture.model.js';
import type { NurtureService } from './nurture.service.js';

const sequenceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    steps: z.array(z.object({ templateId: z.string(), delayDays: z.number().int() })),
    active: z.boolean(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .openapi('NurtureSequence');
const createSequenceBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    steps: z
      .array(z.object({ templateId: objectId, delayDays: z.number().int().min(0).max(365).openapi({ description: 'Days after the previous step (the first step: after enrolment)' }) }))
      .min(1)
      .max(20),
  })
  .openapi('CreateNurtureSequence');
const enrollmentSchema = z
  .object({ contactId: z.string(), state: z.enum(enrollmentStates), nextStep: z.number().int(), nextAt: z.string().nullable(), stoppedReason: z.string().nullable(), enrolledAt: z.string() })
  .openapi('NurtureEnrollment');
const contactParams = z.object({ id: objectId, contactId: objectId });

/** Lead-nurturing sequences (004): follow-up emails to enrolled contacts, spaced in days. */
export function nurtureRoutes(nurture: NurtureService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/nurture-sequences', operationId: 'listNurtureSequences', summary: 'Lead-nurturing sequences', tags: ['Messaging'],
      access: access.permission('notification', 'read'), query: pageQuery,
      success: { status: 200, description: 'Sequences, newest first', schema: listOf(sequenceSchema, 'NurtureSequenceList') },
      handler: ({ query, req }) => nurture.list(req.principal!, query),
    }),
    defineRoute({
      method: 'post', path: '/nurture-sequences', operationId: 'createNurtureSequence', summary: 'Create a sequence of follow-up emails', tags: ['Messaging'],
      description: 'Each step is a template of category `nurturing`, sent `delayDays` after the previous one to every enrolled contact still subscribed, exactly once per contact and step (the delivery ledger).',
      access: access.permission('notification', 'create'), body: createSequenceBody,
      success: { status: 201, description: 'The sequence', schema: sequenceSchema },
      handler: ({ body, req }) => nurture.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/nurture-sequences/{id}', operationId: 'getNurtureSequence', summary: 'A nurturing sequence', tags: ['Messaging'],
      access: access.permission('notification', 'read'), params: idParams,
      success: { status: 200, description: 'The sequence', schema: sequenceSchema },
      handler: ({ params, req }) => nurture.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'put', path: '/nurture-sequences/{id}/active', operationId: 'setNurtureSequenceActive', summary: 'Turn a sequence on or off (off: due steps stop its enrolments)', tags: ['Messaging'],
      access: access.permission('notification', 'update'), params: idParams, body: z.object({ active: z.boolean() }),
      success: { status: 200, description: 'The sequence', schema: sequenceSchema },
      handler: ({ params, body, req }) => nurture.setActive(req.principal!, params.id, body.active),
    }),
    defineRoute({
      method: 'post', path: '/nurture-sequences/{id}/enrollments', operationId: 'enrollInNurtureSequence', summary: 'Enrol contacts (those you may see) in a sequence', tags: ['Messaging'],
      access: access.permission('notification', 'create'), params: idParams, body: z.object({ contactIds: z.array(objectId).min(1).max(500) }), errors: [409],
      success: { status: 200, description: 'How many were enrolled, and how many already were', schema: z.object({ enrolled: z.number().int(), alreadyEnrolled: z.number().int() }).openapi('NurtureEnrollResult') },
      handler: ({ params, body, req }) => nurture.enroll(req.principal!, params.id, body.contactIds),
    }),
    defineRoute({
      method: 'get', path: '/nurture-sequences/{id}/enrollments', operationId: 'listNurtureEnrollments', summary: 'Who is in a sequence and what is next for each', tags: ['Messaging'],
      access: access.permission('notification', 'read'), params: idParams, query: pageQuery,
      success: { status: 200, description: 'Enrolments, in the order they were made', schema: listOf(enrollmentSchema, 'NurtureEnrollmentList') },
      handler: ({ params, query, req }) => nurture.enrollments(req.principal!, params.id, query),
    }),
    defineRoute({
      method: 'delete', path: '/nurture-sequences/{id}/enrollments/{contactId}', operationId: 'stopNurtureEnrollment', summary: "Stop a contact's sequence (no further steps)", tags: ['Messaging'],
      access: access.permission('notification', 'update'), params: contactParams,
      success: { status: 204, description: 'Stopped' },
      handler: ({ params, req }) => nurture.stop(req.principal!, params.id, params.contactId),
    }),
  ];
}
