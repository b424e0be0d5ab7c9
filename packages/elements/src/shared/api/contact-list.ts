// What <crm-contact-list> asks of the API, through the SDK's resources: pages of contacts
// (`crm.contacts.list`), saved segments (`crm.segments.list({ resource: 'contact' })`) and a
// segment's members (`crm.segments.members`).
import { isMissingRoute, readProblem } from './errors.js';
import { compactQuery, type CrmCallOptions, type CrmDataClient, type CrmPageLike } from './transport.js';
import type { Contact, Segment } from './types.js';

/** The list query the element builds. */
export interface ContactQuery {
  q?: string;
  status?: string;
  sort?: string;
  segmentId?: string;
  limit?: number;
  /** The cursor of the page to ask for (the `nextCursor` of the one before it); the first page when absent. */
  cursor?: string;
}

/** The first page of contacts matching `query`; follow it with `nextPage()`. */
export async function listContacts(client: CrmDataClient, query: ContactQuery, options?: CrmCallOptions): Promise<CrmPageLike<Contact>> {
  const { segmentId, ...rest } = query;
  const params = compactQuery({ limit: 100, ...rest });
  if (segmentId) return client.segments.members<Contact>(segmentId, params, options);
  return client.contacts.list(params, options);
}

/** Saved segments of contacts; none while the API has no segments or refuses them to this caller. */
export async function listSegments(client: CrmDataClient, options?: CrmCallOptions): Promise<Segment[]> {
  try {
    return (await client.segments.list({ resource: 'contact', limit: 200 }, options)).data;
  } catch (error) {
    if (isMissingRoute(readProblem(error)) || readProblem(error).status === 403) return [];
    throw error;
  }
}
