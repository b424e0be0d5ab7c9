// Requests for leads, projects and lost-deal reviews in memory, for the stories of <crm-lead-request-board>,
// <crm-project-list> and <crm-lost-review-admin>: the real SDK resources over a `fetch` that answers their
// routes (each handler typed by its operation). The workflow rules themselves are tested on the API.
import { LeadRequests, Leads, LostRouting, Projects, Transport, Users, type FetchLike, type LeadRequest, type LeadRequestItem, type LostReasonGroup, type LostReview, type Project } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
const at = (daysAgo: number) => new Date(Date.UTC(2026, 10, 20) - daysAgo * 86_400_000).toISOString();

function request(n: number, title: string, status: string, delivered: number, needed: number, allowed: string[]): LeadRequest {
  return { id: hex(0x8000 + n), title, notes: null, criteria: { neededCount: needed, industry: 'Publishing', region: 'DACH', country: 'DE', employeesMin: 50, employeesMax: 500, size: 'medium' }, status, statusChangedAt: at(n), candidateCount: 0, acceptedCount: 0, deliveredCount: delivered, remainingCount: Math.max(0, needed - delivered), extensions: 0, campaignId: null, assigneeId: null, ownerId: hex(1), allowedTransitions: allowed, version: 1, createdAt: at(n + 3), updatedAt: at(n) };
}
const item = (n: number, name: string, state: LeadRequestItem['state'], matches = true): LeadRequestItem => ({ id: hex(0x9000 + n), requestId: hex(0x8001), leadId: hex(0xa000 + n), leadName: name, state, matchesCriteria: matches, mismatches: matches ? [] : ['industry', 'country', 'employeesMax'], note: null, deliveredAt: state === 'delivered' ? at(1) : null });
const project = (n: number, name: string, outcome: Project['outcome'], jobs: Project['jobs']): Project => ({ id: hex(0xb000 + n), opportunityId: hex(0xc000 + n), customerId: hex(0xd001), quoteId: null, name, outcome, amount: 12_000 * n, currency: 'EUR', status: 'open', jobs, ownerId: hex(1), wonAt: at(n), createdAt: at(n) });
const job = (title: string, staff: number): Project['jobs'][number] => ({ title, taskType: null, spec: null, quantity: 1, unit: null, assigneeIds: Array.from({ length: staff }, (_, i) => hex(2 + i)), taskIds: [] });
const review = (n: number, deal: string, reason: string, group: string | null, outcome: LostReview['outcome']): LostReview => ({ id: hex(0xe000 + n), opportunityId: hex(0xf000 + n), opportunityName: deal, reason, amount: 4000, currency: 'EUR', groupId: group ? hex(0x7000) : null, groupName: group, assigneeId: hex(2), taskId: null, state: outcome ? 'decided' : 'open', outcome, note: outcome ? 'Our day rate was above the market' : null, decidedBy: outcome ? hex(2) : null, decidedAt: outcome ? at(1) : null, lostAt: at(n), createdAt: at(n) });

