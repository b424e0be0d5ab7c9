import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import { updateWorkflowBody, workflowListSchema, workflowParams, workflowSchema } from './workflow.schema.js';
import type { WorkflowsService } from './workflows.service.js';

/** Status workflows as tenant data: anyone signed in reads them (to draw boards and buttons), sysadmins edit. */
export function workflowRoutes(service: WorkflowsService): RouteSpec[] {
  const tags = ['Workflows'];
  return [
    defineRoute({
      method: 'get',
      path: '/workflows',
      operationId: 'listWorkflows',
      summary: 'List status workflows',
      description: 'Every status machine of the agency (contact, customer, lead, callingTask, campaign, ticket…), seeded with the defaults.',
      tags,
      access: access.authenticated,
      success: { status: 200, description: 'The workflows', schema: workflowListSchema },
      handler: ({ req }) => service.list(req.principal!),
    }),
    defineRoute({
      method: 'get',
      path: '/workflows/{key}',
      operationId: 'getWorkflow',
      summary: 'Get a status workflow',
      tags,
      access: access.authenticated,
      params: workflowParams,
      success: { status: 200, description: 'The workflow', schema: workflowSchema },
      handler: ({ params, req }) => service.get(req.principal!, params.key),
    }),
    defineRoute({
      method: 'put',
      path: '/workflows/{key}',
      operationId: 'replaceWorkflow',
      summary: 'Replace a status workflow',
      description: 'States must be unique, the initial state must exist, transitions must join existing states and name existing role keys. `If-Match: "<version>"` is required (428 without it); a stale version answers 412 `precondition_failed` with the current workflow. Records keep their status; a removed state can be left only by a move the new definition allows.',
      tags,
      access: access.permission('workflow', 'update'),
      params: workflowParams,
      body: updateWorkflowBody,
      success: { status: 200, description: 'The saved workflow', schema: workflowSchema },
      errors: [409],
      ifMatch: 'required',
      handler: ({ params, body, req }) => service.replace(req.principal!, params.key, body, ifMatchVersion(req)),
    }),
  ];
}
