import type { Principal } from '../../platform/access/principal.js';
import type { Connection } from 'mongoose';
import { createRecordService, type RecordDefinition, type RecordDeps } from '../../platform/records/record-service.js';
import { contactModel, type Contact } from './contact.model.js';
import { iso, id } from '../../platform/records/dto.js';

/** The public shape of a contact. */
export function toContactDto(c: Contact) {
  return {
    id: String(c._id),
    firstName: c.firstName,
    middleName: c.middleName ?? null,
    lastName: c.lastName,
    fullName: [c.firstName, c.middleName, c.lastName].filter(Boolean).join(' '),
    jobTitle: c.jobTitle ?? null,
    language: c.language ?? null,
    pictureUrl: c.pictureUrl ?? null,
    emails: c.emails ?? [],
    phones: c.phones ?? [],
    addresses: c.addresses ?? [],
    company: c.company ?? null,
    customerId: id(c.customerId),
    leadSource: c.leadSource ?? null,
    tags: c.tags ?? [],
    notes: c.notes ?? null,
    consent: c.consent ? { marketing: c.consent.marketing, ...(c.consent.source ? { source: c.consent.source } : {}), ...(c.consent.at ? { at: iso(c.consent.at)! } : {}) } : null,
    subscriptions: c.subscriptions ?? [],
    status: c.status,
    statusChangedAt: iso(c.statusChangedAt),
    ownerId: id(c.ownerId),
    teamId: id(c.teamId),
    productId: id(c.productId),
    departmentId: id(c.departmentId),
    custom: c.custom ?? {},
    version: c.version ?? 0,
    createdAt: iso(c.createdAt) ?? '',
    updatedAt: iso(c.updatedAt) ?? '',
  };
}

function primary<T extends { primary: boolean }>(items: T[] | undefined): T | undefined {
  return items?.find((i) => i.primary) ?? items?.[0];
}

/** Contacts: the record definition the shared record service runs. */
export const contactDefinition = (connection: Connection): RecordDefinition<Contact> => ({
  resource: 'contact',
  label: 'Contact',
  model: contactModel(connection),
  workflowKey: 'contact',
  productRequiredForDepartmentUsers: true,
  listRows: true,
  emailKeys: true,
  list: {
    filters: {
      status: { path: 'status', kind: 'string' },
      ownerId: { path: 'ownerId', kind: 'id' },
      teamId: { path: 'teamId', kind: 'id' },
      productId: { path: 'productId', kind: 'id' },
      customerId: { path: 'customerId', kind: 'id' },
      tag: { path: 'tags', kind: 'string' },
      email: { path: 'primaryEmail', kind: 'string' },
      industry: { path: 'company.industry', kind: 'string' },
      city: { path: 'addresses.city', kind: 'string' },
      country: { path: 'addresses.country', kind: 'string' },
      leadSource: { path: 'leadSource', kind: 'string' },
      createdAt: { path: 'createdAt', kind: 'date' },
      updatedAt: { path: 'updatedAt', kind: 'date' },
    },
    sorts: {
      createdAt: { path: 'createdAt', kind: 'date' },
      updatedAt: { path: 'updatedAt', kind: 'date' },
      lastName: { path: 'lastName', kind: 'string' },
      firstName: { path: 'firstName', kind: 'string' },
      companyName: { path: 'companyName', kind: 'string' },
      status: { path: 'status', kind: 'string' },
    },
  },
  searchValues: (c) => [c.firstName, c.middleName, c.lastName, c.company?.name, ...(c.emails ?? []).map((e) => e.value), ...(c.phones ?? []).map((p) => p.value), ...(c.addresses ?? []).map((a) => a.city), ...(c.tags ?? [])],
  derive: (c) => ({
    primaryEmail: primary(c.emails)?.value.toLowerCase() ?? null,
    companyName: c.company?.name ?? null,
    ...(c.consent && !c.consent.at ? { consent: { ...c.consent, at: new Date() } } : {}),
  }),
  toDto: toContactDto,
  exportColumns: {
    firstName: (c) => c.firstName,
    lastName: (c) => c.lastName,
    jobTitle: (c) => c.jobTitle,
    companyName: (c) => c.company?.name,
    email: (c) => primary(c.emails)?.value,
    phone: (c) => primary(c.phones)?.value,
    city: (c) => primary(c.addresses)?.city,
    country: (c) => primary(c.addresses)?.country,
    status: (c) => c.status,
    tags: (c) => c.tags,
    createdAt: (c) => c.createdAt,
  },
});

/** The patch without its consent when the consent sent is the one that stands (see the service's update). */
function keepStandingConsent(existing: Contact, patch: Record<string, unknown>): Record<string, unknown> {
  const sent = patch.consent as { marketing: boolean; source?: string | undefined } | null | undefined;
  if (!sent) return patch;
  const current = existing.consent;
  const sameChoice = current ? current.marketing === sent.marketing && (current.source ?? null) === (sent.source ?? null) : !sent.marketing && !sent.source;
  if (!sameChoice) return patch;
  const { consent: _unchanged, ...rest } = patch;
  return rest;
}

export function createContactsService(connection: Connection, deps: RecordDeps) {
  const record = createRecordService(contactDefinition(connection), deps);
  return {
    ...record,
    /**
     * The record update, except that a consent sent as it stands (the same choice and source, as an
     * editor sends it back on every save) keeps the time it was given, and "no marketing" sent for a
     * contact with no consent recorded records none: saving a contact unchanged changes nothing.
     */
    async update(principal: Principal, id: string, patch: Record<string, unknown>, options: Parameters<typeof record.update>[3] = {}) {
      // Decided on the contact the record service reads for the update anyway: one read, not two.
      return record.update(principal, id, patch, { ...options, adjust: (existing, sentPatch) => keepStandingConsent(existing, options.adjust ? options.adjust(existing, sentPatch) : sentPatch) });
    },
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;
