// What <crm-lead-list>, <crm-customer-list> and <crm-campaign-list> ask of the API, through the SDK's
// resources: pages of records (`crm.leads.list`, `crm.customers.list`, `crm.campaigns.list`), a
// campaign's figures (`crm.campaigns.stats`), the statuses of a workflow (`crm.workflows.get`) and the
// owners and products the filters offer (`crm.users.list`, `crm.products.list`). Record types are the
// SDK's generated ones.
import type { Campaign, CampaignStats, CrmClient as SdkClient, Customer, Lead } from '@crm/client-sdk';
import { loadOwners, loadProducts } from './contact-editor.js';
import { isMissingRoute, readProblem } from './errors.js';
import { compactQuery, type CrmCallOptions, type CrmDataClient, type CrmPageLike } from './transport.js';
import type { Person, Product, Workflow } from './types.js';

export { loadOwners, loadProducts };
export type { Campaign, CampaignStats, Customer, Lead, Person, Product };

/** The SDK resources the record lists call, beyond the ones every data element has. */
export type CrmRecordListResources = Pick<SdkClient, 'leads' | 'customers' | 'campaigns'>;

/** A client the record lists can use: the SDK's `CrmClient` or anything of its shape. */
export type CrmRecordListClient = CrmDataClient & CrmRecordListResources;

/** The record kinds with a list element. */
export type CrmListedKind = 'lead' | 'customer' | 'campaign';

/** The query a record list builds: search, filters, sort and page size. */
export interface RecordQuery {
  q?: string;
  status?: string;
  ownerId?: string;
  productId?: string;
  sort?: string;
  limit?: number;
  /** Further filters a list offers (a campaign's `type`, a lead's `quality`). */
  [filter: string]: string | number | undefined;
}

/** Narrows a context client to one that has the resources of the record lists. */
export function recordListClient(client: CrmDataClient): CrmRecordListClient {
  const c = client as unknown as Partial<CrmRecordListResources>;
  if (typeof c.leads?.list !== 'function' || typeof c.campaigns?.list !== 'function') {
    throw new Error('This CRM client has no leads or campaigns resource: give the provider a client of @crm/client-sdk.');
  }
  return client as unknown as CrmRecordListClient;
}

/** The first page of `kind` records matching `query`; follow it with `nextPage()`. */
export function listRecords(client: CrmDataClient, kind: 'lead', query: RecordQuery, options?: CrmCallOptions): Promise<CrmPageLike<Lead>>;
export function listRecords(client: CrmDataClient, kind: 'customer', query: RecordQuery, options?: CrmCallOptions): Promise<CrmPageLike<Customer>>;
export function listRecords(client: CrmDataClient, kind: 'campaign', query: RecordQuery, options?: CrmCallOptions): Promise<CrmPageLike<Campaign>>;
export function listRecords(client: CrmDataClient, kind: CrmListedKind, query: RecordQuery, options?: CrmCallOptions): Promise<CrmPageLike<Lead | Customer | Campaign>>;
export async function listRecords(client: CrmDataClient, kind: CrmListedKind, query: RecordQuery, options?: CrmCallOptions): Promise<CrmPageLike<Lead | Customer | Campaign>> {
  const api = recordListClient(client);
  const params = compactQuery({ limit: 100, ...query });
  if (kind === 'lead') return api.leads.list(params, options);
  if (kind === 'customer') return api.customers.list(params, options);
  return api.campaigns.list(params, options);
}

/** A campaign's engagement, leads, conversions, revenue won and ROI. */
export function campaignStats(client: CrmDataClient, id: string, options?: CrmCallOptions): Promise<CampaignStats> {
  return recordListClient(client).campaigns.stats(id, undefined, options);
}

/** The statuses of a workflow (`lead`, `customer`, `campaign`); none while the caller may not read workflows. */
export async function loadStatuses(client: CrmDataClient, key: CrmListedKind, options?: CrmCallOptions): Promise<Workflow['states']> {
  try {
    return (await client.workflows.get(key, options)).states;
  } catch (error) {
    const problem = readProblem(error);
    if (isMissingRoute(problem) || problem.status === 403) return [];
    throw error;
  }
}

/** Owners and products for the filters; empty lists when the caller may not read them. */
export async function loadFilterChoices(client: CrmDataClient, options?: CrmCallOptions): Promise<{ owners: Person[]; products: Product[] }> {
  const [owners, products] = await Promise.all([loadOwners(client, options).catch(() => []), loadProducts(client, options).catch(() => [])]);
  return { owners, products };
}
