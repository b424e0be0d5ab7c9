import type { Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { accountSnapshotListSchema, historyQuery, runBody, runResultSchema, weekQuery } from './account-health.schema.js';
import type { AccountHealthService } from './account-health.service.js';

/** Account behaviour tracking (issue 23 item 8): a week's snapshots, an account's history, a run on demand. */
export function accountHealthRoutes(service: AccountHealthService, customers: { findVisible(principal: Principal, id: string, action: 'read'): Promise<{ _id: Types.ObjectId }> }): RouteSpec[] {
  const tags = ['Account health'];
  return [
    defineRoute({
      method: 'get', path: '/account-health', operationId: 'listAccountSnapshots', summary: "A week's account snapshots (activity, orders, tickets, late payments, flags)", tags,
      access: access.permission('report', 'read'), query: weekQuery,
      success: { status: 200, description: 'Snapshots of the week, by account', schema: accountSnapshotListSchema },
      handler: ({ query, req }) => service.week(req.principal!, query),
    }),
    defineRoute({
      method: 'get', path: '/customers/{id}/health', operationId: 'listAccountHealthHistory', summary: "An account's weekly snapshots, newest first", tags,
      access: access.permission('customer', 'read'), params: idParams, query: historyQuery,
      success: { status: 200, description: 'The weekly history', schema: accountSnapshotListSchema },
      errors: [404],
      handler: async ({ params, query, req }) => {
        const account = await customers.findVisible(req.principal!, params.id, 'read');
        return service.history(req.principal!, account._id, query.limit);
      },
    }),
    defineRoute({
      method: 'post', path: '/account-health/runs', operationId: 'runAccountHealth', summary: "Run the weekly job for your agency now (nothing is flagged or notified twice)", tags,
      access: access.permission('report', 'update'), body: runBody, usersOnly: true,
      success: { status: 200, description: 'What the run did', schema: runResultSchema },
      idempotency: false,
      handler: ({ body, req }) => service.runForTenant(req.principal!, body),
    }),
  ];
}
