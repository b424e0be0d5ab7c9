// What the import wizard offers, per kind: the fields a column may fill, the keys that find duplicates,
// the modes, and the locales the API reads dates and numbers in.
import type { Import, ImportMappingParams } from '../shared/api/imports.js';

/** The fields a column may fill, per kind (as the API's import mapping takes them; custom fields come from the suggestions). */
export const fieldsOf: Record<Import['kind'], string[]> = {
  contacts: ['firstName', 'middleName', 'lastName', 'jobTitle', 'email', 'phone', 'companyName', 'industry', 'website', 'street', 'postalCode', 'city', 'state', 'country', 'tags', 'notes', 'externalId', 'leadSource', 'ownerEmail', 'status'],
  customers: ['name', 'legalName', 'industry', 'companyType', 'category', 'rating', 'website', 'email', 'phone', 'street', 'postalCode', 'city', 'state', 'country', 'tags', 'notes', 'externalId', 'parent', 'ownerEmail', 'status'],
  opportunities: ['name', 'description', 'customer', 'amount', 'currency', 'probability', 'stage', 'lostReason', 'expectedCloseDate', 'nextStep', 'nextStepDate', 'leadSource', 'tags', 'externalId', 'ownerEmail'],
  products: ['name', 'code', 'description', 'cycleStart', 'cycleEnd', 'status', 'department'],
  tasks: ['title', 'kind', 'description', 'dueAt', 'assigneeEmail', 'contactEmail', 'customerExternalId', 'leadExternalId', 'opportunityExternalId', 'status', 'tags', 'externalId'],
  leads: ['kind', 'firstName', 'middleName', 'lastName', 'jobTitle', 'email', 'phone', 'companyName', 'industry', 'website', 'employees', 'street', 'postalCode', 'city', 'state', 'country', 'source', 'contactList', 'services', 'quality', 'participation', 'tags', 'notes', 'externalId', 'ownerEmail', 'status'],
};
export type ImportLocale = NonNullable<ImportMappingParams['locale']>;
/** The locales the API reads dates and numbers in, with how each writes 31 December 2026 and 1234.56. */
export const locales: Array<[ImportLocale, string]> = [
  ['en-US', '12/31/2026 · 1,234.56'],
  ['en-GB', '31/12/2026 · 1,234.56'],
  ['de-DE', '31.12.2026 · 1.234,56'],
  ['de-AT', '31.12.2026 · 1.234,56'],
  ['de-CH', "31.12.2026 · 1'234.56"],
  ['fr-FR', '31/12/2026 · 1 234,56'],
  ['es-ES', '31/12/2026 · 1.234,56'],
  ['it-IT', '31/12/2026 · 1.234,56'],
  ['nl-NL', '31-12-2026 · 1.234,56'],
];
export const dedupeKeys = ['email', 'externalId', 'phone', 'code'] as const;
export type DedupeKey = (typeof dedupeKeys)[number];
/** The keys that find records of a kind (accounts have no primary email; a product is found by its code). */
export const dedupeKeysOf: Record<Import['kind'], readonly DedupeKey[]> = { contacts: ['email', 'externalId', 'phone'], leads: ['email', 'externalId', 'phone'], customers: ['externalId', 'phone'], opportunities: ['externalId'], products: ['code'], tasks: ['externalId'] };
/** What the rows may become, in the picker's order. */
export const kinds: ReadonlyArray<Import['kind']> = ['contacts', 'leads', 'customers', 'opportunities', 'products', 'tasks'];
/** The kinds whose records have an owner (a task's is its assignee), so that an assignment rule can deal rows to a team. */
export const ownedKinds: ReadonlySet<Import['kind']> = new Set(['contacts', 'leads', 'customers', 'opportunities', 'tasks']);
export const modes = ['skip', 'update', 'create'] as const;
