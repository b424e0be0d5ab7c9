// An in-memory double of the dashboard resources (`crm.dashboards`, `crm.metrics`, `crm.targets`) for
// the stories of <crm-dashboard>; figures are made up per metric and period. The dashboard's data flow
// is tested against the real API (dashboard.test.ts).
import type { MetricQueryParams } from '@crm/client-sdk';
import type { Attainment, Dashboard, DashboardWidget, MetricResult } from '../shared/api/dashboards.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';

const people = [
  ['000000000000000000000001', 'Ada Admin'],
  ['000000000000000000000002', 'Ben Seller'],
  ['000000000000000000000003', 'Cleo Caller'],
] as const;

/** The widgets of a sales person's dashboard, as the API seeds it for that role. */
export const salesWidgets: DashboardWidget[] = [
  { id: 'won-month', kind: 'gauge', title: 'Won this month', metric: 'deals.won.amount', period: 'month', dimension: 'owner', target: true, x: 0, y: 0, w: 4, h: 3 },
  { id: 'pipeline', kind: 'metric', title: 'Weighted pipeline this quarter', metric: 'pipeline.weighted', period: 'quarter', dimension: 'owner', x: 4, y: 0, w: 4, h: 3 },
  { id: 'leads-week', kind: 'gauge', title: 'Leads this week', metric: 'leads.created', period: 'week', dimension: 'owner', target: true, x: 8, y: 0, w: 4, h: 3 },
  { id: 'revenue', kind: 'chart', title: 'Revenue by sales person', metric: 'deals.won.amount', period: 'month', dimension: 'owner', chart: 'stacked', range: '3months', x: 0, y: 3, w: 6, h: 4 },
  { id: 'stages', kind: 'chart', title: 'Deals by stage', metric: 'deals.created', period: 'month', dimension: 'stage', chart: 'funnel', range: 'month', x: 6, y: 3, w: 6, h: 4 },
];

/** A sales head's forecast: open deals' weighted amounts by expected close month, stacked by forecast category. */
export const forecastWidgets: DashboardWidget[] = [
  { id: 'won-quarter', kind: 'gauge', title: 'Won this quarter', metric: 'deals.won.amount', period: 'quarter', dimension: 'all', target: true, x: 0, y: 0, w: 4, h: 3 },
  { id: 'forecast', kind: 'chart', title: 'Forecast by close month', metric: 'pipeline.weighted', period: 'month', dimension: 'forecast', chart: 'stacked', range: 'next3months', x: 4, y: 0, w: 8, h: 4 },
];

/** A client whose dashboard resources answer from memory (the rest is the in-memory API's). */
export function dashboardClient({ widgets = salesWidgets, editable = false, none = false } = {}): CrmDataClient {
  let dashboard: Dashboard = { id: 'd1', name: 'Sales person', widgets, editable, version: 1, role: editable ? null : 'SE', owner: null, createdAt: '2026-12-01T08:00:00.000Z', updatedAt: '2026-12-01T08:00:00.000Z' };
  const seed = (text: string) => [...text].reduce((sum, c) => sum + c.charCodeAt(0), 0);
  return {
    ...createMemoryApi().client,
    dashboards: {
      list: async () => ({ data: none ? [] : [dashboard] }),
      get: async () => dashboard,
      update: async (_id: string, body: { name: string; widgets: DashboardWidget[] }) => (dashboard = { ...dashboard, ...body, version: dashboard.version + 1 }),
      create: async (body: { name: string; widgets: DashboardWidget[] }) => (dashboard = { ...dashboard, ...body, id: 'd2', editable: true }),
    },
    metrics: {
      query: async (params: MetricQueryParams): Promise<MetricResult> => {
        const base = seed(params.metric);
        // The API's defaults: from the current period (or `since`'s) to today; a double keeps to months.
        const today = new Date().toISOString().slice(0, 10);
        const from = params.from ?? `${today.slice(0, 7)}-01`;
        const shape = { metric: params.metric, period: params.period, dimension: params.dimension ?? 'all', from, to: params.to ?? today };
        if (params.dimension === 'forecast') {
          const ahead = [0, 1, 2, 3].map((m) => {
            const d = new Date(`${from.slice(0, 7)}-01T00:00:00Z`);
            d.setUTCMonth(d.getUTCMonth() + m);
            return d.toISOString().slice(0, 10);
          });
          return { ...shape, series: ([['commit', 'Commit'], ['bestcase', 'Best case'], ['pipeline', 'Pipeline']] as const).map(([key, label], c) => ({ key, label, points: ahead.map((periodStart, m) => ({ periodStart, value: Math.round(base * (3 - c) * (4 - m) * 3) })) })) };
        }
        if (params.dimension === 'stage') {
          return { ...shape, series: ['Lead', 'Qualified', 'Proposal', 'Won'].map((label, i) => ({ key: label.toLowerCase(), label, points: [{ periodStart: from, value: Math.round(base / (i + 1)) }] })) };
        }
        const months = [0, 1, 2, 3].map((m) => {
          const d = new Date(`${from.slice(0, 7)}-01T00:00:00Z`);
          d.setUTCMonth(d.getUTCMonth() + m);
          return d.toISOString().slice(0, 10);
        });
        return { ...shape, series: people.map(([key, label], p) => ({ key, label, points: months.map((periodStart, m) => ({ periodStart, value: (base * (p + 2) * (m + 3)) % 9000 })) })) };
      },
    },
    targets: {
      attainment: async (params: { metric: string }): Promise<Attainment> => {
        const actual = seed(params.metric) * 7;
        const target = Math.round(actual * 1.6);
        return { periodStart: `${new Date().toISOString().slice(0, 7)}-01`, target, actual, attainment: actual / target, teamShare: 0.4 };
      },
    },
  } as unknown as CrmDataClient;
}
