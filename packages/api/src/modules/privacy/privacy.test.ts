import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Types } from 'mongoose';
import { randomIp } from '../../testing/factories.js';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { privacySuppressionModel, suppressionHashFor } from '../../platform/privacy/suppression.js';
import { privacyRecordKinds } from './privacy.records.js';
import { createPrivacyService } from './privacy.service.js';

describe('privacy: export, erasure, suppression and retention', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let other: TestAgency;
  let admin: string;
  let seller: string;
  let tenantId: Types.ObjectId;
  let dataDir: string;
  let pk: string;
  let campaignCode: string;
  const origin = 'https://partner.example';
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const person = { email: 'Quirinus.Zabriskowa@Example.org', phone: '+49 170 5550199', firstName: 'Quirinus', lastName: 'Zabriskowa' };
  const needles = [person.email.toLowerCase(), person.phone, '491705550199', person.firstName.toLowerCase(), person.lastName.toLowerCase()];
  const ids: { contactId?: string; leadId?: string; ticketId?: string; otherContactId?: string; otherTicketId?: string; otherTenantContactId?: string; customerUserId?: string } = {};

  const pub = (method: 'get' | 'post', path: string) => rt.request()[method](`/v1/public${path}`).set('Authorization', `Bearer ${pk}`).set('Origin', origin).set('X-Forwarded-For', randomIp());
  async function signUp(fields: Record<string, unknown>) {
    const form = await pub('get', `/campaigns/${campaignCode}`);
    assert.equal(form.status, 200, JSON.stringify(form.body));
    await delay(350);
    return pub('post', `/campaigns/${campaignCode}/signups`).send({ fields, consent: true, formToken: form.body.formToken });
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'crm-privacy-'));
    rt = await createTestRuntime({ file: import.meta.filename, env: { DATA_DIR: dataDir, CAMPAIGN_MIN_FILL_MS: '300', PUBLIC_RATE_LIMIT_PER_MINUTE: '60', JOBS_PROCESS_EVERY_MS: '100' } });
    agency = await makeAgency(rt);
    other = await makeAgency(rt);
    admin = agency.adminToken;
    tenantId = new Types.ObjectId(agency.tenantId);
    const sales = await makeUser(rt, agency, { role: 'SALES_HEAD' });
    seller = await signIn(rt, sales.email);

    const key = await rt.request().post('/v1/api-keys').set(auth(admin)).send({ kind: 'publishable', name: 'Partner site', allowedOrigins: [origin] });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    pk = key.body.key;
    campaignCode = `P${new Types.ObjectId().toHexString().slice(-8)}`;
    const campaign = await rt.request().post('/v1/campaigns').set(auth(admin)).send({
      title: 'Newsletter', code: campaignCode, type: 'referral', visibility: 'public', description: 'Monthly news for our customers. '.repeat(8),
      startAt: new Date(Date.now() - 86_400_000).toISOString(), endAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      form: { fields: [{ key: 'email', label: 'Email', required: true }, { key: 'firstName', label: 'First name' }, { key: 'phone', label: 'Phone' }], thankYouMessage: 'Thanks!' },
    });
    assert.equal(campaign.status, 201, JSON.stringify(campaign.body));
    for (const to of ['new', 'active']) assert.equal((await rt.request().post(`/v1/campaigns/${campaign.body.id}/transitions`).set(auth(admin)).send({ to })).status, 200);

    // The person signs up on a partner site (a sign-up, a contact, a lead), then the agency works with them.
    const signup = await signUp({ email: person.email, firstName: person.firstName, phone: person.phone });
    assert.equal(signup.status, 202, JSON.stringify(signup.body));
    const found = await rt.request().get('/v1/contacts').query({ q: person.email.toLowerCase() }).set(auth(admin));
    assert.equal(found.body.data.length, 1, JSON.stringify(found.body));
    ids.contactId = found.body.data[0].id;
    const contact = await rt.request().get(`/v1/contacts/${ids.contactId}`).set(auth(admin));
    const updated = await rt.request().patch(`/v1/contacts/${ids.contactId}`).set(auth(admin)).set('If-Match', `"${contact.body.version}"`).send({ lastName: person.lastName, jobTitle: 'Head of Print', phones: [{ value: person.phone, primary: true }], notes: `Call ${person.firstName} back on ${person.phone}` });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    const lead = await rt.request().post('/v1/leads').set(auth(admin)).set('Idempotency-Key', 'lead-of-quirinus').send({ firstName: person.firstName, lastName: person.lastName, emails: [{ value: person.email, primary: true }] });
    assert.equal(lead.status, 201, JSON.stringify(lead.body));
    ids.leadId = lead.body.id;
    for (let i = 0; i < 5; i += 1) {
      const call = await rt.request().post('/v1/activities').set(auth(admin)).send({ type: 'call', title: `Call ${i} with ${person.firstName}`, body: `Spoke to ${person.firstName} ${person.lastName}`, subject: { type: 'contact', id: ids.contactId }, occurredAt: new Date().toISOString() });
      assert.equal(call.status, 201, JSON.stringify(call.body));
    }
    const ticket = await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: `Printer jam for ${person.firstName} ${person.lastName}`, description: `Reach them at ${person.email}`, contactId: ids.contactId });
    assert.equal(ticket.status, 201, JSON.stringify(ticket.body));
    ids.ticketId = ticket.body.id;
    const reply = await rt.request().post(`/v1/tickets/${ids.ticketId}/messages`).set(auth(admin)).send({ body: `Hello ${person.firstName}, we are on it.`, visibility: 'public' });
    assert.ok([200, 201].includes(reply.status), JSON.stringify(reply.body));
    const invited = await rt.request().post('/v1/customer-users').set(auth(admin)).send({ contactId: ids.contactId });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    ids.customerUserId = invited.body.id;

    // Someone else of the agency, and the same address at another agency.
    const otto = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Otto', lastName: 'Oberholzer', emails: [{ value: 'otto.oberholzer@example.net', primary: true }] });
    ids.otherContactId = otto.body.id;
    await rt.request().post('/v1/activities').set(auth(admin)).send({ type: 'note', title: 'Otto note', subject: { type: 'contact', id: ids.otherContactId }, occurredAt: new Date().toISOString() }).expect(201);
    ids.otherTicketId = (await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: 'Otto toner', contactId: ids.otherContactId }).expect(201)).body.id;
    const twin = await rt.request().post('/v1/contacts').set(auth(other.adminToken)).send({ firstName: person.firstName, lastName: person.lastName, emails: [{ value: person.email, primary: true }] });
    assert.equal(twin.status, 201, JSON.stringify(twin.body));
    ids.otherTenantContactId = twin.body.id;
    // Jobs (the import's run) only once the campaign is set up: its scheduler would move it meanwhile.
    await rt.ctx.jobs.start();
  });
  after(async () => {
    await rt.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should refuse a role without the privacy permission, and answer the same person for another agency as unknown', async () => {
    assert.equal((await rt.request().post('/v1/privacy/lookup').set(auth(seller)).send({ email: person.email })).status, 403);
    assert.equal((await rt.request().post('/v1/privacy/exports').set(auth(seller)).send({ email: person.email })).status, 403);
    assert.equal((await rt.request().post('/v1/privacy/erasures').set(auth(seller)).send({ email: person.email, confirmation: 'ERASE' })).status, 403);
    assert.equal((await rt.request().get('/v1/privacy/requests').set(auth(seller))).status, 403);
    assert.equal((await rt.request().post('/v1/privacy/lookup').set(auth(admin)).send({})).body.errors[0].field, 'email');
    const lookup = await rt.request().post('/v1/privacy/lookup').set(auth(admin)).send({ email: person.email });
    assert.equal(lookup.status, 200, JSON.stringify(lookup.body));
    assert.equal(lookup.body.subject, 'q***@e***.org');
    assert.deepEqual([lookup.body.counts.contacts, lookup.body.counts.leads, lookup.body.counts.activities, lookup.body.counts.tickets, lookup.body.counts.customerPortalUsers, lookup.body.counts.campaignSignups], [1, 2, 5, 1, 1, 1]);
    // Found by phone alone too (the search index's whole-number token), the contact only.
    const byPhone = await rt.request().post('/v1/privacy/lookup').set(auth(admin)).send({ phone: '0049 170 555 0199'.replace(/^0049/, '+49') });
    assert.equal(byPhone.body.counts.contacts, 1);
  });

  it('should export the person: their activities, tickets and messages, and nothing of another person', async () => {
    const exported = await rt.request().post('/v1/privacy/exports').set(auth(admin)).send({ email: person.email });
    assert.equal(exported.status, 200, JSON.stringify(exported.body));
    const { data } = exported.body;
    assert.equal(data.contacts[0]._id, ids.contactId);
    assert.equal(data.activities.length, 5);
    assert.ok(data.activities.every((a: { subjectId: string }) => [ids.contactId, ids.leadId].includes(a.subjectId)));
    assert.deepEqual(data.tickets.map((t: { _id: string }) => t._id), [ids.ticketId]);
    assert.ok(data.ticketMessages.some((m: { body: string }) => m.body.includes('we are on it')));
    assert.ok(data.auditReferences.length > 0 && data.auditReferences.every((a: Record<string, unknown>) => !('changes' in a) && !('data' in a)));
    assert.equal(data.customerPortalUsers[0].passwordHash, undefined);
    const text = JSON.stringify(exported.body).toLowerCase();
    assert.ok(!text.includes('otto') && !text.includes('oberholzer'), 'no other person in the export');
    const download = await rt.request().post('/v1/privacy/exports').query({ format: 'download' }).set(auth(admin)).send({ email: person.email });
    assert.match(download.headers['content-disposition'] ?? '', /attachment; filename="?privacy-export-[a-f0-9]{24}\.json"?/);
  });

  /** Every document of every collection in the database (but the other agency's) holding one of the person's values. */
  async function scan(): Promise<string[]> {
    const db = rt.ctx.connection.db!;
    const otherTenant = new Types.ObjectId(other.tenantId);
    const found: string[] = [];
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      for (const doc of await db.collection(name).find({}).toArray()) {
        if (doc.tenantId && otherTenant.equals(doc.tenantId as Types.ObjectId)) continue;
        const text = JSON.stringify(doc).toLowerCase();
        for (const needle of needles) if (text.includes(needle.toLowerCase())) found.push(`${name} ${String(doc._id)}: ${needle}`);
      }
    }
    return found;
  }

  it('should erase the person from every collection of the agency, leaving only the suppression hash', async () => {
    // Webhook deliveries about the person (modules/webhooks' outbox): one queued, one sent with its log.
    const deliveries = rt.ctx.connection.db!.collection('webhookDeliveries');
    const delivery = (n: string, state: string, attempts: unknown[]) => ({ tenantId, subscriptionId: new Types.ObjectId(), eventId: n, eventType: 'contact.updated', resource: 'contact', resourceId: ids.contactId, body: JSON.stringify({ data: { email: person.email, lastName: person.lastName } }), state, nextAttemptAt: null, attemptCount: attempts.length, attempts, replayOf: null, skippedReason: null, createdAt: new Date(), updatedAt: new Date() });
    await deliveries.insertMany([delivery('evt_queued', 'pending', []), delivery('evt_sent', 'succeeded', [{ n: 1, at: new Date(), url: 'https://erp.example/hook', requestHeaders: {}, status: 200, responseBody: `stored ${person.email}`, durationMs: 12, error: null }])]);
    // Campaign analytics about the person (a fact of an opened message, by their id) and the Mailwizz sync map (their address).
    const engagements = rt.ctx.connection.db!.collection('email_engagements');
    const contactObjectId = new Types.ObjectId(ids.contactId);
    await engagements.insertOne({ _id: `${new Types.ObjectId().toHexString()}:opened` as never, tenantId, recipientType: 'contact', recipientId: contactObjectId, campaignId: new Types.ObjectId(), deliveryId: new Types.ObjectId(), event: 'opened', url: null, at: new Date() });
    const members = rt.ctx.connection.db!.collection('mailwizzMembers');
    await members.insertOne({ tenantId, segmentId: new Types.ObjectId(), contactId: contactObjectId, listUid: 'ab12cd34ef567', subscriberUid: 'sub00000001', email: person.email.toLowerCase(), hash: 'h', state: 'subscribed', updatedAt: new Date() });
    const held = await scan();
    // The scan sees the person where the agency keeps them (so an empty scan afterwards means something).
    for (const collection of ['contacts', 'leads', 'activities', 'tickets', 'ticket_messages', 'customer_users', 'campaign_signups', 'search_entries', 'audit_entries', 'webhookDeliveries', 'mailwizzMembers', 'import_keys']) {
      assert.ok(held.some((h) => h.startsWith(`${collection} `)), `the person is in ${collection} before the erasure`);
    }
    const unconfirmed = await rt.request().post('/v1/privacy/erasures').set(auth(admin)).send({ email: person.email, confirmation: 'yes' });
    assert.equal(unconfirmed.status, 400);
    assert.equal(unconfirmed.body.errors[0].field, 'confirmation');
    const erased = await rt.request().post('/v1/privacy/erasures').set(auth(admin)).send({ email: person.email, confirmation: 'ERASE' });
    assert.equal(erased.status, 201, JSON.stringify(erased.body));
    assert.equal(erased.body.status, 'completed');
    assert.equal(erased.body.counts.contacts, 1);
    assert.equal(erased.body.counts.activities, 5);

    const leftovers = await scan();
    assert.deepEqual(leftovers, [], 'nothing of the person is left');
    assert.equal(await engagements.countDocuments({ tenantId, recipientId: contactObjectId }), 0, 'no campaign analytics fact of the person is left');
    assert.deepEqual((await members.find({ tenantId, contactId: contactObjectId }).toArray()).map((m) => [m.subscriberUid, m.email]), [['sub00000001', '']], 'the sync map keeps the uid (the next sync removes the subscriber) without the address');
    assert.deepEqual((await deliveries.find({ tenantId }).toArray()).map((d) => d.eventId), ['evt_sent'], 'the queued delivery is not sent; the sent one keeps its log');
    const hash = suppressionHashFor(rt.ctx.connection, tenantId, 'email', person.email)!;
    assert.equal(await privacySuppressionModel(rt.ctx.connection).countDocuments({ tenantId, hash }), 1);

    // The ticket keeps its thread; its requester is gone.
    const ticket = await rt.request().get(`/v1/tickets/${ids.ticketId}`).set(auth(admin));
    assert.equal(ticket.status, 200);
    assert.equal(ticket.body.contactId, null);
    assert.match(ticket.body.subject, /\[erased\]/);
    const thread = await rt.request().get(`/v1/tickets/${ids.ticketId}/messages`).set(auth(admin));
    assert.equal(thread.body.data.length, 1);
    // The others stay: the agency's other contact and ticket, the other agency's twin.
    assert.equal((await rt.request().get(`/v1/contacts/${ids.otherContactId}`).set(auth(admin))).status, 200);
    assert.equal((await rt.request().get(`/v1/tickets/${ids.otherTicketId}`).set(auth(admin))).body.subject, 'Otto toner');
    const twin = await rt.request().get(`/v1/contacts/${ids.otherTenantContactId}`).set(auth(other.adminToken));
    assert.equal(twin.body.emails[0].value, person.email);
    // The audit chain still verifies; the request list shows the masked subject only.
    const verify = await rt.request().get('/v1/audit/verify').set(auth(admin));
    assert.equal(verify.body.ok, true, JSON.stringify(verify.body));
    const requests = await rt.request().get('/v1/privacy/requests').set(auth(admin));
    assert.deepEqual(requests.body.data.map((r: { type: string }) => r.type).slice(0, 2), ['erasure', 'export']);
    assert.equal(requests.body.data[0].subject, 'q***@e***.org');
  });

  it('should refuse the erased person on a new record, a re-signup and a re-import, naming the field', async () => {
    const contact = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Q', lastName: 'Z', emails: [{ value: person.email.toUpperCase(), primary: true }] });
    assert.equal(contact.status, 400, JSON.stringify(contact.body));
    assert.equal(contact.body.errors[0].field, 'emails.0.value');
    assert.equal(contact.body.errors[0].code, 'suppressed');
    const byPhone = await rt.request().post('/v1/leads').set(auth(admin)).send({ firstName: 'Q', lastName: 'Z', phones: [{ value: '+49 (170) 555-0199' }] });
    assert.equal(byPhone.status, 400, JSON.stringify(byPhone.body));
    assert.equal(byPhone.body.errors[0].field, 'phones.0.value');
    const signup = await signUp({ email: person.email, firstName: 'Again' });
    assert.equal(signup.status, 400, JSON.stringify(signup.body));
    assert.equal(signup.body.errors[0].field, 'fields.email');

    const csv = Buffer.from(`First name,Last name,Email\nQuirinus,Zabriskowa,${person.email}\nNew,Person,new.person@example.org\n`);
    const created = await rt.request().post('/v1/imports/contacts').query({ name: 'again.csv' }).set(auth(admin)).set('Content-Type', 'text/csv').send(csv);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    await rt.request().put(`/v1/imports/${id}/mapping`).set(auth(admin)).send({ columns: created.body.suggestedMapping, dedupeKey: 'email', mode: 'skip' }).expect(200);
    const dry = await rt.request().post(`/v1/imports/${id}/dry-run`).set(auth(admin));
    assert.deepEqual({ created: dry.body.created, failed: dry.body.failed, fields: dry.body.errors.map((e: { field: string }) => e.field) }, { created: 1, failed: 1, fields: ['email'] });
    await rt.request().post(`/v1/imports/${id}/run`).set(auth(admin)).expect(202);
    const deadline = Date.now() + 60_000;
    let done: { status: string; progress: { created: number; failed: number } };
    for (;;) {
      done = (await rt.request().get(`/v1/imports/${id}`).set(auth(admin))).body;
      if (!['queued', 'running'].includes(done.status)) break;
      assert.ok(Date.now() < deadline, 'the import finishes');
      await delay(100);
    }
    assert.deepEqual([done.status, done.progress.created, done.progress.failed], ['completed', 1, 1]);
    const back = await rt.request().post('/v1/privacy/lookup').set(auth(admin)).send({ email: person.email });
    assert.equal(back.body.found, false);
    // Another agency may still add the address: suppression is per agency.
    assert.equal((await rt.request().post('/v1/contacts').set(auth(other.adminToken)).send({ firstName: 'Q', lastName: 'Z', emails: [{ value: person.email, primary: true }] })).status, 201);
  });

  it('should keep retention rules per agency, count a dry run, and erase expired leads in the daily run without suppressing them', async () => {
    const put = await rt.request().put('/v1/privacy/retention').set(auth(admin)).send({ rules: [{ kind: 'lead', months: 6, enabled: true }] });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body.rules, [{ kind: 'lead', months: 6, enabled: true }]);
    assert.equal((await rt.request().put('/v1/privacy/retention').set(auth(admin)).send({ rules: [{ kind: 'lead', months: 6 }, { kind: 'lead', months: 2 }] })).body.errors[0].field, 'rules.1.kind');
    assert.equal((await rt.request().put('/v1/privacy/retention').set(auth(seller)).send({ rules: [] })).status, 403);
    const stale = await rt.request().post('/v1/leads').set(auth(admin)).send({ firstName: 'Stale', lastName: 'Lead', emails: [{ value: 'stale.lead@example.org', primary: true }] });
    const fresh = await rt.request().post('/v1/leads').set(auth(admin)).send({ firstName: 'Fresh', lastName: 'Lead' });
    await rt.ctx.connection.db!.collection('leads').updateOne({ tenantId, _id: new Types.ObjectId(stale.body.id as string) }, { $set: { updatedAt: new Date(Date.now() - 200 * 86_400_000) } });
    const dry = await rt.request().post('/v1/privacy/retention/dry-run').set(auth(admin));
    assert.deepEqual(dry.body.counts, { lead: 1 });
    const service = createPrivacyService({ connection: rt.ctx.connection, events: rt.ctx.events, kinds: privacyRecordKinds(rt.ctx.connection), logger: rt.ctx.logger });
    const run = await service.runRetention();
    assert.equal(run.erased, 1);
    assert.equal((await rt.request().get(`/v1/leads/${stale.body.id}`).set(auth(admin))).status, 404);
    assert.equal((await rt.request().get(`/v1/leads/${fresh.body.id}`).set(auth(admin))).status, 200);
    const requests = await rt.request().get('/v1/privacy/requests').set(auth(admin));
    assert.equal(requests.body.data[0].source, 'retention');
    // Not suppressed: the person did not ask, and may come back.
    assert.equal((await rt.request().post('/v1/leads').set(auth(admin)).send({ firstName: 'Stale', lastName: 'Again', emails: [{ value: 'stale.lead@example.org', primary: true }] })).status, 201);
  });
});
