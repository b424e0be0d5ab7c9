import type { OperationQuery, Schema } from '../core/api-types.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/**
 * The query of `crm.metrics.query`: metric, period, `from`/`to` (YYYY-MM-DD; left out, the current period
 * (or `since`'s) to today on the agency's calendar), dimension and an optional key.
 */
export type MetricQueryParams = OperationQuery<'queryMetric'>;
/** A metric's series: one per dimension key the caller may see, one point per period. */
export type MetricResult = Schema<'MetricResult'>;
/** One series of a metric (a dimension key with its label and points). */
export type MetricSeries = Schema<'MetricSeries'>;
/** One period's value. */
export type MetricPoint = Schema<'MetricPoint'>;
/** The metrics roll-ups keep. */
export type MetricName = MetricResult['metric'];
/** The buckets: day, week (from Monday), month, quarter, year. */
export type MetricPeriod = MetricResult['period'];
/** How a metric is split: all, owner, team, product, pipeline, stage, campaign, source, account. */
export type MetricDimension = MetricResult['dimension'];
/** One query of `crm.metrics.batch`: `kind: 'metric'` with `crm.metrics.query`'s params, or `kind: 'attainment'` with `crm.targets.attainment`'s. */
export type MetricBatchQuery = Schema<'MetricBatchQuery'>;
/** What `crm.metrics.batch` answers: one result per query, in order. */
export type MetricBatchResult = Schema<'MetricBatchResult'>;
/** One answer of a batch: a series (`metric`), an attainment (`attainment`), or the 403/404 the single request would have answered (`problem`). */
export type MetricBatchItem = MetricBatchResult['results'][number];
/** The most queries one `crm.metrics.batch` call takes. */
export const MAX_METRIC_BATCH = 50;

/** What realtime says when a roll-up moved (`crm.realtime.on('metric.changed', ...)`): read the metric again. */
export interface MetricChanged {
  metric: MetricName;
  period: MetricPeriod;
  periodStart: string;
}

/**
 * Figures over time from the roll-ups the API keeps with every write (`crm.metrics`).
 *
 * @example
 * const { series } = await crm.metrics.query({ metric: 'deals.won.amount', period: 'month', from: '2026-01-01', to: '2026-12-31', dimension: 'owner' });
 * for (const s of series) console.log(s.label, s.points.map((p) => p.value));
 * // This quarter so far, week by week, without any date arithmetic of your own:
 * const quarter = await crm.metrics.query({ metric: 'leads.created', period: 'week', since: 'quarter' });
 * // A whole dashboard in one request (up to 50 queries, answered in order):
 * const { results } = await crm.metrics.batch([
 *   { kind: 'metric', metric: 'deals.won', period: 'month' },
 *   { kind: 'attainment', metric: 'deals.won.amount', period: 'month', dimension: 'owner', key: me.id },
 * ]);
 */
export class Metrics extends APIResource {
  /** A metric's series between `from` and `to`, within what the caller may see. */
  query(params: MetricQueryParams, options?: RequestOptions): Promise<MetricResult> {
    return this._transport.get<MetricResult>('/v1/metrics', params, options);
  }

  /**
   * Several series and attainments in one request (`POST /v1/metrics/batch`, a read), each answered as
   * `query` or `crm.targets.attainment` would answer it; one the caller may not see comes back as a
   * `problem` item in its place. A query that is not valid rejects the whole call with a 400 naming it
   * (`queries.3.metric`).
   */
  batch(queries: MetricBatchQuery[], options?: RequestOptions): Promise<MetricBatchResult> {
    return this._transport.post<MetricBatchResult>('/v1/metrics/batch', { queries }, options);
  }
}
