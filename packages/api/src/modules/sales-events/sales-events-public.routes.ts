import type { Request, RequestHandler } from 'express';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { publicEventParams, publicRegistrationBody, publicRegistrationResult, publicSalesEventSchema } from './sales-events-public.schema.js';
import type { PublicEventCaller, SalesEventsPublic } from './sales-events-public.service.js';

const caller = (req: Request): PublicEventCaller => ({ tenantId: req.publishable!.tenantId, ip: req.ip ?? '' });

/**
 * The event registration widget's routes under /v1/public: behind the publishable key guard (key, allowed
 * origin, per-key and per-visitor limits, all before anything is read); registrations also behind a
 * per-address limit per minute.
 */
export function salesEventsPublicRoutes(service: SalesEventsPublic, guards: { publishable: RequestHandler; registrationLimit: RequestHandler }): RouteSpec[] {
  const tags = ['Public'];
  return [
    defineRoute({
      method: 'get',
      path: '/public/sales-events/{id}',
      operationId: 'getPublicSalesEvent',
      summary: 'An open sales event for the registration widget',
      description: 'Name, dates, venue and seats left of an event of the key’s agency that takes registrations (status open, level 2 or 3), and the privacy notice a registration accepts. Other events answer 404.',
      tags,
      access: access.public,
      before: [guards.publishable],
      params: publicEventParams,
      success: { status: 200, description: 'The event', schema: publicSalesEventSchema },
      errors: [401, 403, 404, 429],
      handler: ({ params, req, res }) => {
        res.setHeader('Cache-Control', 'no-store');
        return service.getEvent(caller(req), params.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/public/sales-events/{id}/registrations',
      operationId: 'registerPublicSalesEvent',
      summary: 'Register for a sales event from a partner website',
      description:
        'Takes a seat and registers the visitor as a delegate, speaker or sponsor, linked to a new lead (source event, participation = role). Registering an address twice creates nothing the second time and answers the same. A full event answers 409 with `errors[0].code` `full`. With a privacy notice set, `consent: true` is required and recorded with its version. Limited per address (PUBLIC_RATE_LIMIT_PER_MINUTE a minute).',
      tags,
      access: access.public,
      before: [guards.publishable, guards.registrationLimit],
      params: publicEventParams,
      body: publicRegistrationBody,
      success: { status: 201, description: 'Registered', schema: publicRegistrationResult },
      errors: [400, 401, 403, 404, 409, 429],
      handler: ({ params, body, req }) => service.register(caller(req), params.id, body),
    }),
  ];
}
