import type { Connection, Types } from 'mongoose';
import { eraseAcceptances } from '../../platform/privacy/terms.js';
import type { EventBus } from '../../platform/events.js';
import { JOBS_COLLECTION } from '../../platform/jobs/jobs.js';
import { addSuppression } from '../../platform/privacy/suppression.js';
import { mentions, scrub, scrubDeep, type Footprint } from './privacy.footprint.js';
import { deleteRecords, resyncRecord, type PrivacyRecordKinds } from './privacy.records.js';
import { EMAIL_KEYS_COLLECTION, emailKeyId, emailOfKey } from '../../platform/records/email-keys.js';

type Doc = Record<string, unknown> & { _id: Types.ObjectId };
/** What a ticket's requester shows once they are erased. */
export const ERASED_PERSON = 'Erased person';

/**
 * Erases one person from one agency. Records that are theirs alone are deleted (contacts, leads, their
 * activities and tasks, consents, portal identity, sessions, sign-ups, ledger addresses); records of the
 * agency that name them keep their shape with the person cut out (a ticket keeps its thread, its requester
 * becomes "Erased person"; an opportunity or account drops them from its contacts); copies of their values
 * (audit values, cached answers, queued jobs, webhook deliveries) are scrubbed; and the keyed hashes of
 * their email and phone are left as the only trace, so they are not created again. Answers counts per kind.
 * Every read is an equality on an indexed field of the ids and values found, except the three small,
 * short-lived collections named in docs/privacy.md (queued jobs and idempotency answers).
 */
