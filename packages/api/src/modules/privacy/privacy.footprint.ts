import { Types, type Connection } from 'mongoose';
import { op } from '../../platform/db/operators.js';
import { searchEntryModel, searchKey } from '../../platform/search/search-entry.model.js';
import { normalizeText } from '../../platform/search/search-tokens.js';
import { normaliseEmail, normalisePhone } from '../../platform/privacy/suppression.js';

/** Who a request is about: an email and/or phone, or the id of a contact or lead. */
export interface PrivacySubject {
  email?: string | undefined;
  phone?: string | undefined;
  contactId?: string | undefined;
  leadId?: string | undefined;
}

type Doc = Record<string, unknown> & { _id: Types.ObjectId };

/**
 * Everything found of one person in one agency, by equality on indexed fields only: contacts and leads
 * by `primaryEmail`, by id, and by the search index's whole-value tokens of their email and phone (so a
 * second address or a phone finds them too), then the customer-portal identity by contact, and every
 * value they hold (emails, phones, names), which erasure scrubs wherever a copy remains.
 */
export interface Footprint {
  tenantId: Types.ObjectId;
  contacts: Doc[];
  leads: Doc[];
  customerUsers: Doc[];
  contactIds: Types.ObjectId[];
  leadIds: Types.ObjectId[];
  customerUserIds: Types.ObjectId[];
  emails: string[];
  phones: string[];
  /** Names and whole values a copy of the person can be recognised by (emails, phones, full names). */
  values: string[];
}

function pointValues(doc: Doc, field: 'emails' | 'phones'): string[] {
  const list = (doc[field] as Array<{ value?: string }> | undefined) ?? [];
  return list.map((p) => p.value).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
}

/** Finds the person; an unknown person has an empty footprint (no error: "nothing held" is an answer). */
export async function findFootprint(connection: Connection, tenantId: Types.ObjectId, subject: PrivacySubject): Promise<Footprint> {
  const db = connection.db!;
  const contactsCol = db.collection<Doc>('contacts');
  const leadsCol = db.collection<Doc>('leads');
  const email = subject.email ? normaliseEmail(subject.email) : null;
  const phone = subject.phone ? normalisePhone(subject.phone) : null;

  // Whole-value tokens of the email and the phone's digits, per kind: one key lookup each.
  const tokens = [email ? normalizeText(email) : null, phone && phone.length >= 4 ? phone : null].filter((t): t is string => Boolean(t));
  const keys = tokens.flatMap((t) => [searchKey(tenantId, 'contact', t), searchKey(tenantId, 'lead', t)]);
  const entries = keys.length ? await searchEntryModel(connection).find({ tenantId, key: keys.length === 1 ? keys[0]! : op({ $in: keys }) }).select('kind recordId').lean() : [];
  const contactIds = new Map<string, Types.ObjectId>();
  const leadIds = new Map<string, Types.ObjectId>();
  for (const e of entries) (e.kind === 'contact' ? contactIds : leadIds).set(String(e.recordId), e.recordId);
  if (subject.contactId && Types.ObjectId.isValid(subject.contactId)) contactIds.set(subject.contactId, new Types.ObjectId(subject.contactId));
  if (subject.leadId && Types.ObjectId.isValid(subject.leadId)) leadIds.set(subject.leadId, new Types.ObjectId(subject.leadId));

  const [byEmailContacts, byEmailLeads] = email
    ? await Promise.all([contactsCol.find({ tenantId, primaryEmail: email }).toArray(), leadsCol.find({ tenantId, primaryEmail: email }).toArray()])
    : [[], []];
  const byId = async (col: typeof contactsCol, ids: Types.ObjectId[]) => (ids.length ? col.find({ tenantId, _id: ids.length === 1 ? ids[0]! : { $in: ids } }).toArray() : []);
  const contacts = dedupe([...byEmailContacts, ...(await byId(contactsCol, [...contactIds.values()]))]);
  let leads = dedupe([...byEmailLeads, ...(await byId(leadsCol, [...leadIds.values()]))]);
  // Matched by a token only: keep the records that really hold the value (a token is a whole value, but be exact).
  const holds = (doc: Doc) =>
    (email !== null && pointValues(doc, 'emails').some((v) => normaliseEmail(v) === email)) ||
    (phone !== null && pointValues(doc, 'phones').some((v) => normalisePhone(v) === phone)) ||
    String(doc._id) === subject.contactId ||
    String(doc._id) === subject.leadId;
  const keptContacts = contacts.filter(holds);
  leads = leads.filter(holds);

  const customerUsers = keptContacts.length
    ? await db.collection<Doc>('customer_users').find({ tenantId, contactId: keptContacts.length === 1 ? keptContacts[0]!._id : { $in: keptContacts.map((c) => c._id) } }).toArray()
    : [];
  const byEmailUsers = email ? await db.collection<Doc>('customer_users').find({ tenantId, emailNormalized: email }).toArray() : [];
  const users = dedupe([...customerUsers, ...byEmailUsers]);

  const emails = new Set<string>(email ? [email] : []);
  const phones = new Set<string>(phone ? [phone] : []);
  const names = new Set<string>();
  for (const doc of [...keptContacts, ...leads]) {
    for (const v of pointValues(doc, 'emails')) emails.add(normaliseEmail(v));
    for (const v of pointValues(doc, 'phones')) {
      phones.add(v.trim());
      if (normalisePhone(v).length >= 6) phones.add(normalisePhone(v));
    }
    const full = [doc.firstName, doc.middleName, doc.lastName].filter((p) => typeof p === 'string' && p.trim()).join(' ');
    if (full) names.add(full);
    for (const part of [doc.firstName, doc.lastName]) if (typeof part === 'string' && part.trim().length >= 3) names.add(part.trim());
  }
  for (const u of users) {
    if (typeof u.emailNormalized === 'string') emails.add(u.emailNormalized);
    if (typeof u.name === 'string' && u.name.trim()) names.add(u.name.trim());
  }
  return {
    tenantId,
    contacts: keptContacts,
    leads,
    customerUsers: users,
    contactIds: keptContacts.map((c) => c._id),
    leadIds: leads.map((l) => l._id),
    customerUserIds: users.map((u) => u._id),
    emails: [...emails],
    phones: [...phones],
    values: [...emails, ...phones, ...names].sort((a, b) => b.length - a.length),
  };
}

