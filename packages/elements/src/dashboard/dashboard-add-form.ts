// The "New widget" form of <crm-dashboard>'s edit mode: what to count, per which period, split how, shown how.
import { html, nothing, type TemplateResult } from 'lit';
import type { DashboardWidget } from '../shared/api/dashboards.js';

/** The metrics the roll-ups keep (the API's `metric` enum). */
export const metricChoices: ReadonlyArray<DashboardWidget['metric']> = [
  'deals.created',
  'deals.won',
  'deals.won.amount',
  'deals.lost',
  'pipeline.weighted',
  'leads.created',
  'activities.emails',
  'activities.calls',
  'activities.meetings',
  'tickets.opened',
  'tickets.resolved',
  'calls.answered',
  'calls.minutes',
  'leads.imported',
  'leads.contacted',
  'leads.converted',
  'tickets.sla_breached',
  'tickets.rated',
  'tickets.satisfied',
  'tickets.rating_points',
  'campaigns.sent',
  'campaigns.opened',
  'campaigns.clicked',
  'campaigns.bounced',
  'campaigns.replied',
  'campaigns.unsubscribed',
  'campaigns.signups',
  'campaigns.cost',
  'campaigns.revenue',
];

/** The splits a widget may ask for (the API's `dimension` enum). */
export const dimensionChoices: ReadonlyArray<DashboardWidget['dimension']> = ['all', 'owner', 'team', 'product', 'pipeline', 'stage', 'campaign', 'source', 'account', 'forecast', 'lostReason', 'channel'];

const periodChoices = ['day', 'week', 'month', 'quarter', 'year'] as const;
const kindChoices = ['gauge', 'metric', 'chart'] as const;
const chartChoices = ['line', 'bar', 'stacked', 'funnel', 'pie'] as const;

/** The strings the form needs, looked up by the element in its locale. */
export interface AddFormWords {
  msg: (key: string, fallback: string) => string;
}

/** A new widget from the form's fields, placed at the end (the element flows the layout on save). */
export function widgetFromForm(form: HTMLFormElement, taken: ReadonlySet<string>): DashboardWidget {
  const data = new FormData(form);
  const read = (name: string) => String(data.get(name) ?? '');
  const kind = read('kind') as DashboardWidget['kind'];
  let id = `w-${Date.now().toString(36)}`;
  for (let n = 2; taken.has(id); n++) id = `w-${Date.now().toString(36)}-${n}`;
  return {
    id,
    kind,
    title: read('title').trim(),
    metric: read('metric') as DashboardWidget['metric'],
    period: read('period') as DashboardWidget['period'],
    dimension: read('dimension') as DashboardWidget['dimension'],
    ...(kind === 'chart' ? { chart: read('chart') as NonNullable<DashboardWidget['chart']>, range: 'year' as const } : {}),
    ...(kind === 'gauge' ? { target: true } : {}),
    x: 0,
    y: 1000,
    w: kind === 'chart' ? 6 : 4,
    h: kind === 'chart' ? 4 : 3,
  };
}

function select(name: string, label: string, options: ReadonlyArray<readonly [string, string]>, onChange?: (value: string) => void): TemplateResult {
  return html`<label>${label}
    <select class="native" name=${name} @change=${onChange ? (e: Event) => onChange((e.target as HTMLSelectElement).value) : nothing}>
      ${options.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
    </select>
  </label>`;
}

/** The form; `kind` is the kind picked so far (the chart type shows only for charts). */
export function renderAddForm(words: AddFormWords, kind: string, onKind: (kind: string) => void, onSubmit: (event: SubmitEvent) => void): TemplateResult {
  const w = words.msg;
  return html`<form part="add-form" class="add-form" @submit=${onSubmit}>
    <h3>${w('dashboard.addHeading', 'New widget')}</h3>
    <label>${w('dashboard.widgetTitle', 'Title')} <input class="native" name="title" required maxlength="120" autocomplete="off" /></label>
    ${select('kind', w('dashboard.widgetKind', 'Shows as'), kindChoices.map((k) => [k, w(`dashboard.kind.${k}`, k)] as const), onKind)}
    ${select('metric', w('dashboard.widgetMetric', 'Metric'), metricChoices.map((m) => [m, w(`metric.${m}`, m)] as const))}
    ${select('period', w('dashboard.widgetPeriod', 'Period'), periodChoices.map((p) => [p, w(`dashboard.period.${p}`, p)] as const))}
    ${select('dimension', w('dashboard.widgetDimension', 'Broken down by'), dimensionChoices.map((d) => [d, w(`dimension.${d}`, d)] as const))}
    ${kind === 'chart' ? select('chart', w('dashboard.widgetChart', 'Chart type'), chartChoices.map((c) => [c, w(`chart.kind.${c}`, c)] as const)) : nothing}
    <button type="submit" class="primary">${w('dashboard.add', 'Add widget')}</button>
  </form>`;
}
