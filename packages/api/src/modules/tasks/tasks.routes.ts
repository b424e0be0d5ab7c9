import express from 'express';
import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import { clientOf, recordRoutes } from '../../platform/records/record-routes.js';
import type { RecordService } from '../../platform/records/record-service.js';
import type { Task } from './task.model.js';
import { chooseSlotBody, createTaskBody, invitationSchema, publicInvitationSchema, taskSchema, tokenParams, transitionTaskBody, updateTaskBody } from './task.schema.js';
import type { TasksService } from './tasks.service.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The public page a contact books a meeting slot on: one form button per offered slot, no script (CSP). */
function bookingPage(invitation: { title: string; location: string | null; proposedSlots: { start: string; end: string }[]; chosenSlot: { start: string; end: string } | null }): string {
  const when = (iso: string) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso)) + ' UTC';
  const body = invitation.chosenSlot
    ? `<p>Booked: <strong>${escapeHtml(when(invitation.chosenSlot.start))}</strong>. Thank you.</p>`
    : `<form method="post"><fieldset><legend>Pick a time</legend>${invitation.proposedSlots.filter((s) => Date.parse(s.start) > Date.now()).map((s) => `<p><button type="submit" name="start" value="${escapeHtml(s.start)}">${escapeHtml(when(s.start))}</button></p>`).join('')}</fieldset></form>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(invitation.title)}</title></head><body><main><h1>${escapeHtml(invitation.title)}</h1>${invitation.location ? `<p>${escapeHtml(invitation.location)}</p>` : ''}${body}</main></body></html>`;
}

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
      success: { status: 200, description: 'The offered slots (JSON), or the booking page for a browser', schema: publicInvitationSchema, alsoMediaTypes: ['text/html'] },
      handler: async ({ params, req, res }) => {
        const invitation = await service.invitation(params.token);
        if (req.accepts(['json', 'html']) !== 'html') return invitation;
        res.status(200).type('html').set('Cache-Control', 'no-store').send(bookingPage(invitation));
        return undefined;
      },
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
      before: [express.urlencoded({ extended: false, limit: '2kb' })],
      success: { status: 200, description: 'The meeting with the picked slot (a confirmation page for a browser’s form post)', schema: publicInvitationSchema, alsoMediaTypes: ['text/html'] },
      errors: [409],
      handler: async ({ params, body, req, res }) => {
        const booked = await service.pickByInvitation(params.token, body.start);
        if (!req.is('application/x-www-form-urlencoded')) return booked;
        res.status(200).type('html').set('Cache-Control', 'no-store').send(bookingPage(booked));
        return undefined;
      },
    }),
  ];
}
