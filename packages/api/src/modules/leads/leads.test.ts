import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { contactModel } from '../contacts/contact.model.js';
import { customerModel } from '../customers/customer.model.js';
import ExcelJS from 'exceljs';
import { productModel } from '../products/product.model.js';
import { leadModel } from './lead.model.js';

describe('leads', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    tenantId = new Types.ObjectId(agency.tenantId);
  });
  after(() => rt.close());

  const newLead = (extra: Record<string, unknown> = {}) => ({
    firstName: 'Linnea',
    lastName: 'Berg',
    jobTitle: 'CTO',
    companyName: 'Berg Robotics',
    emails: [{ value: 'linnea@berg.example', primary: true }],
    source: 'trade show',
    contactList: 'Expo 2026 visitors',
    services: ['consulting', 'integration'],
    quality: 'good',
    ...extra,
  });
  const createLead = async (extra: Record<string, unknown> = {}, token = admin) => {
    const res = await rt.request().post('/v1/leads').set(auth(token)).send(newLead(extra));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; version: number };
  };

  it('should create company and individual leads and name the missing fields', async () => {
    const lead = await rt.request().post('/v1/leads').set(auth(admin)).send(newLead());
    assert.equal(lead.status, 201);
    assert.equal(lead.body.status, 'new');
    assert.deepEqual(lead.body.services, ['consulting', 'integration']);
    assert.equal(lead.body.quality, 'good');
    const company = await rt.request().post('/v1/leads').set(auth(admin)).send({ kind: 'company', companyName: 'Acme' });
    assert.equal(company.status, 201);
    const missing = await rt.request().post('/v1/leads').set(auth(admin)).send({ kind: 'individual' });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.errors.map((e: { field: string }) => e.field).sort(), ['firstName', 'lastName']);
    const badQuality = await rt.request().post('/v1/leads').set(auth(admin)).send(newLead({ quality: 'excellent', kind: 'robot' }));
    assert.deepEqual(badQuality.body.errors.map((e: { field: string }) => e.field).sort(), ['kind', 'quality']);
    const noCompany = await rt.request().post('/v1/leads').set(auth(admin)).send({ kind: 'company' });
    assert.equal(noCompany.body.errors[0].field, 'companyName');
    const found = await rt.request().get('/v1/leads').query({ q: 'berg rob', quality: 'good' }).set(auth(admin));
    assert.deepEqual(found.body.data.map((l: { id: string }) => l.id), [lead.body.id]);
  });

  it('should take participation from the tenant list, which an admin can change', async () => {
    const settings = await rt.request().get('/v1/lead-settings').set(auth(admin));
    assert.deepEqual(settings.body.participationTypes, ['speaker', 'delegate', 'sponsor', 'attendee']);
    const wrong = await rt.request().post('/v1/leads').set(auth(admin)).send(newLead({ participation: 'panelist' }));
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.errors[0].field, 'participation');
    const saved = await rt.request().put('/v1/lead-settings').set(auth(admin)).set('If-Match', '0').send({ participationTypes: ['speaker', 'panelist'] });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.version, 1);
    await createLead({ participation: 'panelist' });
    const stale = await rt.request().put('/v1/lead-settings').set(auth(admin)).set('If-Match', '0').send({ participationTypes: ['speaker'] });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.code, 'precondition_failed');
    const se = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    assert.equal((await rt.request().put('/v1/lead-settings').set(auth(await signIn(rt, se.email))).send({ participationTypes: ['x'] })).status, 403);
    await rt.request().put('/v1/lead-settings').set(auth(admin)).send({ participationTypes: ['speaker', 'delegate', 'sponsor', 'attendee'] }).expect(200);
  });

  it('should move along the lead workflow and refuse illegal transitions', async () => {
    const lead = await createLead();
    await rt.request().post(`/v1/leads/${lead.id}/transitions`).set(auth(admin)).send({ to: 'disqualified' }).expect(200);
    const again = await rt.request().post(`/v1/leads/${lead.id}/transitions`).set(auth(admin)).send({ to: 'qualified' });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'invalid_transition');
    assert.deepEqual(again.body.allowed, []);
    const convert = await rt.request().post(`/v1/leads/${lead.id}/convert`).set(auth(admin)).send({});
    assert.equal(convert.status, 409, 'a disqualified lead cannot be converted');
    assert.equal(await customerModel(rt.ctx.connection).countDocuments({ tenantId, sourceLeadId: new Types.ObjectId(lead.id) }), 0);
  });

  it('should convert once: a retry answers the same customer and contact; of two concurrent calls one converts and the other answers 409', async () => {
    const lead = await createLead({ companyName: 'Once Only AB', emails: [{ value: 'once@only.example', primary: true }] });
    const first = await rt.request().post(`/v1/leads/${lead.id}/convert`).set(auth(admin)).send({ contactRole: 'Decision maker' });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.lead.status, 'converted');
    assert.equal(first.body.customerCreated, true);
    const retry = await rt.request().post(`/v1/leads/${lead.id}/convert`).set(auth(admin)).send({});
    assert.equal(retry.status, 200);
    assert.equal(retry.body.customerId, first.body.customerId);
    assert.equal(retry.body.contactId, first.body.contactId);

    const customer = await customerModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(first.body.customerId) }).lean();
    assert.equal(customer!.name, 'Once Only AB');
    assert.deepEqual(customer!.contacts.map((c) => [String(c.contactId), c.role]), [[first.body.contactId, 'Decision maker']]);
    assert.deepEqual(customer!.preferences.services, ['consulting', 'integration']);
    const contact = await contactModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(first.body.contactId) }).lean();
    assert.equal(String(contact!.customerId), first.body.customerId);
    assert.equal(contact!.primaryEmail, 'once@only.example');
    const stored = await leadModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(lead.id) }).lean();
    assert.ok(stored!.conversion!.completedAt);
    assert.equal(String(stored!.customerId), first.body.customerId);

    const concurrent = await createLead({ companyName: 'Racing Ltd', emails: [{ value: 'race@racing.example', primary: true }] });
    const answers = await Promise.all([1, 2].map(() => rt.request().post(`/v1/leads/${concurrent.id}/convert`).set(auth(admin)).send({})));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409], JSON.stringify(answers.map((a) => a.body)));
    const won = answers.find((a) => a.status === 200)!;
    const refused = answers.find((a) => a.status === 409)!;
    assert.equal(refused.body.code, 'conflict');
    assert.equal(refused.headers['retry-after'], '1');
    assert.ok(won.body.opportunityId, 'the opportunities module opened one');
    assert.equal(await customerModel(rt.ctx.connection).countDocuments({ tenantId, name: 'Racing Ltd' }), 1);
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId, primaryEmail: 'race@racing.example' }), 1);
    assert.equal(await rt.ctx.connection.collection('opportunities').countDocuments({ tenantId, sourceLeadId: new Types.ObjectId(concurrent.id) }), 1);
    const history = await rt.request().get(`/v1/leads/${concurrent.id}/transitions`).set(auth(admin));
    assert.deepEqual(history.body.data.map((h: { to: string }) => h.to), ['new', 'converted']);
    // Asked again once it is done, the refused caller gets the one conversion's ids.
    const later = await rt.request().post(`/v1/leads/${concurrent.id}/convert`).set(auth(admin)).send({});
    assert.equal(later.status, 200);
    assert.deepEqual([later.body.customerId, later.body.contactId, later.body.opportunityId], [won.body.customerId, won.body.contactId, won.body.opportunityId]);
    // Every write of the conversion took the lead's version claims: one claim per version the lead went through.
    const racing = await leadModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(concurrent.id) }).lean();
    const claims = await rt.ctx.connection.collection('record_version_claims').find({ _id: { $in: Array.from({ length: racing!.version }, (_, i) => `leads:${concurrent.id}:${i + 1}`) } } as never).toArray();
    assert.equal(claims.length, racing!.version, `claims for versions 1..${racing!.version}`);
  });

  it('should attach to an existing customer and refuse a lead without a person', async () => {
    const existing = (await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Existing Group' })).body;
    const lead = await createLead({ customerId: existing.id, emails: [{ value: 'attach@existing.example', primary: true }] });
    const res = await rt.request().post(`/v1/leads/${lead.id}/convert`).set(auth(admin)).send({ opportunity: false });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.customerId, existing.id);
    assert.equal(res.body.customerCreated, false);
    const customer = await customerModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(existing.id) }).lean();
    assert.deepEqual(customer!.contacts.map((c) => String(c.contactId)), [res.body.contactId]);

    const company = (await rt.request().post('/v1/leads').set(auth(admin)).send({ kind: 'company', companyName: 'Faceless' })).body;
    const refused = await rt.request().post(`/v1/leads/${company.id}/convert`).set(auth(admin)).send({});
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body.errors.map((e: { field: string }) => e.field), ['firstName', 'lastName']);
    assert.equal(await customerModel(rt.ctx.connection).countDocuments({ tenantId, name: 'Faceless' }), 0);
  });

  it('should turn a Production speaker into a contact of the product that Sales can work on once an admin unlocks it', async () => {
    const producer = await makeUser(rt, agency, { role: 'P' });
    const sales = await makeUser(rt, agency, { role: 'SM' });
    const product = (await rt.request().post('/v1/products').set(auth(admin)).send({ name: 'Speaker Summit', userIds: [String(producer.id), String(sales.id)] })).body;
    const producerToken = await signIn(rt, producer.email);
    const lead = await createLead({ participation: 'speaker', productId: product.id, emails: [{ value: 'speaker@summit.example', primary: true }] }, producerToken);
    await rt.request().post(`/v1/products/${product.id}/lock`).set(auth(admin)).expect(200);
    // While locked the producer cannot convert either: the lead belongs to the locked product.
    assert.equal((await rt.request().post(`/v1/leads/${lead.id}/convert`).set(auth(producerToken)).send({})).status, 403);
    await rt.request().post(`/v1/products/${product.id}/unlock`).set(auth(admin)).expect(200);
    const converted = await rt.request().post(`/v1/leads/${lead.id}/convert`).set(auth(producerToken)).send({});
    assert.equal(converted.status, 200, JSON.stringify(converted.body));
    const contact = await contactModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(converted.body.contactId) }).lean();
    assert.equal(String(contact!.productId), product.id);
    assert.ok(contact!.tags.includes('speaker'));

    const salesToken = await signIn(rt, sales.email);
    await rt.request().post(`/v1/products/${product.id}/lock`).set(auth(admin)).expect(200);
    const speakers = await rt.request().get('/v1/contacts').query({ tag: 'speaker', productId: product.id }).set(auth(salesToken));
    assert.equal(speakers.status, 200, JSON.stringify(speakers.body));
    assert.equal(speakers.body.data.length, 0, 'phone sales sees its team’s records; the speaker belongs to Production');
    const pmUser = await makeUser(rt, agency, { role: 'MM' });
    await rt.request().patch(`/v1/products/${product.id}`).set(auth(admin)).send({ userIds: [String(producer.id), String(sales.id), String(pmUser.id)] }).expect(200);
    const marketing = await signIn(rt, pmUser.email);
    const seen = await rt.request().get('/v1/contacts').query({ tag: 'speaker' }).set(auth(marketing));
    assert.deepEqual(seen.body.data.map((c: { id: string }) => c.id), [converted.body.contactId]);
    assert.equal((await rt.request().patch(`/v1/contacts/${converted.body.contactId}`).set(auth(marketing)).send({ jobTitle: 'Keynote' })).status, 403, 'locked: read-only');
    await rt.request().post(`/v1/products/${product.id}/unlock`).set(auth(admin)).expect(200);
    assert.equal((await rt.request().patch(`/v1/contacts/${converted.body.contactId}`).set(auth(marketing)).send({ jobTitle: 'Keynote' })).status, 200);
  });

  it('should show a sales person only their own leads and answer 404 for another agency’s', async () => {
    const sp = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const token = await signIn(rt, sp.email);
    const mine = await createLead({ firstName: 'Mine' }, token);
    const theirs = await createLead({ firstName: 'Theirs' });
    const list = await rt.request().get('/v1/leads').query({ limit: 200 }).set(auth(token));
    assert.deepEqual(list.body.data.map((l: { id: string }) => l.id), [mine.id]);
    assert.equal((await rt.request().get(`/v1/leads/${theirs.id}`).set(auth(token))).status, 404);
    assert.equal((await rt.request().post(`/v1/leads/${theirs.id}/convert`).set(auth(token)).send({})).status, 404);
    const other = await makeAgency(rt);
    const foreign = (await rt.request().post('/v1/leads').set(auth(other.adminToken)).send(newLead())).body;
    assert.equal((await rt.request().get(`/v1/leads/${foreign.id}`).set(auth(admin))).status, 404);
    assert.equal((await rt.request().post(`/v1/leads/${foreign.id}/convert`).set(auth(admin)).send({})).status, 404);
    assert.equal((await leadModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(other.tenantId), _id: new Types.ObjectId(foreign.id) }).lean())!.conversion, null);
  });

  it("should export a sales executive's leads as XLSX with only the role's columns, neutralise formulas, audit it, and refuse a role without export", async () => {
    const product = await productModel(rt.ctx.connection).create({ tenantId, name: 'Expo XLSX', status: 'active' });
    const se = await signIn(rt, (await makeUser(rt, agency, { role: 'SE' })).email);
    await createLead({ firstName: 'Xena', lastName: 'Export', jobTitle: '=HYPERLINK("http://evil.example")', companyName: 'Sheet AG', productId: String(product._id), emails: [{ value: 'xena@sheet.example', primary: true }] }, se);
    await createLead({ firstName: 'Not', lastName: 'Theirs', productId: String(product._id), emails: [{ value: 'not@theirs.example', primary: true }] });
    const audited: Array<Record<string, unknown>> = [];
    const off = rt.ctx.events.subscribe('lead.exported', (event) => void audited.push(event.data as Record<string, unknown>));
    const res = await rt.request().get('/v1/leads/export').query({ format: 'xlsx' }).set(auth(se)).buffer(true).parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });
    off();
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(String(res.headers['content-disposition']), /leads\.xlsx/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as never);
    const rows: unknown[][] = [];
    workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    assert.deepEqual(rows, [
      ['firstName', 'lastName', 'jobTitle', 'companyName'],
      ['Xena', 'Export', '\'=HYPERLINK("http://evil.example")', 'Sheet AG'],
    ]);
    assert.deepEqual(audited, [{ count: 1, columns: ['firstName', 'lastName', 'jobTitle', 'companyName'], format: 'xlsx' }]);

    const producer = await signIn(rt, (await makeUser(rt, agency, { role: 'P' })).email);
    const refused = await rt.request().get('/v1/leads/export').query({ format: 'xlsx' }).set(auth(producer));
    assert.equal(refused.status, 403);
    assert.equal((await rt.request().get('/v1/leads/export').query({ format: 'pdf' }).set(auth(se))).status, 400);
  });
});
