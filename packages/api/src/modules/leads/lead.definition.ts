import type { Connection } from 'mongoose';
import type { RecordDefinition } from '../../platform/records/record-service.js';
import { companySizes, leadKinds, leadModel, leadQualities, type Lead } from './lead.model.js';
import { iso, id } from '../../platform/records/dto.js';

/** The person's name, or the company's when the lead has no person yet. */
export function leadDisplayName(l: Pick<Lead, 'firstName' | 'middleName' | 'lastName' | 'companyName'>): string {
  return [l.firstName, l.middleName, l.lastName].filter(Boolean).join(' ') || l.companyName || '';
}

/** The public shape of a lead. */
export function toLeadDto(l: Lead) {
  const c = l.conversion;
  return {
    id: String(l._id),
    kind: l.kind ?? 'individual',
    firstName: l.firstName ?? null,
    middleName: l.middleName ?? null,
    lastName: l.lastName ?? null,
    fullName: leadDisplayName(l),
    jobTitle: l.jobTitle ?? null,
    companyName: l.companyName ?? null,
    industry: l.industry ?? null,
    employees: l.employees ?? null,
    companySize: l.companySize ?? null,
    website: l.website ?? null,
    emails: l.emails ?? [],
    phones: l.phones ?? [],
    addresses: l.addresses ?? [],
    source: l.source ?? null,
    contactList: l.contactList ?? null,
    services: l.services ?? [],
    customerId: id(l.customerId),
    campaignId: id(l.campaignId),
    quality: l.quality ?? 'unknown',
    participation: l.participation ?? null,
    tags: l.tags ?? [],
    notes: l.notes ?? null,
    status: l.status,
    statusChangedAt: iso(l.statusChangedAt),
    conversion: c
      ? { customerId: String(c.customerId), contactId: String(c.contactId), opportunityId: id(c.opportunityId), startedAt: iso(c.startedAt) ?? '', completedAt: iso(c.completedAt), byUserId: String(c.byUserId) }
      : null,
    ownerId: id(l.ownerId),
    teamId: id(l.teamId),
    productId: id(l.productId),
    departmentId: id(l.departmentId),
    custom: l.custom ?? {},
    version: l.version ?? 0,
    createdAt: iso(l.createdAt) ?? '',
    updatedAt: iso(l.updatedAt) ?? '',
  };
}

const primary = <T extends { primary: boolean }>(items: T[] | undefined) => items?.find((i) => i.primary) ?? items?.[0];

/** Leads: the record definition the shared record service runs. */
export const leadDefinition = (connection: Connection): RecordDefinition<Lead> => ({
  resource: 'lead',
  listRows: true,
  emailKeys: true,
  label: 'Lead',
  model: leadModel(connection),
  workflowKey: 'lead',
  productRequiredForDepartmentUsers: true,
  list: {
    filters: {
      status: { path: 'status', kind: 'string' },
      kind: { path: 'kind', kind: 'enum', values: leadKinds },
      quality: { path: 'quality', kind: 'enum', values: leadQualities },
      participation: { path: 'participation', kind: 'string' },
      ownerId: { path: 'ownerId', kind: 'id' },
      teamId: { path: 'teamId', kind: 'id' },
      productId: { path: 'productId', kind: 'id' },
      customerId: { path: 'customerId', kind: 'id' },
      campaignId: { path: 'campaignId', kind: 'id' },
      source: { path: 'source', kind: 'string' },
      contactList: { path: 'contactList', kind: 'string' },
      service: { path: 'services', kind: 'string' },
      tag: { path: 'tags', kind: 'string' },
      email: { path: 'primaryEmail', kind: 'string' },
      industry: { path: 'industry', kind: 'string' },
      companySize: { path: 'companySize', kind: 'enum', values: companySizes },
      city: { path: 'addresses.city', kind: 'string' },
      country: { path: 'addresses.country', kind: 'string' },
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
  searchValues: (l) => [l.firstName, l.middleName, l.lastName, l.companyName, ...(l.emails ?? []).map((e) => e.value), ...(l.phones ?? []).map((p) => p.value), ...(l.addresses ?? []).map((a) => a.city), ...(l.tags ?? [])],
  derive: (l) => ({ primaryEmail: primary(l.emails)?.value.toLowerCase() ?? null }),
  toDto: toLeadDto,
  exportColumns: {
    firstName: (l) => l.firstName,
    lastName: (l) => l.lastName,
    jobTitle: (l) => l.jobTitle,
    companyName: (l) => l.companyName,
    email: (l) => primary(l.emails)?.value,
    phone: (l) => primary(l.phones)?.value,
    source: (l) => l.source,
    contactList: (l) => l.contactList,
    services: (l) => l.services,
    quality: (l) => l.quality,
    participation: (l) => l.participation,
    status: (l) => l.status,
    createdAt: (l) => l.createdAt,
  },
});