function dedupe(docs: Doc[]): Doc[] {
  const seen = new Map<string, Doc>();
  for (const d of docs) seen.set(String(d._id), d);
  return [...seen.values()];
}

/** `j***@e***.com`, `+49 ***12`: enough for an admin to recognise a request, not to identify the person. */
export function maskSubject(subject: PrivacySubject): string {
  const parts: string[] = [];
  if (subject.email) {
    const [local = '', domain = ''] = normaliseEmail(subject.email).split('@');
    const dot = domain.lastIndexOf('.');
    parts.push(`${local.slice(0, 1)}***@${domain.slice(0, 1)}***${dot >= 0 ? domain.slice(dot) : ''}`);
  }
  if (subject.phone) parts.push(`***${normalisePhone(subject.phone).slice(-2)}`);
  if (subject.contactId) parts.push(`contact ${subject.contactId}`);
  if (subject.leadId) parts.push(`lead ${subject.leadId}`);
  return parts.join(', ') || 'unknown';
}

/** Whether a value (any JSON) mentions one of the person's values, compared case-insensitively. */
export function mentions(value: unknown, needles: readonly string[]): boolean {
  if (!needles.length || value === null || value === undefined) return false;
  const text = (typeof value === 'string' ? value : JSON.stringify(value)).toLowerCase();
  return needles.some((n) => n.length >= 3 && text.includes(n.toLowerCase()));
}

/** The string with each of the person's values replaced by `[erased]` (case-insensitive). */
export function scrub(text: string, needles: readonly string[]): string {
  let out = text;
  for (const n of needles) {
    if (n.length < 3) continue;
    out = out.replace(new RegExp(n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '[erased]');
  }
  return out;
}

/** Any JSON value with the person's values scrubbed from every string in it. */
export function scrubDeep<T>(value: T, needles: readonly string[]): T {
  if (typeof value === 'string') return scrub(value, needles) as T;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, needles)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Types.ObjectId) && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, scrubDeep(v, needles)])) as T;
  }
  return value;
}
