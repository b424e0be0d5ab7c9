import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import {
  addCandidatesBody, createLeadRequestBody, deliveryResultSchema, extendBody, leadRequestItemListSchema, leadRequestItemQuery, leadRequestListQuery, leadRequestListSchema,
  leadRequestSchema, leadRequestTransitionBody, startCampaignBody, startedCampaignSchema, updateLeadRequestBody, vetBody,
} from './lead-requests.schema.js';
import type { LeadRequestsService } from './lead-requests.service.js';

/** Requests for leads and their workflow: sourcing, vetting, approval, delivery, extension, reopen, closure. */
export function leadRequestsRoutes(service: LeadRequestsService): RouteSpec[] {
  const tags = ['Requests for leads'];
  return [
    defineRoute({
      method: 'get', path: '/lead-requests', operationId: 'listLeadRequests', summary: 'Requests for leads', description: 'Newest first (creation order), paged by `cursor`; those your lead scope reaches and those you source.', tags,
      access: access.permission('lead', 'read'), query: leadRequestListQuery,
      success: { status: 200, description: 'The requests', schema: leadRequestListSchema },
      handler: ({ query, req }) => service.list(req.principal!, query),
    }),
    defineRoute({
      method: 'post', path: '/lead-requests', operationId: 'createLeadRequest', summary: 'Ask for leads: needed count, industry, region, country, employees, size', tags,
      access: access.permission('lead', 'create'), body: createLeadRequestBody,
      success: { status: 201, description: 'The request, in the workflow’s initial state (sourcing)', schema: leadRequestSchema },
      handler: ({ body, req }) => service.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/lead-requests/{id}', operationId: 'getLeadRequest', summary: 'One request for leads', tags,
      access: access.permission('lead', 'read'), params: idParams,
      success: { status: 200, description: 'The request', schema: leadRequestSchema },
      errors: [404],
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'patch', path: '/lead-requests/{id}', operationId: 'updateLeadRequest', summary: 'Change the title, notes or criteria of a request for leads', description: 'Until it is delivered or closed; the proposed and accepted leads are checked against the new criteria.', tags,
      access: access.permission('lead', 'update'), params: idParams, body: updateLeadRequestBody,
      success: { status: 200, description: 'The request', schema: leadRequestSchema },
      errors: [404, 409],
      handler: ({ params, body, req }) => service.update(req.principal!, params.id, body),
    }),
    defineRoute({
      method: 'post', path: '/lead-requests/{id}/transition', operationId: 'transitionLeadRequest', summary: 'Move a request through its workflow (vetting, approval, closure, reopen)', tags,
      access: access.permission('lead', 'update'), params: idParams, body: leadRequestTransitionBody,
      success: { status: 200, description: 'The request in its new state', schema: leadRequestSchema },
      errors: [404, 409],
      idempotency: false,
      handler: ({ params, body, req }) => service.transition(req.principal!, params.id, body),
    }),
    defineRoute({
      method: 'get', path: '/lead-requests/{id}/leads', operationId: 'listLeadRequestLeads', summary: 'The leads proposed, vetted and delivered on a request', tags,
      access: access.permission('lead', 'read'), params: idParams, query: leadRequestItemQuery,
      success: { status: 200, description: 'The leads with their state', schema: leadRequestItemListSchema },
      errors: [404],
      handler: ({ params, query, req }) => service.items(req.principal!, params.id, query.state),
    }),
    defineRoute({
      method: 'post', path: '/lead-requests/{id}/candidates', operationId: 'addLeadRequestCandidates', summary: 'Propose leads (sourcing)', tags,
      access: access.permission('lead', 'update'), params: idParams, body: addCandidatesBody,
      success: { status: 200, description: 'The request with its counts', schema: leadRequestSchema },
      errors: [404, 409],
      idempotency: false,
      handler: ({ params, body, req }) => service.addCandidates(req.principal!, params.id, body.leadIds),
    }),
    defineRoute({
      method: 'post', path: '/lead-requests/{id}/vetting', operationId: 'vetLeadRequestCandidates', summary: 'Accept or reject proposed leads (vetting)', tags,
      access: access.permission('lead', 'update'), params: idParams, body: vetBody,
      success: { status: 200, description: 'The request with its counts', schema: leadRequestSchema },
      errors: [404, 409],
      idempotency: false,
      handler: ({ params, body, req }) => service.vet(req.principal!, params.id, body.decisions),
    }),
    defineRoute({
      method: 'post', path: '/lead-requests/{id}/deliveries', operationId: 'deliverLeadRequest', summary: 'Deliver the accepted leads, counted against the needed count', tags,
      access: access.permission('lead', 'update'), params: idParams,
      success: { status: 200, description: 'The leads delivered now and the request', schema: deliveryResultSchema },
      errors: [404, 409],
      idempotency: false,
      handler: ({ params, req }) => service.deliver(req.principal!, params.id),
    }),
    defineRoute({
      method: 'post', path: '/lead-requests/{id}/extension', operationId: 'extendLeadRequest', summary: 'Ask for more leads: raises the needed count and goes back to sourcing', tags,
      access: access.permission('lead', 'update'), params: idParams, body: extendBody,
      success: { status: 200, description: 'The request, sourcing again', schema: leadRequestSchema },
      errors: [404, 409],
      idempotency: false,
      handler: ({ params, body, req }) => service.extend(req.principal!, params.id, body),
    }),
    defineRoute({
      method: 'post', path: '/lead-requests/{id}/campaign', operationId: 'startLeadRequestCampaign', summary: 'Start a sales campaign on exactly the delivered leads (once)', tags,
      access: access.permission('campaign', 'create'), params: idParams, body: startCampaignBody,
      success: { status: 201, description: 'The campaign, its leads and the request', schema: startedCampaignSchema },
      errors: [404, 409],
      handler: ({ params, body, req }) => service.startCampaign(req.principal!, params.id, body),
    }),
  ];
}
