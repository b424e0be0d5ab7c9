// A week of calendar entries and tasks in memory, for <crm-calendar>'s stories: `crm.calendar` of the real
// SDK over a `fetch` that answers its range and entry routes (typed by the operation, so it cannot drift from
// the API). Weekly series expand here as the API's rule would give them, with overrides and cancellations.
import { Calendar, Transport, type CalendarEntry, type CalendarOccurrence, type FetchLike } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi, MemoryApiError } from './memory-api.js';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
const WEEK = 7 * 86_400_000;

function at(dayOffset: number, hour: number, minute = 0): string {
  const d = new Date();
  d.setDate(d.getDate() + dayOffset);
  d.setHours(hour, minute, 0, 0);
  return d.toISOString();
}

function entry(n: number, kind: CalendarEntry['kind'], title: string, day: number, hour: number, hours: number, recurrence: string | null = null): CalendarEntry {
  const startAt = at(day, hour);
  const now = new Date().toISOString();
  return {
    id: hex(0x9000 + n), kind, title, description: null, location: null, startAt, endAt: new Date(Date.parse(startAt) + hours * 3_600_000).toISOString(), allDay: false, timeZone: 'Europe/Berlin',
    recurrence, exceptions: [], overrides: [], ownerId: hex(1), teamId: null, attendees: [], reminderMinutes: null, version: 1, createdAt: now, updatedAt: now,
  };
}

function task(n: number, title: string, day: number, hour: number): CalendarOccurrence {
  const startAt = at(day, hour);
  return { key: `task:${hex(n)}:${startAt}`, source: 'task', id: hex(0x9000 + n), kind: 'followUp', title, location: null, startAt, endAt: new Date(Date.parse(startAt) + 1_800_000).toISOString(), allDay: false, timeZone: 'Europe/Berlin', ownerId: hex(1), assigneeId: hex(1), teamId: null, recurring: false, recurrenceId: null, status: 'new' };
}

/** The starts a series' rule gives; the double knows `FREQ=WEEKLY` (and `DAILY`) with an optional `COUNT`. */
function starts(e: CalendarEntry, to: number): number[] {
  const first = Date.parse(e.startAt);
  if (!e.recurrence) return [first];
  const step = /FREQ=DAILY/.test(e.recurrence) ? WEEK / 7 : WEEK;
  const count = Number(/COUNT=(\d+)/.exec(e.recurrence)?.[1] ?? 520);
  const out: number[] = [];
  for (let i = 0, s = first; i < count && s < to; i++, s += step) out.push(s);
  return out;
}

function occurrencesOf(e: CalendarEntry, from: number, to: number): CalendarOccurrence[] {
  const length = Date.parse(e.endAt) - Date.parse(e.startAt);
  const cancelled = new Set(e.exceptions.map(Date.parse));
  return starts(e, to)
    .filter((s) => !cancelled.has(s))
    .map((s) => {
      const recurrenceId = new Date(s).toISOString();
      const o = e.overrides.find((x) => Date.parse(x.recurrenceId) === s);
      const startAt = o?.startAt ?? recurrenceId;
      return {
        key: `entry:${e.id}:${recurrenceId}`, source: 'entry' as const, id: e.id, kind: e.kind, title: o?.title ?? e.title, location: o ? o.location : e.location, startAt, endAt: o?.endAt ?? new Date(s + length).toISOString(),
        allDay: e.allDay, timeZone: e.timeZone, ownerId: e.ownerId, assigneeId: null, teamId: e.teamId, recurring: Boolean(e.recurrence), recurrenceId: e.recurrence ? recurrenceId : null, status: null,
      };
    })
    .filter((o) => Date.parse(o.startAt) < to && Date.parse(o.endAt) > from);
}