export async function erasePerson(deps: { connection: Connection; events: EventBus; kinds: PrivacyRecordKinds }, person: Footprint, requestId: Types.ObjectId, actorUserId: Types.ObjectId | null, options: { suppress: boolean } = { suppress: true }): Promise<Record<string, number>> {
  const { connection, events, kinds } = deps;
  const db = connection.db!;
  const tenantId = person.tenantId;
  const counts: Record<string, number> = {};
  const add = (kind: string, n: number) => {
    if (n) counts[kind] = (counts[kind] ?? 0) + n;
  };
  const col = (name: string) => db.collection<Doc>(name);
  const inIds = (ids: Types.ObjectId[]) => (ids.length === 1 ? ids[0]! : { $in: ids });
  const subjectIds = [...person.contactIds, ...person.leadIds];
  const actor = { userId: actorUserId };
  const needles = person.values;
  // Records of the person deleted or rewritten here, whose queued webhook deliveries go too.
  const touched: Types.ObjectId[] = [];

  // The hash first: from here on, nobody can add the person back while the rest is removed.
  // A retention erasure leaves none: the person did not ask, and may come back.
  if (options.suppress) add('suppressions', await addSuppression(connection, tenantId, { emails: person.emails, phones: person.phones }, requestId));

  // Their activities and tasks: the timeline of the person goes with them.
  if (subjectIds.length) {
    const activities = await col('activities').find({ tenantId, subjectId: inIds(subjectIds) }).toArray();
    touched.push(...activities.map((a) => a._id));
    add('activities', await deleteRecords(connection, events, kinds.activity as never, tenantId, activities, actor, requestId));
    const tasks = await col('tasks').find({ tenantId, subjectId: inIds(subjectIds) }).toArray();
    touched.push(...tasks.map((t) => t._id));
    add('tasks', await deleteRecords(connection, events, kinds.task as never, tenantId, tasks, actor, requestId));
    add('statusHistory', (await col('transitions').deleteMany({ tenantId, recordId: inIds(subjectIds) })).deletedCount);
    // Their phone calls (voip_calls): the rep keeps the call in their figures, without the person's number or name.
    add('calls', (await col('voip_calls').updateMany({ tenantId, subjectId: inIds(subjectIds) }, { $set: { remote: '', remoteDisplay: '', subjectType: null, subjectId: null } })).modifiedCount);
    add('importRecords', (await col('import_changes').deleteMany({ tenantId, recordId: inIds(subjectIds) })).deletedCount);
  }
  add('importRecords', await eraseKeys(db, person, subjectIds));

  // Tickets they raised keep their thread; the requester is cut out and their values scrubbed.
  const ticketFilters = [
    ...(person.contactIds.length ? [{ tenantId, contactId: inIds(person.contactIds) }] : []),
    ...(person.customerUserIds.length ? [{ tenantId, customerUserId: inIds(person.customerUserIds) }] : []),
  ];
  const tickets = new Map<string, Doc>();
  for (const filter of ticketFilters) for (const t of await col('tickets').find(filter).toArray()) tickets.set(String(t._id), t);
  for (const ticket of tickets.values()) {
    touched.push(ticket._id);
    await col('tickets').updateOne(
      { tenantId, _id: ticket._id },
      { $set: { contactId: null, customerUserId: null, requesterErased: true, subject: scrub(String(ticket.subject ?? ''), needles), description: typeof ticket.description === 'string' ? scrub(ticket.description, needles) : null }, $inc: { version: 1 } } as never,
    );
    add('tickets', 1);
    for (const message of await col('ticket_messages').find({ tenantId, ticketId: ticket._id }).toArray()) {
      const theirs = message.authorKind === 'customer' && person.customerUserIds.some((id) => String(id) === String(message.authorId));
      const body = scrub(String(message.body ?? ''), needles);
      if (body !== message.body || theirs) {
        const keptAttachments = ((message.attachments as Array<{ id: string }> | undefined) ?? []).filter(() => !theirs);
        await col('ticket_messages').updateOne({ tenantId, _id: message._id }, { $set: { body, attachments: keptAttachments } });
        add('ticketMessages', 1);
      }
    }
    // Files the person uploaded are theirs: removed with their bytes.
    for (const attachment of await col('ticket_attachments').find({ tenantId, ticketId: ticket._id }).project({ uploadedByKind: 1, uploadedBy: 1, name: 1 }).toArray()) {
      const theirs = attachment.uploadedByKind === 'customer' && person.customerUserIds.some((id) => String(id) === String(attachment.uploadedBy));
      if (theirs || mentions(attachment.name, needles)) add('files', (await col('ticket_attachments').deleteOne({ tenantId, _id: attachment._id })).deletedCount);
    }
    add('mailLog', (await col('ticket_mail_deliveries').updateMany({ tenantId, ticketId: ticket._id }, { $set: { to: null } })).modifiedCount);
    for (const inbound of await col('ticket_inbound_mail').find({ tenantId, ticketId: ticket._id }).toArray()) {
      if (mentions(inbound.from, needles)) add('mailLog', (await col('ticket_inbound_mail').updateOne({ tenantId, _id: inbound._id }, { $set: { from: ERASED_PERSON } })).modifiedCount);
    }
    for (const entry of await col('ticket_timeline').find({ tenantId, ticketId: ticket._id }).toArray()) {
      if (mentions(entry, needles)) await col('ticket_timeline').updateOne({ tenantId, _id: entry._id }, { $set: scrubDeep({ subject: entry.subject }, needles) });
    }
    await resyncRecord(connection, kinds.ticket as never, tenantId, ticket._id);
  }

  // Their portal identity, its sign-in links and sessions.
  if (person.customerUserIds.length) {
    add('portalLinks', (await col('customer_links').deleteMany({ tenantId, customerUserId: inIds(person.customerUserIds) })).deletedCount);
    const sessions = await col('sessions').find({ tenantId, audience: 'customer', userId: inIds(person.customerUserIds) }).project({ _id: 1 }).toArray();
    if (sessions.length) {
      await col('refresh_tokens').deleteMany({ tenantId, sessionId: inIds(sessions.map((s) => s._id)) });
      add('sessions', (await col('sessions').deleteMany({ tenantId, _id: inIds(sessions.map((s) => s._id)) })).deletedCount);
    }
    add('portalUsers', (await col('customer_users').deleteMany({ tenantId, _id: inIds(person.customerUserIds) })).deletedCount);
  }

  // Consents, subscriptions, sequences, surveys, pictures: theirs alone.
  if (person.contactIds.length) {
    add('subscriptions', (await col('subscriptions').deleteMany({ tenantId, subjectType: 'contact', subjectId: inIds(person.contactIds) })).deletedCount);
    add('nurtureEnrollments', (await col('nurture_enrollments').deleteMany({ tenantId, contactId: inIds(person.contactIds) })).deletedCount);
    add('feedback', (await col('feedback').deleteMany({ tenantId, respondentType: 'contact', respondentId: inIds(person.contactIds) })).deletedCount);
    add('files', (await col('contact_pictures').deleteMany({ tenantId, contactId: inIds(person.contactIds) })).deletedCount);
    // Campaign analytics per person (campaigns/email-tracking.ts: which campaign they opened, which links
    // they clicked): theirs alone. The campaign's counters keep their totals; they name no person.
    add('campaignEngagements', (await col('email_engagements').deleteMany({ tenantId, recipientType: 'contact', recipientId: inIds(person.contactIds) })).deletedCount);
    // The Mailwizz sync map keeps the subscriber's uid without the address, so the segment's next sync
    // (the contact is gone from it) removes the subscriber from the Mailwizz list too.
    add('mailwizzMembers', (await col('mailwizzMembers').updateMany({ tenantId, contactId: inIds(person.contactIds) }, { $set: { email: '', hash: '' } })).modifiedCount);
    // The send ledger keeps its entries (exactly-once stands on their keys) without the address.
    add('sendLedger', (await col('deliveries').updateMany({ tenantId, recipientType: 'contact', recipientId: inIds(person.contactIds) }, { $set: { email: null, error: null } })).modifiedCount);
    // Deals and accounts that named them keep going without them.
    for (const opportunity of await col('opportunities').find({ tenantId, contactIds: inIds(person.contactIds) }).project({ contactIds: 1 }).toArray()) {
      const kept = ((opportunity.contactIds as Types.ObjectId[]) ?? []).filter((id) => !person.contactIds.some((c) => String(c) === String(id)));
      add('opportunities', (await col('opportunities').updateOne({ tenantId, _id: opportunity._id }, { $set: { contactIds: kept }, $inc: { version: 1 } } as never)).modifiedCount);
    }
    const accountIds = person.contacts.map((c) => c.customerId).filter((id): id is Types.ObjectId => Boolean(id));
    for (const account of accountIds.length ? await col('customers').find({ tenantId, _id: inIds(accountIds) }).project({ contacts: 1 }).toArray() : []) {
      const kept = ((account.contacts as Array<{ contactId: Types.ObjectId }>) ?? []).filter((c) => !person.contactIds.some((id) => String(id) === String(c.contactId)));
      add('accounts', (await col('customers').updateOne({ tenantId, _id: account._id }, { $set: { contacts: kept }, $inc: { version: 1 } } as never)).modifiedCount);
    }
  }
  if (person.leadIds.length) {
    add('opportunities', (await col('opportunities').updateMany({ tenantId, leadId: inIds(person.leadIds) }, { $set: { leadId: null } })).modifiedCount);
    add('leadConversions', (await col('lead_conversions').deleteMany({ tenantId, leadId: inIds(person.leadIds) })).deletedCount);
  }
  // By address only when the person goes as a whole (a lead expiring alone leaves its person's contact be).
  for (const email of options.suppress || person.contactIds.length ? person.emails : []) {
    // The messaging suppression list held the address itself; the keyed hash replaces it.
    add('mailSuppressions', (await col('suppressions').deleteMany({ tenantId, email })).deletedCount);
    add('signups', (await col('campaign_signups').deleteMany({ tenantId, email })).deletedCount);
    await col('campaign_signup_claims').deleteMany({ tenantId, email });
    await col('campaign_signup_identities').deleteMany({ tenantId, email });
  }

  // Terms and privacy acceptances: their versions and times are the person's, and they carry the address.
  add('termsAcceptances', await eraseAcceptances(connection, tenantId, { contactIds: person.contactIds, customerUserIds: person.customerUserIds, emails: options.suppress || person.contactIds.length ? person.emails : [] }));

  // The records themselves, last: everything above found its way from them.
  add('contacts', await deleteRecords(connection, events, kinds.contact as never, tenantId, person.contacts, actor, requestId));
  add('leads', await deleteRecords(connection, events, kinds.lead as never, tenantId, person.leads, actor, requestId));

  // Copies of their values elsewhere.
  add('auditEntries', await redactAudit(connection, person));
  add('notifications', await scrubByResource(connection, 'notifications', person, ['title', 'body']));
  add('queuedJobs', await dropQueuedJobs(connection, person));
  add('cachedAnswers', await dropCachedAnswers(connection, person));
  add('webhookDeliveries', await dropWebhookDeliveries(connection, person, touched));
  return counts;
}

