import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, type TestAgency } from '../../testing/index.js';
import { startSmtpSink, type SmtpSink } from '../../platform/mail/smtp-sink.js';
import { op } from '../../platform/db/operators.js';
import { notificationModel } from '../notifications/notification.model.js';
import { feedbackModel } from './feedback.model.js';
import { buildMessaging } from './messaging.module.js';
import { sendModel } from './messaging.model.js';

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('monthly satisfaction survey and feedback (003)', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let sink: SmtpSink;
  let agency: TestAgency;
  let manager: { id: Types.ObjectId; email: string };
  let happy: string;
  let optedOut: string;
  let surveyTemplate: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const tenantId = () => new Types.ObjectId(agency.tenantId);
  const feedbackPath = (text: string) => /\/v1\/feedback\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/.exec(text)?.[0];

  before(async () => {
    sink = await startSmtpSink();
    rt = await createTestRuntime({ file: import.meta.filename, env: { ENCRYPTION_KEY: randomBytes(32).toString('base64'), SMTP_URL: sink.url, JOBS_PROCESS_EVERY_MS: '100', JOBS_LOCK_LIFETIME_MS: '2000', PUBLIC_URL: 'http://api.test' } });
    agency = await makeAgency(rt, 'Harbour <Events>');
    manager = await makeUser(rt, agency, { role: 'SALES_PERSON', email: 'am@example.test' });
    const customer = async (name: string, email: string, extra: Record<string, unknown> = {}) => {
      const res = await rt.request().post('/v1/customers').set(auth(agency.adminToken)).send({ name, emails: [{ value: email, primary: true }], team: { accountManagerId: String(manager.id) }, ...extra });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    happy = await customer('Blue Harbour', 'ops@blue.test');
    optedOut = await customer('Quiet Bay', 'ops@quiet.test', { preferences: { satisfactionEmails: false } });
    const tpl = await rt.request().post('/v1/templates').set(auth(agency.adminToken)).send({
      name: 'Monthly survey',
      category: 'satisfaction',
      subject: 'How did {{agency.name}} do this month?',
      html: '<p>Dear {{recipient.fullName}},</p><p>{{link feedback.positiveUrl "Good"}} · {{link feedback.negativeUrl "Not good"}}</p>',
      text: 'Rate us: {{feedback.url}}',
    });
    assert.equal(tpl.status, 201, JSON.stringify(tpl.body));
    surveyTemplate = tpl.body.id;
    await rt.ctx.jobs.start();
  });
  after(async () => {
    await rt.close();
    await sink.stop();
  });

  it('should refuse a template of another category and enabling without a template', async () => {
    const greeting = await rt.request().post('/v1/templates').set(auth(agency.adminToken)).send({ name: 'Not a survey', category: 'greeting', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' });
    const wrong = await rt.request().put('/v1/satisfaction-settings').set(auth(agency.adminToken)).send({ enabled: true, templateId: greeting.body.id });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.errors[0].field, 'templateId');
    const none = await rt.request().put('/v1/satisfaction-settings').set(auth(agency.adminToken)).send({ enabled: true });
    assert.equal(none.status, 400);
    const off = await rt.request().get('/v1/satisfaction-settings').set(auth(agency.adminToken));
    assert.deepEqual(off.body, { enabled: false, templateId: null, dayOfMonth: 1, hour: 10, afterWonDays: null, afterTicketResolved: false, updatedAt: null });
  });

  it('should email each customer that did not opt out once a month, with rating links, however often the job runs', async () => {
    const res = await rt.request().put('/v1/satisfaction-settings').set(auth(agency.adminToken)).send({ enabled: true, templateId: surveyTemplate, dayOfMonth: 1, hour: 0 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.enabled, true);

    const { satisfaction } = buildMessaging(rt.ctx, () => (_req, _res, next) => next());
    const now = new Date();
    const [first, second] = await Promise.all([satisfaction.runDue(now), satisfaction.runDue(now)]);
    assert.equal(first.started + second.started, 1, 'one survey for the month, though two workers ran the job');
    await until(() => sink.messages.some((m) => m.to.includes('ops@blue.test')), 20_000, 'the survey email');
    const surveys = await sendModel(rt.ctx.connection).find({ tenantId: tenantId(), kind: 'satisfaction' }).lean();
    assert.equal(surveys.length, 1);
    await until(async () => (await sendModel(rt.ctx.connection).findOne({ tenantId: tenantId(), _id: surveys[0]!._id }).lean())?.state === 'completed', 20_000, 'the survey send to complete');
    assert.equal((await satisfaction.runDue(new Date())).started, 0, 'a later run this month starts nothing');

    const received = sink.messages.filter((m) => m.subject.startsWith('How did'));
    assert.deepEqual(received.map((m) => m.to.join(',')), ['ops@blue.test'], 'the opted-out account got nothing');
    const email = received[0]!;
    assert.equal(email.subject, 'How did Harbour <Events> do this month?');
    assert.match(email.html, /href="http:\/\/api\.test\/v1\/feedback\/[^"]+\?rating&#x3D;positive"|href="http:\/\/api\.test\/v1\/feedback\/[^"]+\?rating=positive"/);
    const headers = email.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
    assert.match(headers, /^List-Unsubscribe: <http:\/\/api\.test\/v1\/unsubscribe\//im, 'a survey is a marketing category: one-click unsubscribe');
    assert.ok(feedbackPath(email.text), email.text);
  });

  it('should record an answer from the rating page, alert the account manager on a negative one, and let the customer change it', async () => {
    const email = sink.messages.find((m) => m.to.includes('ops@blue.test') && m.subject.startsWith('How did'))!;
    const path = feedbackPath(email.text)!;
    const page = await rt.request().get(`${path}?rating=negative`);
    assert.equal(page.status, 200);
    assert.match(page.text, /value="negative" checked/);
    assert.match(page.text, /How did Harbour &lt;Events&gt; do this month\?/);
    assert.equal(await feedbackModel(rt.ctx.connection).countDocuments({ tenantId: tenantId() }), 0, 'opening the page records nothing');

    const answer = await rt.request().post(path).send({ rating: 'negative', comment: 'The <b>delivery</b> was late' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const list = await rt.request().get(`/v1/customers/${happy}/feedback`).set(auth(agency.adminToken));
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 1);
    assert.equal(list.body.data[0].rating, 'negative');
    assert.equal(list.body.data[0].source, 'survey');
    assert.equal(list.body.data[0].comment, 'The <b>delivery</b> was late');
    const alerts = await notificationModel(rt.ctx.connection).find({ tenantId: tenantId(), userId: manager.id, category: 'feedback.negative' }).lean();
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.title, 'Negative feedback from Blue Harbour');

    const changed = await rt.request().post(path).type('form').set('Accept', 'text/html').send({ rating: 'positive', comment: '' });
    assert.equal(changed.status, 200);
    assert.match(changed.text, /Thank you/);
    const after = await feedbackModel(rt.ctx.connection).find({ tenantId: tenantId(), customerId: new Types.ObjectId(happy) }).lean();
    assert.equal(after.length, 1, 'one answer per survey and customer');
    assert.equal(after[0]!.rating, 'positive');

    const forged = await rt.request().post(`${path.slice(0, -3)}abc`).send({ rating: 'positive' });
    assert.equal(forged.status, 404);
  });

  it('should let staff record feedback on a job or PO only with a reference, and hide accounts they cannot see', async () => {
    const missing = await rt.request().post(`/v1/customers/${optedOut}/feedback`).set(auth(agency.adminToken)).send({ rating: 'neutral', level: 'job' });
    assert.equal(missing.status, 400);
    const created = await rt.request().post(`/v1/customers/${optedOut}/feedback`).set(auth(agency.adminToken)).send({ rating: 'neutral', level: 'po', reference: 'PO-2026-114', comment: 'ok' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.source, 'manual');
    assert.equal(created.body.reference, 'PO-2026-114');
    const other = await makeAgency(rt);
    const foreign = await rt.request().get(`/v1/customers/${optedOut}/feedback`).set(auth(other.adminToken));
    assert.equal(foreign.status, 404);
  });

  it('should survey the customer once after one of its opportunities is won, when the agency asks for it', async () => {
    const res = await rt.request().put('/v1/satisfaction-settings').set(auth(agency.adminToken)).send({ enabled: true, templateId: surveyTemplate, dayOfMonth: 1, hour: 0, afterWonDays: 0 });
    assert.equal(res.body.afterWonDays, 0);
    const surveysTo = (to: string) => sink.messages.filter((m) => m.to.includes(to) && m.subject.startsWith('How did')).length;
    const before = surveysTo('ops@blue.test');
    const deal = (await rt.request().post('/v1/opportunities').set(auth(agency.adminToken)).send({ name: 'Blue Harbour - spring fair', amount: 1200, customerId: happy })).body;
    const quiet = (await rt.request().post('/v1/opportunities').set(auth(agency.adminToken)).send({ name: 'Quiet Bay - booth', amount: 300, customerId: optedOut })).body;
    for (const d of [deal, quiet]) {
      const won = await rt.request().post(`/v1/opportunities/${d.id}/move`).set(auth(agency.adminToken)).send({ stage: 'won', version: d.version });
      assert.equal(won.status, 200, JSON.stringify(won.body));
    }
    await until(() => surveysTo('ops@blue.test') === before + 1, 20_000, 'the survey after the won deal');
    const sends = await sendModel(rt.ctx.connection).find({ tenantId: tenantId(), kind: 'satisfaction', name: op({ $in: ['Satisfaction survey: Blue Harbour - spring fair', 'Satisfaction survey: Quiet Bay - booth'] }) }).lean();
    assert.deepEqual(sends.map((x) => x.name), ['Satisfaction survey: Blue Harbour - spring fair'], 'an account that opted out is not surveyed');
    assert.equal(surveysTo('ops@quiet.test'), 0);
  });
});
