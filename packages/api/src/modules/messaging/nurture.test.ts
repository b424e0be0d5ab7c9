import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { startSmtpSink, type SmtpSink } from '../../platform/mail/smtp-sink.js';
import { buildMessaging } from './messaging.module.js';
import { deliveryModel } from './messaging.model.js';

const DAY = 24 * 3600_000;

describe('lead nurturing sequences (004)', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let sink: SmtpSink;
  let agency: TestAgency;
  let messaging: ReturnType<typeof buildMessaging>;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const tenantId = () => new Types.ObjectId(agency.tenantId);
  const contact = async (firstName: string, email: string) => {
    const res = await rt.request().post('/v1/contacts').set(auth(agency.adminToken)).send({ firstName, lastName: 'Lead', emails: [{ value: email, primary: true }] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const template = async (name: string, category: string, subject: string) => {
    const res = await rt.request().post('/v1/templates').set(auth(agency.adminToken)).send({ name, category, subject, html: `<p>{{recipient.firstName}}: ${subject}</p>`, text: subject });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const received = (to: string) => sink.messages.filter((m) => m.to.includes(to)).map((m) => m.subject);

  before(async () => {
    sink = await startSmtpSink();
    rt = await createTestRuntime({ file: import.meta.filename, env: { ENCRYPTION_KEY: randomBytes(32).toString('base64'), SMTP_URL: sink.url, PUBLIC_URL: 'http://api.test' } });
    agency = await makeAgency(rt);
    // The job handlers are the module's; the test drives them with its own clock instead of Agenda's.
    messaging = buildMessaging(rt.ctx, () => (_req, _res, next) => next());
  });
  after(async () => {
    await rt.close();
    await sink.stop();
  });

  it('should refuse steps whose template is not a nurturing one', async () => {
    const greeting = await template('Not nurturing', 'greeting', 'Hi');
    const res = await rt.request().post('/v1/nurture-sequences').set(auth(agency.adminToken)).send({ name: 'Bad', steps: [{ templateId: greeting, delayDays: 0 }] });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, 'steps.0.templateId');
  });

  it('should send each step once, on its day, to subscribed contacts, however often and on however many workers the job runs', async () => {
    const welcome = await template('Welcome', 'nurturing', 'Welcome aboard');
    const offer = await template('Offer', 'nurturing', 'An offer for you');
    const created = await rt.request().post('/v1/nurture-sequences').set(auth(agency.adminToken)).send({ name: 'New leads', steps: [{ templateId: welcome, delayDays: 0 }, { templateId: offer, delayDays: 3 }] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const sequenceId = created.body.id as string;
    const ana = await contact('Ana', 'ana@lead.test');
    const bo = await contact('Bo', 'bo@lead.test');
    const unsubscribe = await rt.request().put(`/v1/contacts/${bo}/subscriptions`).set(auth(agency.adminToken)).send({ category: 'nurturing', channel: 'email', subscribed: false });
    assert.equal(unsubscribe.status, 200);

    const enrolled = await rt.request().post(`/v1/nurture-sequences/${sequenceId}/enrollments`).set(auth(agency.adminToken)).send({ contactIds: [ana, bo, ana] });
    assert.deepEqual(enrolled.body, { enrolled: 2, alreadyEnrolled: 0 });
    const again = await rt.request().post(`/v1/nurture-sequences/${sequenceId}/enrollments`).set(auth(agency.adminToken)).send({ contactIds: [ana] });
    assert.deepEqual(again.body, { enrolled: 0, alreadyEnrolled: 1 });

    const now = new Date(Date.now() + 1_000);
    await Promise.all([messaging.nurture.runDue(now), messaging.nurture.runDue(now)]);
    await messaging.nurture.runDue(now);
    assert.deepEqual(received('ana@lead.test'), ['Welcome aboard'], 'the first step once, however many runs');
    assert.deepEqual(received('bo@lead.test'), [], 'an unsubscribed contact gets nothing');
    const skipped = await deliveryModel(rt.ctx.connection).countDocuments({ tenantId: tenantId(), recipientId: new Types.ObjectId(bo), state: 'skipped' });
    assert.equal(skipped, 1, 'the ledger says why');

    await messaging.nurture.runDue(new Date(now.getTime() + 2 * DAY));
    assert.deepEqual(received('ana@lead.test'), ['Welcome aboard'], 'the second step waits for its day');
    const later = new Date(now.getTime() + 3 * DAY + 60_000);
    await Promise.all([messaging.nurture.runDue(later), messaging.nurture.runDue(later)]);
    assert.deepEqual(received('ana@lead.test'), ['Welcome aboard', 'An offer for you']);

    const list = await rt.request().get(`/v1/nurture-sequences/${sequenceId}/enrollments`).set(auth(agency.adminToken));
    assert.deepEqual(list.body.data.map((e: { contactId: string; state: string; nextStep: number }) => [e.contactId, e.state, e.nextStep]).sort(), [[ana, 'completed', 2], [bo, 'completed', 2]].sort());
    await messaging.nurture.runDue(new Date(now.getTime() + 30 * DAY));
    assert.equal(received('ana@lead.test').length, 2, 'a completed enrolment sends nothing more');
  });

  it('should stop a contact on request and answer 404 for another agency', async () => {
    const step = await template('Only step', 'nurturing', 'Just one');
    const created = await rt.request().post('/v1/nurture-sequences').set(auth(agency.adminToken)).send({ name: 'Later', steps: [{ templateId: step, delayDays: 1 }] });
    const cy = await contact('Cy', 'cy@lead.test');
    await rt.request().post(`/v1/nurture-sequences/${created.body.id}/enrollments`).set(auth(agency.adminToken)).send({ contactIds: [cy] }).expect(200);
    const stopped = await rt.request().delete(`/v1/nurture-sequences/${created.body.id}/enrollments/${cy}`).set(auth(agency.adminToken));
    assert.equal(stopped.status, 204);
    await messaging.nurture.runDue(new Date(Date.now() + 2 * DAY));
    assert.deepEqual(received('cy@lead.test'), []);
    const other = await makeAgency(rt);
    const foreign = await rt.request().get(`/v1/nurture-sequences/${created.body.id}`).set(auth(other.adminToken));
    assert.equal(foreign.status, 404);
    const foreignEnrol = await rt.request().post(`/v1/nurture-sequences/${created.body.id}/enrollments`).set(auth(other.adminToken)).send({ contactIds: [cy] });
    assert.equal(foreignEnrol.status, 404);
  });

  it('should page sequences and enrolments with a cursor instead of cutting them short', async () => {
    const step = await template('Paged step', 'nurturing', 'Paged');
    const ids: string[] = [];
    for (const name of ['P1', 'P2', 'P3']) {
      const created = await rt.request().post('/v1/nurture-sequences').set(auth(agency.adminToken)).send({ name, steps: [{ templateId: step, delayDays: 5 }] });
      ids.push(created.body.id as string);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await rt.request().get('/v1/nurture-sequences').query({ limit: 2, ...(cursor ? { cursor } : {}) }).set(auth(agency.adminToken));
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.ok(page.body.data.length <= 2);
      seen.push(...page.body.data.map((s: { id: string }) => s.id));
      cursor = page.body.hasMore ? page.body.nextCursor : undefined;
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length, 'no sequence twice');
    assert.deepEqual(seen.slice(0, 3), [...ids].reverse(), 'newest first');
    const people = [await contact('Pa', 'pa@lead.test'), await contact('Pb', 'pb@lead.test'), await contact('Pc', 'pc@lead.test')];
    await rt.request().post(`/v1/nurture-sequences/${ids[0]}/enrollments`).set(auth(agency.adminToken)).send({ contactIds: people }).expect(200);
    const first = await rt.request().get(`/v1/nurture-sequences/${ids[0]}/enrollments`).query({ limit: 2 }).set(auth(agency.adminToken));
    assert.equal(first.body.data.length, 2);
    assert.equal(first.body.hasMore, true);
    const rest = await rt.request().get(`/v1/nurture-sequences/${ids[0]}/enrollments`).query({ limit: 2, cursor: first.body.nextCursor }).set(auth(agency.adminToken));
    assert.equal(rest.body.hasMore, false);
    assert.deepEqual([...first.body.data, ...rest.body.data].map((e: { contactId: string }) => e.contactId).sort(), [...people].sort());
  });
});
