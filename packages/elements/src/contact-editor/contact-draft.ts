// The editable form of a contact: what the editor binds its fields to (by dotted path, the same paths
// the API names in validation errors, e.g. `emails.0.value`), and how it becomes a request body.
import type { Contact, ContactPoint, CustomFieldDefinition, PostalAddress } from '../shared/api/types.js';

/** A contact as the editor holds it while the person types. */
export interface ContactDraft {
  firstName: string;
  middleName: string;
  lastName: string;
  jobTitle: string;
  pictureUrl: string;
  emails: ContactPoint[];
  phones: ContactPoint[];
  addresses: PostalAddress[];
  /** Name, industry and website are edited; the rest of the company (logo, type, address) is kept as it was. */
  company: { name: string; industry: string; website: string; [kept: string]: unknown };
  leadSource: string;
  tags: string;
  notes: string;
  consent: { marketing: boolean; source: string };
  ownerId: string;
  productId: string;
  custom: Record<string, unknown>;
}

/** The lists of a contact that hold labelled entries with one primary. */
export type ContactListKey = 'emails' | 'phones' | 'addresses';

/** A draft for a new contact, or for editing `contact`. */
export function toDraft(contact?: Partial<Contact>): ContactDraft {
  return {
    firstName: contact?.firstName ?? '',
    middleName: contact?.middleName ?? '',
    lastName: contact?.lastName ?? '',
    jobTitle: contact?.jobTitle ?? '',
    pictureUrl: contact?.pictureUrl ?? '',
    emails: (contact?.emails ?? []).map((e) => ({ ...e })),
    phones: (contact?.phones ?? []).map((p) => ({ ...p })),
    addresses: (contact?.addresses ?? []).map((a) => ({ ...a })),
    company: { ...(contact?.company ?? {}), name: contact?.company?.name ?? '', industry: contact?.company?.industry ?? '', website: contact?.company?.website ?? '' },
    leadSource: contact?.leadSource ?? '',
    tags: (contact?.tags ?? []).join(', '),
    notes: contact?.notes ?? '',
    consent: { marketing: contact?.consent?.marketing ?? false, source: contact?.consent?.source ?? '' },
    ownerId: contact?.ownerId ?? '',
    productId: contact?.productId ?? '',
    custom: { ...(contact?.custom ?? {}) },
  };
}

/** A new, empty entry for one of the lists; the first entry of a list is its primary. */
export function emptyEntry(list: ContactListKey, isFirst: boolean): ContactPoint | PostalAddress {
  return list === 'addresses'
    ? { label: 'work', line1: '', city: '', postalCode: '', country: '', primary: isFirst }
    : { label: 'work', value: '', primary: isFirst };
}

/** A copy of `draft` with the value at dotted `path` replaced. */
export function withValue(draft: ContactDraft, path: string, value: unknown): ContactDraft {
  const next = structuredClone(draft) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let target: Record<string, unknown> = next;
  for (const key of keys.slice(0, -1)) {
    const child = target[key];
    if (typeof child !== 'object' || child === null) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  target[keys[keys.length - 1]!] = value;
  return next as unknown as ContactDraft;
}

const blank = (value: string) => (value.trim() === '' ? null : value.trim());

/** The entry without its empty texts (an empty label then takes the API's default, `work`). */
function withoutBlanks<T extends object>(entry: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(entry)
      .map(([key, value]) => [key, typeof value === 'string' ? value.trim() : value])
      .filter(([, value]) => value !== '' && value !== null && value !== undefined),
  ) as Partial<T>;
}

function customValue(definition: CustomFieldDefinition, value: unknown): unknown {
  if (definition.type === 'number') return value === '' || value === undefined ? null : Number(value);
  if (definition.type === 'boolean') return Boolean(value);
  if (definition.type === 'multiselect') return Array.isArray(value) ? value : [];
  return value === '' || value === undefined ? null : value;
}

/**
 * The request body for a draft. Owner and product are sent only when they changed, since assigning
 * to someone else needs a permission the caller may not have.
 */
export function toBody(draft: ContactDraft, original: ContactDraft, definitions: CustomFieldDefinition[]): Record<string, unknown> {
  const company: Record<string, unknown> = { ...draft.company, name: draft.company.name.trim(), industry: draft.company.industry.trim(), website: draft.company.website.trim() };
  const hasCompany = Object.values(company).some((value) => value !== '' && value !== null && value !== undefined);
  const body: Record<string, unknown> = {
    firstName: draft.firstName.trim(),
    middleName: blank(draft.middleName),
    lastName: draft.lastName.trim(),
    jobTitle: blank(draft.jobTitle),
    // Entries keep their places, so the API's error paths (`emails.1.value`) point at the right field.
    emails: draft.emails.map((e) => withoutBlanks({ ...e, value: e.value.trim() })),
    phones: draft.phones.map((p) => withoutBlanks({ ...p, value: p.value.trim() })),
    // An address is as complete as the person made it: every part is optional, as in the API's schema.
    addresses: draft.addresses.map((a) => withoutBlanks(a)),
    company: hasCompany ? withoutBlanks(company) : null,
    leadSource: blank(draft.leadSource),
    tags: draft.tags.split(',').map((t) => t.trim()).filter(Boolean),
    notes: blank(draft.notes),
    consent: { marketing: draft.consent.marketing, ...(draft.consent.source.trim() ? { source: draft.consent.source.trim() } : {}) },
    custom: Object.fromEntries(definitions.map((d) => [d.key, customValue(d, draft.custom[d.key])])),
  };
  if (draft.ownerId && draft.ownerId !== original.ownerId) body.ownerId = draft.ownerId;
  if (draft.productId !== original.productId) body.productId = draft.productId || null;
  return body;
}

/** True when two drafts hold the same values. */
export function sameDraft(a: ContactDraft, b: ContactDraft): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
