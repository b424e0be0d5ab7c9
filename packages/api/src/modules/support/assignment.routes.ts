import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import { assignmentRulesBody, assignmentRulesSchema } from './assignment.schema.js';
import type { AssignmentService } from './assignment.service.js';

/** The agency's ticket assignment rules: read by anyone who reads tickets, replaced by those who administer the agency. */
export function assignmentRoutes(assignment: AssignmentService): RouteSpec[] {
  const tags = ['Tickets'];
  return [
    defineRoute({
      method: 'get',
      path: '/ticket-assignment-rules',
      operationId: 'getTicketAssignmentRules',
      summary: "The agency's ticket assignment rules",
      description: 'Which team (and agent) a ticket that arrives without an assignee goes to, by category and/or product; without an agent, the team\'s active members take turns.',
      tags,
      access: access.permission('ticket', 'read'),
      success: { status: 200, description: 'The rules, in the order they are tried (none until saved)', schema: assignmentRulesSchema },
      handler: ({ req }) => assignment.get(req.principal!),
    }),
    defineRoute({
      method: 'put',
      path: '/ticket-assignment-rules',
      operationId: 'updateTicketAssignmentRules',
      summary: "Replace the agency's ticket assignment rules",
      description: 'Applies to tickets opened from then on (by agents with `ownerId: null`, on the portal, by email). Send `If-Match: <version>` to fail with 412 if someone saved them meanwhile.',
      tags,
      access: access.permission('tenant', 'update'),
      body: assignmentRulesBody,
      success: { status: 200, description: 'The saved rules', schema: assignmentRulesSchema },
      errors: [409],
      ifMatch: 'optional',
      handler: ({ body, req }) => assignment.update(req.principal!, body, ifMatchVersion(req)),
    }),
  ];
}
