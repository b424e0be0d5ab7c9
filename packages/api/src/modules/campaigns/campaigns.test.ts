import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { randomIp } from '../../testing/factories.js';
import { contactModel } from '../contacts/contact.model.js';
import { leadModel } from '../leads/lead.model.js';
import { campaignEngagementModel, campaignModel, campaignSignupModel, referralCodeModel } from './campaign.model.js';
import { createCampaignSchedule } from './campaigns.service.js';
import { createWorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import { op } from '../../platform/db/operators.js';
import type { DomainEvent } from '../../platform/events.js';
import { startSmtpCapture } from '../../platform/mail/testing.js';

// Short enough to keep the suite fast, long enough to prove the check.
const MIN_FILL_MS = '400';

describe('campaigns', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let tenantId: Types.ObjectId;
  const origin = 'https://partner.example';
  let pk: string;
  const events: DomainEvent[] = [];
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  const auth = (token = agency.adminToken) => ({ Authorization: `Bearer ${token}` });
  const day = 86_400_000;

  before(async () => {
    smtp = await startSmtpCapture();
    rt = await createTestRuntime({ file: import.meta.filename, env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '10', SMTP_URL: smtp.url, CAMPAIGN_MIN_FILL_MS: MIN_FILL_MS } });
    agency = await makeAgency(rt);
    tenantId = new Types.ObjectId(agency.tenantId);
    rt.ctx.events.subscribe('campaign.*', (e) => {
      events.push(e);
    });
    const key = await rt.request().post('/v1/api-keys').set(auth()).send({ kind: 'publishable', name: 'Partner site', allowedOrigins: [origin] });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    pk = key.body.key;
  });
  after(async () => {
    await rt.close();
    await smtp.stop();
  });

  const form = (extra: Record<string, unknown> = {}) => ({
    fields: [
      { key: 'email', label: 'Email', required: true },
      { key: 'firstName', label: 'First name', required: true },
      { key: 'lastName', label: 'Last name' },
    ],
    consentText: 'I agree to hear from Acme',
    thankYouMessage: 'Thanks!',
    ...extra,
  });

  async function createCampaign(body: Record<string, unknown> = {}, token = agency.adminToken) {
    const res = await rt
      .request()
      .post('/v1/campaigns')
      .set(auth(token))
      .send({ title: 'Spring referral', code: `C${new Types.ObjectId().toHexString().slice(-8)}`, type: 'referral', visibility: 'public', cost: 1000, expectedRevenue: 5000, form: form(), ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; code: string; status: string; version: number };
  }

  async function activeCampaign(body: Record<string, unknown> = {}, token = agency.adminToken) {
    const c = await createCampaign({ startAt: new Date(Date.now() - day).toISOString(), endAt: new Date(Date.now() + 30 * day).toISOString(), ...body }, token);
    for (const to of ['new', 'active']) {
      const res = await rt.request().post(`/v1/campaigns/${c.id}/transitions`).set(auth(token)).send({ to });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    return c;
  }

  const pub = (method: 'get' | 'post', path: string, ip = randomIp()) => rt.request()[method](`/v1/public${path}`).set('Authorization', `Bearer ${pk}`).set('Origin', origin).set('X-Forwarded-For', ip);

  async function formToken(code: string): Promise<string> {
    const res = await pub('get', `/campaigns/${code}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.formToken;
  }

  async function signUp(code: string, fields: Record<string, unknown>, extra: Record<string, unknown> = {}, ip = randomIp()) {
    const token = await formToken(code);
    await delay(450);
    return pub('post', `/campaigns/${code}/signups`, ip).send({ fields, consent: true, formToken: token, ...extra });
  }

  it('should create a campaign in draft with an upper-cased code unique per agency', async () => {
    const c = await createCampaign({ code: 'spring-26' });
    assert.equal(c.status, 'draft');
    assert.equal(c.code, 'SPRING-26');
    const again = await rt.request().post('/v1/campaigns').set(auth()).send({ title: 'Other', code: 'Spring-26', type: 'promotion' });
    assert.equal(again.status, 409);
    assert.equal(again.body.errors[0].field, 'code');
    const other = await makeAgency(rt);
    const elsewhere = await rt.request().post('/v1/campaigns').set(auth(other.adminToken)).send({ title: 'Theirs', code: 'SPRING-26', type: 'promotion' });
    assert.equal(elsewhere.status, 201, 'another agency may use the same code');
    assert.equal(await campaignModel(rt.ctx.connection).countDocuments({ tenantId, codeKey: 'SPRING-26' }), 1);
  });

  it('should refuse a period that ends before it starts and a form without email or with unknown custom attributes', async () => {
    const backwards = await rt.request().post('/v1/campaigns').set(auth()).send({ title: 'X', code: 'BACKWARDS', type: 'ad', startAt: '2026-05-02', endAt: '2026-05-01' });
    assert.equal(backwards.status, 400);
    assert.equal(backwards.body.errors[0].field, 'endAt');
    const noEmail = await rt.request().post('/v1/campaigns').set(auth()).send({ title: 'X', code: 'NOEMAIL', type: 'ad', form: { fields: [{ key: 'firstName', label: 'Name' }] } });
    assert.equal(noEmail.status, 400);
    const unknown = await rt.request().post('/v1/campaigns').set(auth()).send({ title: 'X', code: 'UNKNOWNATTR', type: 'ad', form: { fields: [{ key: 'email', label: 'Email' }, { key: 'custom.shoeSize', label: 'Shoe' }] } });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.detail, /shoeSize/);
    assert.equal(await campaignModel(rt.ctx.connection).countDocuments({ tenantId, codeKey: op({ $in: ['BACKWARDS', 'NOEMAIL', 'UNKNOWNATTR'] }) }), 0);
  });

  it('should list, update with If-Match, and follow the campaign workflow', async () => {
    const c = await createCampaign({ title: 'Workflow check' });
    const list = await rt.request().get('/v1/campaigns').query({ q: 'workflow' }).set(auth());
    assert.ok(list.body.data.some((x: { id: string }) => x.id === c.id));
    const stale = await rt.request().patch(`/v1/campaigns/${c.id}`).set(auth()).set('If-Match', '7').send({ cost: 10 });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.code, 'precondition_failed');
    const ok = await rt.request().patch(`/v1/campaigns/${c.id}`).set(auth()).set('If-Match', String(c.version)).send({ cost: 10 });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.cost, 10);
    const skip = await rt.request().post(`/v1/campaigns/${c.id}/transitions`).set(auth()).send({ to: 'active' });
    assert.equal(skip.status, 409);
    assert.deepEqual(skip.body.allowed.sort(), ['discarded', 'new']);
    assert.equal((await rt.request().post(`/v1/campaigns/${c.id}/transitions`).set(auth()).send({ to: 'new' })).status, 200);
    const history = await rt.request().get(`/v1/campaigns/${c.id}/transitions`).set(auth());
    assert.deepEqual(history.body.data.map((h: { to: string }) => h.to), ['draft', 'new']);
  });

  it('should hide other sales people’s campaigns and answer 404 for them', async () => {
    const seller = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const token = await signIn(rt, seller.email);
    const mine = await createCampaign({ title: 'Seller own' }, token);
    const adminOnes = await createCampaign({ title: 'Admin own' });
    assert.equal((await rt.request().get(`/v1/campaigns/${mine.id}`).set(auth(token))).status, 200);
    assert.equal((await rt.request().get(`/v1/campaigns/${adminOnes.id}`).set(auth(token))).status, 404);
  });

  it('should activate at the period start and deactivate at its end, once, publishing events', async () => {
    const start = new Date(Date.now() + 2 * day);
    const end = new Date(Date.now() + 5 * day);
    const c = await createCampaign({ startAt: start.toISOString(), endAt: end.toISOString() });
    const draft = await createCampaign({ startAt: start.toISOString() });
    await rt.request().post(`/v1/campaigns/${c.id}/transitions`).set(auth()).send({ to: 'new' });
    const schedule = createCampaignSchedule({ connection: rt.ctx.connection, events: rt.ctx.events, workflows: createWorkflowEngine(rt.ctx.connection) });
    await schedule.activateDueCampaigns(new Date(start.getTime() - 1000));
    assert.equal((await rt.request().get(`/v1/campaigns/${c.id}`).set(auth())).body.status, 'new', 'not before its start');
    events.length = 0;
    const results = await Promise.all([schedule.activateDueCampaigns(new Date(start.getTime() + 1000)), schedule.activateDueCampaigns(new Date(start.getTime() + 1000))]);
    assert.ok(results.reduce((a, b) => a + b, 0) >= 1);
    assert.equal((await rt.request().get(`/v1/campaigns/${c.id}`).set(auth())).body.status, 'active');
    assert.equal((await rt.request().get(`/v1/campaigns/${draft.id}`).set(auth())).body.status, 'draft', 'a draft is not ready to run');
    assert.equal(events.filter((e) => e.type === 'campaign.activated' && e.resourceId === c.id).length, 1);
    await schedule.deactivateEndedCampaigns(new Date(end.getTime() + 1000));
    await schedule.deactivateEndedCampaigns(new Date(end.getTime() + 2000));
    assert.equal((await rt.request().get(`/v1/campaigns/${c.id}`).set(auth())).body.status, 'inactive');
    assert.equal(events.filter((e) => e.type === 'campaign.deactivated' && e.resourceId === c.id).length, 1);
    const history = await rt.request().get(`/v1/campaigns/${c.id}/transitions`).set(auth());
    assert.deepEqual(history.body.data.map((h: { to: string; byUserId: string | null }) => [h.to, h.byUserId === null]), [['draft', false], ['new', false], ['active', true], ['inactive', true]]);
  });

  it('should answer 401 without a key, 403 from an origin the key does not allow, and 404 for private campaigns', async () => {
    const c = await activeCampaign();
    assert.equal((await rt.request().get(`/v1/public/campaigns/${c.code}`).set('Origin', origin)).status, 401);
    const wrong = await rt.request().get(`/v1/public/campaigns/${c.code}`).set('Authorization', `Bearer ${pk}`).set('Origin', 'https://evil.example');
    assert.equal(wrong.status, 403);
    // The page may read the refusal (so the widget can say the site is not allowed), and nothing else.
    assert.equal(wrong.headers['access-control-allow-origin'], 'https://evil.example');
    assert.equal(wrong.body.code, 'forbidden');
    assert.equal(wrong.body.title, 'This action is not allowed');
    assert.equal(wrong.body.form, undefined);
    const hidden = await activeCampaign({ visibility: 'internal' });
    assert.equal((await pub('get', `/campaigns/${hidden.code}`)).status, 404);
    const ok = await pub('get', `/campaigns/${c.code}`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], origin);
    assert.equal(ok.body.active, true);
    assert.deepEqual(ok.body.form.fields.map((f: { key: string; type: string }) => `${f.key}:${f.type}`), ['email:email', 'firstName:text', 'lastName:text']);
  });

  it('should count views, likes and enrolments once per visitor, with a daily series in the stats', async () => {
    const c = await activeCampaign();
    for (const visitorId of ['visitor-aaaa', 'visitor-aaaa', 'visitor-bbbb']) {
      for (const kind of ['view', 'like', 'enrol']) assert.equal((await pub('post', `/campaigns/${c.code}/${kind}`).send({ visitorId })).status, 200);
    }
    const again = await pub('post', `/campaigns/${c.code}/like`).send({ visitorId: 'visitor-aaaa' });
    assert.equal(again.body.counted, false);
    assert.deepEqual(again.body.counts, { views: 2, likes: 2, enrolments: 2 });
    assert.equal(await campaignEngagementModel(rt.ctx.connection).countDocuments({ tenantId, campaignId: new Types.ObjectId(c.id) }), 6);
    assert.ok(events.some((e) => e.type === 'campaign.engaged' && e.resourceId === c.id && e.data?.kind === 'like'));
    const stats = await rt.request().get(`/v1/campaigns/${c.id}/stats`).set(auth());
    assert.equal(stats.status, 200);
    assert.equal(stats.body.totals.views, 2);
    assert.equal(stats.body.daily.length, 1);
    assert.equal(stats.body.daily[0].day, new Date().toISOString().slice(0, 10));
    assert.equal(stats.body.daily[0].enrolments, 2);
  });

  it('should refuse likes on a campaign that is not running', async () => {
    const c = await createCampaign();
    await rt.request().post(`/v1/campaigns/${c.id}/transitions`).set(auth()).send({ to: 'new' });
    assert.equal((await pub('post', `/campaigns/${c.code}/view`).send({ visitorId: 'visitor-cccc' })).status, 200);
    assert.equal((await pub('post', `/campaigns/${c.code}/like`).send({ visitorId: 'visitor-cccc' })).status, 409);
  });

  it('should attribute a signup through a referral code to the campaign and the referrer, who sees it', async () => {
    const seller = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const token = await signIn(rt, seller.email);
    const c = await activeCampaign({ visibility: 'public' });
    // The seller may read the admin's public campaign only if their role sees it; share via owner.
    const shared = await activeCampaign({}, token);
    const code = await rt.request().post(`/v1/campaigns/${shared.id}/referral-codes`).set(auth(token)).send({ code: 'anna-2026' });
    assert.equal(code.status, 201, JSON.stringify(code.body));
    assert.equal(code.body.code, 'ANNA-2026');
    const same = await rt.request().post(`/v1/campaigns/${shared.id}/referral-codes`).set(auth(token)).send({});
    assert.equal(same.status, 200);
    assert.equal(same.body.code, 'ANNA-2026');
    const taken = await rt.request().post(`/v1/campaigns/${c.id}/referral-codes`).set(auth()).send({ code: 'ANNA-2026' });
    assert.equal(taken.status, 409);

    const res = await signUp(shared.code, { email: 'New.Person@Example.com', firstName: 'Nova', lastName: 'Person' }, { referral: 'anna-2026' });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(res.body, { status: 'received', confirmationRequired: false, message: 'Thanks!', redirectUrl: null });
    const contact = await contactModel(rt.ctx.connection).findOne({ tenantId, primaryEmail: 'new.person@example.com' }).lean();
    assert.ok(contact);
    assert.equal(contact.consent?.marketing, true);
    const lead = await leadModel(rt.ctx.connection).findOne({ tenantId, primaryEmail: 'new.person@example.com' }).lean();
    assert.ok(lead);
    assert.equal(String(lead.campaignId), shared.id);
    assert.equal(String(lead.ownerId), String(seller.id));
    assert.equal(lead.source, 'referral');
    const signup = await campaignSignupModel(rt.ctx.connection).findOne({ tenantId, campaignId: new Types.ObjectId(shared.id) }).lean();
    assert.equal(String(signup?.referrerId), String(seller.id));
    assert.equal(String(signup?.contactId), String(contact._id));
    assert.equal(String(signup?.leadId), String(lead._id));

    const mine = await rt.request().get(`/v1/campaigns/${shared.id}/signups`).set(auth(token));
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body.data.map((s: { email: string; referralCode: string }) => [s.email, s.referralCode]), [['new.person@example.com', 'ANNA-2026']]);
    const across = await rt.request().get('/v1/referral-signups').set(auth(token));
    assert.equal(across.body.data.length, 1);
    assert.equal((await rt.request().get(`/v1/campaigns/${shared.id}/signups`).set(auth())).body.data.length, 0, 'the admin referred none');
    assert.equal((await rt.request().get(`/v1/campaigns/${shared.id}/signups`).query({ referrer: 'any' }).set(auth())).body.data.length, 1);
    assert.ok(events.some((e) => e.type === 'campaign.engaged' && e.resourceId === shared.id && e.data?.kind === 'signup'));
  });

  it('should dedupe by email and answer the same whether the person was known or not', async () => {
    const c = await activeCampaign();
    await contactModel(rt.ctx.connection).create({ tenantId, firstName: 'Known', lastName: 'Person', emails: [{ label: 'work', value: 'known@example.com', primary: true }], primaryEmail: 'known@example.com', status: 'new', ownerId: null });
    const known = await signUp(c.code, { email: 'KNOWN@example.com', firstName: 'Mallory', lastName: 'Overwrite' });
    const fresh = await signUp(c.code, { email: 'fresh@example.com', firstName: 'Fresh' });
    assert.equal(known.status, fresh.status);
    assert.deepEqual(known.body, fresh.body);
    assert.deepEqual(Object.keys(known.headers).filter((h) => !['date', 'x-request-id', 'ratelimit', 'ratelimit-policy', 'content-length', 'etag'].includes(h)).sort(), Object.keys(fresh.headers).filter((h) => !['date', 'x-request-id', 'ratelimit', 'ratelimit-policy', 'content-length', 'etag'].includes(h)).sort());
    const contacts = await contactModel(rt.ctx.connection).find({ tenantId, primaryEmail: 'known@example.com' }).lean();
    assert.equal(contacts.length, 1, 'no second contact');
    assert.equal(contacts[0]!.lastName, 'Person', 'a public form never overwrites a known contact');
    assert.equal(await leadModel(rt.ctx.connection).countDocuments({ tenantId, campaignId: new Types.ObjectId(c.id) }), 2);
    const twice = await signUp(c.code, { email: 'fresh@example.com', firstName: 'Fresh' });
    assert.equal(twice.status, 202);
    assert.equal(await leadModel(rt.ctx.connection).countDocuments({ tenantId, campaignId: new Types.ObjectId(c.id) }), 2, 'one lead per person and campaign');
  });

  it('should store nothing for a filled honeypot, a too-fast form or a forged token, yet answer the honeypot like a success', async () => {
    const c = await activeCampaign();
    const campaignId = new Types.ObjectId(c.id);
    const token = await formToken(c.code);
    await delay(450);
    const bot = await pub('post', `/campaigns/${c.code}/signups`).send({ fields: { email: 'bot@example.com', firstName: 'Bot' }, consent: true, formToken: token, website: 'http://spam.example' });
    assert.equal(bot.status, 202);
    const fastToken = await formToken(c.code);
    const fast = await pub('post', `/campaigns/${c.code}/signups`).send({ fields: { email: 'fast@example.com', firstName: 'Fast' }, consent: true, formToken: fastToken });
    assert.equal(fast.status, 429);
    assert.ok(Number(fast.headers['retry-after']) >= 1);
    const [id, , mac] = token.split('.');
    const forged = await pub('post', `/campaigns/${c.code}/signups`).send({ fields: { email: 'forged@example.com', firstName: 'F' }, consent: true, formToken: `${id}.${Date.now() - 60_000}.${mac}` });
    assert.equal(forged.status, 400);
    assert.equal(forged.body.errors[0].field, 'formToken');
    const invalid = await signUp(c.code, { email: 'not-an-email', firstName: 'X' });
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.body.errors.map((e: { field: string }) => e.field), ['fields.email']);
    const noConsent = await signUp(c.code, { email: 'consent@example.com', firstName: 'X' }, { consent: false });
    assert.equal(noConsent.status, 400);
    assert.equal(await campaignSignupModel(rt.ctx.connection).countDocuments({ tenantId, campaignId }), 0);
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId, primaryEmail: op({ $in: ['bot@example.com', 'fast@example.com', 'forged@example.com', 'consent@example.com'] }) }), 0);
    assert.equal(await leadModel(rt.ctx.connection).countDocuments({ tenantId, campaignId }), 0);
  });

  it('should make one signup of one submission sent twice (a retry after a lost answer), counting it once', async () => {
    const c = await activeCampaign({ visibility: 'public' });
    const token = await formToken(c.code);
    await delay(450);
    const body = { fields: { email: 'twice@example.com', firstName: 'Tw', lastName: 'Ice' }, consent: true, formToken: token };
    const [a, b] = await Promise.all([pub('post', `/campaigns/${c.code}/signups`).send(body), pub('post', `/campaigns/${c.code}/signups`).send(body)]);
    const again = await pub('post', `/campaigns/${c.code}/signups`).send(body);
    assert.deepEqual([a.status, b.status, again.status], [202, 202, 202]);
    assert.deepEqual(again.body, a.body, 'the same answer');
    const signups = await campaignSignupModel(rt.ctx.connection).find({ tenantId, campaignId: new Types.ObjectId(c.id) }).lean();
    assert.equal(signups.length, 1);
    assert.equal(await leadModel(rt.ctx.connection).countDocuments({ tenantId, campaignId: new Types.ObjectId(c.id), primaryEmail: 'twice@example.com' }), 1);
    const stats = await rt.request().get(`/v1/campaigns/${c.id}/stats`).set(auth());
    assert.equal(stats.status, 200, JSON.stringify(stats.body));
    assert.equal(stats.body.totals.signups, 1, JSON.stringify(stats.body));
    // The same person through a new form load is still one signup (issue 17: stats count people).
    const second = await signUp(c.code, { email: 'twice@example.com', firstName: 'Tw', lastName: 'Ice' });
    assert.equal(second.status, 202);
    assert.deepEqual(second.body, a.body);
    assert.equal(await campaignSignupModel(rt.ctx.connection).countDocuments({ tenantId, campaignId: new Types.ObjectId(c.id) }), 1);
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId, primaryEmail: 'twice@example.com' }), 1);
  });

  it('should limit signups per address per minute (PUBLIC_RATE_LIMIT_PER_MINUTE) and store nothing over the limit', async () => {
    const c = await activeCampaign();
    const ip = randomIp();
    const token = await formToken(c.code);
    await delay(450);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const res = await pub('post', `/campaigns/${c.code}/signups`, ip).send({ fields: { email: `burst${i}@example.com`, firstName: 'B' }, consent: true, formToken: token });
      statuses.push(res.status);
      if (res.status === 429) assert.ok(Number(res.body.retryAfter) >= 1);
    }
    assert.deepEqual(statuses, [...Array(10).fill(202), 429, 429]);
    assert.equal(await campaignSignupModel(rt.ctx.connection).countDocuments({ tenantId, campaignId: new Types.ObjectId(c.id) }), 10);
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId, primaryEmail: op({ $in: ['burst10@example.com', 'burst11@example.com'] }) }), 0);
    const other = await signUp(c.code, { email: 'other-ip@example.com', firstName: 'O' });
    assert.equal(other.status, 202, 'another address is not limited');
  });

  it('should keep a double opt-in signup pending until the emailed link is followed', async () => {
    const c = await activeCampaign({ form: form({ doubleOptIn: true, redirectUrl: 'https://partner.example/thanks' }) });
    const campaignId = new Types.ObjectId(c.id);
    const res = await signUp(c.code, { email: 'optin@example.com', firstName: 'Opt' });
    assert.equal(res.status, 202);
    assert.equal(res.body.confirmationRequired, true);
    const pending = await campaignSignupModel(rt.ctx.connection).findOne({ tenantId, campaignId }).lean();
    assert.equal(pending?.status, 'pending');
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId, primaryEmail: 'optin@example.com' }), 0);
    const stats = await rt.request().get(`/v1/campaigns/${c.id}/stats`).set(auth());
    assert.equal(stats.body.totals.pendingSignups, 1);

    const bad = await rt.request().get('/v1/public/signup-confirmations').query({ token: 'x'.repeat(40) });
    assert.equal(bad.status, 400);
    const mail = await smtp.waitFor((m) => m.to.includes('optin@example.com'));
    assert.match(mail.subject, /confirm/i);
    const link = /https?:\/\/\S+signup-confirmations\?token=\S+/.exec(mail.text)?.[0];
    assert.ok(link, mail.text);
    const url = new URL(link);
    const confirm = await rt.request().get(`${url.pathname}${url.search}`).set('Accept', 'application/json');
    assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
    assert.equal(confirm.body.status, 'confirmed');
    const browser = await rt.request().get(`${url.pathname}${url.search}`).set('Accept', 'text/html');
    assert.equal(browser.status, 303);
    assert.equal(browser.headers.location, 'https://partner.example/thanks');
    assert.equal((await campaignSignupModel(rt.ctx.connection).findOne({ tenantId, campaignId }).lean())?.status, 'confirmed');
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId, primaryEmail: 'optin@example.com' }), 1);
    assert.equal(await leadModel(rt.ctx.connection).countDocuments({ tenantId, campaignId }), 1, 'a second click creates nothing more');
  });

  it('should compute conversions, revenue won and ROI from the campaign’s won opportunities', async () => {
    const c = await activeCampaign({ cost: 2000, expectedRevenue: 9000 });
    const campaignId = new Types.ObjectId(c.id);
    const opportunities = rt.ctx.connection.collection('opportunities');
    await opportunities.insertMany([
      { tenantId, campaignId, outcome: 'won', amount: 5000, name: 'A' },
      { tenantId, campaignId, outcome: 'partially_won', amount: 1000, name: 'B' },
      { tenantId, campaignId, outcome: 'lost', amount: 7000, name: 'C' },
      { tenantId, campaignId, outcome: null, amount: 3000, name: 'D' },
    ]);
    const stats = await rt.request().get(`/v1/campaigns/${c.id}/stats`).set(auth());
    assert.equal(stats.status, 200);
    assert.equal(stats.body.totals.conversions, 2);
    assert.equal(stats.body.totals.revenueWon, 6000);
    assert.equal(stats.body.roi, 2);
    assert.equal(stats.body.expectedRoi, 3.5);
  });

  it('should reject a duplicate engagement and referral code at the unique index itself', async () => {
    const campaignId = new Types.ObjectId();
    const Engagement = campaignEngagementModel(rt.ctx.connection);
    await Engagement.create({ tenantId, campaignId, visitorId: 'visitor-dupe', kind: 'view' });
    await assert.rejects(Engagement.create({ tenantId, campaignId, visitorId: 'visitor-dupe', kind: 'view' }), (e: { code?: number }) => e.code === 11000);
    await referralCodeModel(rt.ctx.connection).create({ tenantId, campaignId, userId: new Types.ObjectId(), code: 'DUPE-CODE' });
    await assert.rejects(referralCodeModel(rt.ctx.connection).create({ tenantId, campaignId, userId: new Types.ObjectId(), code: 'DUPE-CODE' }), (e: { code?: number }) => e.code === 11000);
  });
});
