import type { Connection, Types } from 'mongoose';
import { acceptancesOf } from '../../platform/privacy/terms.js';
import type { Footprint } from './privacy.footprint.js';

type Doc = Record<string, unknown> & { _id: Types.ObjectId };

/** Fields never handed out, even to the person: secrets and bytes (files are listed, not embedded). */
const WITHHELD = new Set(['passwordHash', 'tokenHash', 'data', 'invitationTokenHash']);

function plain(doc: Doc): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !WITHHELD.has(k)));
}

/**
 * Everything held about one person, as JSON-ready data per kind: their contacts and leads (with consent
 * and notes), activities and tasks, status history, subscriptions, send-ledger entries, sign-ups,
 * tickets with their messages and attachment names, portal identity, opportunities and quotes naming
 * them, and audit references (type, time and record id only, never another person's values). Every read
 * is an equality on an indexed field of the ids found.
 */
export async function exportPerson(connection: Connection, person: Footprint): Promise<Record<string, unknown[]>> {
  const db = connection.db!;
  const tenantId = person.tenantId;
  const col = (name: string) => db.collection<Doc>(name);
  const inIds = (ids: Types.ObjectId[]) => (ids.length === 1 ? ids[0]! : { $in: ids });
  const subjectIds = [...person.contactIds, ...person.leadIds];
  const none = async () => [] as Doc[];
  const [activities, tasks, transitions, subscriptions, deliveries, nurture, feedback, opportunities, leadOpportunities] = await Promise.all([
    subjectIds.length ? col('activities').find({ tenantId, subjectId: inIds(subjectIds) }).toArray() : none(),
    subjectIds.length ? col('tasks').find({ tenantId, subjectId: inIds(subjectIds) }).toArray() : none(),
    subjectIds.length ? col('transitions').find({ tenantId, recordId: inIds(subjectIds) }).toArray() : none(),
    person.contactIds.length ? col('subscriptions').find({ tenantId, subjectType: 'contact', subjectId: inIds(person.contactIds) }).toArray() : none(),
    person.contactIds.length ? col('deliveries').find({ tenantId, recipientType: 'contact', recipientId: inIds(person.contactIds) }).toArray() : none(),
    person.contactIds.length ? col('nurture_enrollments').find({ tenantId, contactId: inIds(person.contactIds) }).toArray() : none(),
    person.contactIds.length ? col('feedback').find({ tenantId, respondentType: 'contact', respondentId: inIds(person.contactIds) }).toArray() : none(),
    person.contactIds.length ? col('opportunities').find({ tenantId, contactIds: inIds(person.contactIds) }).project<Doc>({ name: 1, stage: 1, status: 1, amount: 1, currency: 1, createdAt: 1 }).toArray() : none(),
    person.leadIds.length ? col('opportunities').find({ tenantId, leadId: inIds(person.leadIds) }).project<Doc>({ name: 1, stage: 1, status: 1, amount: 1, currency: 1, createdAt: 1 }).toArray() : none(),
  ]);
  const tickets = new Map<string, Doc>();
  if (person.contactIds.length) for (const t of await col('tickets').find({ tenantId, contactId: inIds(person.contactIds) }).toArray()) tickets.set(String(t._id), t);
  if (person.customerUserIds.length) for (const t of await col('tickets').find({ tenantId, customerUserId: inIds(person.customerUserIds) }).toArray()) tickets.set(String(t._id), t);
  const ticketIds = [...tickets.values()].map((t) => t._id);
  const [ticketMessages, ticketAttachments] = ticketIds.length
    ? await Promise.all([col('ticket_messages').find({ tenantId, ticketId: inIds(ticketIds) }).toArray(), col('ticket_attachments').find({ tenantId, ticketId: inIds(ticketIds) }).project<Doc>({ data: 0 }).toArray()])
    : [[], []];
  const deals = new Map<string, Doc>();
  for (const o of [...opportunities, ...leadOpportunities]) deals.set(String(o._id), o);
  const dealIds = [...deals.values()].map((d) => d._id);
  const quotes = dealIds.length ? await col('quotes').find({ tenantId, opportunityId: inIds(dealIds) }).project<Doc>({ number: 1, title: 1, status: 1, currency: 1, opportunityId: 1, createdAt: 1 }).toArray() : [];
  const signups = (await Promise.all(person.emails.map((email) => col('campaign_signups').find({ tenantId, email }).toArray()))).flat();
  const mailSuppressions = (await Promise.all(person.emails.map((email) => col('suppressions').find({ tenantId, email }).toArray()))).flat();
  const auditReferences = (
    await Promise.all(
      [...person.contactIds, ...person.leadIds, ...person.customerUserIds, ...ticketIds].map((id) =>
        col('audit_entries').find({ tenantId, resourceId: String(id) }).project<Doc>({ seq: 1, type: 1, resource: 1, resourceId: 1, at: 1 }).toArray(),
      ),
    )
  ).flat();
  const termsAcceptances = await acceptancesOf(connection, tenantId, person);
  return {
    contacts: person.contacts.map(plain),
    leads: person.leads.map(plain),
    customerPortalUsers: person.customerUsers.map(plain),
    activities: activities.map(plain),
    tasks: tasks.map(plain),
    statusHistory: transitions.map(plain),
    subscriptions: subscriptions.map(plain),
    mailSuppressions: mailSuppressions.map(plain),
    sendLedger: deliveries.map(plain),
    nurtureEnrollments: nurture.map(plain),
    feedback: feedback.map(plain),
    campaignSignups: signups.map(plain),
    tickets: [...tickets.values()].map(plain),
    ticketMessages: ticketMessages.map(plain),
    ticketAttachments: ticketAttachments.map(plain),
    opportunities: [...deals.values()].map(plain),
    quotes: quotes.map(plain),
    auditReferences: auditReferences.map(plain),
    termsAcceptances: termsAcceptances.map((a) => plain(a as unknown as Doc)),
  };
}

/** How many of each kind an export holds (what the console shows before a download or an erasure). */
export function countsOf(data: Record<string, unknown[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.length]));
}
