import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { startMailwizzStandin, type MailwizzStandin } from '../../testing/mailwizz-standin.js';
import { contactModel } from '../contacts/contact.model.js';
import { subscriptionModel } from '../messaging/messaging.model.js';
import { mailwizzMemberModel, mailwizzSettingsModel } from './mailwizz.model.js';
import { rollupModel } from '../reporting/reporting.model.js';
import { waitUntilApplied } from '../reporting/rollup-applier.js';

describe('Mailwizz: segments as lists, campaigns, statistics and unsubscribes against the stand-in', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let mw: MailwizzStandin;
  let tenantId: Types.ObjectId;
  let segmentId: string;
  let listUid: string;
  const contacts: Record<string, string> = {};
  const auth = () => ({ Authorization: `Bearer ${agency.adminToken}` });
  const api = () => rt.request();

  async function syncAndWait() {
    const started = await api().post(`/v1/mailwizz/syncs/${segmentId}`).set(auth());
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const state = await api().get(`/v1/mailwizz/syncs/${segmentId}`).set(auth());
      if (state.body.status === 'done' || state.body.status === 'failed') return state.body;
      if (Date.now() > deadline) throw new Error(`sync still ${state.body.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const person = async (key: string, first: string, email: string, consent: boolean) => {
    const res = await api().post('/v1/contacts').set(auth()).send({ firstName: first, lastName: 'Muster', emails: [{ value: email, primary: true }], tags: ['newsletter'], consent: consent ? { marketing: true, source: 'form' } : null });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    contacts[key] = res.body.id;
  };

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    tenantId = new Types.ObjectId(agency.tenantId);
    mw = await startMailwizzStandin();
    await rt.ctx.jobs.start();
    await person('anna', 'Anna', 'anna@example.test', true);
    await person('ben', 'Ben', 'ben@example.test', true);
    await person('cleo', 'Cleo', 'cleo@example.test', true);
    await person('dora', 'Dora', 'dora@example.test', false);
    const seg = await api().post('/v1/segments').set(auth()).send({ name: 'Newsletter', resource: 'contact', filters: { tag: 'newsletter' }, sharing: 'agency' });
    assert.equal(seg.status, 201, JSON.stringify(seg.body));
    segmentId = seg.body.id;
  });
  after(async () => {
    await rt.close();
    await mw.stop();
  });

  it('should answer a clear problem for a wrong key and never return or store the keys in clear', async () => {
    const wrong = await api().put('/v1/mailwizz/settings').set(auth()).send({ apiUrl: mw.url, publicKey: mw.publicKey, privateKey: 'wrong-private-key-0000', fromName: 'Agency', fromEmail: 'news@agency.test' });
    assert.equal(wrong.status, 200, JSON.stringify(wrong.body));
    assert.deepEqual(wrong.body.privateKey, { set: true, last4: '0000' });
    const test = await api().post('/v1/mailwizz/settings/test').set(auth());
    assert.equal(test.body.ok, false);
    assert.match(test.body.message, /signature/i);
    assert.match(test.body.message, /private API keys/);
    const sync = await api().post(`/v1/mailwizz/syncs/${segmentId}`).set(auth());
    assert.equal(sync.status, 202);
    const failed = await (async () => {
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
        const s = await api().get(`/v1/mailwizz/syncs/${segmentId}`).set(auth());
        if (s.body.status === 'failed') return s.body;
      }
      throw new Error('the sync with a wrong key did not fail');
    })();
    assert.match(failed.lastError, /Invalid API request signature/);
    assert.equal(mw.lists().length, 0, 'nothing was created with a wrong key');

    const right = await api().put('/v1/mailwizz/settings').set(auth()).send({ apiUrl: mw.url, privateKey: mw.privateKey, fromName: 'Agency', fromEmail: 'news@agency.test' });
    assert.equal(right.status, 200);
    assert.deepEqual(right.body.publicKey, { set: true, last4: mw.publicKey.slice(-4) }, 'the public key was kept');
    const text = JSON.stringify((await api().get('/v1/mailwizz/settings').set(auth())).body);
    assert.ok(!text.includes(mw.privateKey) && !text.includes(mw.publicKey), 'no key in the answer');
    const stored = JSON.stringify(await mailwizzSettingsModel(rt.ctx.connection).findOne({ tenantId }).lean());
    assert.ok(!stored.includes(mw.privateKey) && !stored.includes(mw.publicKey), 'no key in clear in the database');
    const ok = await api().post('/v1/mailwizz/settings/test').set(auth());
    assert.equal(ok.body.ok, true, JSON.stringify(ok.body));
  });

  it('should push the consenting members of a segment once, and a second sync should change nothing', async () => {
    const first = await syncAndWait();
    assert.equal(first.status, 'done', JSON.stringify(first));
    assert.equal(first.progress.created, 3);
    assert.equal(first.progress.skipped, 1, 'Dora gave no marketing consent');
    listUid = first.listUid;
    assert.deepEqual(mw.subscribers(listUid).map((s) => s.EMAIL).sort(), ['anna@example.test', 'ben@example.test', 'cleo@example.test']);
    assert.ok(mw.subscribers(listUid).every((s) => s.status === 'confirmed'));

    const writes = mw.requests.writes;
    const second = await syncAndWait();
    assert.equal(second.progress.unchanged, 3);
    assert.equal(second.progress.created + second.progress.updated + second.progress.removed, 0);
    assert.equal(mw.requests.writes, writes, 'no write reached Mailwizz');
    assert.equal(mw.lists().length, 1);
  });

  it('should not add a subscriber twice when a run is retried after Mailwizz already took it', async () => {
    // As if a run crashed after Mailwizz created Ben but before the sync map was written.
    await mailwizzMemberModel(rt.ctx.connection).deleteOne({ tenantId, contactId: new Types.ObjectId(contacts.ben) });
    const run = await syncAndWait();
    assert.equal(run.progress.created, 0);
    assert.equal(run.progress.updated, 1, 'found by search-by-email and updated');
    assert.equal(mw.subscribers(listUid).filter((s) => s.EMAIL === 'ben@example.test').length, 1);
  });

  it('should update a changed contact and remove one who left the segment', async () => {
    const anna = await api().get(`/v1/contacts/${contacts.anna}`).set(auth());
    const renamed = await api().patch(`/v1/contacts/${contacts.anna}`).set(auth()).set('If-Match', `"${anna.body.version}"`).send({ firstName: 'Annabel' });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    const cleo = await api().get(`/v1/contacts/${contacts.cleo}`).set(auth());
    const left = await api().patch(`/v1/contacts/${contacts.cleo}`).set(auth()).set('If-Match', `"${cleo.body.version}"`).send({ tags: [] });
    assert.equal(left.status, 200, JSON.stringify(left.body));
    const run = await syncAndWait();
    assert.equal(run.progress.updated, 1);
    assert.equal(run.progress.removed, 1);
    assert.equal(mw.subscribers(listUid).find((s) => s.EMAIL === 'anna@example.test')?.FNAME, 'Annabel');
    assert.equal(mw.subscribers(listUid).some((s) => s.EMAIL === 'cleo@example.test'), false);
  });

  it('should create a scheduled campaign recorded as a CRM campaign, and land its statistics', async () => {
    const bad = await api().post('/v1/mailwizz/campaigns').set(auth()).send({ segmentId: new Types.ObjectId().toHexString(), name: 'x', subject: 'x', html: '<p>x</p>' });
    assert.equal(bad.status, 404);
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await api().post('/v1/mailwizz/campaigns').set(auth()).send({ segmentId, name: 'December news', subject: 'What is new in December', html: '<h1>Hello {{FNAME}}</h1>', sendAt });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.channel, 'mailwizz');
    const remote = mw.campaign(created.body.campaignUid)!;
    assert.equal(remote.list_uid, listUid);
    assert.equal(remote.content, '<h1>Hello {{FNAME}}</h1>');
    assert.equal(remote.send_at, sendAt.replace('T', ' ').slice(0, 19));
    const crm = await api().get(`/v1/campaigns/${created.body.campaignId}`).set(auth());
    assert.equal(crm.status, 200);
    assert.equal(crm.body.title, 'December news');

    mw.send(remote.campaign_uid);
    mw.open(remote.campaign_uid, 'anna@example.test');
    mw.open(remote.campaign_uid, 'anna@example.test');
    mw.click(remote.campaign_uid, 'anna@example.test');
    mw.bounce(remote.campaign_uid, 'ben@example.test', 'hard');
    mw.complain(remote.campaign_uid, 'anna@example.test');
    const refreshed = await api().post(`/v1/mailwizz/campaigns/${created.body.campaignId}/stats`).set(auth());
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.deepEqual(refreshed.body.stats, { recipients: 2, processed: 2, delivered: 1, opens: 2, uniqueOpens: 1, clicks: 1, uniqueClicks: 1, bouncesHard: 1, bouncesSoft: 0, unsubscribes: 0, complaints: 1 });
    assert.equal(refreshed.body.mailwizzStatus, 'sent');
    const listed = await api().get('/v1/mailwizz/campaigns').set(auth());
    assert.equal(listed.body.data[0].stats.uniqueOpens, 1);

    // The dashboards' campaign figures (issue 19): the pulled counters are absolute, so a pull again adds nothing and a moved counter adds its change.
    const figure = async (metric: string) => {
      await waitUntilApplied(rt.ctx.connection, tenantId);
      const rows = await rollupModel(rt.ctx.connection).find({ tenantId }).lean();
      return rows.filter((r) => r.metric === metric && r.period === 'year' && r.dimension === 'channel' && r.key === 'mailwizz').reduce((sum, r) => sum + r.value, 0);
    };
    assert.deepEqual({ sent: await figure('campaigns.sent'), opened: await figure('campaigns.opened'), bounced: await figure('campaigns.bounced') }, { sent: 2, opened: 1, bounced: 1 });
    assert.equal((await api().post(`/v1/mailwizz/campaigns/${created.body.campaignId}/stats`).set(auth())).status, 200);
    assert.deepEqual({ sent: await figure('campaigns.sent'), opened: await figure('campaigns.opened'), bounced: await figure('campaigns.bounced') }, { sent: 2, opened: 1, bounced: 1 }, 'pulled again: the same totals');
    mw.open(remote.campaign_uid, 'ben@example.test');
    const again = await api().post(`/v1/mailwizz/campaigns/${created.body.campaignId}/stats`).set(auth());
    assert.equal(again.body.stats.uniqueOpens, 2);
    assert.equal(await figure('campaigns.opened'), 2, 'the change of the counter, once');
  });

  it('should mirror a CRM unsubscribe to Mailwizz', async () => {
    const res = await api().put(`/v1/contacts/${contacts.ben}/subscriptions`).set(auth()).send({ category: 'marketing', channel: 'email', subscribed: false });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const deadline = Date.now() + 30_000;
    while (mw.subscribers(listUid).find((s) => s.EMAIL === 'ben@example.test')?.status !== 'unsubscribed') {
      if (Date.now() > deadline) throw new Error('Ben was not unsubscribed in Mailwizz');
      await new Promise((r) => setTimeout(r, 200));
    }
    const run = await syncAndWait();
    assert.equal(run.progress.created + run.progress.updated, 0, 'an unsubscribed contact is not pushed again');
  });

  it('should mark a contact who unsubscribed in Mailwizz as unsubscribed in the CRM, with the consent withdrawn', async () => {
    const [campaign] = (await api().get('/v1/mailwizz/campaigns').set(auth())).body.data;
    mw.unsubscribe(listUid, 'anna@example.test', campaign.campaignUid);
    const pulled = await api().post('/v1/mailwizz/unsubscribes/pull').set(auth());
    assert.equal(pulled.status, 200, JSON.stringify(pulled.body));
    assert.equal(pulled.body.marked, 1);
    const anna = await contactModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(contacts.anna) }).lean();
    assert.equal(anna!.consent!.marketing, false);
    assert.equal(anna!.consent!.source, 'mailwizz:unsubscribe');
    const opt = await subscriptionModel(rt.ctx.connection).findOne({ tenantId, subjectType: 'contact', subjectId: anna!._id, category: 'marketing', channel: 'email' }).lean();
    assert.equal(opt?.subscribed, false);
    assert.equal((await api().post('/v1/mailwizz/unsubscribes/pull').set(auth())).body.marked, 0, 'a second pull marks nothing');
    const stats = await api().post(`/v1/mailwizz/campaigns/${campaign.campaignId}/stats`).set(auth());
    assert.equal(stats.body.stats.unsubscribes, 1);
  });
});
