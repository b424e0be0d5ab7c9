// What <crm-card-scan> asks of the API, through the SDK: `crm.contacts.scanCard` reads a photo into a
// contact draft (nothing stored); the review form saves it with `crm.contacts.create` (contact-editor.ts).
import type { CardScan } from '@crm/client-sdk';
import type { CrmCallOptions, CrmDataClient } from './transport.js';
import type { Contact } from './types.js';

/** Reads a photo of a business card into a contact draft. */
export function scanCard(client: CrmDataClient, image: Blob, options?: CrmCallOptions): Promise<CardScan> {
  return client.contacts.scanCard(image, options);
}

/** The draft as the contact editor's initial values (the editor takes a contact's shape). */
export function draftAsContact(scan: CardScan): Partial<Contact> {
  const { company, ...rest } = scan.contact;
  return { ...rest, ...(company ? { company: { ...company } as Contact['company'] } : {}) } as Partial<Contact>;
}
