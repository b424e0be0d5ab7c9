// Account health in memory, for the stories of <crm-account-health>: the real SDK resource over a `fetch`
// that answers its history route. The weekly job's rules (drops, late payments) are tested on the API.
import { AccountHealth, Transport, type AccountSnapshot, type FetchLike } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
/** The Monday `n` weeks before the Monday of 2026-11-30. */
const monday = (n: number) => new Date(Date.UTC(2026, 10, 30) - n * 7 * 86_400_000).toISOString().slice(0, 10);

/** Twelve weeks of a busy account that went quiet in the last one and has two invoices past due. */
export function createMemoryAccountHealth(options: { empty?: boolean; calm?: boolean } = {}) {
  const activity = [9, 11, 8, 10, 12, 9, 10, 11, 9, 10, 11, options.calm ? 10 : 1];
  const snapshots: AccountSnapshot[] = options.empty
    ? []
    : activity
        .map((activities, i): AccountSnapshot => {
          const last = i === activity.length - 1 && !options.calm;
          return {
            id: hex(0x9000 + i), accountId: hex(0x42), week: monday(activity.length - 1 - i), activities, orders: i % 3 === 0 ? 2 : 1, tickets: i % 4 === 1 ? 1 : 0,
            trailingActivities: i === 0 ? null : 10, trailingWeeks: Math.min(4, i), lateInvoices: last ? 2 : 0, lateAmount: last ? 4350.5 : 0,
            flags: last ? ['activity_drop', 'late_payment'] : [], accountManagerId: last ? hex(1) : null, createdAt: '2026-12-07T03:00:00.000Z',
          };
        })
        .reverse();
  const fetch: FetchLike = async (url) => {
    const { pathname, searchParams } = new URL(url, 'http://memory.invalid');
    if (/^\/v1\/customers\/[a-f0-9]{24}\/health$/.test(pathname)) {
      const limit = Number(searchParams.get('limit') ?? 12);
      return new Response(JSON.stringify({ object: 'list', data: snapshots.slice(0, limit), hasMore: snapshots.length > limit, nextCursor: null }), { headers: { 'content-type': 'application/json' } });
    }
    return new Response(JSON.stringify({ type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${pathname}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
  };
  return { client: over(fetch), accountId: hex(0x42) };
}

function over(fetch: FetchLike): CrmDataClient {
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return { ...(createMemoryApi().client as CrmDataClient), accountHealth: new AccountHealth(transport) } as CrmDataClient;
}

/** A client whose every call waits forever, to show the loading state. */
export const pendingAccountHealthClient: CrmDataClient = over(() => new Promise<Response>(() => undefined));

/** A client whose every call fails as an unreachable API does. */
export const failingAccountHealthClient: CrmDataClient = over(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