/** The ids (as strings) and values a copy of the person is recognised by. */
function identifiers(person: Footprint): string[] {
  return [...person.contactIds, ...person.leadIds, ...person.customerUserIds].map(String).concat(person.values);
}

/**
 * Audit entries keep what happened, who did it and when, but not the person's values: every entry of
 * their records (by `resourceId`, an indexed equality) has the values in `changes` and `data` replaced.
 * The entry's stored hash is kept and it is marked `redacted`, so the chain still links (each entry's
 * `prevHash` is the stored hash before it); verification checks a redacted entry's link, not its content.
 */
async function redactAudit(connection: Connection, person: Footprint): Promise<number> {
  const entries = connection.db!.collection<Doc>('audit_entries');
  const ids = [...person.contactIds, ...person.leadIds, ...person.customerUserIds].map(String);
  let redacted = 0;
  for (const resourceId of ids) {
    for (const entry of await entries.find({ tenantId: person.tenantId, resourceId }).toArray()) {
      const changes = (entry.changes as Array<{ field: string; from: unknown; to: unknown }>) ?? [];
      const scrubbed = changes.map((c) => ({ field: c.field, from: c.from === null || c.from === undefined ? c.from : '[erased]', to: c.to === null || c.to === undefined ? c.to : '[erased]' }));
      const data = entry.data ? scrubDeep(entry.data, person.values) : entry.data;
      if (!changes.length && JSON.stringify(data) === JSON.stringify(entry.data)) continue;
      await entries.updateOne({ tenantId: person.tenantId, _id: entry._id }, { $set: { changes: scrubbed, data, redacted: true } });
      redacted += 1;
    }
  }
  return redacted;
}

