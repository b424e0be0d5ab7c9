// A week of calendar occurrences in memory, for <crm-calendar>'s stories: `crm.calendar` of the real SDK
// over a `fetch` that answers its range route (typed by the operation, so it cannot drift from the API).
import { Calendar, Transport, type CalendarOccurrence, type FetchLike } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');

function at(dayOffset: number, hour: number, minute = 0): string {
  const d = new Date();
  d.setDate(d.getDate() + dayOffset);
  d.setHours(hour, minute, 0, 0);
  return d.toISOString();
}

function occurrence(n: number, kind: string, title: string, day: number, hour: number, hours: number, source: 'entry' | 'task' = 'entry'): CalendarOccurrence {
  const startAt = at(day, hour);
  return { key: `${source}:${hex(n)}:${startAt}`, source, id: hex(0x9000 + n), kind, title, location: null, startAt, endAt: new Date(Date.parse(startAt) + hours * 3_600_000).toISOString(), allDay: false, timeZone: 'Europe/Berlin', ownerId: hex(1), assigneeId: source === 'task' ? hex(1) : null, teamId: null, recurring: false, status: source === 'task' ? 'new' : null };
}

/** A planned week: meetings, a call, follow-ups and a conference; `empty` has none. */
export function createMemoryCalendar(options: { empty?: boolean } = {}) {
  const all: CalendarOccurrence[] = options.empty
    ? []
    : [
        occurrence(1, 'meeting', 'Kick-off Globex', 0, 9, 1),
        occurrence(2, 'call', 'Call Rita Lobo', 0, 14, 0.5),
        occurrence(3, 'followUp', 'Send the brochure', 1, 10, 0.5, 'task'),
        occurrence(4, 'meeting', 'Weekly sales', 2, 8, 1),
        occurrence(5, 'conference', 'Translation Summit', 3, 9, 8),
        occurrence(6, 'followUp', 'Check the offer', 3, 16, 0.5, 'task'),
        occurrence(7, 'meeting', 'Quarterly review', 8, 11, 2),
      ];
  const routes: Array<[string, RegExp, Handler]> = [
    route('GET', /^\/v1\/calendar$/, 'listCalendarOccurrences', (_m, q) => ({ data: all.filter((o) => o.startAt < q.to! && o.endAt > q.from!) })),
  ];
  const fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url, 'http://memory.invalid');
    const method = init.method ?? 'GET';
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? parsed.pathname.match(pattern) : null;
      if (match) return new Response(JSON.stringify(await handler(match, Object.fromEntries(parsed.searchParams), {}, {})), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    return new Response(JSON.stringify({ type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${method} ${parsed.pathname}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
  };
  return { client: over(fetch) };
}

function over(fetch: FetchLike): CrmDataClient {
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return { ...(createMemoryApi().client as CrmDataClient), calendar: new Calendar(transport) } as CrmDataClient;
}

/** A calendar client whose every call waits forever, to show the loading state. */
export const pendingCalendarClient: CrmDataClient = over(() => new Promise<Response>(() => undefined));

/** A calendar client whose every call fails as an unreachable API does. */
export const failingCalendarClient: CrmDataClient = over(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
