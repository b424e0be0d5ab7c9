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
 */
export class Metrics extends APIResource {
  /** A metric's series between `from` and `to`, within what the caller may see. */
  query(params: MetricQueryParams, options?: RequestOptions): Promise<MetricResult> {
    return this._transport.get<MetricResult>('/v1/metrics', params, options);
  }
}