/** Scrubs the given string fields of a collection's documents about the person's records (by `resourceId`). */
async function scrubByResource(connection: Connection, name: string, person: Footprint, fields: string[]): Promise<number> {
  const col = connection.db!.collection<Doc>(name);
  let changed = 0;
  for (const resourceId of [...person.contactIds, ...person.leadIds].map(String)) {
    for (const doc of await col.find({ tenantId: person.tenantId, resourceId }).toArray()) {
      const set = Object.fromEntries(fields.filter((f) => typeof doc[f] === 'string').map((f) => [f, scrub(doc[f] as string, person.values)]));
      await col.updateOne({ tenantId: person.tenantId, _id: doc._id }, { $set: set });
      changed += 1;
    }
  }
  return changed;
}

/**
 * Queued jobs (Agenda) that name the person (a reminder, a nurture step, a mail to them) are removed
 * before they run. The jobs collection holds only scheduled and recent work, so it is read whole with
 * just `data` and the lock; a job running now is left to finish (it finds the records gone).
 */
async function dropQueuedJobs(connection: Connection, person: Footprint): Promise<number> {
  const jobs = connection.db!.collection<Doc>(JOBS_COLLECTION);
  const needles = identifiers(person);
  const tenant = String(person.tenantId);
  let dropped = 0;
  for (const job of await jobs.find({}).project({ data: 1, lockedAt: 1 }).toArray()) {
    if (job.lockedAt || !job.data || !mentions(job.data, [tenant])) continue;
    if (mentions(job.data, needles)) dropped += (await jobs.deleteOne({ _id: job._id })).deletedCount;
  }
  return dropped;
}

