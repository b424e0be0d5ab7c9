// What <crm-contact-editor> asks of the API, through the SDK's resources: the contact
// (`crm.contacts.get/create/update`, `uploadPicture`, `removePicture`), the tenant's custom fields
// (`crm.customFields.list`), users (`crm.users.list`) and products (`crm.products.list`).
import type { ContactCreateParams, ContactUpdateParams } from '@crm/client-sdk';
import { isMissingRoute, readProblem } from './errors.js';
import { collect, type CrmCallOptions, type CrmDataClient, type CrmPagePromiseLike } from './transport.js';
import type { Contact, CustomFieldDefinition, Person, Product } from './types.js';

/** Loads one contact. */
export function loadContact(client: CrmDataClient, id: string, options?: CrmCallOptions): Promise<Contact> {
  return client.contacts.get(id, options);
}

/** Creates a contact (the SDK sends an idempotency key, so a retried create is safe). */
export function createContact(client: CrmDataClient, body: Record<string, unknown>, options?: CrmCallOptions): Promise<Contact> {
  // The editor builds the body from its form (contact-draft.ts); the API validates it and names each failing field.
  return client.contacts.create(body as ContactCreateParams, options);
}

/** Updates a contact only if it is still at `version` (`If-Match`). */
export function updateContact(client: CrmDataClient, id: string, body: Record<string, unknown>, version: number, options?: CrmCallOptions): Promise<Contact> {
  return client.contacts.update(id, body as ContactUpdateParams, { ...options, ifMatch: version });
}

/** Uploads the contact's picture (image bytes, at most 1 MB); answers with the contact and its new `pictureUrl`. */
export function uploadContactPicture(client: CrmDataClient, id: string, image: Blob, options?: CrmCallOptions): Promise<Contact> {
  return client.contacts.uploadPicture(id, image, options);
}

/** Removes the contact's picture; answers with the contact, its `pictureUrl` null. */
export function removeContactPicture(client: CrmDataClient, id: string, options?: CrmCallOptions): Promise<Contact> {
  return client.contacts.removePicture(id, options);
}

/** The records of a list, or `[]` when the API does not offer it (yet) or refuses it to this caller. */
async function optionalList<T>(list: () => CrmPagePromiseLike<T>): Promise<T[]> {
  try {
    return await collect(list(), 200);
  } catch (error) {
    const problem = readProblem(error);
    if (isMissingRoute(problem) || problem.status === 403) return [];
    throw error;
  }
}

/** The tenant's custom attributes of contacts. */
export function loadContactFields(client: CrmDataClient, options?: CrmCallOptions): Promise<CustomFieldDefinition[]> {
  return optionalList(() => client.customFields.list({ resource: 'contact' }, options));
}

/** People a contact can be assigned to. */
export function loadOwners(client: CrmDataClient, options?: CrmCallOptions): Promise<Person[]> {
  return optionalList(() => client.users.list({ limit: 200 }, options));
}

/** Products a contact can belong to. */
export function loadProducts(client: CrmDataClient, options?: CrmCallOptions): Promise<Product[]> {
  return optionalList(() => client.products.list({ limit: 200 }, options));
}
