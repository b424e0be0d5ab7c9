// Webhook subscriptions in memory, for the webhook admin's stories: `crm.webhooks` of the real SDK over
// a `fetch` that answers its routes (each handler typed by its operation, so it cannot drift from the
// OpenAPI document). Delivery here is a story's stand-in: the API's own rules are tested there.
import { Transport, Webhooks, type FetchLike, type WebhookDelivery, type WebhookSubscription } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

function subscription(n: number, url: string, extra: Partial<WebhookSubscription> = {}): WebhookSubscription {
  return { id: hex(0x5000 + n), url, description: '', kinds: ['opportunity'], actions: ['won'], active: true, ownerId: hex(1), failedEventsInARow: 0, disabledReason: null, disabledAt: null, previousSecretExpiresAt: null, version: 1, createdAt: at(600 * n), updatedAt: at(60), ...extra };
}

function delivery(n: number, state: WebhookDelivery['state'], status: number | null): WebhookDelivery {
  return { id: hex(0x6000 + n), subscriptionId: hex(0x5001), eventId: `evt_${hex(n)}`, eventType: 'opportunity.won', resource: 'opportunity', resourceId: hex(0x7000 + n), state, attemptCount: state === 'failed' ? 8 : 1, nextAttemptAt: null, replayOf: null, skippedReason: null, lastStatus: status, attempts: [{ n: 1, at: at(n * 30), url: 'https://erp.example.com/crm-events', requestHeaders: {}, status, responseBody: '', durationMs: 84, error: status === 200 ? null : 'answered 503' }], createdAt: at(n * 30) };
}

/** Two subscriptions (one turned off after failures) and a delivery log with a success and a failure. */
export function createMemoryWebhooks(options: { empty?: boolean } = {}) {
  let subscriptions: WebhookSubscription[] = options.empty
    ? []
    : [subscription(1, 'https://erp.example.com/crm-events', { description: 'ERP orders' }), subscription(2, 'https://hooks.example.org/crm', { kinds: ['contact', 'customer'], actions: [], active: false, disabledReason: '10 events in a row failed on every attempt', disabledAt: at(30) })];
  let deliveries: WebhookDelivery[] = [delivery(1, 'succeeded', 200), delivery(2, 'failed', 503)];
  let serial = 10;
  const routes: Array<[string, RegExp, Handler]> = [
    route('GET', /^\/v1\/webhooks\/event-types$/, 'listWebhookEventTypes', () => ({ kinds: ['contact', 'customer', 'lead', 'opportunity', 'task', 'activity', 'campaign', 'ticket'], actions: ['created', 'updated', 'deleted', 'transitioned', 'moved', 'won', 'lost'] })),
    route('GET', /^\/v1\/webhooks$/, 'listWebhooks', () => ({ object: 'list' as const, data: subscriptions, hasMore: false, nextCursor: null })),
    route('POST', /^\/v1\/webhooks$/, 'createWebhook', (_m, _q, body) => {
      const created = subscription(serial++, String(body.url), { kinds: body.kinds as string[], actions: (body.actions as string[]) ?? [], description: String(body.description ?? '') });
      subscriptions = [created, ...subscriptions];
      return { ...created, secret: 'whsec_storyStorySecretShownOnce0000000000000' };
    }),
    route('PATCH', /^\/v1\/webhooks\/([a-f0-9]+)$/, 'updateWebhook', (m, _q, body) => {
      const updated = { ...subscriptions.find((s) => s.id === m[1])!, active: Boolean(body.active), disabledReason: null, version: 2 };
      subscriptions = subscriptions.map((s) => (s.id === updated.id ? updated : s));
      return updated;
    }),
    route('POST', /^\/v1\/webhooks\/([a-f0-9]+)\/rotate-secret$/, 'rotateWebhookSecret', (m) => ({ ...subscriptions.find((s) => s.id === m[1])!, previousSecretExpiresAt: new Date(Date.now() + 86_400_000).toISOString(), secret: 'whsec_storyRotatedSecret000000000000000000000' })),
    route('GET', /^\/v1\/webhooks\/([a-f0-9]+)\/deliveries$/, 'listWebhookDeliveries', () => ({ object: 'list' as const, data: deliveries, hasMore: false, nextCursor: null })),
    route('POST', /^\/v1\/webhooks\/([a-f0-9]+)\/deliveries\/([a-f0-9]+)\/replay$/, 'replayWebhookDelivery', (m) => {
      const replayed = { ...deliveries.find((d) => d.id === m[2])!, id: hex(0x6000 + serial++), state: 'pending' as const, attemptCount: 0, attempts: [], lastStatus: null, replayOf: m[2]!, createdAt: new Date().toISOString() };
      deliveries = [replayed, ...deliveries];
      return replayed;
    }),
  ];
  const fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url, 'http://memory.invalid');
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? parsed.pathname.match(pattern) : null;
      if (match) return new Response(JSON.stringify(await handler(match, Object.fromEntries(parsed.searchParams), body, {})), { status: method === 'POST' && !parsed.pathname.endsWith('rotate-secret') ? 201 : 200, headers: { 'content-type': 'application/json' } });
    }
    return new Response(JSON.stringify({ type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${method} ${parsed.pathname}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
  };
  return { client: over(fetch), subscriptions: () => subscriptions };
}

function over(fetch: FetchLike): CrmDataClient {
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return { ...(createMemoryApi().client as CrmDataClient), webhooks: new Webhooks(transport) } as CrmDataClient;
}

/** A webhook client whose every call waits forever, to show the loading state. */
export const pendingWebhooksClient: CrmDataClient = over(() => new Promise<Response>(() => undefined));

/** A webhook client whose every call fails as an unreachable API does. */
export const failingWebhooksClient: CrmDataClient = over(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
