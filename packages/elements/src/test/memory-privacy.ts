// Privacy requests in memory, for the privacy console's stories: `crm.privacy` of the real SDK over a
// `fetch` that answers its routes (each handler typed by its operation, so it cannot drift from the
// OpenAPI document). The erasure here only forgets the person; the API's own rules are tested there.
import { Privacy, Transport, type FetchLike, type PrivacyRequest } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
const held = { contacts: 1, leads: 1, activities: 1240, tickets: 3, ticketMessages: 17, subscriptions: 2, sendLedger: 48, campaignSignups: 1, auditReferences: 36 };

function makeRequest(n: number, type: PrivacyRequest['type'], subject: string, daysAgo: number, source: PrivacyRequest['source'] = 'admin'): PrivacyRequest {
  const at = new Date(Date.UTC(2026, 10, 30 - daysAgo, 9, 30)).toISOString();
  return { id: hex(0x9000 + n), type, status: 'completed', source, subject, counts: type === 'export' ? held : { contacts: 1 }, steps: [{ at, action: 'received', byUserId: source === 'admin' ? hex(1) : null, detail: null }], requestedBy: source === 'admin' ? hex(1) : null, createdAt: at, completedAt: at };
}

/** An agency with one person on file (ada@example.org) and a short request history. */
export function createMemoryPrivacy(options: { empty?: boolean } = {}) {
  let known = !options.empty;
  let requests: PrivacyRequest[] = options.empty ? [] : [makeRequest(2, 'erasure', 'l***@e***.com', 3, 'retention'), makeRequest(1, 'export', 'g***@e***.net', 12)];
  const routes: Array<[string, RegExp, Handler]> = [
    route('POST', /^\/v1\/privacy\/lookup$/, 'lookupPrivacySubject', (_m, _q, body) => {
      const found = known && String(body.email ?? '').toLowerCase() === 'ada@example.org';
      return { subject: 'a***@e***.org', found, counts: found ? held : {} };
    }),
    route('POST', /^\/v1\/privacy\/exports$/, 'exportPrivacySubject', () => {
      const request = makeRequest(requests.length + 1, 'export', 'a***@e***.org', 0);
      requests = [request, ...requests];
      return { request, generatedAt: request.createdAt, data: { contacts: [{ firstName: 'Ada' }] } };
    }),
    route('POST', /^\/v1\/privacy\/erasures$/, 'erasePrivacySubject', () => {
      known = false;
      const request = { ...makeRequest(requests.length + 1, 'erasure', 'a***@e***.org', 0), counts: held };
      requests = [request, ...requests];
      return request;
    }),
    route('GET', /^\/v1\/privacy\/terms$/, 'getTermsVersions', () => ({
      terms: { version: '2026-02', url: 'https://agency.example/terms', publishedAt: new Date(Date.UTC(2026, 1, 1, 8)).toISOString() },
      privacy: { version: '3.1', url: 'https://agency.example/privacy', publishedAt: new Date(Date.UTC(2026, 0, 15, 8)).toISOString() },
    })),
    route('POST', /^\/v1\/privacy\/acceptances\/lookup$/, 'lookupTermsAcceptances', (_m, _q, body) => {
      const found = known && String(body.email ?? '').toLowerCase() === 'ada@example.org';
      const accepted = (n: number, document: 'terms' | 'privacy', version: string, source: string, day: number) => ({ id: hex(0xa000 + n), document, version, subjectType: 'customerUser' as const, subjectId: hex(0xb001), contactId: hex(0xc001), source, acceptedAt: new Date(Date.UTC(2026, 0, day, 14, 5)).toISOString() });
      return { subject: 'a***@e***.org', data: found ? [accepted(1, 'privacy', '3.0', 'campaign:SPRING26', 3), accepted(2, 'terms', '2026-02', 'portal', 20), accepted(3, 'privacy', '3.1', 'portal', 20)] : [] };
    }),
    route('GET', /^\/v1\/privacy\/requests$/, 'listPrivacyRequests', () => ({ object: 'list' as const, data: requests, hasMore: false, nextCursor: null })),
  ];
  const fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url, 'http://memory.invalid');
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    if (method === 'POST' && parsed.pathname === '/v1/privacy/exports' && parsed.searchParams.get('format') === 'zip') {
      requests = [makeRequest(requests.length + 1, 'export', 'a***@e***.org', 0), ...requests];
      // An empty ZIP (its end-of-central-directory record alone), enough for a download in a story.
      return new Response(new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]), { status: 200, headers: { 'content-type': 'application/zip', 'content-disposition': 'attachment; filename="privacy-export.zip"' } });
    }
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? parsed.pathname.match(pattern) : null;
      if (match) return new Response(JSON.stringify(await handler(match, Object.fromEntries(parsed.searchParams), body, {})), { status: /erasures$/.test(parsed.pathname) ? 201 : 200, headers: { 'content-type': 'application/json' } });
    }
    return new Response(JSON.stringify({ type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${method} ${parsed.pathname}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
  };
  return { client: over(fetch), requests: () => requests };
}

function over(fetch: FetchLike): CrmDataClient {
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return { ...(createMemoryApi().client as CrmDataClient), privacy: new Privacy(transport) } as CrmDataClient;
}

/** A privacy client whose every call waits forever, to show the loading state. */
export const pendingPrivacyClient: CrmDataClient = over(() => new Promise<Response>(() => undefined));

/** A privacy client whose every call fails as an unreachable API does. */
export const failingPrivacyClient: CrmDataClient = over(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
