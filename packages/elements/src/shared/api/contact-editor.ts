// What <crm-contact-editor> asks of the API. Contacts go through `crm.contacts` when the SDK has it;
// custom fields, users and products through `client.transport` on their documented routes until the
// SDK grows those resources. Swap the bodies here, not in the element.
import { isMissingRoute, readProblem } from './errors.js';
import { compactQuery, path, sdkResource, type CrmCallOptions, type CrmDataClient } from './transport.js';
import type { Contact, CustomFieldDefinition, Person, Product } from './types.js';

/** Loads one contact. */
export function loadContact(client: CrmDataClient, id: string, options?: CrmCallOptions): Promise<Contact> {
  const contacts = sdkResource<Contact>(client, 'contacts');
  return contacts ? contacts.get(id, options) : client.transport.get<Contact>(path`/v1/contacts/${id}`, undefined, options);
}

/** Creates a contact (an idempotency key makes a retried create safe). */
export function createContact(client: CrmDataClient, body: object, options?: CrmCallOptions): Promise<Contact> {
  const contacts = sdkResource<Contact>(client, 'contacts');
  return contacts ? contacts.create(body, options) : client.transport.post<Contact>('/v1/contacts', body, options, true);
}

/** Updates a contact only if it is still at `version` (`If-Match`). */
export function updateContact(client: CrmDataClient, id: string, body: object, version: number, options?: CrmCallOptions): Promise<Contact> {
  const contacts = sdkResource<Contact>(client, 'contacts');
  if (contacts) return contacts.update(id, body, { ...options, ifMatch: version });
  return client.transport.patch<Contact>(path`/v1/contacts/${id}`, body, options, { 'If-Match': String(version) });
}

/** Reads a list route's `data`, or `[]` when the API does not offer the route (yet) or refuses it. */
async function optionalList<T>(client: CrmDataClient, route: string, query: object, options?: CrmCallOptions): Promise<T[]> {
  try {
    const envelope = await client.transport.get<{ data?: T[] }>(route, query, options);
    return envelope.data ?? [];
  } catch (error) {
    const problem = readProblem(error);
    if (isMissingRoute(problem) || problem.status === 403) return [];
    throw error;
  }
}

/** The tenant's custom attributes of contacts (`GET /v1/custom-fields?resource=contact`). */
export function loadContactFields(client: CrmDataClient, options?: CrmCallOptions): Promise<CustomFieldDefinition[]> {
  return optionalList<CustomFieldDefinition>(client, '/v1/custom-fields', { resource: 'contact' }, options);
}

/** People a contact can be assigned to. */
export function loadOwners(client: CrmDataClient, options?: CrmCallOptions): Promise<Person[]> {
  return optionalList<Person>(client, '/v1/users', compactQuery({ limit: 200 }), options);
}

/** Products a contact can belong to. */
export function loadProducts(client: CrmDataClient, options?: CrmCallOptions): Promise<Product[]> {
  return optionalList<Product>(client, '/v1/products', compactQuery({ limit: 200 }), options);
}
