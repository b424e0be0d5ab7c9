// An in-memory double of the API's `/v1/public/campaigns` routes behind the SDK's `fetch` option, for the
// widgets' stories: the real widget code and the real SDK client run, nothing goes over the network.
// Each campaign code stands for one state a partner page can meet.
import type { FetchLike, PublicCampaign } from '@crm/client-sdk/public';

/** The campaign codes the double knows, and what each one shows. */
export const storyCampaigns = {
  SPRING: 'ready: a running referral campaign with a form',
  OPTIN: 'ready, with double opt-in: a signup waits for the email confirmation',
  LIMITED: 'ready, but every signup is over the rate limit (429)',
  ENDED: 'not running: the period is over',
  SLOW: 'the API never answers (loading)',
  OFFLINE: 'the network is down (connection error)',
  GONE: 'no such public campaign (404)',
  ELSEWHERE: 'the page is not an allowed origin of the key (403, readable through CORS)',
} as const;

export type StoryCampaignCode = keyof typeof storyCampaigns;

const day = 86_400_000;
const now = Date.UTC(2026, 2, 20, 9);

function campaign(code: string, overrides: Partial<PublicCampaign> = {}): PublicCampaign {
  return {
    code,
    title: 'Spring referral programme',
    description: 'Bring a friend: you both get a month free.',
    type: 'referral',
    startAt: new Date(now - 10 * day).toISOString(),
    endAt: new Date(now + 60 * day).toISOString(),
    active: true,
    counts: { views: 12_408, likes: 321, enrolments: 57 },
    form: {
      fields: [
        { key: 'email', label: 'Email', required: true, type: 'email' },
        { key: 'firstName', label: 'First name', required: true, type: 'text' },
        { key: 'lastName', label: 'Last name', required: false, type: 'text' },
      ],
      consentText: 'I agree to receive news about the programme.',
      doubleOptIn: false,
      thankYouMessage: 'Thanks! We will be in touch.',
      redirectUrl: null,
    },
    formToken: `story.${code}`,
    ...overrides,
  };
}

const campaigns: Record<string, PublicCampaign> = {
  SPRING: campaign('SPRING'),
  OPTIN: campaign('OPTIN', { title: 'Newsletter', description: null, form: { ...campaign('OPTIN').form!, doubleOptIn: true, thankYouMessage: null } }),
  LIMITED: campaign('LIMITED'),
  ENDED: campaign('ENDED', { title: 'Winter sale', active: false, startAt: new Date(now - 90 * day).toISOString(), endAt: new Date(now - 30 * day).toISOString() }),
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers } });

const problem = (status: number, code: string, detail: string, headers: Record<string, string> = {}) => json(status, { type: `urn:crm:problem:${code}`, title: detail, status, code, detail, requestId: 'req_story' }, headers);

/** The `fetch` the stories give the widgets (`WidgetConfig.fetch`). */
export const storyFetch: FetchLike = async (url, init) => {
  const match = /\/v1\/public\/campaigns\/([^/?]+)(?:\/([a-z]+))?/.exec(url);
  const code = decodeURIComponent(match?.[1] ?? '').toUpperCase();
  const action = match?.[2];
  if (code === 'SLOW') return new Promise<Response>(() => undefined);
  if (code === 'OFFLINE') throw new TypeError('Failed to fetch');
  if (code === 'ELSEWHERE') return problem(403, 'forbidden', 'This page is not an allowed origin of the publishable key; add it in the key settings');
  const found = campaigns[code];
  if (!match || !found) return problem(404, 'not_found', 'No public campaign has this code.');
  if (!action && init.method === 'GET') return json(200, found);
  if (action === 'signups') {
    if (!found.active) return problem(409, 'conflict', 'The campaign is not running.');
    if (code === 'LIMITED') return problem(429, 'rate_limited', 'Too many signups from this address; try again later.', { 'retry-after': '42' });
    const optIn = found.form?.doubleOptIn ?? false;
    return json(202, { status: 'received', confirmationRequired: optIn, message: optIn ? null : found.form?.thankYouMessage ?? null, redirectUrl: null });
  }
  if (action === 'view' || action === 'like' || action === 'enrol') {
    const key = action === 'view' ? 'views' : action === 'like' ? 'likes' : 'enrolments';
    if (action !== 'view' && !found.active) return problem(409, 'conflict', 'The campaign is not running.');
    found.counts = { ...found.counts, [key]: found.counts[key] + 1 };
    return json(200, { counted: true, counts: found.counts });
  }
  return problem(404, 'not_found', `No story route for ${init.method} ${url}.`);
};
