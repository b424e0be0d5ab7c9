import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { dimensions, metricNames, periods } from './metrics.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD').openapi({ example: '2026-01-01' });
const metric = z.enum(metricNames).openapi({ description: 'What is counted; see docs/dashboards.md for each metric' });
const period = z.enum(periods).openapi({ description: 'The bucket: a day, an ISO week (from Monday), a month, a quarter or a year, turning at midnight in the agency’s time zone (its settings)' });
const dimension = z.enum(dimensions).openapi({ description: '`all` is the agency total; the others split it by owner, team, product, pipeline, stage, campaign, lead source or account; `forecast` splits `pipeline.weighted` by forecast category (`commit` from 90 % probability, `bestcase` from 50 %, else `pipeline`); `lostReason` splits `deals.lost` by the reason given; `channel` splits `leads.contacted` (email, phone, linkedin, other) and the campaigns’ email figures (ours, mailwizz)' });
/** A dimension key: an id, a stage key or a lead source; never an operator. */
const dimensionKey = z.string().trim().min(1).max(120).regex(/^[^$.]/, 'must not start with $ or .');

export const metricQuery = z
  .object({
    metric,
    period,
    from: isoDate.optional().openapi({ description: 'First day asked for (the bucket holding it is included); left out, the start of the current period of `since` (else of `period`) in the agency’s time zone' }),
    to: isoDate.optional().openapi({ description: 'Last day asked for; left out, today in the agency’s time zone' }),
    since: period.optional().openapi({ description: 'Without `from`: start at the current period of this kind (e.g. `quarter` for weekly points since the quarter began)' }),
    dimension: dimension.default('all'),
    key: dimensionKey.optional().openapi({ description: 'Only this key of the dimension (e.g. one owner id)' }),
  })
  .openapi('MetricQuery');

const pointSchema = z.object({ periodStart: isoDate, value: z.number() }).openapi('MetricPoint');
const seriesSchema = z
  .object({
    key: z.string().openapi({ description: 'The dimension key (`all` for the total)' }),
    label: z.string().openapi({ description: 'A name for people: the owner’s, team’s, product’s, pipeline’s or stage’s name, else the key' }),
    points: z.array(pointSchema).openapi({ description: 'One point per bucket from `from` to `to`, zero where nothing was counted' }),
  })
  .openapi('MetricSeries');

export const metricResult = z
  .object({
    metric,
    period,
    dimension,
    from: isoDate.openapi({ description: 'The first day answered' }),
    to: isoDate.openapi({ description: 'The last day answered' }),
    series: z.array(seriesSchema).openapi({ description: 'At most 50 series, largest total first' }),
  })
  .openapi('MetricResult');

export const targetDimensions = ['owner', 'team', 'product', 'all'] as const;
const targetFields = {
  metric,
  period,
  periodStart: isoDate.openapi({ description: 'The first day of the period (a Monday for a week, the 1st for a month or quarter, 1 January for a year)' }),
  dimension: z.enum(targetDimensions),
  key: dimensionKey.openapi({ description: 'The user, team or product id; `all` for the agency' }),
  value: z.number().min(0).max(1e12),
};

export const createTargetBody = z.object(targetFields).openapi('CreateTarget');
export const updateTargetBody = z.object({ value: targetFields.value }).openapi('UpdateTarget');
export const targetSchema = z
  .object({ id: z.string(), ...targetFields, setBy: z.string().nullable(), version: z.number().int(), createdAt: z.string(), updatedAt: z.string() })
  .openapi('Target');

export const targetListQuery = z
  .object({
    metric: metric.optional(),
    period: period.optional(),
    periodStart: isoDate.optional(),
    dimension: z.enum(targetDimensions).optional(),
    key: dimensionKey.optional(),
  })
  .openapi('TargetListQuery');

export const attainmentQuery = z
  .object({ metric, period, periodStart: isoDate.optional().openapi({ description: 'The first day of the period; left out, the current period in the agency’s time zone' }), dimension: z.enum(targetDimensions).default('all'), key: dimensionKey.default('all') })
  .openapi('AttainmentQuery');

