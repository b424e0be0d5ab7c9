import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { taskModel } from './task.model.js';

describe('tasks, meetings, follow-ups and automatic tasks', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const contact = async (token: string, firstName = 'Rita') => (await rt.request().post('/v1/contacts').set(auth(token)).send({ firstName, lastName: 'Lobo' }).expect(201)).body;

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    tenantId = new Types.ObjectId(agency.tenantId);
  });
  after(() => rt.close());

  it('should create a follow-up delegated to someone below in the hierarchy, visible to its assignee and owner only', async () => {
    const seller = await makeUser(rt, agency, { role: 'SALES_HEAD' });
    const other = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const sellerToken = await signIn(rt, seller.email);
    const otherToken = await signIn(rt, other.email);
    const c = await contact(sellerToken);
    const res = await rt.request().post('/v1/tasks').set(auth(sellerToken)).send({ kind: 'followUp', title: 'Send the brochure', description: 'Both editions', dueAt: '2026-04-01T09:00:00Z', assigneeId: String(other.id), subject: { type: 'contact', id: c.id } });
    assert.equal(res.status, 201);
    assert.equal(res.body.status, 'new');
    assert.equal(res.body.assigneeId, String(other.id));
    assert.deepEqual(res.body.subject, { type: 'contact', id: c.id });
    const stored = await taskModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(res.body.id) }).lean();
    assert.equal(String(stored!.subjectId), c.id);
    assert.equal(stored!.subjectType, 'contact');

    assert.equal((await rt.request().get(`/v1/tasks/${res.body.id}`).set(auth(otherToken))).status, 200, 'the assignee sees it');
    const done = await rt.request().post(`/v1/tasks/${res.body.id}/transitions`).set(auth(otherToken)).send({ to: 'done' });
    assert.equal(done.status, 200, 'the assignee may complete it');
    const third = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const thirdToken = await signIn(rt, third.email);
    assert.equal((await rt.request().get(`/v1/tasks/${res.body.id}`).set(auth(thirdToken))).status, 404);
    const list = await rt.request().get('/v1/tasks').query({ assigneeId: String(other.id) }).set(auth(otherToken));
    assert.deepEqual(list.body.data.map((t: { id: string }) => t.id), [res.body.id]);
  });

  it('should refuse a subject the caller cannot see and a calling task transition the workflow does not allow', async () => {
    const seller = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const token = await signIn(rt, seller.email);
    const hidden = await contact(admin, 'Hidden');
    const refused = await rt.request().post('/v1/tasks').set(auth(token)).send({ kind: 'call', title: 'Call', subject: { type: 'contact', id: hidden.id } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].field, 'subject.id');
    const call = (await rt.request().post('/v1/tasks').set(auth(admin)).send({ kind: 'call', title: 'Call Rita', subject: { type: 'contact', id: hidden.id } })).body;
    await rt.request().post(`/v1/tasks/${call.id}/transitions`).set(auth(admin)).send({ to: 'done' }).expect(200);
    const again = await rt.request().post(`/v1/tasks/${call.id}/transitions`).set(auth(admin)).send({ to: 'scheduled' });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'invalid_transition');
  });

  it('should re-schedule a call with its new due time in one write, and refuse a time without the move', async () => {
    const c = await contact(admin, 'Resched');
    const call = (await rt.request().post('/v1/tasks').set(auth(admin)).send({ kind: 'call', title: 'Call Resched', subject: { type: 'contact', id: c.id }, dueAt: '2030-01-01T09:00:00Z' })).body;
    const scheduled = await rt.request().post(`/v1/tasks/${call.id}/transitions`).set(auth(admin)).send({ to: 'scheduled', version: call.version });
    assert.equal(scheduled.status, 200, JSON.stringify(scheduled.body));
    const when = '2030-02-03T14:30:00.000Z';
    const moved = await rt.request().post(`/v1/tasks/${call.id}/transitions`).set(auth(admin)).send({ to: 'rescheduled', version: scheduled.body.version, dueAt: when, note: 'asked to call next month' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.status, 'rescheduled');
    assert.equal(moved.body.dueAt, when);
    assert.equal(moved.body.version, scheduled.body.version + 1, 'one version for the move and its time');
    const history = await rt.request().get(`/v1/tasks/${call.id}/transitions`).set(auth(admin));
    assert.equal(history.body.data.at(-1).note, 'asked to call next month');
    const wrongMove = await rt.request().post(`/v1/tasks/${call.id}/transitions`).set(auth(admin)).send({ to: 'done', dueAt: when });
    assert.equal(wrongMove.status, 400);
    assert.equal(wrongMove.body.errors[0].field, 'dueAt');
    const past = await rt.request().post(`/v1/tasks/${call.id}/transitions`).set(auth(admin)).send({ to: 'rescheduled', dueAt: '2020-01-01T00:00:00Z' });
    assert.equal(past.status, 400);
    const after = await rt.request().get(`/v1/tasks/${call.id}`).set(auth(admin));
    assert.deepEqual([after.body.status, after.body.dueAt, after.body.version], ['rescheduled', when, moved.body.version], 'refused moves changed nothing');
  });

  it('should schedule a meeting from proposed slots, by staff and through the invitation link', async () => {
    const c = await contact(admin, 'Meeting');
    const slots = [
      { start: '2099-03-02T10:00:00.000Z', end: '2099-03-02T10:30:00.000Z' },
      { start: '2099-03-03T15:00:00.000Z', end: '2099-03-03T15:30:00.000Z' },
    ];
    const meeting = (await rt.request().post('/v1/tasks').set(auth(admin)).send({ kind: 'meeting', title: 'Intro meeting', subject: { type: 'contact', id: c.id }, proposedSlots: slots }).expect(201)).body;
    assert.equal((await rt.request().post('/v1/tasks').set(auth(admin)).send({ kind: 'call', title: 'x', proposedSlots: slots })).status, 400);
    const bad = await rt.request().post(`/v1/tasks/${meeting.id}/choose-slot`).set(auth(admin)).send({ start: '2099-01-01T00:00:00Z' });
    assert.equal(bad.status, 400);
    const chosen = await rt.request().post(`/v1/tasks/${meeting.id}/choose-slot`).set(auth(admin)).send({ start: slots[0]!.start, version: meeting.version });
    assert.equal(chosen.status, 200);
    assert.equal(chosen.body.status, 'scheduled');
    assert.deepEqual(chosen.body.chosenSlot, slots[0]);
    assert.equal(chosen.body.dueAt, slots[0]!.start);

    const invite = await rt.request().post(`/v1/tasks/${meeting.id}/invitation`).set(auth(admin));
    assert.equal(invite.status, 201);
    const seen = await rt.request().get(invite.body.path);
    assert.equal(seen.status, 200);
    assert.deepEqual(seen.body.proposedSlots, slots);
    assert.equal(seen.body.ownerId, undefined, 'an invitee sees nothing of the CRM');
    const picked = await rt.request().post(invite.body.path).send({ start: slots[1]!.start });
    assert.equal(picked.status, 200);
    assert.deepEqual(picked.body.chosenSlot, slots[1]);
    const stored = await taskModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(meeting.id) }).lean();
    assert.equal(stored!.status, 'rescheduled');
    assert.notEqual(stored!.invitationTokenHash, invite.body.token, 'only a hash of the token is stored');
    assert.equal((await rt.request().get('/v1/meeting-invitations/not-a-real-token-but-long-enough')).status, 404);
  });

  it('should create one convert task per new contact for the least-loaded support user', async () => {
    const own = await makeAgency(rt);
    const ownTenant = new Types.ObjectId(own.tenantId);
    const first = await rt.request().post('/v1/contacts').set(auth(own.adminToken)).send({ firstName: 'Nobody', lastName: 'Assigned' }).expect(201);
    const unassigned = await taskModel(rt.ctx.connection).findOne({ tenantId: ownTenant, subjectId: new Types.ObjectId(first.body.id) }).lean();
    assert.equal(unassigned!.title, 'Convert Nobody Assigned to a customer');
    assert.equal(unassigned!.assigneeId, null, 'no support user: unassigned');

    const a = await makeUser(rt, own, { role: 'SUPPORT' });
    const b = await makeUser(rt, own, { role: 'SUPPORT' });
    const created = [];
    for (const name of ['Ana', 'Bea', 'Cid', 'Dan']) created.push((await rt.request().post('/v1/contacts').set(auth(own.adminToken)).send({ firstName: name, lastName: 'Silva' }).expect(201)).body);
    const tasks = await taskModel(rt.ctx.connection).find({ tenantId: ownTenant, autoKey: new RegExp('^contact:') as never }).lean();
    assert.equal(tasks.length, 5);
    const perUser = (id: Types.ObjectId) => tasks.filter((t) => t.assigneeId && t.assigneeId.equals(id)).length;
    assert.equal(perUser(a.id), 2);
    assert.equal(perUser(b.id), 2);

    const event = { type: 'contact.created', tenantId: ownTenant, resource: 'contact', resourceId: created[0].id, actor: null, record: { fullName: 'Ana Silva' } };
    await Promise.all([rt.ctx.events.publish(event), rt.ctx.events.publish(event)]);
    assert.equal(await taskModel(rt.ctx.connection).countDocuments({ tenantId: ownTenant, subjectId: new Types.ObjectId(created[0].id) }), 1, 'a replayed event makes no second task');
    const supportToken = await signIn(rt, a.email);
    const mine = await rt.request().get('/v1/tasks').query({ assigneeId: String(a.id) }).set(auth(supportToken));
    assert.equal(mine.body.data.length, 2);
    assert.ok(mine.body.data.every((t: { automatic: boolean; kind: string }) => t.automatic && t.kind === 'call'));
  });

  it('should create an activation task for a new customer', async () => {
    const res = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Blue Harbour Lda' });
    assert.equal(res.status, 201);
    const task = await taskModel(rt.ctx.connection).findOne({ tenantId, autoKey: `customer:${res.body.id}:activate` }).lean();
    assert.equal(task!.title, 'Activate Blue Harbour Lda');
    assert.equal(task!.subjectType, 'customer');
  });

  it('should reject a duplicate autoKey at the database', async () => {
    const Task = taskModel(rt.ctx.connection);
    const doc = { tenantId, kind: 'todo', title: 'x', status: 'new', autoKey: `test:${new Types.ObjectId()}` };
    await Task.create(doc as never);
    await assert.rejects(Task.create(doc as never), (e: { code?: number }) => e.code === 11000);
  });
});
