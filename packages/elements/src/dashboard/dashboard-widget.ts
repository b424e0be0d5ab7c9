// A widget's figures: loaded through the SDK (a whole dashboard in one `crm.metrics.batch`), and kept per widget id by <crm-dashboard>.
import type { CrmChartSeries } from '../chart/chart-data.js';
import { loadAttainment, queryBatch, queryMetric, type Attainment, type DashboardWidget, type MetricBatchItem, type MetricBatchQuery, type MetricResult } from '../shared/api/dashboards.js';
import { readProblem } from '../shared/api/errors.js';
import type { CrmCallOptions, CrmDataClient } from '../shared/api/transport.js';
import { widgetSpan } from './dashboard-layout.js';

/** What a widget shows once loaded. */
export type WidgetFigures =
  | { kind: 'gauge'; value: number; target: number }
  | { kind: 'metric'; value: number }
  | { kind: 'chart'; series: CrmChartSeries[] };

/** A widget's figures, or why they are missing. */
export type WidgetData = { state: 'loading' } | { state: 'ready'; figures: WidgetFigures } | { state: 'error'; detail: string };

/** Metrics counted in money (the agency's currency); the others are counts. */
export const moneyMetrics: ReadonlySet<string> = new Set(['deals.won.amount', 'pipeline.weighted']);

/** What `widget` asks the API: a gauge's attainment (of the signed-in person for a personal gauge), else a series over its span. */
export function widgetQuery(widget: DashboardWidget, userId: string | undefined, now: Date): MetricBatchQuery {
  if (widget.kind === 'gauge') {
    // A personal gauge measures the signed-in person; any other, the whole (of what the caller may see).
    const subject = widget.dimension === 'owner' && userId ? ({ dimension: 'owner', key: userId } as const) : ({ dimension: 'all', key: 'all' } as const);
    // No period start: the API answers the current period on the agency's calendar.
    return { kind: 'attainment', metric: widget.metric, period: widget.period, ...subject };
  }
  return { kind: 'metric', metric: widget.metric, period: widget.period, dimension: widget.dimension, ...widgetSpan(widget, now) };
}

function gaugeFigures(widget: DashboardWidget, answer: Attainment): WidgetFigures {
  return { kind: 'gauge', value: answer.actual, target: widget.target === false ? 0 : (answer.target ?? 0) };
}

function seriesFigures(widget: DashboardWidget, answer: MetricResult): WidgetFigures {
  if (widget.kind === 'metric') {
    const value = answer.series.reduce((sum, one) => sum + one.points.reduce((s, p) => s + p.value, 0), 0);
    return { kind: 'metric', value };
  }
  return { kind: 'chart', series: answer.series };
}

/** Loads what `widget` shows, with a request of its own: a gauge's attainment, a figure's sum for the current period, a chart's series. */
export async function loadWidget(client: CrmDataClient, widget: DashboardWidget, userId: string | undefined, now: Date, options?: CrmCallOptions): Promise<WidgetFigures> {
  const query = widgetQuery(widget, userId, now);
  if (query.kind === 'attainment') {
    const { kind: _kind, ...params } = query;
    return gaugeFigures(widget, await loadAttainment(client, params, options));
  }
  const { kind: _kind, ...params } = query;
  return seriesFigures(widget, await queryMetric(client, params, options));
}

function figuresOf(widget: DashboardWidget, item: MetricBatchItem | undefined): WidgetData {
  if (item?.kind === 'attainment') return { state: 'ready', figures: gaugeFigures(widget, item.attainment) };
  if (item?.kind === 'metric') return { state: 'ready', figures: seriesFigures(widget, item.metric) };
  return { state: 'error', detail: item?.problem.detail ?? 'No answer' };
}

/**
 * Loads what `widgets` show in one request (`crm.metrics.batch`): each widget gets its figures, or the
 * error its own request would have had (a split the caller may not see); a failed request fails every
 * widget with its problem. A client without the batch route is asked widget by widget, `parallel` at once.
 */
export async function loadWidgets(client: CrmDataClient, widgets: DashboardWidget[], userId: string | undefined, now: Date, parallel: number): Promise<WidgetData[]> {
  let items: MetricBatchItem[] | undefined;
  try {
    items = await queryBatch(client, widgets.map((w) => widgetQuery(w, userId, now)));
  } catch (error) {
    const detail = readProblem(error).detail;
    return widgets.map(() => ({ state: 'error', detail }));
  }
  if (items) return widgets.map((w, i) => figuresOf(w, items[i]));
  const out = new Array<WidgetData>(widgets.length);
  let next = 0;
  const worker = async () => {
    while (next < widgets.length) {
      const i = next++;
      try {
        out[i] = { state: 'ready', figures: await loadWidget(client, widgets[i]!, userId, now) };
      } catch (error) {
        out[i] = { state: 'error', detail: readProblem(error).detail };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, widgets.length) }, worker));
  return out;
}
