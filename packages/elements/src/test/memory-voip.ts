// Yealink VOIP in memory, for the stories of <crm-call-button> and <crm-voip-settings>: `crm.voip` of the
// real SDK over a `fetch` that answers its routes (each handler typed by its operation). The phone itself
// (dialling, events, CDR matching) is tested in the API against the phone stand-in.
import { Transport, Voip, type FetchLike, type VoipCall, type VoipPhone } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
const at = (minutes: number) => new Date(Date.UTC(2026, 10, 30, 9, 30) + minutes * 60_000).toISOString();
const urls = Object.fromEntries(['incoming_call', 'outgoing_call', 'call_established', 'call_terminated', 'missed_call'].map((e) => [e, `https://crm.agency.example/v1/voip/events/eyJ0Ijo.c2lnbmF0dXJl?event=${e}&call_id=$call_id&remote=$remote&local=$local&display_remote=$display_remote`]));
const call = (n: number, patch: Partial<VoipCall>): VoipCall => ({ id: hex(0x9000 + n), source: 'action-url', direction: 'inbound', remote: '+493012345678', remoteDisplay: 'Anna Muster', startedAt: at(n * 17), answeredAt: null, endedAt: at(n * 17 + 3), outcome: 'answered', durationSeconds: 192, subject: { type: 'contact', id: hex(0x100) }, activityId: hex(0x200 + n), userId: hex(1), ...patch });

/** A user with a saved phone and a few calls, or (`empty`) none yet. */
export function createMemoryVoip(options: { empty?: boolean } = {}) {
  let phone: VoipPhone | null = options.empty ? null : { host: '192.168.1.42', https: false, username: 'admin', password: { set: true }, extension: '1006', outgoingUri: '', actionUrls: urls, lastDial: { ok: true, at: at(60), message: 'dialled +447700900123' }, updatedAt: at(0) };
  const calls: VoipCall[] = options.empty ? [] : [call(1, {}), call(2, { direction: 'outbound', remote: '+447700900123', remoteDisplay: '', outcome: 'busy', durationSeconds: 0, subject: { type: 'lead', id: hex(0x101) } }), call(3, { outcome: 'missed', durationSeconds: 0 })];
  const placed: unknown[] = [];
  const routes: Array<[string, RegExp, Handler]> = [
    route('GET', /^\/v1\/voip\/phone$/, 'getVoipPhone', () => {
      if (!phone) throw Object.assign(new Error('not found'), { status: 404 });
      return phone;
    }),
    route('PUT', /^\/v1\/voip\/phone$/, 'putVoipPhone', (_m, _q, body) => {
      phone = { host: String(body.host), https: Boolean(body.https), username: String(body.username), password: { set: true }, extension: String(body.extension ?? ''), outgoingUri: String(body.outgoingUri ?? ''), actionUrls: urls, lastDial: phone?.lastDial ?? null, updatedAt: new Date().toISOString() };
      return phone;
    }),
    route('GET', /^\/v1\/voip\/calls$/, 'listVoipCalls', () => ({ object: 'list' as const, data: calls })),
    route('POST', /^\/v1\/voip\/calls$/, 'placeVoipCall', (_m, _q, body) => {
      placed.push(body);
      const subject = body.subject as { type: 'contact' | 'lead'; id: string };
      const made = call(calls.length + 1, { source: 'click-to-call', direction: 'outbound', remote: String(body.number ?? '+493012345678').replace(/[^\d+]/g, ''), remoteDisplay: '', startedAt: new Date().toISOString(), endedAt: null, outcome: null, durationSeconds: 0, subject, activityId: null });
      calls.unshift(made);
      return made;
    }),
    route('POST', /^\/v1\/voip\/cdr$/, 'importVoipCdr', (_m, _q, body) => {
      const rows = String(body.csv).trim().split('\n').length - 1;
      return { rows, imported: rows, duplicates: 0, unmatched: 0, errors: [] };
    }),
  ];
  const fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url, 'http://memory.invalid');
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? parsed.pathname.match(pattern) : null;
      if (!match) continue;
      try {
        return new Response(JSON.stringify(await handler(match, Object.fromEntries(parsed.searchParams), body, {})), { status: method === 'POST' && parsed.pathname.endsWith('/calls') ? 201 : 200, headers: { 'content-type': 'application/json' } });
      } catch {
        break;
      }
    }
    return new Response(JSON.stringify({ type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${method} ${parsed.pathname}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
  };
  return { client: over(fetch), placed };
}

function over(fetch: FetchLike): CrmDataClient {
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return { ...(createMemoryApi().client as CrmDataClient), voip: new Voip(transport) } as CrmDataClient;
}

/** A client whose every call waits forever, to show the loading state. */
export const pendingVoipClient: CrmDataClient = over(() => new Promise<Response>(() => undefined));

/** A client whose every call fails as an unreachable API does. */
export const failingVoipClient: CrmDataClient = over(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
