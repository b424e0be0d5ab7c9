import { AppError } from '../../platform/errors.js';
import { inParallel } from '../../platform/concurrency.js';
import { idParams, listOf, pageQuery } from '../../platform/http/common.schema.js';
import { access, defineRoute, JsonText, jsonOnce, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import type { DashboardsService } from './dashboards.service.js';
import type { MetricsService } from './metrics.service.js';
import {
  attainmentQuery, attainmentSchema, createDashboardBody, MAX_BATCH_QUERIES, metricBatchBody, metricBatchResult, createTargetBody, dashboardSchema, metricQuery, metricResult, targetListQuery, targetSchema, updateDashboardBody,
  updateTargetBody,
} from './reporting.schema.js';
import type { TargetsService } from './targets.service.js';

/** Metrics from roll-ups, targets and dashboards (issue 19): `/v1/metrics`, `/v1/targets`, `/v1/dashboards`. */
export function reportingRoutes(metrics: MetricsService, targets: TargetsService, dashboards: DashboardsService): RouteSpec[] {
  const reads = access.permission('report', 'read');
  const conditional = 'Send `If-Match: <version>` for a conditional write: a stale version answers 412 with the current one.';
  return [
    defineRoute({
      method: 'get', path: '/metrics', operationId: 'queryMetric', summary: 'A metric over time, from the roll-ups', tags: ['Metrics'],
      description: 'One point per period from `from` to `to` (at most 400), per key of the dimension. A role that sees only some records of the metric’s type gets only the keys it may see: its own and its subordinates’ owner keys (and its teams’ members for a team scope), its teams, its products; `all` is then the sum of the owners it sees, and dimensions without a visibility key (stage, pipeline, campaign, source, account) answer 403. The caller’s role must read the metric’s record type (opportunities, leads, activities or tickets).',
      access: reads, query: metricQuery, errors: [404],
      success: { status: 200, description: 'The series', schema: metricResult },
      // A kept answer (metrics.service) is serialized once, not once per request.
      handler: async ({ query, req }) => jsonOnce(await metrics.query(req.principal!, query)),
    }),
    defineRoute({
      method: 'post', path: '/metrics/batch', operationId: 'queryMetricBatch', summary: 'Several metrics and attainments in one request (a read)', tags: ['Metrics'],
      description: `A read, sent as POST only to carry its queries: it changes nothing and may be repeated. Up to ${MAX_BATCH_QUERIES} queries, each \`kind: metric\` (the query of \`GET /v1/metrics\`) or \`kind: attainment\` (the query of \`GET /v1/targets/attainment\`), answered in order by the same services with the same visibility as the single requests (a dashboard's widgets in one request instead of one each). A query that is not valid answers 400 for the whole batch, naming it (\`queries.3.metric\`); a query the caller may not see (403) or whose key is not theirs (404) answers a \`problem\` item in its place, and the others are answered.`,
      access: reads, body: metricBatchBody, idempotency: false,
      success: { status: 200, description: 'One answer per query, in order', schema: metricBatchResult },
      handler: async ({ body, req }) => {
        const principal = req.principal!;
        // A few at a time, as the dashboard asked them; each answer is the kept one a single request gets.
        const parts = await inParallel(body.queries.map((item, index) => ({ item, index })), 4, async ({ item, index }) => {
          try {
            if (item.kind === 'metric') {
              const { kind: _kind, ...query } = item;
              return `{"kind":"metric","metric":${jsonOnce(await metrics.query(principal, query)).text}}`;
            }
            const { kind: _kind, ...query } = item;
            return JSON.stringify({ kind: 'attainment', attainment: await targets.attainment(principal, query) });
          } catch (error) {
            if (error instanceof AppError && (error.status === 403 || error.status === 404)) return JSON.stringify({ kind: 'problem', problem: { status: error.status, code: error.code, detail: error.message } });
            // A query the service finds not valid (a span too long) fails the batch, naming the query.
            if (error instanceof AppError && error.code === 'validation_failed') {
              const errors = (error.errors ?? []).map((e) => ({ ...e, field: `queries.${index}.${e.field}` }));
              throw new AppError('validation_failed', `queries.${index}: ${error.message}`, { errors });
            }
            throw error;
          }
        });
        return new JsonText(`{"results":[${parts.join(',')}]}`);
      },
    }),
    defineRoute({
      method: 'get', path: '/targets', operationId: 'listTargets', summary: 'List targets', tags: ['Targets'],
      description: 'The targets of the people, teams and products whose figures the caller may see, in creation order.',
      access: reads, query: pageQuery.extend(targetListQuery.shape),
      success: { status: 200, description: 'A page of targets', schema: listOf(targetSchema, 'TargetList') },
      handler: ({ query, req }) => targets.list(req.principal!, query),
    }),
    defineRoute({
      method: 'post', path: '/targets', operationId: 'createTarget', summary: 'Set a target', tags: ['Targets'],
      description: 'Only someone above the subject sets its target: an admin any; a team’s lead (or someone above the lead) the team’s and its members’; someone above a person in the role tree that person’s; a head who sees every record of the metric and has people below, a product’s or the agency’s (`dimension: all`, `key: all`). One target per subject, metric and period: a second answers 409.',
      access: reads, body: createTargetBody, errors: [409],
      success: { status: 201, description: 'The target', schema: targetSchema },
      handler: ({ body, req }) => targets.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/targets/attainment', operationId: 'getTargetAttainment', summary: 'How far a subject is towards its target', tags: ['Targets'],
      description: 'The actual from the roll-ups for the period, the target (null when none is set), their ratio, and for a person their share of their team’s actual. For `all`, a role that sees only some records gets the sum of the owners it sees (as `/v1/metrics` answers it) and no target.',
      access: reads, query: attainmentQuery, errors: [404],
      success: { status: 200, description: 'The attainment', schema: attainmentSchema },
      handler: ({ query, req }) => targets.attainment(req.principal!, query),
    }),
    defineRoute({
      method: 'get', path: '/targets/{id}', operationId: 'getTarget', summary: 'Get a target', tags: ['Targets'],
      access: reads, params: idParams,
      success: { status: 200, description: 'The target', schema: targetSchema },
      handler: ({ params, req }) => targets.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'patch', path: '/targets/{id}', operationId: 'updateTarget', summary: 'Change a target’s value', tags: ['Targets'],
      description: `The same people who may set it. ${conditional}`,
      access: reads, params: idParams, body: updateTargetBody, ifMatch: 'optional',
      success: { status: 200, description: 'The target', schema: targetSchema },
      handler: ({ params, body, req }) => targets.update(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'delete', path: '/targets/{id}', operationId: 'deleteTarget', summary: 'Remove a target', tags: ['Targets'],
      access: reads, params: idParams,
      success: { status: 204, description: 'Removed' },
      handler: ({ params, req }) => targets.remove(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get', path: '/dashboards', operationId: 'listDashboards', summary: 'List my dashboards and my role’s', tags: ['Dashboards'],
      description: 'The caller’s own dashboards, then their role’s default (an admin gets every role’s default).',
      access: reads,
      success: { status: 200, description: 'The dashboards', schema: listOf(dashboardSchema, 'DashboardList') },
      handler: ({ req }) => dashboards.list(req.principal!),
    }),
    defineRoute({
      method: 'post', path: '/dashboards', operationId: 'createDashboard', summary: 'Make a dashboard', tags: ['Dashboards'],
      description: 'A dashboard of one’s own; an admin naming `role` adds a default dashboard for that role. Widgets sit on a 12-column grid (`x + w ≤ 12`) and their ids are unique in the dashboard.',
      access: reads, body: createDashboardBody,
      success: { status: 201, description: 'The dashboard', schema: dashboardSchema },
      handler: ({ body, req }) => dashboards.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/dashboards/{id}', operationId: 'getDashboard', summary: 'Get a dashboard', tags: ['Dashboards'],
      access: reads, params: idParams,
      success: { status: 200, description: 'The dashboard', schema: dashboardSchema },
      handler: ({ params, req }) => dashboards.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'put', path: '/dashboards/{id}', operationId: 'updateDashboard', summary: 'Rename a dashboard or arrange its widgets', tags: ['Dashboards'],
      description: `Replaces the name and the widgets. One’s own dashboards; a role’s default only by an admin (403 otherwise). ${conditional}`,
      access: reads, params: idParams, body: updateDashboardBody, ifMatch: 'optional',
      success: { status: 200, description: 'The dashboard', schema: dashboardSchema },
      handler: ({ params, body, req }) => dashboards.update(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'delete', path: '/dashboards/{id}', operationId: 'deleteDashboard', summary: 'Delete a dashboard', tags: ['Dashboards'],
      description: 'One’s own; a role’s default only by an admin (a built-in role’s default comes back as seeded the next time the role lists its dashboards).',
      access: reads, params: idParams,
      success: { status: 204, description: 'Deleted' },
      handler: ({ params, req }) => dashboards.remove(req.principal!, params.id),
    }),
  ];
}
