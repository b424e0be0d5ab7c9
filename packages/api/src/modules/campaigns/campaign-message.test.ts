import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { startSmtpCapture } from '../../platform/mail/testing.js';
import { campaignModel } from './campaign.model.js';
import { bodyToHtml } from './campaign-message.js';
import { createCampaignSchedule } from './campaigns.service.js';
import { createWorkflowEngine } from '../../platform/workflow/workflow-engine.js';

describe('campaign messages: written or from a template, preview, test send, activation', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let tenantId: Types.ObjectId;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let contactId: string;
  let leadId: string;
  let templateId: string;
  const auth = (token = agency.adminToken) => ({ Authorization: `Bearer ${token}` });
  const Campaigns = () => campaignModel(rt.ctx.connection);

  before(async () => {
    smtp = await startSmtpCapture();
    rt = await createTestRuntime({ file: import.meta.filename, env: { SMTP_URL: smtp.url, MAIL_FROM: 'CRM Test <crm@example.test>' } });
    agency = await makeAgency(rt, 'Harbour Events');
    tenantId = new Types.ObjectId(agency.tenantId);
    const contact = await rt.request().post('/v1/contacts').set(auth()).send({ firstName: 'Rita', lastName: '<b>Monteiro</b>', emails: [{ label: 'work', value: 'rita@moeda.example', primary: true }], company: { name: 'Moeda Viva' } });
    assert.equal(contact.status, 201, JSON.stringify(contact.body));
    contactId = contact.body.id;
    const lead = await rt.request().post('/v1/leads').set(auth()).send({ kind: 'individual', firstName: 'Tomás', lastName: 'Rocha', companyName: 'Banco Atlântico', emails: [{ label: 'work', value: 'tomas@banco.example', primary: true }] });
    assert.equal(lead.status, 201, JSON.stringify(lead.body));
    leadId = lead.body.id;
    const template = await rt.request().post('/v1/templates').set(auth()).send({ name: 'Invite', category: 'campaign', subject: 'See you, {{recipient.firstName}}', html: '<p>Dear {{recipient.fullName}}</p>', text: 'Dear {{recipient.fullName}}' });
    assert.equal(template.status, 201, JSON.stringify(template.body));
    templateId = template.body.id;
  });
  after(async () => {
    await rt.close();
    await smtp.stop();
  });

  async function createCampaign(body: Record<string, unknown> = {}) {
    const res = await rt.request().post('/v1/campaigns').set(auth()).send({ title: 'Autumn invite', code: `M${new Types.ObjectId().toHexString().slice(-8)}`, type: 'email', ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; version: number; status: string; message: unknown; audience: unknown };
  }

  it('should keep literal text escaped and merge fields as expressions in the HTML of a written body', () => {
    assert.equal(bodyToHtml('Hi {{recipient.firstName}} <3\n\nBye {{{recipient.lastName}}}'), '<p>Hi {{recipient.firstName}} &lt;3</p>\n<p>Bye {{recipient.lastName}}</p>');
  });

  it('should save a written message and an audience, and return them', async () => {
    const c = await createCampaign({ message: { subject: 'Hello {{recipient.firstName}}', body: 'Dear {{recipient.fullName}},\n\nsee you in Lisbon.' }, audience: { contactIds: [contactId, contactId], leadIds: [leadId] } });
    assert.deepEqual(c.message, { templateId: null, subject: 'Hello {{recipient.firstName}}', body: 'Dear {{recipient.fullName}},\n\nsee you in Lisbon.' });
    assert.deepEqual(c.audience, { segmentId: null, contactIds: [contactId], leadIds: [leadId], customerIds: [] });
    const stored = (await Campaigns().findOne({ tenantId, _id: new Types.ObjectId(c.id) }).lean())!;
    assert.equal(String(stored.audience!.contactIds[0]), contactId);
    assert.ok(stored.audience!.contactIds[0] instanceof Types.ObjectId, 'ids are stored as ObjectIds');
  });

  it('should refuse a message that names a template and a written body, a missing body, and a template of another agency, saving nothing', async () => {
    const other = await makeAgency(rt);
    const foreign = await rt.request().post('/v1/templates').set(auth(other.adminToken)).send({ name: 'Theirs', category: 'campaign', subject: 'x', html: '<p>x</p>', text: 'x' });
    const before = await Campaigns().countDocuments({ tenantId });
    const both = await rt.request().post('/v1/campaigns').set(auth()).send({ title: 'Bad', code: 'BADMSG1', type: 'email', message: { templateId, subject: 'x', body: 'y' } });
    assert.equal(both.status, 400);
    assert.deepEqual(both.body.errors.map((e: { field: string }) => e.field), ['message.templateId']);
    const noBody = await rt.request().post('/v1/campaigns').set(auth()).send({ title: 'Bad', code: 'BADMSG2', type: 'email', message: { subject: 'x' } });
    assert.equal(noBody.status, 400);
    assert.deepEqual(noBody.body.errors.map((e: { field: string }) => e.field), ['message.body']);
    const theirs = await rt.request().post('/v1/campaigns').set(auth()).send({ title: 'Bad', code: 'BADMSG3', type: 'email', message: { templateId: foreign.body.id } });
    assert.equal(theirs.status, 400);
    assert.deepEqual(theirs.body.errors.map((e: { field: string }) => e.field), ['message.templateId']);
    const broken = await rt.request().post('/v1/campaigns').set(auth()).send({ title: 'Bad', code: 'BADMSG4', type: 'email', message: { subject: 'Hi', body: 'Hello {{#if x}} unclosed' } });
    assert.equal(broken.status, 400);
    assert.equal(broken.body.errors[0].field, 'message.body');
    const badSegment = await rt.request().post('/v1/campaigns').set(auth()).send({ title: 'Bad', code: 'BADMSG5', type: 'email', audience: { segmentId: new Types.ObjectId().toHexString() } });
    assert.equal(badSegment.status, 400);
    assert.deepEqual(badSegment.body.errors.map((e: { field: string }) => e.field), ['audience.segmentId']);
    assert.equal(await Campaigns().countDocuments({ tenantId }), before);
  });

  it('should preview a written message for a real contact, escaping merged values in the HTML', async () => {
    const res = await rt.request().post('/v1/campaigns/preview').set(auth()).send({ contactId, message: { subject: 'Hello {{recipient.firstName}} from {{agency.name}}', body: 'Dear {{recipient.fullName}} of {{recipient.companyName}}' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.subject, 'Hello Rita from Harbour Events');
    assert.equal(res.body.text, 'Dear Rita <b>Monteiro</b> of Moeda Viva');
    assert.equal(res.body.html, '<p>Dear Rita &lt;b&gt;Monteiro&lt;/b&gt; of Moeda Viva</p>');
    assert.deepEqual(res.body.recipient, { type: 'contact', id: contactId, name: 'Rita <b>Monteiro</b>', email: 'rita@moeda.example' });
  });

  it("should preview a campaign's saved template message for a lead", async () => {
    const c = await createCampaign({ message: { templateId } });
    const res = await rt.request().post(`/v1/campaigns/${c.id}/preview`).set(auth()).send({ leadId });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.subject, 'See you, Tomás');
    assert.equal(res.body.text, 'Dear Tomás Rocha');
    assert.equal(res.body.recipient.type, 'lead');
  });

  it('should answer 400 on the recipient when none is named, and 404 for a contact the caller cannot see', async () => {
    const c = await createCampaign({ message: { templateId } });
    const none = await rt.request().post(`/v1/campaigns/${c.id}/preview`).set(auth()).send({});
    assert.equal(none.status, 400);
    assert.equal(none.body.errors[0].field, 'contactId');
    const seller = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const sellerToken = await signIn(rt, seller.email);
    const own = await createCampaign();
    const hidden = await rt.request().post('/v1/campaigns/preview').set(auth(sellerToken)).send({ contactId, message: { subject: 'x', body: 'y' } });
    assert.equal(hidden.status, 404, JSON.stringify(hidden.body));
    const noMessage = await rt.request().post(`/v1/campaigns/${own.id}/preview`).set(auth()).send({ contactId });
    assert.equal(noMessage.status, 400);
    assert.equal(noMessage.body.errors[0].field, 'message');
  });

  it('should send a test to the signed-in user only, once per Idempotency-Key, and count it', async () => {
    const c = await createCampaign({ message: { subject: 'Hi {{recipient.firstName}}', body: 'Dear {{recipient.fullName}},\n\nwelcome.' } });
    const send = () => rt.request().post(`/v1/campaigns/${c.id}/test-send`).set(auth()).set('Idempotency-Key', `test-send-${c.id}`).send({ contactId });
    const first = await send();
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.to, agency.adminEmail);
    assert.equal(first.body.subject, '[Test] Hi Rita');
    const mail = await smtp.waitFor((m) => m.subject === '[Test] Hi Rita');
    assert.deepEqual(mail.to, [agency.adminEmail]);
    assert.match(mail.text, /Dear Rita <b>Monteiro<\/b>,/);
    assert.match(mail.html, /Dear Rita &lt;b&gt;Monteiro&lt;\/b&gt;,/);
    const retry = await send();
    assert.equal(retry.status, 201);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    // A later test is awaited as a marker: the replayed retry, had it sent, would have arrived before it.
    const again = await rt.request().post(`/v1/campaigns/${c.id}/test-send`).set(auth()).send({});
    assert.equal(again.status, 201, JSON.stringify(again.body));
    await smtp.waitFor((m) => m.subject === '[Test] Hi Admin');
    assert.equal(smtp.messages.filter((m) => m.subject === '[Test] Hi Rita').length, 1, 'the retry sent the test again');
    assert.ok(smtp.messages.every((m) => !m.to.includes('rita@moeda.example')), 'a test went to the recipient');
    const stored = (await Campaigns().findOne({ tenantId, _id: new Types.ObjectId(c.id) }).lean())!;
    assert.equal(stored.counters?.testSends, 2);
    const listed = await rt.request().get('/v1/campaigns').set(auth());
    assert.equal(listed.body.data.find((x: { id: string }) => x.id === c.id).counts.testSends, 2);
  });

  it('should refuse to activate a campaign with no audience and no message, naming both, and change nothing', async () => {
    const c = await createCampaign();
    assert.equal((await rt.request().post(`/v1/campaigns/${c.id}/transitions`).set(auth()).send({ to: 'new' })).status, 200);
    const before = (await Campaigns().findOne({ tenantId, _id: new Types.ObjectId(c.id) }).lean())!;
    const res = await rt.request().post(`/v1/campaigns/${c.id}/transitions`).set(auth()).send({ to: 'active' });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.deepEqual(res.body.errors.map((e: { field: string }) => e.field), ['audience', 'message']);
    const after = (await Campaigns().findOne({ tenantId, _id: new Types.ObjectId(c.id) }).lean())!;
    assert.equal(after.status, 'new');
    assert.equal(after.version, before.version);

    const withMessage = await rt.request().patch(`/v1/campaigns/${c.id}`).set(auth()).send({ message: { templateId } });
    assert.equal(withMessage.status, 200, JSON.stringify(withMessage.body));
    const onlyAudience = await rt.request().post(`/v1/campaigns/${c.id}/transitions`).set(auth()).send({ to: 'active' });
    assert.deepEqual(onlyAudience.body.errors.map((e: { field: string }) => e.field), ['audience']);

    assert.equal((await rt.request().patch(`/v1/campaigns/${c.id}`).set(auth()).send({ audience: { leadIds: [leadId] } })).status, 200);
    const ok = await rt.request().post(`/v1/campaigns/${c.id}/transitions`).set(auth()).send({ to: 'active' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await Campaigns().findOne({ tenantId, _id: new Types.ObjectId(c.id) }).lean())!.status, 'active');
  });

  it("should not let the period's start activate a campaign that would send nothing", async () => {
    const c = await createCampaign({ startAt: new Date(Date.now() - 60_000).toISOString() });
    assert.equal((await rt.request().post(`/v1/campaigns/${c.id}/transitions`).set(auth()).send({ to: 'new' })).status, 200);
    const schedule = createCampaignSchedule({ connection: rt.ctx.connection, events: rt.ctx.events, workflows: createWorkflowEngine(rt.ctx.connection) });
    assert.equal(await schedule.settle(tenantId, new Types.ObjectId(c.id)), null);
    assert.equal((await Campaigns().findOne({ tenantId, _id: new Types.ObjectId(c.id) }).lean())!.status, 'new');
    assert.equal((await rt.request().patch(`/v1/campaigns/${c.id}`).set(auth()).send({ message: { templateId }, audience: { contactIds: [contactId] } })).status, 200);
    assert.equal(await schedule.settle(tenantId, new Types.ObjectId(c.id)), 'active');
  });

  it('should page the campaign list with status, dates, counts and expected ROI', async () => {
    await createCampaign({ title: 'Listed', cost: 1000, expectedRevenue: 2500, startAt: '2026-09-01', endAt: '2026-10-01' });
    const page = await rt.request().get('/v1/campaigns').query({ limit: 2 }).set(auth());
    assert.equal(page.status, 200);
    assert.equal(page.body.data.length, 2);
    assert.equal(page.body.hasMore, true);
    const next = await rt.request().get('/v1/campaigns').query({ limit: 2, cursor: page.body.nextCursor }).set(auth());
    assert.ok(next.body.data.every((x: { id: string }) => !page.body.data.some((y: { id: string }) => y.id === x.id)));
    const listed = page.body.data.find((x: { title: string }) => x.title === 'Listed') ?? (await rt.request().get('/v1/campaigns').query({ q: 'listed' }).set(auth())).body.data[0];
    assert.equal(listed.status, 'draft');
    assert.equal(listed.startAt, '2026-09-01T00:00:00.000Z');
    assert.equal(listed.expectedRoi, 1.5);
    assert.deepEqual(listed.counts, { views: 0, likes: 0, enrolments: 0, signups: 0, leads: 0, testSends: 0 });
  });
});
