import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import {
  createRegistrationBody, createSalesEventBody, eventLevelsSchema, registrationListQuery, registrationListSchema, registrationParams, registrationSchema,
  salesEventListQuery, salesEventListSchema, salesEventSchema, updateSalesEventBody,
} from './sales-events.schema.js';
import type { SalesEventsService } from './sales-events.service.js';

const checkInSchema = z
  .object({ checkedIn: z.boolean().openapi({ description: 'true for the call that checked the person in; false when they already were (nothing counted again)' }), registration: registrationSchema })
  .openapi('SalesEventCheckIn');

/** Sales events (issue 23 item 4): events, sessions, costs, registrations and check-in; the campaign permission governs them. */
export function salesEventsRoutes(service: SalesEventsService): RouteSpec[] {
  const tags = ['Sales events'];
  return [
    defineRoute({
      method: 'get', path: '/sales-events/levels', operationId: 'listSalesEventLevels', summary: "001's event levels: what each level adds to an event", tags,
      access: access.permission('campaign', 'read'),
      success: { status: 200, description: 'Levels 1 to 3', schema: eventLevelsSchema },
      handler: async () => service.levels(),
    }),
    defineRoute({
      method: 'get', path: '/sales-events', operationId: 'listSalesEvents', summary: 'List sales events, newest first', tags,
      access: access.permission('campaign', 'read'), query: salesEventListQuery,
      success: { status: 200, description: 'A page of events', schema: salesEventListSchema },
      handler: ({ query, req }) => service.list(req.principal!, query),
    }),
    defineRoute({
      method: 'post', path: '/sales-events', operationId: 'createSalesEvent', summary: 'Create a sales event (a conference, trade show, webinar...)', tags,
      access: access.permission('campaign', 'create'), body: createSalesEventBody,
      success: { status: 201, description: 'The event', schema: salesEventSchema },
      handler: ({ body, req }) => service.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/sales-events/{id}', operationId: 'getSalesEvent', summary: 'Get a sales event with its sessions, seats, costs and revenue', tags,
      access: access.permission('campaign', 'read'), params: idParams,
      success: { status: 200, description: 'The event', schema: salesEventSchema },
      errors: [404],
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'patch', path: '/sales-events/{id}', operationId: 'updateSalesEvent', summary: 'Change a sales event (sessions and costs are replaced whole)', tags,
      access: access.permission('campaign', 'update'), params: idParams, body: updateSalesEventBody, ifMatch: 'optional',
      success: { status: 200, description: 'The event', schema: salesEventSchema },
      errors: [404],
      handler: ({ params, body, req }) => service.update(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'get', path: '/sales-events/{id}/registrations', operationId: 'listSalesEventRegistrations', summary: 'The registrations of an event (delegates, speakers, sponsors)', tags,
      access: access.permission('campaign', 'read'), params: idParams, query: registrationListQuery,
      success: { status: 200, description: 'A page of registrations in registration order, oldest first (with several API processes, registrations made in the same minute may interleave by process; a page never repeats or skips one)', schema: registrationListSchema },
      errors: [404],
      handler: ({ params, query, req }) => service.registrations(req.principal!, params.id, query),
    }),
    defineRoute({
      method: 'post', path: '/sales-events/{id}/registrations', operationId: 'createSalesEventRegistration', summary: 'Register a delegate, speaker or sponsor (takes a seat; creates the lead when new)',
      description: 'Answers 409 `conflict` with `errors[0].field = capacity` when no seat is left, and with `email` when the person is already registered.',
      tags, access: access.permission('campaign', 'update'), params: idParams, body: createRegistrationBody,
      success: { status: 201, description: 'The registration with its seat', schema: registrationSchema },
      errors: [404, 409],
      handler: ({ params, body, req }) => service.register(req.principal!, params.id, body),
    }),
    defineRoute({
      method: 'post', path: '/sales-events/{id}/registrations/{registrationId}/check-in', operationId: 'checkInSalesEventRegistration', summary: 'Check a registrant in (idempotent)', tags,
      access: access.permission('campaign', 'update'), params: registrationParams,
      success: { status: 200, description: 'The registration, checked in', schema: checkInSchema },
      errors: [404, 409],
      idempotency: false,
      handler: ({ params, req }) => service.checkIn(req.principal!, params.id, params.registrationId),
    }),
    defineRoute({
      method: 'post', path: '/sales-events/{id}/registrations/{registrationId}/cancel', operationId: 'cancelSalesEventRegistration', summary: 'Cancel a registration (frees its seat, takes its fee out of the revenue)', tags,
      access: access.permission('campaign', 'update'), params: registrationParams,
      success: { status: 200, description: 'The registration, cancelled', schema: registrationSchema },
      errors: [404],
      idempotency: false,
      handler: ({ params, req }) => service.cancel(req.principal!, params.id, params.registrationId),
    }),
  ];
}
