import type { OperationQuery, Schema } from '../core/api-types.js';
import type { PagePromise } from '../core/pagination.js';
import { requestPage } from '../core/pagination.js';
import { path } from '../core/path.js';
import { etagOf, type RequestOptions, type UpdateOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** One entry of an annual forecast: an account manager's (optionally one account's) twelve months per pillar. */
export type Forecast = Schema<'Forecast'>;
/** The twelve monthly amounts (minor units, January first) of each pillar: `new`, `accountManagement`, `upsell`. */
export type ForecastPillarMonths = Schema<'ForecastPillarMonths'>;
/** The body of `crm.forecasts.put`: year, owner, account (optional) and the months. */
export type ForecastPutParams = Schema<'PutForecast'>;
/** The query of `crm.forecasts.list`: year, owner, account. */
export type ForecastListParams = OperationQuery<'listForecasts'>;
/** The query of `crm.forecasts.annual`: the year and at most one of owner, team or account. */
export type AnnualForecastParams = OperationQuery<'getAnnualForecast'>;
/** A year's plan against won deals per pillar and month, with totals and attainment. */
export type AnnualForecast = Schema<'AnnualForecast'>;
/** One pillar's (or the total's) plan and actual per month, their totals and attainment. */
export type ForecastSeries = Schema<'ForecastSeries'>;

/**
 * The annual forecast in three pillars (`crm.forecasts`): new sales, account management and upselling,
 * entered per account manager and account, against the deals won month by month.
 *
 * @example
 * const months = { new: Array(12).fill(500_000), accountManagement: Array(12).fill(200_000), upsell: Array(12).fill(0) };
 * const entry = await crm.forecasts.put({ year: 2027, ownerId: repId, months });
 * await crm.forecasts.put({ year: 2027, ownerId: repId, months: { ...months, upsell: Array(12).fill(50_000) } }, { ifMatch: entry.version });
 * const { total } = await crm.forecasts.annual({ year: 2027, teamId });
 * console.log(total.attainment);
 */
export class Forecasts extends APIResource {
  /** Plan against won deals for a year, for one owner, team or account (with its descendants), or all the caller may see. */
  annual(params: AnnualForecastParams, options?: RequestOptions): Promise<AnnualForecast> {
    return this._transport.get<AnnualForecast>('/v1/forecasts/annual', params, options);
  }

  /** The entries the caller may see. */
  list(params?: ForecastListParams, options?: RequestOptions): PagePromise<Forecast> {
    return requestPage<Forecast>(this._transport, '/v1/forecasts', params, options);
  }

  /** Enters or replaces one entry (year, owner, account); with `ifMatch` only if it is still at that `version` (0: not entered yet). */
  async put(params: ForecastPutParams, options: UpdateOptions = {}): Promise<Forecast> {
    const { ifMatch, ...requestOptions } = options;
    const headers = ifMatch === undefined ? undefined : { 'If-Match': etagOf(ifMatch) };
    return (await this._transport.request<Forecast>({ method: 'PUT', path: '/v1/forecasts', body: params, ...(headers ? { headers } : {}) }, requestOptions)).data;
  }

  /** Removes an entry. */
  delete(id: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(path`/v1/forecasts/${id}`, options);
  }
}
