import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { activityModel } from './activity.model.js';

describe('activities and timelines', () => {
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

  it('should log a call on a contact and list it by subject', async () => {
    const contact = (await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Luis', lastName: 'Faria' }).expect(201)).body;
    const res = await rt.request().post('/v1/activities').set(auth(admin)).send({ type: 'call', title: 'Discussed the sponsorship tiers', direction: 'outbound', durationMinutes: 12, outcome: 'interested', subject: { type: 'contact', id: contact.id }, occurredAt: '2026-02-01T10:00:00Z' });
    assert.equal(res.status, 201);
    assert.equal(res.body.occurredAt, '2026-02-01T10:00:00.000Z');
    const stored = await activityModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(res.body.id) }).lean();
    assert.equal(String(stored!.subjectId), contact.id);
    const list = await rt.request().get('/v1/activities').query({ subjectId: contact.id }).set(auth(admin));
    assert.deepEqual(list.body.data.map((a: { id: string }) => a.id), [res.body.id]);
    const bad = await rt.request().post('/v1/activities').set(auth(admin)).send({ type: 'note', title: 'x', subject: { type: 'contact', id: String(new Types.ObjectId()) } });
    assert.equal(bad.status, 400);
  });

  it('should merge activities, tasks and status changes newest first on the contact timeline, with paging', async () => {
    const contact = (await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Marta', lastName: 'Reis' }).expect(201)).body;
    await rt.request().post(`/v1/contacts/${contact.id}/transitions`).set(auth(admin)).send({ to: 'hot' }).expect(200);
    await rt.request().post('/v1/activities').set(auth(admin)).send({ type: 'email', title: 'Sent the prospectus', subject: { type: 'contact', id: contact.id } }).expect(201);
    await rt.request().post('/v1/activities').set(auth(admin)).send({ type: 'note', title: 'Old note', subject: { type: 'contact', id: contact.id }, occurredAt: '2020-01-01T00:00:00Z' }).expect(201);
    const timeline = await rt.request().get(`/v1/contacts/${contact.id}/timeline`).set(auth(admin));
    assert.equal(timeline.status, 200);
    const kinds = timeline.body.data.map((i: { kind: string; title: string }) => `${i.kind}:${i.title}`);
    assert.ok(kinds.includes('task:Convert Marta Reis to a customer'), 'the automatic task shows');
    assert.ok(kinds.includes('statusChange:Status new → hot'));
    assert.ok(kinds.includes('statusChange:Created as new'));
    assert.equal(kinds[kinds.length - 1], 'activity:Old note');
    const times = timeline.body.data.map((i: { at: string }) => Date.parse(i.at));
    assert.deepEqual(times, [...times].sort((a: number, b: number) => b - a));
    const page = await rt.request().get(`/v1/contacts/${contact.id}/timeline`).query({ limit: 2 }).set(auth(admin));
    assert.equal(page.body.data.length, 2);
    assert.equal(page.body.hasMore, true);
    const rest = await rt.request().get(`/v1/contacts/${contact.id}/timeline`).query({ limit: 50, before: page.body.nextBefore }).set(auth(admin));
    assert.equal(rest.body.data[rest.body.data.length - 1].title, 'Old note');
  });

  it('should answer 404 for the timeline of a contact the caller may not see', async () => {
    const contact = (await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Private', lastName: 'Person' }).expect(201)).body;
    const seller = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const token = await signIn(rt, seller.email);
    assert.equal((await rt.request().get(`/v1/contacts/${contact.id}/timeline`).set(auth(token))).status, 404);
    const other = await makeAgency(rt);
    assert.equal((await rt.request().get(`/v1/contacts/${contact.id}/timeline`).set(auth(other.adminToken))).status, 404);
  });

  it('should show an opportunity’s stage changes on its timeline', async () => {
    const deal = (await rt.request().post('/v1/opportunities').set(auth(admin)).send({ name: 'Timeline deal' }).expect(201)).body;
    await rt.request().post(`/v1/opportunities/${deal.id}/move`).set(auth(admin)).send({ stage: 'proposal', version: deal.version }).expect(200);
    await rt.request().post('/v1/activities').set(auth(admin)).send({ type: 'meeting', title: 'Pitch meeting', subject: { type: 'opportunity', id: deal.id } }).expect(201);
    const timeline = await rt.request().get(`/v1/opportunities/${deal.id}/timeline`).set(auth(admin));
    const titles = timeline.body.data.map((i: { title: string }) => i.title);
    assert.ok(titles.includes('Stage prospecting → proposal'));
    assert.ok(titles.includes('Opened in prospecting'));
    assert.ok(titles.includes('Pitch meeting'));
  });
});
