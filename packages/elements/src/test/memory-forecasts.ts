// Forecasts in memory, for the stories and the locale/layout tests of <crm-annual-forecast>: the real SDK
// resource over a `fetch` that answers its routes. Entering, the pillars of won deals and the roll-ups
// are tested on the API (and against it in annual-forecast.test.ts).
import { Forecasts, Transport, type AnnualForecast, type FetchLike, type Forecast, type ForecastPillarMonths } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
const pillars = ['new', 'accountManagement', 'upsell'] as const;
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });

/** An account manager's 2027: a plan for every month, deals won in the first three. */
export function createMemoryForecasts(options: { editable?: boolean; empty?: boolean } = {}) {
  const ownerId = hex(0x51);
  let entry: Forecast | undefined = options.empty
    ? undefined
    : {
        id: hex(0xf1), year: 2027, ownerId, accountId: null, updatedBy: ownerId, version: 1, createdAt: '2026-11-02T09:00:00.000Z', updatedAt: '2026-11-02T09:00:00.000Z',
        months: { new: Array(12).fill(1_000_000), accountManagement: Array(12).fill(500_000), upsell: Array(12).fill(250_000) },
      };
  const actual: ForecastPillarMonths = options.empty
    ? { new: Array(12).fill(0), accountManagement: Array(12).fill(0), upsell: Array(12).fill(0) }
    : { new: [1_200_000, 800_000, 950_050, ...Array(9).fill(0)], accountManagement: [450_000, 520_000, 500_000, ...Array(9).fill(0)], upsell: [0, 300_000, 125_000, ...Array(9).fill(0)] };
  const series = (plan: number[], done: number[]) => {
    const planTotal = plan.reduce((a, b) => a + b, 0);
    const actualTotal = done.reduce((a, b) => a + b, 0);
    return { plan, actual: done, planTotal, actualTotal, attainment: planTotal ? Math.round((actualTotal / planTotal) * 10_000) / 10_000 : null };
  };
  const annual = (year: number): AnnualForecast => {
    const plan = (p: (typeof pillars)[number]) => (entry && year === entry.year ? entry.months[p] : Array(12).fill(0));
    const done = (p: (typeof pillars)[number]) => (year === 2027 ? actual[p] : Array(12).fill(0));
    const sum = (pick: (p: (typeof pillars)[number]) => number[]) => Array.from({ length: 12 }, (_, m) => pillars.reduce((s, p) => s + pick(p)[m]!, 0));
    return {
      year, currency: 'EUR', scope: { kind: 'owner', id: ownerId }, entries: entry && year === entry.year ? 1 : 0, editable: options.editable ?? true,
      pillars: { new: series(plan('new'), done('new')), accountManagement: series(plan('accountManagement'), done('accountManagement')), upsell: series(plan('upsell'), done('upsell')) },
      total: series(sum(plan), sum(done)),
    };
  };
  const fetch: FetchLike = async (url, init) => {
    const { pathname, searchParams } = new URL(url, 'http://memory.invalid');
    if (pathname === '/v1/forecasts/annual') return json(annual(Number(searchParams.get('year'))));
    if (pathname === '/v1/forecasts' && (init?.method ?? 'GET') === 'GET') return json({ object: 'list', data: entry && Number(searchParams.get('year')) === entry.year ? [entry] : [], hasMore: false, nextCursor: null });
    if (pathname === '/v1/forecasts' && init?.method === 'PUT') {
      const body = JSON.parse(String(init.body)) as { year: number; months: ForecastPillarMonths };
      const errors = pillars.flatMap((p) => body.months[p].flatMap((v, m) => (Number.isInteger(v) && v >= 0 ? [] : [{ field: `months.${p}.${m}`, code: 'invalid', message: 'must not be negative' }])));
      if (errors.length) return json({ type: 'urn:crm:problem:validation_failed', title: 'The request is not valid', status: 400, code: 'validation_failed', detail: 'months is not valid', errors }, 400);
      entry = { ...(entry ?? { id: hex(0xf1), ownerId, accountId: null, createdAt: '2026-12-06T09:00:00.000Z', version: 0 }), year: body.year, months: body.months, updatedBy: ownerId, version: (entry?.version ?? 0) + 1, updatedAt: '2026-12-06T09:00:00.000Z' } as Forecast;
      return json(entry);
    }
    return json({ type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${pathname}` }, 404);
  };
  return { client: over(fetch), ownerId, year: 2027 };
}

function over(fetch: FetchLike): CrmDataClient {
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return { ...(createMemoryApi().client as CrmDataClient), forecasts: new Forecasts(transport) } as CrmDataClient;
}

/** A client whose every call waits forever, to show the loading state. */
export const pendingForecastsClient: CrmDataClient = over(() => new Promise<Response>(() => undefined));

/** A client whose every call fails as an unreachable API does. */
export const failingForecastsClient: CrmDataClient = over(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
