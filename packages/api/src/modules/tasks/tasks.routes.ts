import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import { clientOf, recordRoutes } from '../../platform/records/record-routes.js';
import type { RecordService } from '../../platform/records/record-service.js';
import type { Task } from './task.model.js';
import { chooseSlotBody, createTaskBody, invitationSchema, publicInvitationSchema, taskSchema, tokenParams, transitionTaskBody, updateTaskBody } from './task.schema.js';
import type { TasksService } from './tasks.service.js';

/** Task routes: the standard record set (with the calling-task workflow) plus meeting slots and invitations. */
export function taskRoutes(service: TasksService): RouteSpec[] {
  return [
    ...recordRoutes({ service: service as unknown as RecordService<Task>, path: '/tasks', tag: 'Tasks', singular: 'task', plural: 'tasks', dto: taskSchema, create: createTaskBody, update: updateTaskBody, transition: transitionTaskBody }),
    defineRoute({
      method: 'post',
      path: '/tasks/{id}/choose-slot',
      operationId: 'chooseTaskSlot',
      summary: 'Record the slot a contact picked for a meeting',
      description: 'Sets the chosen slot and due time and moves the meeting to scheduled (re-scheduled when a slot was already chosen).',
      tags: ['Tasks'],
      access: access.permission('task', 'update'),
      params: idParams,
      body: chooseSlotBody,
      success: { status: 200, description: 'The scheduled meeting', schema: taskSchema },
      errors: [403, 409],
      handler: ({ params, body, req }) => service.chooseSlot(req.principal!, params.id, body, clientOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/tasks/{id}/invitation',
      operationId: 'inviteToMeeting',
      summary: 'Send a meeting’s proposed slots to the contact',
      description: 'Issues a new invitation token (the previous one stops working) and emits `task.slots_offered` for the notification channel. The contact opens the public path to pick a slot.',
      tags: ['Tasks'],
      access: access.permission('task', 'update'),
      params: idParams,
      success: { status: 201, description: 'The invitation (the token is shown only now)', schema: invitationSchema },
      idempotency: 'once',
      errors: [403, 409],
      handler: ({ params, req }) => service.invite(req.principal!, params.id, clientOf(req)),
    }),
    defineRoute({
      method: 'get',
      path: '/meeting-invitations/{token}',
      operationId: 'getMeetingInvitation',
      summary: 'See the slots offered in a meeting invitation',
      tags: ['Tasks'],
      access: access.public,
      params: tokenParams,
      success: { status: 200, description: 'The offered slots', schema: publicInvitationSchema },
      handler: ({ params }) => service.invitation(params.token),
    }),
    defineRoute({
      method: 'post',
      path: '/meeting-invitations/{token}',
      operationId: 'pickMeetingSlot',
      summary: 'Pick one of the offered slots',
      tags: ['Tasks'],
      access: access.public,
      params: tokenParams,
      body: z.object({ start: chooseSlotBody.shape.start }).openapi('PickMeetingSlot'),
      success: { status: 200, description: 'The meeting with the picked slot', schema: publicInvitationSchema },
      errors: [409],
      handler: ({ params, body }) => service.pickByInvitation(params.token, body.start),
    }),
  ];
}