export const attainmentSchema = z
  .object({
    periodStart: isoDate.openapi({ description: 'The first day of the period answered (the current one when none was asked for)' }),
    target: z.number().nullable().openapi({ description: 'The target set for this subject and period, or null when none is' }),
    actual: z.number(),
    attainment: z.number().nullable().openapi({ description: 'actual ÷ target (0.5 is half way, above 1 is over target); null without a target' }),
    teamShare: z.number().nullable().openapi({ description: 'For an owner: their actual ÷ their team’s (the first team they belong to); null when there is none' }),
  })
  .openapi('Attainment');

/** At most this many queries in one `POST /v1/metrics/batch`. */
export const MAX_BATCH_QUERIES = 50;

const batchQuery = z
  .discriminatedUnion('kind', [
    metricQuery.extend({ kind: z.literal('metric').openapi({ description: 'A series, as `GET /v1/metrics` answers it' }) }).openapi('MetricBatchSeriesQuery'),
    attainmentQuery.extend({ kind: z.literal('attainment').openapi({ description: 'An attainment, as `GET /v1/targets/attainment` answers it' }) }).openapi('MetricBatchAttainmentQuery'),
  ])
  .openapi('MetricBatchQuery');

export const metricBatchBody = z
  .object({ queries: z.array(batchQuery).min(1).max(MAX_BATCH_QUERIES).openapi({ description: `1 to ${MAX_BATCH_QUERIES} queries, answered in order` }) })
  .openapi('MetricBatch');

const batchProblem = z
  .object({
    status: z.number().int().openapi({ description: 'The status the single request would have answered (403, 404)' }),
    code: z.string(),
    detail: z.string(),
  })
  .openapi('MetricBatchProblem');

export const metricBatchResult = z
  .object({
    results: z
      .array(
        z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('metric'), metric: metricResult }).openapi('MetricBatchSeries'),
          z.object({ kind: z.literal('attainment'), attainment: attainmentSchema }).openapi('MetricBatchAttainment'),
          z.object({ kind: z.literal('problem'), problem: batchProblem }).openapi('MetricBatchFailure'),
        ]),
      )
      .openapi({ description: 'One per query, in the order asked' }),
  })
  .openapi('MetricBatchResult');

export const widgetKinds = ['gauge', 'chart', 'metric'] as const;
export const chartKinds = ['line', 'bar', 'stacked', 'funnel', 'pie'] as const;
export const widgetRanges = ['week', 'month', 'quarter', '3months', 'year', 'next3months', 'next12months'] as const;

const widgetSchema = z
  .object({
    id: z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, - or _'),
    kind: z.enum(widgetKinds),
    title: z.string().trim().min(1).max(120),
    metric,
    period,
    dimension,
    chart: z.enum(chartKinds).optional().openapi({ description: 'For `kind: chart`' }),
    range: z.enum(widgetRanges).optional().openapi({ description: 'How far the widget looks: back, ending today; or (`next3months`, `next12months`) ahead, from the current period (a forecast by expected close month)' }),
    target: z.boolean().optional().openapi({ description: 'Show the target and attainment (gauges)' }),
    x: z.number().int().min(0).max(11),
    y: z.number().int().min(0).max(1000),
    w: z.number().int().min(1).max(12),
    h: z.number().int().min(1).max(12),
  })
  .openapi('DashboardWidget');

const dashboardFields = {
  name: z.string().trim().min(1).max(120),
  widgets: z.array(widgetSchema).max(40),
};

export const createDashboardBody = z
  .object({ ...dashboardFields, role: z.string().trim().min(1).max(40).optional().openapi({ description: 'A role key: makes this the role’s default dashboard (admins only)' }) })
  .openapi('CreateDashboard');
export const updateDashboardBody = z.object(dashboardFields).openapi('UpdateDashboard');

export const dashboardSchema = z
  .object({
    id: z.string(),
    ...dashboardFields,
    role: z.string().nullable().openapi({ description: 'The role key this is the default dashboard of; null for a personal one' }),
    owner: z.string().nullable().openapi({ description: 'The user a personal dashboard belongs to' }),
    editable: z.boolean().openapi({ description: 'Whether the caller may change or delete it' }),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Dashboard');

export const targetParams = z.object({ id: objectId });
export const rebuildResult = z.object({ status: z.literal('scheduled') }).openapi('RollupRebuild');
