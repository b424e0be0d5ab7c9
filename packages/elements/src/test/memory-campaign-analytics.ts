// Campaign analytics in memory, for <crm-campaign-analytics>'s stories and browser test: `crm.campaigns`
// and `crm.mailwizz` of the real SDK over a `fetch` that answers getCampaign, getCampaignStats,
// getCampaignEmailAnalytics and getMailwizzCampaign (each handler typed by its operation, so the double
// cannot drift from the OpenAPI document). The counting itself is tested in the API
// (modules/campaigns/email-analytics.test.ts, modules/mailwizz/mailwizz.test.ts).
import { Campaigns, Mailwizz, Transport, type CampaignEmailAnalytics, type CampaignStats, type FetchLike, type MailwizzCampaign } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';
import { makeCampaign, statsOf } from './memory-records.js';
import { route, type Handler } from './memory-route.js';

/** Our own sends of a campaign: 1,200 sent, with opens, clicks on three links, bounces and replies. */
export function emailAnalyticsOf(campaignId: string, overrides: Partial<CampaignEmailAnalytics> = {}): CampaignEmailAnalytics {
  const sent = overrides.sent ?? 1200;
  const bounced = overrides.bounced ?? 24;
  const delivered = sent - bounced;
  const opened = overrides.opened ?? 540;
  const clicked = overrides.clicked ?? 150;
  const rate = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);
  return {
    object: 'campaign_email_analytics',
    campaignId,
    sent,
    delivered,
    opened,
    opens: opened * 2,
    clicked,
    clicks: clicked + 40,
    bounced,
    bouncedHard: 9,
    replied: 12,
    unsubscribed: 6,
    rates: { delivered: rate(delivered, sent), opened: rate(opened, delivered), clicked: rate(clicked, delivered), clickToOpen: rate(clicked, opened), bounced: rate(bounced, sent), replied: rate(12, delivered), unsubscribed: rate(6, delivered) },
    links: [
      { url: 'https://agency.example/spring-webinar/register', clicked: 120 },
      { url: 'https://agency.example/pricing', clicked: 45 },
      { url: 'https://agency.example/a/very/long/path/that/must/wrap/on/a/phone/screen?utm_source=newsletter&utm_medium=email', clicked: 7 },
    ],
    ...overrides,
  };
}

/** A campaign sent through Mailwizz with the statistics of its last pull (`stats: null`: not pulled yet). */
export function mailwizzCampaignOf(campaignId: string, stats: MailwizzCampaign['stats'] | 'default' = 'default'): MailwizzCampaign {
  return {
    campaignId,
    channel: 'mailwizz',
    campaignUid: 'mw7f3a91c2e',
    segmentId: '000000000000000000007001',
    listUid: 'ab12cd34ef567',
    name: 'Spring newsletter',
    subject: 'Our spring programme',
    sendAt: '2026-03-02T08:00:00.000Z',
    mailwizzStatus: 'sent',
    stats: stats === 'default' ? { recipients: 5000, processed: 4980, delivered: 4900, opens: 3100, uniqueOpens: 2205, clicks: 800, uniqueClicks: 612, bouncesHard: 50, bouncesSoft: 30, unsubscribes: 21, complaints: 3 } : stats,
    statsAt: '2026-03-03T09:00:00.000Z',
  };
}

/** A daily series of three weeks: views every day, signups and leads on some. */
export function dailyOf(days = 21): CampaignStats['daily'] {
  return Array.from({ length: days }, (_, i) => ({
    day: new Date(Date.UTC(2026, 2, 1) + i * 86_400_000).toISOString().slice(0, 10),
    views: 40 + ((i * 17) % 35),
    likes: i % 3,
    enrolments: 0,
    signups: (i * 7) % 5,
    leads: i % 4 === 0 ? 2 : 0,
  }));
}

export interface MemoryCampaignAnalyticsOptions {
  /** Our own sends' analytics; 404 (the route unknown) when `null`, zero sends when omitted. */
  email?: CampaignEmailAnalytics | 'none' | null;
  /** The Mailwizz side; 404 (never sent through Mailwizz) when omitted. */
  mailwizz?: MailwizzCampaign;
  /** The stats' daily series; none when omitted. */
  daily?: CampaignStats['daily'];
  /** The campaign's index among the demo campaigns (sets cost, revenue, ROI). */
  index?: number;
}

/** One campaign with the analytics the options give, and every call recorded. */
export function createMemoryCampaignAnalytics(options: MemoryCampaignAnalyticsOptions = {}) {
  const index = options.index ?? 1;
  const campaign = makeCampaign(index);
  const calls: string[] = [];
  const missing = () => Object.assign(new Error('not found'), { status: 404 });
  const check = (id: string | undefined) => {
    if (id !== campaign.id) throw missing();
  };
  const routes: Array<[string, RegExp, Handler]> = [
    route('GET', /^\/v1\/campaigns\/(\w+)$/, 'getCampaign', (m) => (check(m[1]), campaign)),
    route('GET', /^\/v1\/campaigns\/(\w+)\/stats$/, 'getCampaignStats', (m) => (check(m[1]), { ...statsOf(campaign, index), daily: options.daily ?? [] })),
    route('GET', /^\/v1\/campaigns\/(\w+)\/email-analytics$/, 'getCampaignEmailAnalytics', (m) => {
      check(m[1]);
      if (options.email === null) throw missing();
      if (options.email === undefined || options.email === 'none') return emailAnalyticsOf(campaign.id, { sent: 0, bounced: 0, opened: 0, clicked: 0, links: [] });
      return options.email;
    }),
    route('GET', /^\/v1\/mailwizz\/campaigns\/(\w+)$/, 'getMailwizzCampaign', (m) => {
      check(m[1]);
      if (!options.mailwizz) throw missing();
      return options.mailwizz;
    }),
  ];
  const fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url, 'http://memory.invalid');
    const method = init.method ?? 'GET';
    calls.push(`${method} ${parsed.pathname}`);
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? parsed.pathname.match(pattern) : null;
      if (!match) continue;
      try {
        return new Response(JSON.stringify(await handler(match, Object.fromEntries(parsed.searchParams), {}, {})), { status: 200, headers: { 'content-type': 'application/json' } });
      } catch {
        break;
      }
    }
    return new Response(JSON.stringify({ type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${method} ${parsed.pathname}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
  };
  return { client: over(fetch), campaign, calls };
}

function over(fetch: FetchLike): CrmDataClient {
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return { ...(createMemoryApi().client as CrmDataClient), campaigns: new Campaigns(transport), mailwizz: new Mailwizz(transport) } as CrmDataClient;
}

/** A client whose every call waits forever, to show the loading state. */
export const pendingCampaignAnalyticsClient: CrmDataClient = over(() => new Promise<Response>(() => undefined));

/** A client whose every call fails as an unreachable API does. */
export const failingCampaignAnalyticsClient: CrmDataClient = over(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
