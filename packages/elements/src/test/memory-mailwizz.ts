// The Mailwizz connection in memory, for the stories of <crm-mailwizz-settings>: `crm.mailwizz` and
// `crm.segments` of the real SDK over a `fetch` that answers their routes (each handler typed by its
// operation, so it cannot drift from the OpenAPI document). The sync itself is tested in the API.
import { Mailwizz, Segments, Transport, type FetchLike, type MailwizzSettings, type MailwizzSync } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
const at = new Date(Date.UTC(2026, 10, 30, 9, 30)).toISOString();
const segment = (n: number, name: string) => ({ id: hex(0x7000 + n), name, description: null, resource: 'contact' as const, filters: { tag: name.toLowerCase() }, sharing: 'agency' as const, teamId: null, ownerId: hex(1), createdAt: at, updatedAt: at });

/** An agency connected to Mailwizz with one pushed segment, or (`empty`) not connected yet. */
export function createMemoryMailwizz(options: { empty?: boolean } = {}) {
  let settings: MailwizzSettings | null = options.empty
    ? null
    : { apiUrl: 'https://mail.agency.example/api', publicKey: { set: true, last4: '3f9a' }, privateKey: { set: true, last4: 'c07e' }, fromName: 'Agency', fromEmail: 'news@agency.example', replyTo: 'news@agency.example', lastTest: { ok: true, at, message: 'Connected: 4 list(s) in this Mailwizz account' }, updatedAt: at };
  const segments = [segment(1, 'Newsletter'), segment(2, 'Trade fair 2026')];
  let syncs: MailwizzSync[] = options.empty ? [] : [{ segmentId: segments[0]!.id, listUid: 'ab12cd34ef567', listName: 'Newsletter', status: 'done', progress: { total: 1240, processed: 1240, created: 12, updated: 3, unchanged: 1190, removed: 2, skipped: 33 }, lastError: null, startedAt: at, finishedAt: at }];
  const routes: Array<[string, RegExp, Handler]> = [
    route('GET', /^\/v1\/mailwizz\/settings$/, 'getMailwizzSettings', () => {
      if (!settings) throw Object.assign(new Error('not found'), { status: 404 });
      return settings;
    }),
    route('PUT', /^\/v1\/mailwizz\/settings$/, 'putMailwizzSettings', (_m, _q, body) => {
      const key = (k: unknown, before?: { set: boolean; last4: string }) => (typeof k === 'string' && k ? { set: true, last4: k.slice(-4) } : (before ?? { set: false, last4: '' }));
      settings = { apiUrl: String(body.apiUrl), publicKey: key(body.publicKey, settings?.publicKey), privateKey: key(body.privateKey, settings?.privateKey), fromName: String(body.fromName), fromEmail: String(body.fromEmail), replyTo: String(body.fromEmail), lastTest: null, updatedAt: new Date().toISOString() };
      return settings;
    }),
    route('POST', /^\/v1\/mailwizz\/settings\/test$/, 'testMailwizzConnection', () => ({ ok: true, message: 'Connected: 4 list(s) in this Mailwizz account' })),
    route('GET', /^\/v1\/mailwizz\/syncs$/, 'listMailwizzSyncs', () => ({ data: syncs })),
    route('GET', /^\/v1\/segments$/, 'listSegments', () => ({ object: 'list' as const, data: segments, hasMore: false, nextCursor: null }) as never),
    [
      'POST',
      /^\/v1\/mailwizz\/syncs\/([0-9a-f]{24})$/,
      (match) => {
        const s = segments.find((x) => x.id === match[1])!;
        const sync: MailwizzSync = { segmentId: s.id, listUid: null, listName: s.name, status: 'queued', progress: { total: 0, processed: 0, created: 0, updated: 0, unchanged: 0, removed: 0, skipped: 0 }, lastError: null, startedAt: null, finishedAt: null };
        syncs = [...syncs.filter((x) => x.segmentId !== s.id), sync];
        return sync;
      },
    ],
  ];
  const fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url, 'http://memory.invalid');
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? parsed.pathname.match(pattern) : null;
      if (!match) continue;
      try {
        return new Response(JSON.stringify(await handler(match, Object.fromEntries(parsed.searchParams), body, {})), { status: 200, headers: { 'content-type': 'application/json' } });
      } catch {
        break;
      }
    }
    return new Response(JSON.stringify({ type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${method} ${parsed.pathname}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
  };
  return { client: over(fetch), syncs: () => syncs };
}

function over(fetch: FetchLike): CrmDataClient {
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return { ...(createMemoryApi().client as CrmDataClient), mailwizz: new Mailwizz(transport), segments: new Segments(transport) } as CrmDataClient;
}

/** A client whose every call waits forever, to show the loading state. */
export const pendingMailwizzClient: CrmDataClient = over(() => new Promise<Response>(() => undefined));

/** A client whose every call fails as an unreachable API does. */
export const failingMailwizzClient: CrmDataClient = over(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
