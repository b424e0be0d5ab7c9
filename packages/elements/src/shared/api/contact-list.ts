// What <crm-contact-list> asks of the API: pages of contacts (`crm.contacts.list` when the SDK has it),
// saved segments (`GET /v1/segments?resource=contact`) and a segment's members
// (`GET /v1/segments/{id}/members`) through `client.transport` until the SDK has `crm.segments`.
import { isMissingRoute, readProblem } from './errors.js';
import { compactQuery, path, sdkResource, transportPage, type CrmCallOptions, type CrmDataClient, type CrmPageLike } from './transport.js';
import type { Contact, Segment } from './types.js';

/** The list query the element builds. */
export interface ContactQuery {
  q?: string;
  status?: string;
  sort?: string;
  segmentId?: string;
  limit?: number;
}

/** The first page of contacts matching `query`; follow it with `nextPage()`. */
export function listContacts(client: CrmDataClient, query: ContactQuery, options?: CrmCallOptions): Promise<CrmPageLike<Contact>> {
  const { segmentId, ...rest } = query;
  const params = compactQuery({ limit: 100, ...rest });
  if (segmentId) return transportPage<Contact>(client, path`/v1/segments/${segmentId}/members`, params, options);
  const contacts = sdkResource<Contact>(client, 'contacts');
  if (contacts) return Promise.resolve(contacts.list(params, options));
  return transportPage<Contact>(client, '/v1/contacts', params, options);
}

/** Saved segments of contacts; none while the API has no segments route. */
export async function listSegments(client: CrmDataClient, options?: CrmCallOptions): Promise<Segment[]> {
  try {
    const answer = await client.transport.get<{ data: Segment[] }>('/v1/segments', { resource: 'contact', limit: 200 }, options);
    return answer.data;
  } catch (error) {
    if (isMissingRoute(readProblem(error)) || readProblem(error).status === 403) return [];
    throw error;
  }
}