/** Two requests (one in vetting with proposed leads), two projects and a lost-deal review queue with two groups. */
export function createMemoryAfterlife(options: { empty?: boolean } = {}) {
  let requests: LeadRequest[] = options.empty ? [] : [request(1, 'Publishers in Germany', 'vetting', 0, 3, ['sourcing', 'approved', 'closed']), request(2, 'Printers in Austria', 'delivered', 4, 4, ['sourcing', 'closed'])];
  let items: LeadRequestItem[] = [item(1, 'Axel Verlag', 'candidate'), item(2, 'Carta Print', 'candidate', false), item(3, 'Dorn Books', 'accepted')];
  const projects: Project[] = options.empty ? [] : [project(1, 'Globex annual report', 'won', [job('Copywriting', 1), job('Layout', 2), job('Print run', 0)]), project(2, 'Initech brochure', 'partially_won', [job('Initech brochure', 1)])];
  let groups: LostReasonGroup[] = options.empty ? [] : [{ id: hex(0x7000), reason: 'Price', name: 'Pricing desk', memberIds: [hex(2)], version: 1, createdAt: at(9), updatedAt: at(9) }, { id: hex(0x7001), reason: '*', name: 'Everything else', memberIds: [hex(1)], version: 1, createdAt: at(9), updatedAt: at(9) }];
  let reviews: LostReview[] = options.empty ? [] : [review(1, 'Acme renewal', 'Price', 'Pricing desk', null), review(2, 'Umbrella pilot', 'Timing', 'Everything else', 'lesson_noted')];
  let serial = 20;
  const list = <T>(data: T[]) => ({ object: 'list' as const, data, hasMore: false, nextCursor: null });
  const routes: Array<[string, RegExp, Handler]> = [
    route('GET', /^\/v1\/lead-requests$/, 'listLeadRequests', () => list(requests)),
    route('POST', /^\/v1\/lead-requests$/, 'createLeadRequest', (_m, _q, body) => {
      const created = request(serial++, String(body.title), 'sourcing', 0, Number((body.criteria as { neededCount: number }).neededCount), ['vetting', 'closed']);
      requests = [created, ...requests];
      return created;
    }),
    route('PATCH', /^\/v1\/lead-requests\/([a-f0-9]+)$/, 'updateLeadRequest', (m, _q, body) => {
      const found = requests.find((r) => r.id === m[1])!;
      const updated = { ...found, criteria: { ...found.criteria, ...(body.criteria as Partial<LeadRequest['criteria']>) }, version: found.version + 1 };
      requests = requests.map((r) => (r.id === updated.id ? updated : r));
      return updated;
    }),
    route('GET', /^\/v1\/lead-requests\/([a-f0-9]+)\/leads$/, 'listLeadRequestLeads', (m) => list(m[1] === hex(0x8001) ? items : [])),
    route('POST', /^\/v1\/lead-requests\/([a-f0-9]+)\/vetting$/, 'vetLeadRequestCandidates', (m, _q, body) => {
      for (const d of body.decisions as { leadId: string; decision: string }[]) items = items.map((i) => (i.leadId === d.leadId ? { ...i, state: d.decision === 'accept' ? 'accepted' : 'rejected' } : i));
      return requests.find((r) => r.id === m[1])!;
    }),
    route('GET', /^\/v1\/leads$/, 'listLeads', () => ({ object: 'list' as const, data: [], hasMore: false, nextCursor: null }) as never),
    route('GET', /^\/v1\/projects$/, 'listProjects', () => list(projects)),
    route('GET', /^\/v1\/lost-reason-groups$/, 'listLostReasonGroups', () => list(groups)),
    route('POST', /^\/v1\/lost-reason-groups$/, 'createLostReasonGroup', (_m, _q, body) => {
      const created = { id: hex(0x7000 + serial++), reason: String(body.reason), name: String(body.name), memberIds: body.memberIds as string[], version: 1, createdAt: at(0), updatedAt: at(0) };
      groups = [...groups, created];
      return created;
    }),
    route('GET', /^\/v1\/lost-reviews$/, 'listLostReviews', () => list(reviews)),
    route('POST', /^\/v1\/lost-reviews\/([a-f0-9]+)\/outcome$/, 'decideLostReview', (m, _q, body) => {
      const decided = { ...reviews.find((r) => r.id === m[1])!, state: 'decided' as const, outcome: body.outcome as LostReview['outcome'], note: (body.note as string) ?? null, decidedAt: at(0) };
      reviews = reviews.map((r) => (r.id === decided.id ? decided : r));
      return decided;
    }),
    route('GET', /^\/v1\/users$/, 'listUsers', () => ({ object: 'list' as const, data: [{ id: hex(1), name: 'Ada Admin' }, { id: hex(2), name: 'Chris Consultant' }], hasMore: false, nextCursor: null }) as never),
  ];
  const fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url, 'http://memory.invalid');
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? parsed.pathname.match(pattern) : null;
      if (match) return new Response(JSON.stringify(await handler(match, Object.fromEntries(parsed.searchParams), body, {})), { status: method === 'POST' && (parsed.pathname.endsWith('lead-requests') || parsed.pathname.endsWith('groups')) ? 201 : 200, headers: { 'content-type': 'application/json' } });
    }
    return new Response(JSON.stringify({ type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${method} ${parsed.pathname}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
  };
  return { client: over(fetch) };
}

function over(fetch: FetchLike): CrmDataClient {
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return { ...(createMemoryApi().client as CrmDataClient), leadRequests: new LeadRequests(transport), leads: new Leads(transport), projects: new Projects(transport), lostRouting: new LostRouting(transport), users: new Users(transport) } as CrmDataClient;
}

/** A client whose every call waits forever, to show the loading state. */
export const pendingAfterlifeClient: CrmDataClient = over(() => new Promise<Response>(() => undefined));

/** A client whose every call fails as an unreachable API does. */
export const failingAfterlifeClient: CrmDataClient = over(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
