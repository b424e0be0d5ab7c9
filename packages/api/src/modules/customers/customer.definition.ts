import type { Connection } from 'mongoose';
import type { RecordDefinition } from '../../platform/records/record-service.js';
import { customerModel, invoicingOptions, type Customer } from './customer.model.js';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
const id = (v: unknown) => (v ? String(v) : null);
const ids = (v: unknown[] | undefined) => (v ?? []).map(String);

/** The public shape of a customer. */
export function toCustomerDto(c: Customer) {
  const f: Partial<Customer['finance']> = c.finance ?? {};
  const t: Partial<Customer['team']> = c.team ?? {};
  const p: Partial<Customer['preferences']> = c.preferences ?? {};
  return {
    id: String(c._id),
    name: c.name,
    legalName: c.legalName ?? null,
    logoUrl: c.logoUrl ?? null,
    industry: c.industry ?? null,
    companyType: c.companyType ?? null,
    website: c.website ?? null,
    address: c.address ?? null,
    emails: c.emails ?? [],
    phones: c.phones ?? [],
    tags: c.tags ?? [],
    category: c.category ?? null,
    rating: c.rating ?? null,
    contacts: (c.contacts ?? []).map((x) => ({ contactId: String(x.contactId), role: x.role })),
    preferences: { notifications: p.notifications ?? [], channel: p.channel ?? null, services: p.services ?? [], satisfactionEmails: p.satisfactionEmails ?? true },
    billingUnits: (c.billingUnits ?? []).map((b) => ({ name: b.name, code: b.code ?? null, email: b.email ?? null, poRequired: Boolean(b.poRequired), address: b.address ?? null })),
    finance: {
      currency: f.currency ?? null,
      priceBookId: id(f.priceBookId),
      paymentTerms: f.paymentTerms ?? null,
      paymentTermsDays: f.paymentTermsDays ?? null,
      creditLimit: f.creditLimit ?? null,
      invoicingOption: f.invoicingOption ?? 'manual',
      autoSendInvoice: Boolean(f.autoSendInvoice),
      invoicingPoint: f.invoicingPoint ?? null,
      blacklisted: Boolean(f.blacklisted),
      priceAdjuster: f.priceAdjuster ?? null,
      allowSharingPos: Boolean(f.allowSharingPos),
      allowNegativeProfit: Boolean(f.allowNegativeProfit),
      paymentBehavior: f.paymentBehavior ?? null,
    },
    team: {
      accountManagerId: id(t.accountManagerId),
      mainPmId: id(t.mainPmId),
      backupPmIds: ids(t.backupPmIds),
      relationshipManagerId: id(t.relationshipManagerId),
      operationsUserIds: ids(t.operationsUserIds),
    },
    portals: c.portals ?? [],
    notes: c.notes ?? null,
    parentId: id(c.parentId),
    ancestorIds: ids(c.ancestorIds),
    depth: c.depth ?? (c.ancestorIds ?? []).length,
    sourceLeadId: id(c.sourceLeadId),
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

const primary = <T extends { primary: boolean }>(items: T[] | undefined) => items?.find((i) => i.primary) ?? items?.[0];

/** Customers: the record definition the shared record service runs. */
export const customerDefinition = (connection: Connection): RecordDefinition<Customer> => ({
  resource: 'customer',
  label: 'Customer',
  model: customerModel(connection),
  workflowKey: 'customer',
  list: {
    filters: {
      status: { path: 'status', kind: 'string' },
      ownerId: { path: 'ownerId', kind: 'id' },
      teamId: { path: 'teamId', kind: 'id' },
      productId: { path: 'productId', kind: 'id' },
      parentId: { path: 'parentId', kind: 'id' },
      ancestorId: { path: 'ancestorIds', kind: 'id' },
      depth: { path: 'depth', kind: 'number' },
      industry: { path: 'industry', kind: 'string' },
      companyType: { path: 'companyType', kind: 'string' },
      category: { path: 'category', kind: 'string' },
      rating: { path: 'rating', kind: 'number' },
      tag: { path: 'tags', kind: 'string' },
      city: { path: 'city', kind: 'string' },
      country: { path: 'country', kind: 'string' },
      currency: { path: 'finance.currency', kind: 'string' },
      creditLimit: { path: 'finance.creditLimit', kind: 'number' },
      blacklisted: { path: 'finance.blacklisted', kind: 'boolean' },
      invoicingOption: { path: 'finance.invoicingOption', kind: 'enum', values: invoicingOptions },
      accountManagerId: { path: 'team.accountManagerId', kind: 'id' },
      mainPmId: { path: 'team.mainPmId', kind: 'id' },
      contactId: { path: 'contacts.contactId', kind: 'id' },
      service: { path: 'preferences.services', kind: 'string' },
      createdAt: { path: 'createdAt', kind: 'date' },
      updatedAt: { path: 'updatedAt', kind: 'date' },
    },
    sorts: {
      createdAt: { path: 'createdAt', kind: 'date' },
      updatedAt: { path: 'updatedAt', kind: 'date' },
      name: { path: 'name', kind: 'string' },
      status: { path: 'status', kind: 'string' },
      rating: { path: 'rating', kind: 'number' },
      creditLimit: { path: 'finance.creditLimit', kind: 'number' },
    },
  },
  searchValues: (c) => [c.name, c.legalName, ...(c.emails ?? []).map((e) => e.value), ...(c.phones ?? []).map((p) => p.value)],
  derive: (c) => ({
    city: c.address?.city ?? null,
    country: c.address?.country ?? null,
    ...(c.ancestorIds ? { depth: c.ancestorIds.length } : {}),
  }),
  toDto: toCustomerDto,
  exportColumns: {
    name: (c) => c.name,
    industry: (c) => c.industry,
    companyType: (c) => c.companyType,
    email: (c) => primary(c.emails)?.value,
    phone: (c) => primary(c.phones)?.value,
    city: (c) => c.address?.city,
    country: (c) => c.address?.country,
    category: (c) => c.category,
    rating: (c) => c.rating,
    tags: (c) => c.tags,
    currency: (c) => c.finance?.currency,
    creditLimit: (c) => c.finance?.creditLimit,
    blacklisted: (c) => c.finance?.blacklisted,
    status: (c) => c.status,
    parentId: (c) => (c.parentId ? String(c.parentId) : null),
    createdAt: (c) => c.createdAt,
  },
});
