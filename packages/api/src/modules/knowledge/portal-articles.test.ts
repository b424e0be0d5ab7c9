import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, waitForMail, type TestAgency } from '../../testing/index.js';
import { randomIp } from '../../testing/factories.js';
import { articleModel, articleVoteModel } from './article.model.js';

type Runtime = Awaited<ReturnType<typeof createTestRuntime>>;
const auth = (token: string) => ({ Authorization: `Bearer ${token}`, 'X-Forwarded-For': randomIp() });
const origin = 'https://help.partner.example';
let seq = 0;

describe('knowledge base: customers and visitors', () => {
  let rt: Runtime;
  let a: TestAgency;
  let b: TestAgency;
  let pkA: string;
  let pkB: string;
  let customerToken: string;
  const ids: Record<string, string> = {};

  const article = async (agency: TestAgency, body: object, publish = true) => {
    const res = await rt.request().post('/v1/kb/articles').set(auth(agency.adminToken)).send(body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    if (publish) assert.equal((await rt.request().post(`/v1/kb/articles/${res.body.id}/publish`).set(auth(agency.adminToken))).status, 200);
    return res.body as { id: string; slug: string };
  };
  const publishableKey = async (agency: TestAgency) => {
    const res = await rt.request().post('/v1/api-keys').set(auth(agency.adminToken)).send({ kind: 'publishable', name: 'Help centre', allowedOrigins: [origin] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.key as string;
  };
  const visitor = (path: string, pk = pkA, from = origin) => rt.request().get(`/v1/public${path}`).set('Authorization', `Bearer ${pk}`).set('Origin', from).set('X-Forwarded-For', randomIp());
  const visitorPost = (path: string, body: object, pk = pkA) => rt.request().post(`/v1/public${path}`).set('Authorization', `Bearer ${pk}`).set('Origin', origin).set('X-Forwarded-For', randomIp()).send(body);
  const customer = (path: string) => rt.request().get(`/v1/portal${path}`).set(auth(customerToken));
  const slugs = (res: { body: { data: Array<{ slug: string }> } }) => res.body.data.map((d) => d.slug).sort();

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { PUBLIC_URL: 'https://crm.example.test' } });
    a = await makeAgency(rt);
    b = await makeAgency(rt);
    pkA = await publishableKey(a);
    pkB = await publishableKey(b);
    // A customer of agency A, invited and signed in through the portal's own routes.
    const email = `reader-${Date.now().toString(36)}-${(seq += 1)}@example.test`;
    const contact = await rt.request().post('/v1/contacts').set(auth(a.adminToken)).send({ firstName: 'Rita', lastName: 'Reader', emails: [{ label: 'work', value: email, primary: true }] });
    assert.equal(contact.status, 201, JSON.stringify(contact.body));
    const invited = await rt.request().post('/v1/customer-users').set(auth(a.adminToken)).send({ contactId: contact.body.id });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    const mail = await waitForMail(rt, email, (m) => m.text.includes('#crm-portal-link='));
    const link = decodeURIComponent(/#crm-portal-link=([A-Za-z0-9_%.-]+)/.exec(mail.text)![1]!);
    const session = await rt.request().post('/v1/portal/session').set('X-Forwarded-For', randomIp()).send({ link });
    assert.equal(session.status, 200, JSON.stringify(session.body));
    customerToken = session.body.accessToken;

    ids.public = (await article(a, { title: 'Reset your password', slug: 'reset-password', body: 'Open **Settings** and choose reset.', visibility: 'public', tags: ['login'] })).id;
    ids.customers = (await article(a, { title: 'Download your invoices', slug: 'download-invoices', body: 'Invoices are under Billing.', visibility: 'customers' })).id;
    ids.internal = (await article(a, { title: 'Refund password override', slug: 'refund-override', body: 'Agents only: the override code.', visibility: 'internal' })).id;
    ids.draft = (await article(a, { title: 'Password policy draft', slug: 'password-policy', body: 'Not ready.', visibility: 'public' }, false)).id;
    ids.otherTenant = (await article(b, { title: 'Password help of agency B', slug: 'reset-password', body: 'Theirs.', visibility: 'public' })).id;
  });
  after(() => rt.close());

  it('should show a visitor public articles only, and a signed-in customer public and customers-only ones; never internal or drafts', async () => {
    assert.deepEqual(slugs(await visitor('/articles')), ['reset-password']);
    assert.deepEqual(slugs(await customer('/articles')), ['download-invoices', 'reset-password']);
    assert.equal((await visitor('/articles/download-invoices')).status, 404);
    assert.equal((await visitor('/articles/refund-override')).status, 404);
    assert.equal((await customer('/articles/refund-override')).status, 404);
    assert.equal((await customer('/articles/password-policy')).status, 404);
    const read = await customer('/articles/download-invoices');
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.match(read.body.html, /Invoices are under Billing/);
    assert.equal('visibility' in read.body, false);
  });

  it('should read an article by slug within the key’s agency only, render it, and count the view', async () => {
    const res = await visitor('/articles/reset-password');
    assert.equal(res.status, 200);
    assert.equal(res.body.id, ids.public);
    assert.match(res.body.html, /<strong>Settings<\/strong>/);
    const theirs = await visitor('/articles/reset-password', pkB);
    assert.equal(theirs.body.id, ids.otherTenant);
    const doc = await articleModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(a.tenantId), _id: new Types.ObjectId(ids.public) }).lean();
    assert.ok(doc!.views >= 1);
  });

  it('should refuse a visitor from an origin the key does not allow, and a customer token on agent routes', async () => {
    assert.equal((await visitor('/articles', pkA, 'https://evil.example')).status, 403);
    assert.equal((await rt.request().get('/v1/public/articles').set('X-Forwarded-For', randomIp())).status, 401);
    assert.equal((await rt.request().get('/v1/kb/articles').set(auth(customerToken))).status, 401);
    assert.equal((await rt.request().get('/v1/portal/articles').set(auth(a.adminToken))).status, 401);
  });

  it('should search the live copy only: a draft’s new words find nothing on the portal', async () => {
    await rt.request().patch(`/v1/kb/articles/${ids.public}`).set(auth(a.adminToken)).send({ title: 'Reset your password with zanzibar' });
    assert.deepEqual(slugs(await visitor('/articles?q=zanzibar')), []);
    const agent = await rt.request().get('/v1/kb/articles?q=zanzibar').set(auth(a.adminToken));
    assert.deepEqual(agent.body.data.map((d: { id: string }) => d.id), [ids.public]);
    assert.deepEqual(slugs(await visitor('/articles?q=passw')), ['reset-password']);
    assert.deepEqual(slugs(await customer('/articles?q=invoice')), ['download-invoices']);
    assert.deepEqual(slugs(await visitor('/articles?q=invoice')), []);
    assert.equal((await visitor('/articles?q=.*')).status, 400);
  });

  it('should suggest published articles for a ticket subject, most matching words first, within what the caller may read', async () => {
    const res = await customer('/article-suggestions?q=I cannot download my invoices');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data[0].slug, 'download-invoices');
    const visitorSuggests = await visitor('/article-suggestions?q=forgot passwords for login');
    assert.deepEqual(slugs(visitorSuggests), ['reset-password'], 'the internal "password override" and the draft are never suggested; "passwords" finds "password"');
    assert.deepEqual(slugs(await visitor('/article-suggestions?q=the and of')), []);
    assert.equal((await visitor('/article-suggestions')).status, 400);
  });

  it('should count one vote per voter: a customer once, a visitor once per visitor id', async () => {
    const first = await rt.request().post(`/v1/portal/articles/${ids.customers}/votes`).set(auth(customerToken)).send({ helpful: true });
    assert.deepEqual(first.body, { counted: true, helpful: 1, notHelpful: 0 });
    const again = await rt.request().post(`/v1/portal/articles/${ids.customers}/votes`).set(auth(customerToken)).send({ helpful: false });
    assert.deepEqual(again.body, { counted: false, helpful: 1, notHelpful: 0 });
    const v1 = await visitorPost(`/articles/${ids.public}/votes`, { helpful: false, visitorId: 'visitor-0001' });
    assert.equal(v1.body.counted, true);
    const twice = await Promise.all([1, 2, 3].map(() => visitorPost(`/articles/${ids.public}/votes`, { helpful: false, visitorId: 'visitor-0002' })));
    assert.equal(twice.filter((r) => r.body.counted).length, 1, 'racing votes of one visitor count once');
    const noId = await visitorPost(`/articles/${ids.public}/votes`, { helpful: true });
    assert.equal(noId.status, 400);
    assert.equal(noId.body.errors[0].field, 'visitorId');
    const customersOnly = await visitorPost(`/articles/${ids.customers}/votes`, { helpful: true, visitorId: 'visitor-0003' });
    assert.equal(customersOnly.status, 404, 'a visitor cannot vote on a customers-only article');
    const doc = await articleModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(a.tenantId), _id: new Types.ObjectId(ids.public) }).lean();
    assert.equal(doc!.notHelpful, 2);
    assert.equal(await articleVoteModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(a.tenantId), articleId: new Types.ObjectId(ids.public) }), 2);
  });

  it('should list categories for portal readers', async () => {
    const cat = await rt.request().post('/v1/kb/categories').set(auth(a.adminToken)).send({ name: 'Billing' });
    assert.equal(cat.status, 201);
    const res = await visitor('/article-categories');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data.map((c: { name: string }) => c.name), ['Billing']);
    assert.equal((await visitor('/article-categories', pkB)).body.data.length, 0);
  });
});
