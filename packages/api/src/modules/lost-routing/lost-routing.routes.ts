import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import { lostReasonGroupInput, lostReasonGroupListSchema, lostReasonGroupSchema, lostReasonGroupUpdate, lostReviewListSchema, lostReviewOutcomeBody, lostReviewQuery, lostReviewSchema } from './lost-routing.schema.js';
import type { LostRoutingService } from './lost-routing.service.js';

/** Consultant groups per lost reason (admins: workflow administration) and the reviews of lost deals. */
export function lostRoutingRoutes(service: LostRoutingService): RouteSpec[] {
  const tags = ['Lost routing'];
  return [
    defineRoute({
      method: 'get', path: '/lost-reason-groups', operationId: 'listLostReasonGroups', summary: 'The consultant groups per lost reason', tags,
      access: access.permission('opportunity', 'read'),
      success: { status: 200, description: 'Every group of the agency, by reason', schema: lostReasonGroupListSchema },
      handler: ({ req }) => service.listGroups(req.principal!),
    }),
    defineRoute({
      method: 'post', path: '/lost-reason-groups', operationId: 'createLostReasonGroup', summary: 'Route a lost reason to a consultant group', tags,
      access: access.permission('workflow', 'update'), body: lostReasonGroupInput,
      success: { status: 201, description: 'The group', schema: lostReasonGroupSchema },
      errors: [409],
      handler: ({ body, req }) => service.createGroup(req.principal!, body),
    }),
    defineRoute({
      method: 'patch', path: '/lost-reason-groups/{id}', operationId: 'updateLostReasonGroup', summary: 'Change a consultant group', tags,
      access: access.permission('workflow', 'update'), params: idParams, body: lostReasonGroupUpdate, ifMatch: 'optional',
      success: { status: 200, description: 'The group', schema: lostReasonGroupSchema },
      errors: [404, 409],
      handler: ({ params, body, req }) => service.updateGroup(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'delete', path: '/lost-reason-groups/{id}', operationId: 'deleteLostReasonGroup', summary: 'Delete a consultant group', tags,
      access: access.permission('workflow', 'update'), params: idParams,
      success: { status: 204, description: 'Deleted; its reason falls back to the `*` group' },
      errors: [404],
      handler: ({ params, req }) => service.removeGroup(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get', path: '/lost-reviews', operationId: 'listLostReviews', summary: 'Reviews of lost deals', description: 'Newest first; reviews of opportunities you may see, and those assigned to you.', tags,
      access: access.permission('opportunity', 'read'), query: lostReviewQuery,
      success: { status: 200, description: 'The reviews', schema: lostReviewListSchema },
      handler: ({ query, req }) => service.listReviews(req.principal!, query),
    }),
    defineRoute({
      method: 'get', path: '/lost-reviews/{id}', operationId: 'getLostReview', summary: 'One review of a lost deal', tags,
      access: access.permission('opportunity', 'read'), params: idParams,
      success: { status: 200, description: 'The review', schema: lostReviewSchema },
      errors: [404],
      handler: ({ params, req }) => service.getReview(req.principal!, params.id),
    }),
    defineRoute({
      method: 'post', path: '/lost-reviews/{id}/outcome', operationId: 'decideLostReview', summary: 'Record the outcome of a lost-deal review (once)', tags,
      access: access.permission('opportunity', 'read'), params: idParams, body: lostReviewOutcomeBody,
      success: { status: 200, description: 'The decided review', schema: lostReviewSchema },
      errors: [404, 409],
      handler: ({ params, body, req }) => service.decide(req.principal!, params.id, body),
    }),
  ];
}
