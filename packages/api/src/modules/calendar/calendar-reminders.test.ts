import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { findFiltersDuring } from '../../testing/commands.js';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { notificationModel } from '../notifications/notification.model.js';
import { createNotificationsService } from '../notifications/notifications.service.js';
import { minuteKey, reminderCursorModel, reminderMinute } from './calendar-reminders.js';
import { calendarEntryModel } from './calendar.model.js';
import { createCalendarService } from './calendar.service.js';

const MINUTE = 60_000;

describe('calendar reminders filed by minute: read by equality, sent once, caught up after a stop', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let tenantId: Types.ObjectId;
  let service: ReturnType<typeof createCalendarService>;
  const auth = () => ({ Authorization: `Bearer ${agency.adminToken}` });
  const reminders = async (entryId: string) => notificationModel(rt.ctx.connection).countDocuments({ tenantId, category: 'calendar.reminder', resourceId: entryId });
  const stored = async (id: string) => (await calendarEntryModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(id) }).lean())!;
  const create = async (title: string, startAt: Date, reminderMinutes: number, recurrence: string | null = null) => {
    const res = await rt.request().post('/v1/calendar/entries').set(auth()).send({ kind: 'meeting', title, startAt: startAt.toISOString(), endAt: new Date(startAt.getTime() + 30 * MINUTE).toISOString(), reminderMinutes, recurrence });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    tenantId = new Types.ObjectId(agency.tenantId);
    const notifications = createNotificationsService({ connection: rt.ctx.connection, events: rt.ctx.events });
    service = createCalendarService({ connection: rt.ctx.connection, mailer: { send: async () => {} } as never, notifications, logger: rt.ctx.logger, publicBase: 'https://crm.example.test' });
  });
  after(async () => {
    await rt.close();
  });

  it('should file a reminder under the minute it is due, or the minute of the write when that is later', () => {
    const written = new Date('2026-12-06T08:40:30.000Z');
    assert.equal(reminderMinute(new Date('2026-12-06T09:15:10.000Z'), written), '2026-12-06T09:15');
    assert.equal(reminderMinute(new Date('2026-12-06T08:00:00.000Z'), written), '2026-12-06T08:40', 'already due: the next run sends it');
    assert.equal(reminderMinute(null, written), null);
    assert.equal(minuteKey(Date.parse('2026-12-06T23:59:59.999Z')), '2026-12-06T23:59');
  });

  it('should file an entry saved before the minute key existed on the first run, then send each due reminder once', async () => {
    await reminderCursorModel(rt.ctx.connection).deleteMany({});
    const legacy = await create('Filed before', new Date(Date.now() + 5 * MINUTE), 10);
    // As the earlier release stored it: a due reminder and no minute key.
    await calendarEntryModel(rt.ctx.connection).collection.updateOne({ _id: new Types.ObjectId(legacy) }, { $unset: { remindMinute: '' } });
    assert.equal((await stored(legacy)).remindMinute, undefined);
    const now = new Date();
    assert.equal(await service.sendDueReminders(now), 1);
    assert.equal(await reminders(legacy), 1);
    assert.equal((await stored(legacy)).remindAt, null, 'a single entry has nothing more to remind of');
    assert.equal(await service.sendDueReminders(new Date(now.getTime() + 1000)), 0, 'not twice');
    assert.equal(await reminders(legacy), 1);
  });

  it('should send nothing before the reminder is due, and then the occurrence’s reminder once and file the next one', async () => {
    const start = new Date(Date.now() + 20 * MINUTE);
    start.setUTCSeconds(0, 0);
    const id = await create('Weekly call', start, 15, 'FREQ=WEEKLY;COUNT=3');
    const due = new Date(start.getTime() - 15 * MINUTE);
    assert.equal((await stored(id)).remindMinute, minuteKey(due.getTime()));
    assert.equal(await service.sendDueReminders(new Date()), 0, 'not yet due');
    assert.equal(await reminders(id), 0);

    // The runs of the minutes up to the due one (as the minute job would run them), read by equality only.
    let sent = 0;
    const filters = await findFiltersDuring(rt, 'calendar_entries', async () => {
      sent = await service.sendDueReminders(new Date(due.getTime() + 20_000));
    });
    assert.equal(sent, 1);
    assert.ok(filters.length > 0);
    for (const filter of filters) assert.deepEqual(Object.keys(filter as object), ['remindMinute'], `every read of the run is one minute's equality: ${JSON.stringify(filter)}`);
    assert.equal(await reminders(id), 1);
    const next = await stored(id);
    assert.equal(next.remindAt!.toISOString(), new Date(due.getTime() + 7 * 86_400_000).toISOString());
    assert.equal(next.remindMinute, minuteKey(due.getTime() + 7 * 86_400_000));
    assert.equal(await service.sendDueReminders(new Date(due.getTime() + 40_000)), 0, 'not twice');
  });

  it('should catch up the minutes missed while no job ran, as far back as the catch-up window', async () => {
    const Entry = calendarEntryModel(rt.ctx.connection);
    const recent = await create('Missed by a stop', new Date(Date.now() + 2 * 86_400_000), 10);
    const old = await create('Long gone', new Date(Date.now() + 3 * 86_400_000), 10);
    // The job stopped 30 minutes ago; one reminder fell due 20 minutes ago, another 28 (the window here: 25).
    const now = new Date();
    const twentyAgo = new Date(now.getTime() - 20 * MINUTE);
    const longAgo = new Date(now.getTime() - 28 * MINUTE);
    await Entry.updateOne({ tenantId, _id: new Types.ObjectId(recent) }, { $set: { remindAt: twentyAgo, remindMinute: minuteKey(twentyAgo.getTime()) } });
    await Entry.updateOne({ tenantId, _id: new Types.ObjectId(old) }, { $set: { remindAt: longAgo, remindMinute: minuteKey(longAgo.getTime()) } });
    await reminderCursorModel(rt.ctx.connection).updateOne({ _id: 'calendar.reminders' }, { $set: { through: minuteKey(now.getTime() - 30 * MINUTE), updatedAt: now } }, { upsert: true });
    assert.equal(await service.sendDueReminders(now, 25 * MINUTE), 1);
    assert.equal(await reminders(recent), 1);
    assert.equal(await reminders(old), 0, 'older than the catch-up window');
  });
});
