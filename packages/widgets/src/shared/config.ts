import { createPublicClient, type FetchLike, type PublicCrmClient } from '@crm/client-sdk/public';

/** What the loader read from its script tag. */
export interface WidgetConfig {
  /** The publishable key (`pk_...`). */
  key: string;
  /** Where the API answers, e.g. `https://api.crm.example`. */
  api: string;
  /** Forced locale (`data-locale`); otherwise each widget follows its `lang`, the page's, the browser's. */
  locale?: string | undefined;
  /** The `fetch` the SDK client uses (never from the script tag: Storybook passes an in-memory API). */
  fetch?: FetchLike | undefined;
}

let config: WidgetConfig | null = null;
let client: PublicCrmClient | null = null;

/** Set once by the loader before any widget is defined. */
export function configure(next: WidgetConfig): void {
  config ??= next;
}

export function widgetConfig(): WidgetConfig | null {
  return config;
}

/**
 * The SDK's publishable-key client. Rate limits are shown to the visitor with their retry time rather
 * than waited out, so a 429 is never retried; a dropped connection is retried once.
 */
export function publicClient(): PublicCrmClient {
  if (!config) throw new Error('crm-widgets: no publishable key; load crm-widgets.js with data-key="pk_..."');
  client ??= createPublicClient({ baseUrl: config.api, publishableKey: config.key, fetch: config.fetch, timeoutMs: 15_000, retries: { maxRetries: 1, maxRetryAfterMs: 0 } });
  return client;
}

type PublicCampaign = Awaited<ReturnType<PublicCrmClient['public']['campaigns']['get']>>;
const campaigns = new Map<string, Promise<PublicCampaign>>();

/**
 * A public campaign, fetched once per page for every widget that shows it (a card and a form of the
 * same campaign share one request); `fresh` refetches (a new form token).
 */
export function fetchCampaign(code: string, fresh = false): Promise<PublicCampaign> {
  const key = code.toUpperCase();
  let pending = fresh ? undefined : campaigns.get(key);
  if (!pending) {
    pending = publicClient().public.campaigns.get(code);
    campaigns.set(key, pending);
    pending.catch(() => campaigns.delete(key));
  }
  return pending;
}

const VISITOR_KEY = 'crm-widgets:visitor';
let visitor: string | null = null;

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A random id for this browser, kept in localStorage so views, likes and enrolments count once per
 * visitor; where storage is blocked it lives as long as the page. Storage is read once per page: each
 * access is a synchronous trip to the browser process, on the partner's main thread.
 */
export function visitorId(): string {
  if (visitor) return visitor;
  try {
    let id = localStorage.getItem(VISITOR_KEY);
    if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
      id = randomId();
      localStorage.setItem(VISITOR_KEY, id);
    }
    return (visitor = id);
  } catch {
    return (visitor = randomId());
  }
}
