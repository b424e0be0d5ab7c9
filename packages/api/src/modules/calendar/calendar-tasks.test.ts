import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ICAL from 'ical.js';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { findFiltersDuring } from '../../testing/commands.js';
import { taskModel } from '../tasks/task.model.js';
import { rangeWeeks } from '../../platform/db/time-buckets.js';
import { backfillTaskWeeks } from './calendar-buckets.js';

describe('tasks in the calendar, read by week bucket', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let adminId: string;
  const auth = () => ({ Authorization: `Bearer ${agency.adminToken}` });
  const makeTask = async (body: Record<string, unknown>) => {
    const res = await rt.request().post('/v1/tasks').set(auth()).send({ kind: 'call', ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; version: number; assigneeId: string };
  };
  const stored = async (id: string) => (await taskModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(id) }).lean())!;
  /** The ids of tasks a calendar read of [from, to) shows, and the finds it sent to `tasks`. */
  const readWeek = async (from: string, to: string, extra: Record<string, string> = {}) => {
    let res: { status: number; body: { data: { id: string; source: string; startAt: string }[] } } = { status: 0, body: { data: [] } };
    const finds = await findFiltersDuring(rt, 'tasks', async () => {
      res = await rt.request().get('/v1/calendar').query({ from, to, ...extra }).set(auth());
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return { ids: res.body.data.filter((o) => o.source === 'task').map((o) => o.id).sort(), finds };
  };

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    adminId = (await makeTask({ title: 'who am I' })).assigneeId;
  });
  after(async () => {
    await rt.close();
  });

  it('should read a week of tasks by one equality on its week bucket, with what runs into it, chosen slots and reschedules', async () => {
    const inWeek = await makeTask({ title: 'Week: Wednesday call', dueAt: '2031-03-05T09:00:00Z' });
    const before = await makeTask({ title: 'Week: week before', dueAt: '2031-02-26T09:00:00Z' });
    const afterIt = await makeTask({ title: 'Week: week after', dueAt: '2031-03-12T09:00:00Z' });
    // Due Sunday 23:45: its 30 minutes run into Monday, so it is filed in both weeks.
    const crossing = await makeTask({ title: 'Week: Sunday night', dueAt: '2031-03-02T23:45:00Z' });
    await makeTask({ title: 'Week: no due time' });
    const slots = [{ start: '2031-03-06T14:00:00.000Z', end: '2031-03-06T15:00:00.000Z' }, { start: '2031-03-13T14:00:00.000Z', end: '2031-03-13T15:00:00.000Z' }];
    const meeting = await makeTask({ kind: 'meeting', title: 'Week: meeting', dueAt: '2031-03-12T10:00:00Z', proposedSlots: slots });
    const chosen = await rt.request().post(`/v1/tasks/${meeting.id}/choose-slot`).set(auth()).send({ start: slots[0]!.start });
    assert.equal(chosen.status, 200, JSON.stringify(chosen.body));
    const moved = await makeTask({ title: 'Week: rescheduled out', dueAt: '2031-03-04T09:00:00Z' });
    const rescheduled = await rt.request().post(`/v1/tasks/${moved.id}/transitions`).set(auth()).send({ to: 'scheduled', dueAt: '2031-03-18T09:00:00Z' });
    assert.equal(rescheduled.status, 200, JSON.stringify(rescheduled.body));

    const [week] = rangeWeeks(new Date('2031-03-03T00:00:00Z'), new Date('2031-03-10T00:00:00Z'));
    const { ids, finds } = await readWeek('2031-03-03T00:00:00Z', '2031-03-10T00:00:00Z');
    assert.deepEqual(ids, [inWeek.id, crossing.id, meeting.id].sort(), 'the week’s task, the one running into it and the meeting booked into it');
    assert.equal(finds.length, 1, 'one read of tasks for one week');
    assert.equal(finds[0]!.calendarWeeks, week, 'an equality on the week bucket');
    assert.doesNotMatch(JSON.stringify(finds[0]), /dueAt|\$gte|\$lt|\$in/, 'no range on the due time');

    assert.deepEqual((await readWeek('2031-02-24T00:00:00Z', '2031-03-03T00:00:00Z')).ids, [before.id, crossing.id].sort(), 'the Sunday-night task also in its own week');
    assert.deepEqual((await readWeek('2031-03-10T00:00:00Z', '2031-03-17T00:00:00Z')).ids, [afterIt.id], 'the meeting left the week of its old due time');
    assert.deepEqual((await readWeek('2031-03-17T00:00:00Z', '2031-03-24T00:00:00Z')).ids, [moved.id], 'the rescheduled task is in its new week');
    assert.deepEqual((await stored(meeting.id)).calendarWeeks, [week]);
    assert.equal((await stored(crossing.id)).calendarWeeks.length, 2);

    // An assignee filter is pushed down beside the week; two weeks are two reads, a task in both answered once.
    const mine = await readWeek('2031-02-24T00:00:00Z', '2031-03-10T00:00:00Z', { userId: adminId });
    assert.deepEqual(mine.ids, [before.id, crossing.id, inWeek.id, meeting.id].sort());
    assert.equal(mine.finds.length, 2);
    for (const filter of mine.finds) assert.equal(String(filter.assigneeId), adminId);
  });

  it('should answer free/busy and the feed from week reads', async () => {
    const soon = new Date(Date.now() + 3 * 86_400_000);
    soon.setUTCHours(9, 0, 0, 0);
    const task = await makeTask({ title: 'Feed: call soon', dueAt: soon.toISOString() });
    const from = new Date(soon.getTime() - 86_400_000).toISOString();
    const to = new Date(soon.getTime() + 86_400_000).toISOString();
    let busy: { status: number; body: { data: { userId: string; busy: { id?: string; startAt: string }[] }[] } } = { status: 0, body: { data: [] } };
    const finds = await findFiltersDuring(rt, 'tasks', async () => {
      busy = await rt.request().get('/v1/calendar/free-busy').query({ from, to, userIds: adminId }).set(auth());
    });
    assert.equal(busy.status, 200, JSON.stringify(busy.body));
    assert.ok(busy.body.data[0]!.busy.some((b) => b.id === task.id && b.startAt === soon.toISOString()));
    assert.equal(finds.length, rangeWeeks(new Date(from), new Date(to)).length);
    for (const filter of finds) {
      assert.match(String(filter.calendarWeeks), /^w\d+$/);
      assert.equal(String(filter.assigneeId), adminId);
    }

    const feedUrl = (await rt.request().post('/v1/calendar/feed').set(auth()).expect(201)).body.url as string;
    let feed = { status: 0, text: '' };
    const feedFinds = await findFiltersDuring(rt, 'tasks', async () => {
      feed = await rt.request().get(new URL(feedUrl).pathname);
    });
    assert.equal(feed.status, 200);
    const summaries = new ICAL.Component(ICAL.parse(feed.text)).getAllSubcomponents('vevent').map((v) => v.getFirstPropertyValue('summary'));
    assert.ok(summaries.includes('Feed: call soon'), summaries.join(', '));
    assert.ok(feedFinds.length > 50, `one read per week of the feed's 15 months (${feedFinds.length})`);
    for (const filter of feedFinds) assert.match(String(filter.calendarWeeks), /^w\d+$/);
  });

  it('should file tasks stored before calendar weeks existed, once', async () => {
    const Task = taskModel(rt.ctx.connection);
    const tenantId = new Types.ObjectId(agency.tenantId);
    const base = { tenantId, kind: 'call', description: null, subject: null, subjectType: null, subjectId: null, assigneeId: new Types.ObjectId(adminId), ownerId: new Types.ObjectId(adminId), status: 'new', tags: [], custom: {}, version: 0 };
    const oldId = new Types.ObjectId();
    const undatedId = new Types.ObjectId();
    await Task.collection.insertMany([
      { ...base, _id: oldId, title: 'Old: stored before', dueAt: new Date('2031-06-04T09:00:00Z'), chosenSlot: null, autoKey: `manual:${oldId.toHexString()}` },
      { ...base, _id: undatedId, title: 'Old: no due time', dueAt: null, chosenSlot: null, autoKey: `manual:${undatedId.toHexString()}` },
    ]);
    assert.deepEqual((await readWeek('2031-06-02T00:00:00Z', '2031-06-09T00:00:00Z')).ids, [], 'not filed yet, not shown');
    await rt.ctx.connection.db!.collection('list_backfill').deleteOne({ _id: 'tasks:calendarWeeks' as never });
    assert.equal(await backfillTaskWeeks(rt.ctx.connection), 2, 'the two stored before, nothing else');
    assert.deepEqual((await stored(String(oldId))).calendarWeeks, rangeWeeks(new Date('2031-06-02T00:00:00Z'), new Date('2031-06-09T00:00:00Z')));
    assert.deepEqual((await stored(String(undatedId))).calendarWeeks, []);
    assert.deepEqual((await readWeek('2031-06-02T00:00:00Z', '2031-06-09T00:00:00Z')).ids, [String(oldId)]);
    assert.equal(await backfillTaskWeeks(rt.ctx.connection), 0, 'recorded as done');
  });
});
