// An in-memory double of `crm.reports` for the stories of <crm-report>; rows are made up per measure.
// The report's data flow is tested against the real API (report.test.ts).
import type { Report, ReportCreateParams, ReportDefinition, ReportResult } from '../shared/api/reports.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';

const me = '000000000000000000000001';
const people = [
  [me, 'Ada Admin'],
  ['000000000000000000000002', 'Ben Seller'],
] as const;

const stamp = '2026-12-01T08:00:00.000Z';

/** Two saved reports: one of the demo user's own (scheduled weekly) and one shared with them. */
export const savedReports: Report[] = [
  { id: 'r1', name: 'Won by sales person', kind: 'opportunities', measures: ['deals.won.amount', 'deals.won'], dimension: 'owner', period: 'month', range: 'quarter', from: null, to: null, key: null, sharedWith: { roles: [], teams: [] }, schedule: { frequency: 'weekly', recipients: [me], format: 'xlsx' }, owner: me, editable: true, version: 1, createdAt: stamp, updatedAt: stamp },
  { id: 'r2', name: 'Tickets this year', kind: 'tickets', measures: ['tickets.opened', 'tickets.resolved'], dimension: 'all', period: 'quarter', range: 'year', from: null, to: null, key: null, sharedWith: { roles: ['SE'], teams: [] }, schedule: null, owner: '000000000000000000000009', editable: false, version: 3, createdAt: stamp, updatedAt: stamp },
];

function rowsOf(definition: Pick<ReportDefinition, 'kind' | 'measures' | 'dimension' | 'period'>, name: string | null): ReportResult {
  const starts = ['2026-10-01', '2026-11-01', '2026-12-01'];
  const keys = definition.dimension === 'all' ? [['all', 'All'] as const] : people;
  const rows = starts.flatMap((periodStart, p) => keys.map(([key, label], k) => ({ periodStart, key, label, values: definition.measures.map((m, i) => (m.endsWith('amount') ? 4200 * (p + 1) * (k + 1) : 3 * (p + 2) + k + i)) })));
  return { name, ...definition, dimension: definition.dimension ?? 'all', from: '2026-10-01', to: '2026-12-06', source: 'rollups', rows };
}

/** A client whose `crm.reports` answers from memory (the rest is the in-memory API's); `empty` has no saved reports. */
export function reportClient({ reports = savedReports, noRows = false } = {}): CrmDataClient {
  let stored = [...reports];
  const base = createMemoryApi().client;
  return {
    ...base,
    reports: {
      list: async () => ({ data: stored }),
      get: async (id: string) => stored.find((r) => r.id === id)!,
      result: async (id: string) => {
        const report = stored.find((r) => r.id === id)!;
        return noRows ? { ...rowsOf(report, report.name), rows: [] } : rowsOf(report, report.name);
      },
      run: async (definition: ReportDefinition) => rowsOf(definition, null),
      create: async (params: ReportCreateParams) => {
        const report = { ...savedReports[0]!, ...params, id: `r${stored.length + 1}`, range: params.range ?? null, from: null, to: null, key: null, schedule: null, sharedWith: { roles: [], teams: [] }, version: 1 } as Report;
        stored = [...stored, report];
        return report;
      },
      update: async (id: string, params: Partial<Report>) => {
        stored = stored.map((r) => (r.id === id ? ({ ...r, ...params, version: r.version + 1 } as Report) : r));
        return stored.find((r) => r.id === id)!;
      },
      export: async () => new Blob(['Period starting,Owner\r\n'], { type: 'text/csv' }),
    },
  } as unknown as CrmDataClient;
}
