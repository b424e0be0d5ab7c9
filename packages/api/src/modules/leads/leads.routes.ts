import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { clientOf, ifMatchVersion, recordRoutes } from '../../platform/records/record-routes.js';
import { convertLeadBody, createLeadBody, leadConversionSchema, leadSchema, leadSettingsSchema, updateLeadBody, updateLeadSettingsBody } from './lead.schema.js';
import type { LeadsService } from './leads.service.js';

/** The lead routes: the standard record set, conversion, and the agency's lead settings. */
export function leadRoutes(service: LeadsService): RouteSpec[] {
  const tags = ['Leads'];
  return [
    defineRoute({
      method: 'get',
      path: '/lead-settings',
      operationId: 'getLeadSettings',
      summary: "The agency's lead settings",
      description: "002: the parts a lead can take in a product (participation); defaults: speaker, delegate, sponsor, attendee.",
      tags,
      access: access.permission('lead', 'read'),
      success: { status: 200, description: 'The settings', schema: leadSettingsSchema },
      handler: ({ req }) => service.settings(req.principal!),
    }),
    defineRoute({
      method: 'put',
      path: '/lead-settings',
      operationId: 'updateLeadSettings',
      summary: "Replace the agency's lead settings",
      description: 'Send `If-Match: <version>` to fail with 412 `precondition_failed` if someone changed them meanwhile.',
      tags,
      access: access.permission('tenant', 'update'),
      body: updateLeadSettingsBody,
      success: { status: 200, description: 'The saved settings', schema: leadSettingsSchema },
      errors: [409],
      ifMatch: 'optional',
      handler: ({ body, req }) => service.updateSettings(req.principal!, body, ifMatchVersion(req)),
    }),
    ...recordRoutes({ service, path: '/leads', tag: 'Leads', singular: 'lead', plural: 'leads', dto: leadSchema, create: createLeadBody, update: updateLeadBody }),
    defineRoute({
      method: 'post',
      path: '/leads/{id}/convert',
      operationId: 'convertLead',
      summary: 'Convert a lead into customer, contact and opportunity',
      description:
        'Creates the customer (or attaches to `customerId`), a contact carrying the lead\'s product and participation, and an opportunity; then moves the lead to `converted`. Safe to retry: once the lead is converted, a call answers the same ids, and nothing is created twice. A call while another conversion of the lead is in progress answers 409 `conflict` with `Retry-After`.',
      tags,
      access: access.permission('lead', 'transition'),
      params: idParams,
      body: convertLeadBody,
      success: { status: 200, description: 'The converted lead and the ids of what it became', schema: leadConversionSchema },
      errors: [403, 409],
      handler: ({ params, body, req }) => service.convert(req.principal!, params.id, body, clientOf(req)),
    }),
  ];
}
