import { idParams, listOf } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import type { ForecastsService } from './forecasts.service.js';
import { annualForecastQuery, annualForecastSchema, forecastListQuery, forecastSchema, putForecastBody } from './forecasts.schema.js';

/** 003's annual forecast in three pillars: `/v1/forecasts`. */
export function forecastsRoutes(forecasts: ForecastsService): RouteSpec[] {
  const reads = access.permission('report', 'read');
  const tags = ['Forecasts'];
  return [
    defineRoute({
      method: 'get', path: '/forecasts/annual', operationId: 'getAnnualForecast', summary: 'A year’s forecast against won deals, per pillar and month', tags,
      description: 'The forecast entered for the year (summed over the entries of one account manager, one team’s members and lead, or one account and its descendants; without any, everything the caller may see) against the deals won in each month, per pillar: `new` (a deal of an account with no earlier won deal, or of no account), `upsell` (an account’s deal bringing a product it never bought), `accountManagement` (its other deals). Amounts in minor units of the agency’s currency. A sales person sees their own, a head their people’s and teams’, an admin all; others answer 404.',
      access: reads, query: annualForecastQuery, errors: [404],
      success: { status: 200, description: 'Plan against actual', schema: annualForecastSchema },
      handler: ({ query, req }) => forecasts.annual(req.principal!, query),
    }),
    defineRoute({
      method: 'get', path: '/forecasts', operationId: 'listForecasts', summary: 'List forecast entries', tags,
      description: 'The entries of the account managers whose figures the caller may see, by year, owner, then account.',
      access: reads, query: forecastListQuery,
      success: { status: 200, description: 'The entries', schema: listOf(forecastSchema, 'ForecastList') },
      handler: ({ query, req }) => forecasts.list(req.principal!, query),
    }),
    defineRoute({
      method: 'put', path: '/forecasts', operationId: 'putForecast', summary: 'Enter or replace one account manager’s (or one account’s) forecast', tags,
      description: 'One entry per year, account manager and account (none: the part not tied to an account), replaced whole: twelve monthly amounts per pillar, non-negative whole minor units. The account manager enters their own; their team’s lead, someone above them or an admin may too. Send `If-Match: <version>` (0 for an entry not entered yet) for a conditional write: a stale version answers 412 with the current one.',
      access: reads, body: putForecastBody, ifMatch: 'optional', errors: [404],
      success: { status: 200, description: 'The entry', schema: forecastSchema },
      handler: ({ body, req }) => forecasts.put(req.principal!, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'delete', path: '/forecasts/{id}', operationId: 'deleteForecast', summary: 'Remove a forecast entry', tags,
      description: 'The same people who may enter it.',
      access: reads, params: idParams, errors: [404],
      success: { status: 204, description: 'Removed' },
      handler: ({ params, req }) => forecasts.remove(req.principal!, params.id),
    }),
  ];
}
