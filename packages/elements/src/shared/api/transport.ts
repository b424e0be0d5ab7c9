// The part of `@crm/client-sdk` the adapters call, as the SDK types it (no copy of an SDK or API type
// is declared here), and the helpers every adapter shares. Elements reach the API only through these
// SDK resources (`crm.contacts`, `crm.segments`...): no adapter names an API path; the SDK owns the routes.
import type { CrmClient as SdkClient, Opportunity, Page, PagePromise, Realtime, RealtimeEvent, RequestOptions } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

/** Per-request options the SDK's calls accept. */
export type CrmCallOptions = RequestOptions;

/** One page of a list: the SDK's `Page`. */
export type CrmPageLike<T> = Page<T>;

/** What a list call of the SDK returns: a `PagePromise`, awaited for the first page. */
export type CrmPagePromiseLike<T> = PagePromise<T>;

/** A change to an opportunity delivered by `client.realtime.subscribe` (the SDK's `RealtimeEvent`). */
export type CrmRealtimeEvent<T = Opportunity> = RealtimeEvent<T>;

/** `client.realtime` of the SDK: the subscription the board makes. */
export type CrmRealtimeLike = Pick<Realtime, 'subscribe'>;

/** The resources of `@crm/client-sdk` the data elements call. */
export type CrmDataResources = Pick<
  SdkClient,
  | 'contacts'
  | 'leads'
  | 'customers'
  | 'opportunities'
  | 'pipelines'
  | 'segments'
  | 'templates'
  | 'campaigns'
  | 'greetings'
  | 'customFields'
  | 'workflows'
  | 'users'
  | 'products'
  | 'tasks'
  | 'tickets'
  | 'customerUsers'
  | 'imports'
  | 'timeline'
>;

/** A client the data elements can use: the SDK's `CrmClient`, or its resources (a host's wrapper, a test's double). */
export type CrmDataClient = CrmClient & CrmDataResources & { readonly realtime?: CrmRealtimeLike };

/** Narrows a context client to one that can call the API, or throws a clear error. */
export function dataClient(client: CrmClient | undefined): CrmDataClient {
  const contacts = (client as { contacts?: { list?: unknown } } | undefined)?.contacts;
  if (!client || typeof contacts?.list !== 'function') {
    throw new Error('No CRM client: put the element inside a <crm-provider> that has a client of @crm/client-sdk.');
  }
  return client as CrmDataClient;
}

/** Drops empty strings and undefined, so a query never sends `?status=`. */
export function compactQuery(query: Record<string, string | number | undefined | null>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') out[key] = value;
  return out;
}

/** Every record of a list, page by page, up to `max`. */
export async function collect<T>(first: CrmPagePromiseLike<T>, max: number): Promise<T[]> {
  let page: CrmPageLike<T> | null = await first;
  const all: T[] = [];
  while (page) {
    all.push(...page.data);
    page = all.length < max && page.hasNextPage() ? await page.nextPage() : null;
  }
  return all;
}
