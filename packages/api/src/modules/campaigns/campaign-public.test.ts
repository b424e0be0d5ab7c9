import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { randomIp } from '../../testing/factories.js';
import { startSmtpCapture } from '../../platform/mail/testing.js';
import { campaignSignupClaimModel, campaignSignupModel } from './campaign.model.js';

// What partner pages see of the public widget routes (issue 17): one signup per person and campaign,
// refusals a page can read, compressed JSON.
describe('public campaign routes for widgets', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let tenantId: Types.ObjectId;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let pk: string;
  const origin = 'https://partner.example';
  const auth = { Authorization: '' };
  const day = 86_400_000;

  before(async () => {
    smtp = await startSmtpCapture();
    rt = await createTestRuntime({ file: import.meta.filename, env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '30', SMTP_URL: smtp.url, CAMPAIGN_MIN_FILL_MS: '300' } });
    agency = await makeAgency(rt);
    tenantId = new Types.ObjectId(agency.tenantId);
    auth.Authorization = `Bearer ${agency.adminToken}`;
    const key = await rt.request().post('/v1/api-keys').set(auth).send({ kind: 'publishable', name: 'Partner site', allowedOrigins: [origin] });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    pk = key.body.key;
  });
  after(async () => {
    await rt.close();
    await smtp.stop();
  });

  async function activeCampaign(form: Record<string, unknown> = {}) {
    const code = `W${new Types.ObjectId().toHexString().slice(-8)}`;
    const created = await rt
      .request()
      .post('/v1/campaigns')
      .set(auth)
      .send({
        title: 'Spring referral',
        code,
        type: 'referral',
        visibility: 'public',
        description: 'Bring a friend, both get a month free. '.repeat(8),
        startAt: new Date(Date.now() - day).toISOString(),
        endAt: new Date(Date.now() + 30 * day).toISOString(),
        form: { fields: [{ key: 'email', label: 'Email', required: true }, { key: 'firstName', label: 'First name' }], thankYouMessage: 'Thanks!', ...form },
      });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (const to of ['new', 'active']) assert.equal((await rt.request().post(`/v1/campaigns/${created.body.id}/transitions`).set(auth).send({ to })).status, 200);
    return created.body as { id: string; code: string };
  }

  const pub = (method: 'get' | 'post', path: string, from = origin) => rt.request()[method](`/v1/public${path}`).set('Authorization', `Bearer ${pk}`).set('Origin', from).set('X-Forwarded-For', randomIp());

  /** Loads the form (a fresh token each time, as a reload does), waits like a person, sends it. */
  async function signUp(code: string, fields: Record<string, unknown>) {
    const form = await pub('get', `/campaigns/${code}`);
    assert.equal(form.status, 200, JSON.stringify(form.body));
    await delay(350);
    return pub('post', `/campaigns/${code}/signups`).send({ fields, consent: true, formToken: form.body.formToken });
  }

  const stats = async (id: string) => (await rt.request().get(`/v1/campaigns/${id}/stats`).set(auth)).body.totals as { signups: number; pendingSignups: number; leads: number };

  it('should answer a resubmitted double opt-in signup with the pending one: one signup, one email, one person in the stats', async () => {
    const c = await activeCampaign({ doubleOptIn: true });
    const campaignId = new Types.ObjectId(c.id);
    const first = await signUp(c.code, { email: 'Resubmit@Example.com', firstName: 'Ada' });
    const second = await signUp(c.code, { email: 'resubmit@example.com', firstName: 'Changed' });
    assert.deepEqual([first.status, second.status], [202, 202]);
    assert.deepEqual(second.body, first.body, 'the same answer: the pending signup');
    assert.equal(first.body.confirmationRequired, true);
    const signups = await campaignSignupModel(rt.ctx.connection).find({ tenantId, campaignId }).lean();
    assert.equal(signups.length, 1);
    assert.equal(signups[0]!.status, 'pending');
    assert.equal(signups[0]!.answers.firstName, 'Ada', 'a resubmit changes nothing');
    const claim = await campaignSignupClaimModel(rt.ctx.connection).findOne({ tenantId, campaignId, email: 'resubmit@example.com' }).lean();
    assert.equal(String(claim?.signupId), String(signups[0]!._id));
    const mail = await smtp.waitFor((m) => m.to.includes('resubmit@example.com'));
    assert.equal(smtp.messages.filter((m) => m.to.includes('resubmit@example.com')).length, 1, 'one confirmation email');
    assert.equal((await stats(c.id)).pendingSignups, 1);

    const link = new URL(/https?:\/\/\S+signup-confirmations\?token=\S+/.exec(mail.text)![0]);
    assert.equal((await rt.request().get(`${link.pathname}${link.search}`).set('Accept', 'application/json')).status, 200);
    const third = await signUp(c.code, { email: 'resubmit@example.com', firstName: 'Again' });
    assert.equal(third.status, 202);
    assert.deepEqual(third.body, first.body);
    assert.equal(await campaignSignupModel(rt.ctx.connection).countDocuments({ tenantId, campaignId }), 1);
    const totals = await stats(c.id);
    assert.deepEqual([totals.signups, totals.pendingSignups, totals.leads], [1, 0, 1], JSON.stringify(totals));
  });

  it('should make one signup of one address sent by two pages at once', async () => {
    const c = await activeCampaign();
    const [a, b] = await Promise.all([signUp(c.code, { email: 'race@example.com', firstName: 'A' }), signUp(c.code, { email: 'race@example.com', firstName: 'B' })]);
    assert.deepEqual([a.status, b.status], [202, 202]);
    assert.equal(await campaignSignupModel(rt.ctx.connection).countDocuments({ tenantId, campaignId: new Types.ObjectId(c.id) }), 1);
    assert.equal((await stats(c.id)).signups, 1);
  });

  it('should adopt a signup made before claims existed instead of making a second one', async () => {
    const c = await activeCampaign();
    const campaignId = new Types.ObjectId(c.id);
    const legacy = await campaignSignupModel(rt.ctx.connection).create({ tenantId, campaignId, email: 'legacy@example.com', answers: {}, status: 'pending' });
    const res = await signUp(c.code, { email: 'legacy@example.com', firstName: 'L' });
    assert.equal(res.status, 202);
    assert.equal(await campaignSignupModel(rt.ctx.connection).countDocuments({ tenantId, campaignId }), 1);
    const claim = await campaignSignupClaimModel(rt.ctx.connection).findOne({ tenantId, campaignId, email: 'legacy@example.com' }).lean();
    assert.equal(String(claim?.signupId), String(legacy._id));
  });

  it('should reject a second claim of one address for one campaign at the unique index itself', async () => {
    const Claim = campaignSignupClaimModel(rt.ctx.connection);
    const campaignId = new Types.ObjectId();
    await Claim.create({ tenantId, campaignId, email: 'claim@example.com', signupId: new Types.ObjectId() });
    await assert.rejects(Claim.create({ tenantId, campaignId, email: 'claim@example.com', signupId: new Types.ObjectId() }), (e: { code?: number }) => e.code === 11000);
    // Another campaign, or another agency, is another person's claim.
    await Claim.create({ tenantId, campaignId: new Types.ObjectId(), email: 'claim@example.com', signupId: new Types.ObjectId() });
    await Claim.create({ tenantId: new Types.ObjectId(), campaignId, email: 'claim@example.com', signupId: new Types.ObjectId() });
  });

  it('should let the calling page read a refusal (CORS on 401 and 403) without showing it any campaign data', async () => {
    const c = await activeCampaign();
    const stranger = 'https://stranger.example';
    const forbidden = await pub('get', `/campaigns/${c.code}`, stranger);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.headers['access-control-allow-origin'], stranger);
    assert.match(forbidden.headers.vary ?? '', /Origin/);
    assert.match(forbidden.headers['content-type'] ?? '', /application\/problem\+json/);
    assert.equal(forbidden.body.code, 'forbidden');
    assert.equal(forbidden.body.title, 'This action is not allowed');
    assert.equal(JSON.stringify(forbidden.body).includes('Spring referral'), false, 'no campaign data');
    const badKey = await rt.request().get(`/v1/public/campaigns/${c.code}`).set('Authorization', 'Bearer pk_live_notarealkey123').set('Origin', stranger);
    assert.equal(badKey.status, 401);
    assert.equal(badKey.headers['access-control-allow-origin'], stranger);
    assert.equal(badKey.body.code, 'unauthenticated');
    // A signup from the wrong origin stores nothing.
    const before = await campaignSignupModel(rt.ctx.connection).countDocuments({ tenantId });
    const sent = await pub('post', `/campaigns/${c.code}/signups`, stranger).send({ fields: { email: 'x@example.com' }, consent: true, formToken: 'x'.repeat(30) });
    assert.equal(sent.status, 403);
    assert.equal(await campaignSignupModel(rt.ctx.connection).countDocuments({ tenantId }), before);
  });

  it('should compress the public campaign JSON for a browser that accepts it', async () => {
    const c = await activeCampaign();
    for (const encoding of ['br', 'gzip']) {
      const res = await pub('get', `/campaigns/${c.code}`).set('Accept-Encoding', encoding);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-encoding'], encoding);
      assert.match(res.headers.vary ?? '', /Accept-Encoding/);
      assert.equal(res.body.code, c.code, 'the body decodes to the campaign');
    }
  });
});
