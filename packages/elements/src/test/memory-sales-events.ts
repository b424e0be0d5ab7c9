// Sales events in memory, for the stories of <crm-event-admin>: the real SDK resource over a `fetch` that
// answers its routes. Seats, leads and check-in rules are tested on the API.
import { SalesEvents, Transport, type FetchLike, type SalesEvent, type SalesEventRegistration } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');

function event(n: number, name: string, registered: number, checkedIn: number): SalesEvent {
  return {
    id: hex(0x5000 + n), name, description: '', level: 3, status: 'open', startsAt: '2027-03-01T08:00:00.000Z', endsAt: '2027-03-02T17:00:00.000Z', timezone: 'Europe/Berlin',
    venue: { name: 'Estrel', address: null, city: 'Berlin', country: 'DE' }, capacity: 120, seatsLeft: 120 - registered, registeredCount: registered, checkedInCount: checkedIn, currency: 'EUR',
    campaignId: null, productId: null, sessions: [], costs: [{ label: 'Venue', amount: 8000 }], costTotal: 8000, revenueTotal: registered * 900, roi: null, version: 1, createdAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-01T00:00:00.000Z',
  };
}
const registration = (n: number, first: string, last: string, role: SalesEventRegistration['role'], checkedIn: boolean): SalesEventRegistration => ({
  id: hex(0x6000 + n), eventId: hex(0x5001), role, email: `${first.toLowerCase()}@example.com`, firstName: first, lastName: last, companyName: null, leadId: hex(0x7000 + n), contactId: null,
  seat: n, fee: 900, sponsorPackage: null, status: 'registered', checkedInAt: checkedIn ? '2027-03-01T07:45:00.000Z' : null, cancelledAt: null, createdAt: '2026-11-02T00:00:00.000Z',
});

/** Two events; the first with a delegate checked in, a speaker and a sponsor waiting at the door. */
export function createMemorySalesEvents(options: { empty?: boolean } = {}) {
  let events: SalesEvent[] = options.empty ? [] : [event(1, 'Pharma Summit Q1', 3, 1), event(2, 'Retail Forum Q2', 0, 0)];
  let registrations: SalesEventRegistration[] = options.empty ? [] : [registration(1, 'Kim', 'Lee', 'delegate', true), registration(2, 'Ravi', 'Shah', 'speaker', false), registration(3, 'Mia', 'Novak', 'sponsor', false)];
  let serial = 20;
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const list = <T>(data: T[]) => ({ object: 'list' as const, data, hasMore: false, nextCursor: null });
  const fetch: FetchLike = async (url, init) => {
    const { pathname } = new URL(url, 'http://memory.invalid');
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    let m: RegExpMatchArray | null;
    if (method === 'GET' && pathname === '/v1/sales-events') return json(list(events));
    if (method === 'POST' && pathname === '/v1/sales-events') {
      const created = { ...event(serial++, String(body.name), 0, 0), capacity: Number(body.capacity), seatsLeft: Number(body.capacity), level: Number(body.level) };
      events = [created, ...events];
      return json(created, 201);
    }
    if (method === 'GET' && (m = pathname.match(/^\/v1\/sales-events\/([a-f0-9]+)$/))) return json(events.find((e) => e.id === m![1]));
    if (method === 'GET' && (m = pathname.match(/^\/v1\/sales-events\/([a-f0-9]+)\/registrations$/))) return json(list(registrations.filter((r) => r.eventId === m![1])));
    if (method === 'POST' && (m = pathname.match(/^\/v1\/sales-events\/([a-f0-9]+)\/registrations$/))) {
      const created = { ...registration(serial++, String(body.firstName), String(body.lastName), body.role as SalesEventRegistration['role'], false), eventId: m[1]!, email: String(body.email) };
      registrations = [...registrations, created];
      events = events.map((e) => (e.id === m![1] ? { ...e, registeredCount: e.registeredCount + 1, seatsLeft: e.seatsLeft - 1 } : e));
      return json(created, 201);
    }
    if (method === 'POST' && (m = pathname.match(/^\/v1\/sales-events\/([a-f0-9]+)\/registrations\/([a-f0-9]+)\/check-in$/))) {
      const done = { ...registrations.find((r) => r.id === m![2])!, checkedInAt: new Date().toISOString() };
      registrations = registrations.map((r) => (r.id === done.id ? done : r));
      events = events.map((e) => (e.id === m![1] ? { ...e, checkedInCount: e.checkedInCount + 1 } : e));
      return json({ checkedIn: true, registration: done });
    }
    return new Response(JSON.stringify({ type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${method} ${pathname}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
  };
  return { client: over(fetch) };
}

function over(fetch: FetchLike): CrmDataClient {
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return { ...(createMemoryApi().client as CrmDataClient), salesEvents: new SalesEvents(transport) } as CrmDataClient;
}

/** A client whose every call waits forever, to show the loading state. */
export const pendingSalesEventsClient: CrmDataClient = over(() => new Promise<Response>(() => undefined));

/** A client whose every call fails as an unreachable API does. */
export const failingSalesEventsClient: CrmDataClient = over(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
