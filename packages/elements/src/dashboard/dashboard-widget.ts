// A widget's figures: loaded through the SDK for its kind, and kept per widget id by <crm-dashboard>.
import type { CrmChartSeries } from '../chart/chart-data.js';
import { loadAttainment, queryMetric, type DashboardWidget } from '../shared/api/dashboards.js';
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

/** Loads what `widget` shows: a gauge's attainment, a figure's sum for the current period, a chart's series. */
export async function loadWidget(client: CrmDataClient, widget: DashboardWidget, userId: string | undefined, now: Date, options?: CrmCallOptions): Promise<WidgetFigures> {
  if (widget.kind === 'gauge') {
    // A personal gauge measures the signed-in person; any other, the whole (of what the caller may see).
    const subject = widget.dimension === 'owner' && userId ? ({ dimension: 'owner', key: userId } as const) : ({ dimension: 'all', key: 'all' } as const);
    // No period start: the API answers the current period on the agency's calendar.
    const answer = await loadAttainment(client, { metric: widget.metric, period: widget.period, ...subject }, options);
    return { kind: 'gauge', value: answer.actual, target: widget.target === false ? 0 : (answer.target ?? 0) };
  }
  const span = widgetSpan(widget, now);
  const answer = await queryMetric(client, { metric: widget.metric, period: widget.period, dimension: widget.dimension, ...span }, options);
  if (widget.kind === 'metric') {
    const value = answer.series.reduce((sum, one) => sum + one.points.reduce((s, p) => s + p.value, 0), 0);
    return { kind: 'metric', value };
  }
  return { kind: 'chart', series: answer.series };
}