/**
 * Stored first answers of idempotent creates (kept 24 h) that hold the person's record are removed:
 * the agency's keys of the last day, read by tenant.
 */
async function dropCachedAnswers(connection: Connection, person: Footprint): Promise<number> {
  const keys = connection.db!.collection<Doc>('idempotency_keys');
  const needles = identifiers(person);
  let dropped = 0;
  for (const key of await keys.find({ tenantId: person.tenantId }).project({ body: 1 }).toArray()) {
    if (mentions(key.body, needles)) dropped += (await keys.deleteOne({ tenantId: person.tenantId, _id: key._id })).deletedCount;
  }
  return dropped;
}

/**
 * Webhook deliveries (modules/webhooks' outbox) about the person's records, by `resourceId` equality:
 * those not sent yet are removed, so an erased person is not sent out after their erasure; sent ones
 * keep their log with the person's values scrubbed from the body and the responses.
 */
async function dropWebhookDeliveries(connection: Connection, person: Footprint, recordIds: ReadonlyArray<Types.ObjectId>): Promise<number> {
  const col = connection.db!.collection<Doc>('webhookDeliveries');
  let changed = 0;
  for (const id of [...person.contactIds, ...person.leadIds, ...person.customerUserIds, ...recordIds]) {
    for (const delivery of await col.find({ tenantId: person.tenantId, resourceId: String(id) }).toArray()) {
      if (delivery.state === 'pending') changed += (await col.deleteOne({ tenantId: person.tenantId, _id: delivery._id })).deletedCount;
      else if (mentions(delivery, person.values)) changed += (await col.replaceOne({ tenantId: person.tenantId, _id: delivery._id }, scrubDeep(delivery, person.values))).modifiedCount;
    }
  }
  return changed;
}

/**
 * The person's import keys (external ids and phones their records were imported under) and email keys
 * (platform/records/email-keys.ts: the key holds the address): the keys of their records, and the email
 * keys of each of their addresses. An email key stays only while a record outside the erasure still has
 * that address as its primary email (an import must keep finding that record). By `_id`, one at a time.
 */
async function eraseKeys(db: NonNullable<Connection['db']>, person: Footprint, subjectIds: Types.ObjectId[]): Promise<number> {
  const { tenantId } = person;
  const keys = db.collection<{ _id: string }>(EMAIL_KEYS_COLLECTION);
  const ids = new Set<string>(person.emails.flatMap((email) => ['contacts', 'leads'].map((kind) => emailKeyId(tenantId, kind, email.toLowerCase()))));
  // One equality per record: FerretDB pushes no `$in` down, and every contact and lead of the agency has a key here.
  for (const recordId of subjectIds) {
    for (const key of await keys.find({ tenantId, recordId } as never, { projection: { _id: 1 } }).toArray()) ids.add(String(key._id));
  }
  const erased = new Set(subjectIds.map(String));
  let removed = 0;
  for (const id of ids) {
    const email = emailOfKey(id);
    if (email !== null) {
      const kind = id.slice(String(tenantId).length + 1, id.indexOf(':email:'));
      const holders = await db.collection(kind).find({ tenantId, primaryEmail: email }, { projection: { _id: 1 } }).toArray();
      if (holders.some((h) => !erased.has(String(h._id)))) continue;
    }
    removed += (await keys.deleteOne({ _id: id })).deletedCount;
  }
  return removed;
}
