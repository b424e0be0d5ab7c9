// The choices of <crm-report>'s builder and schedule forms, and the rows-to-chart mapping.
import type { CrmChartSeries } from '../chart/chart-data.js';
import type { Report, ReportDefinition, ReportResult } from '../shared/api/reports.js';

export type ReportKind = ReportDefinition['kind'];
export type ReportMeasure = ReportDefinition['measures'][number];

/** The measures of each record kind (the roll-up metrics counting that kind's records). */
export const measuresByKind: Record<ReportKind, ReportMeasure[]> = {
  opportunities: ['deals.won.amount', 'deals.won', 'deals.created', 'deals.lost', 'pipeline.weighted'],
  leads: ['leads.created'],
  activities: ['activities.calls', 'activities.emails', 'activities.meetings', 'calls.answered', 'calls.minutes'],
  tickets: ['tickets.opened', 'tickets.resolved'],
};
export const kinds = Object.keys(measuresByKind) as ReportKind[];
/** Splits any role may ask for (the others need a role that sees every record; the API answers 403 to the rest). */
export const dimensions: NonNullable<ReportDefinition['dimension']>[] = ['all', 'owner', 'team', 'product', 'stage', 'pipeline', 'source'];
export const periods: ReportDefinition['period'][] = ['day', 'week', 'month', 'quarter', 'year'];
export const ranges: NonNullable<ReportDefinition['range']>[] = ['week', 'month', 'quarter', 'year'];
export const frequencies = ['none', 'daily', 'weekly', 'monthly'] as const;
export const formats = ['xlsx', 'csv'] as const;

/** Money measures, written as currency. */
export const moneyMeasures: ReadonlySet<string> = new Set(['deals.won.amount', 'pipeline.weighted']);

/** The builder form's definition. */
export function definitionFromForm(form: HTMLFormElement): ReportDefinition {
  const data = new FormData(form);
  const read = (name: string) => String(data.get(name) ?? '');
  return {
    kind: read('kind') as ReportKind,
    measures: [read('measure') as ReportMeasure],
    dimension: read('dimension') as ReportDefinition['dimension'],
    period: read('period') as ReportDefinition['period'],
    range: read('range') as NonNullable<ReportDefinition['range']>,
  };
}

/** The first measure's figures as `<crm-chart>` series: one per dimension key, a point per period. */
export function chartSeries(result: ReportResult, measure = 0): CrmChartSeries[] {
  const byKey = new Map<string, { key: string; label: string; points: { periodStart: string; value: number }[] }>();
  for (const row of result.rows) {
    const series = byKey.get(row.key) ?? { key: row.key, label: row.label, points: [] };
    series.points.push({ periodStart: row.periodStart, value: row.values[measure] ?? 0 });
    byKey.set(row.key, series);
  }
  return [...byKey.values()];
}

/** Whether the caller's own schedule is on a report (the element schedules to the signed-in user). */
export function frequencyOf(report: Report | undefined): (typeof frequencies)[number] {
  return report?.schedule?.frequency ?? 'none';
}