/** A planned week: meetings, a weekly series, a call, follow-ups and a conference; `empty` has none. */
export function createMemoryCalendar(options: { empty?: boolean } = {}) {
  let entries: CalendarEntry[] = options.empty
    ? []
    : [
        entry(1, 'meeting', 'Kick-off Globex', 0, 9, 1),
        entry(2, 'call', 'Call Rita Lobo', 0, 14, 0.5),
        entry(4, 'meeting', 'Weekly sales', 2, 8, 1, 'FREQ=WEEKLY;COUNT=8'),
        entry(5, 'conference', 'Translation Summit', 3, 9, 8),
        entry(7, 'meeting', 'Quarterly review', 8, 11, 2),
      ];
  const tasks: CalendarOccurrence[] = options.empty ? [] : [task(3, 'Send the brochure', 1, 10), task(6, 'Check the offer', 3, 16)];
  let next = 100;
  const byId = (id: string) => entries.find((e) => e.id === id) ?? (() => { throw new MemoryApiError(404, 'not_found', 'No such calendar entry'); })();
  const put = (changed: CalendarEntry) => {
    entries = entries.map((e) => (e.id === changed.id ? changed : e));
    return changed;
  };
  /** The entry at the version `If-Match` names, or the conflict the API answers. */
  const guarded = (id: string, headers: Record<string, string>) => {
    const found = byId(id);
    const expected = headers['if-match']?.replace(/\D/g, '');
    if (expected && Number(expected) !== found.version) throw new MemoryApiError(409, 'version_conflict', `The entry is at version ${found.version}; reload and try again`, { current: found });
    return found;
  };
  const bump = (e: CalendarEntry, patch: Partial<CalendarEntry>): CalendarEntry => put({ ...e, ...patch, version: e.version + 1, updatedAt: new Date().toISOString() });
  const checkTimes = (startAt: string, endAt: string) => {
    if (Date.parse(endAt) <= Date.parse(startAt)) throw new MemoryApiError(400, 'validation_failed', 'The request is not valid', { errors: [{ field: 'endAt', code: 'custom', message: 'must be after startAt' }] });
  };

  const routes: Array<[string, RegExp, Handler]> = [
    route('GET', /^\/v1\/calendar$/, 'listCalendarOccurrences', (_m, q) => {
      const from = Date.parse(q.from!);
      const to = Date.parse(q.to!);
      const all = [...entries.flatMap((e) => occurrencesOf(e, from, to)), ...tasks.filter((t) => Date.parse(t.startAt) < to && Date.parse(t.endAt) > from)];
      return { data: all.sort((a, b) => a.startAt.localeCompare(b.startAt)) };
    }),
    route('POST', /^\/v1\/calendar\/entries$/, 'createCalendarEntry', (_m, _q, body) => {
      const created = { ...entry(next++, 'meeting', '', 0, 9, 1), ...body, attendees: ((body.attendees as Array<{ email: string; name?: string | null }> | undefined) ?? []).map((a) => ({ email: a.email, name: a.name ?? null, userId: null, reply: 'needsAction' as const, repliedAt: null })) } as CalendarEntry;
      if (!created.title.trim()) throw new MemoryApiError(400, 'validation_failed', 'The request is not valid', { errors: [{ field: 'title', code: 'too_small', message: 'must not be empty' }] });
      checkTimes(created.startAt, created.endAt);
      entries = [...entries, created];
      return created;
    }),
    route('GET', /^\/v1\/calendar\/entries\/(\w+)$/, 'getCalendarEntry', (m) => byId(m[1]!)),
    route('PATCH', /^\/v1\/calendar\/entries\/(\w+)$/, 'updateCalendarEntry', (m, _q, body, headers) => {
      const found = guarded(m[1]!, headers);
      const moved = ('startAt' in body && body.startAt !== found.startAt) || 'recurrence' in body;
      const changed = { ...found, ...body } as CalendarEntry;
      checkTimes(changed.startAt, changed.endAt);
      return bump(found, { ...(body as Partial<CalendarEntry>), ...(moved ? { exceptions: [], overrides: [] } : {}), attendees: body.attendees ? (body.attendees as Array<{ email: string; name?: string | null }>).map((a) => ({ email: a.email, name: a.name ?? null, userId: null, reply: 'needsAction' as const, repliedAt: null })) : found.attendees });
    }),
    ['DELETE', /^\/v1\/calendar\/entries\/(\w+)$/, (m) => {
      byId(m[1]!);
      entries = entries.filter((e) => e.id !== m[1]);
    }],
    route('PATCH', /^\/v1\/calendar\/entries\/(\w+)\/occurrences\/([^/]+)$/, 'updateCalendarOccurrence', (m, _q, body, headers) => {
      const found = guarded(m[1]!, headers);
      const recurrenceId = new Date(decodeURIComponent(m[2]!)).toISOString();
      if (!starts(found, Infinity).includes(Date.parse(recurrenceId))) throw new MemoryApiError(400, 'validation_failed', 'The request is not valid', { errors: [{ field: 'occurrenceStart', code: 'custom', message: 'is not an occurrence of this series' }] });
      const length = Date.parse(found.endAt) - Date.parse(found.startAt);
      const before = found.overrides.find((o) => o.recurrenceId === recurrenceId) ?? { recurrenceId, title: found.title, description: found.description, location: found.location, startAt: recurrenceId, endAt: new Date(Date.parse(recurrenceId) + length).toISOString() };
      const after = { ...before, ...(body as Partial<typeof before>) };
      checkTimes(after.startAt, after.endAt);
      return bump(found, { overrides: [...found.overrides.filter((o) => o.recurrenceId !== recurrenceId), after] });
    }),
    ['DELETE', /^\/v1\/calendar\/entries\/(\w+)\/occurrences\/([^/]+)$/, (m) => {
      const found = byId(m[1]!);
      const recurrenceId = new Date(decodeURIComponent(m[2]!)).toISOString();
      bump(found, { exceptions: [...found.exceptions, recurrenceId], overrides: found.overrides.filter((o) => o.recurrenceId !== recurrenceId) });
    }],
  ];
  const json = (status: number, body: unknown, type = 'application/json') => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': type } });
  const fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url, 'http://memory.invalid');
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    const headers = Object.fromEntries(new Headers(init.headers as HeadersInit | undefined).entries());
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? parsed.pathname.match(pattern) : null;
      if (!match) continue;
      try {
        const answer = await handler(match, Object.fromEntries(parsed.searchParams), body, headers);
        return answer === undefined ? new Response(null, { status: 204 }) : json(method === 'POST' ? 201 : 200, answer);
      } catch (error) {
        if (!(error instanceof MemoryApiError)) throw error;
        return json(error.status, { type: `urn:crm:problem:${error.code}`, title: error.code, status: error.status, code: error.code, detail: error.detail, ...error.extra }, 'application/problem+json');
      }
    }
    return json(404, { type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${method} ${parsed.pathname}` }, 'application/problem+json');
  };
  /** Changes an entry behind the calendar's back, as another user would: its next save conflicts. */
  const touch = (title: string) => {
    const found = entries.find((e) => e.title === title);
    if (found) bump(found, {});
  };
  return { client: over(fetch), touch };
}

function over(fetch: FetchLike): CrmDataClient {
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return { ...(createMemoryApi().client as CrmDataClient), calendar: new Calendar(transport) } as CrmDataClient;
}

/** A calendar client whose every call waits forever, to show the loading state. */
export const pendingCalendarClient: CrmDataClient = over(() => new Promise<Response>(() => undefined));

/** A calendar client whose every call fails as an unreachable API does. */
export const failingCalendarClient: CrmDataClient = over(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
