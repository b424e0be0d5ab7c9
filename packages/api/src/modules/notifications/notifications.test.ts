import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { io as connect } from 'socket.io-client';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { startRealtime } from '../../platform/realtime/start.js';
import { userModel } from '../identity/user.model.js';
import { taskModel } from '../tasks/task.model.js';
import { taskFiling } from '../tasks/task-filing.js';
import { findFiltersDuring } from '../../testing/commands.js';
import { notificationModel } from './notification.model.js';
import { runDailySummaries, runReminders } from './scheduled.js';
import { createNotificationsService } from './notifications.service.js';

describe('in-app notifications', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let adminId: Types.ObjectId;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const tenantId = () => new Types.ObjectId(agency.tenantId);

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    adminId = (await userModel(rt.ctx.connection).findOne({ tenantId: tenantId(), emailNormalized: agency.adminEmail.toLowerCase() }).lean())!._id;
  });
  after(() => rt.close());

  const campaignId = new Types.ObjectId().toHexString();
  const campaignEvent = (type: string, at: Date, eventId: string) =>
    rt.ctx.events.publish({ type, tenantId: tenantId(), resource: 'campaign', resourceId: campaignId, actor: null, record: { ownerId: String(adminId), name: 'Spring <b>sale</b>' }, data: { eventId }, at });

  it("should put campaign events in the owner's inbox once each, push them live, and count unread", async () => {
    const server = createServer(rt.app);
    const realtime = await startRealtime(server, rt);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = connect(`http://127.0.0.1:${(server.address() as { port: number }).port}`, { path: '/v1/realtime', auth: { token: agency.adminToken }, transports: ['websocket'] });
    try {
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
      const pushed = new Promise<{ title: string; unreadCount: number }>((resolve) => socket.once('notification', resolve));
      await campaignEvent('campaign.activated', new Date(), 'e1');
      await campaignEvent('campaign.activated', new Date(), 'e1'); // the same event delivered twice
      const live = await pushed;
      assert.equal(live.title, 'Your campaign "Spring <b>sale</b>" is now active');
      assert.equal(live.unreadCount, 1);
    } finally {
      socket.close();
      await realtime.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const inbox = await rt.request().get('/v1/notifications').set(auth(agency.adminToken));
    assert.equal(inbox.status, 200);
    assert.equal(inbox.body.unreadCount, 1);
    assert.equal(inbox.body.data.length, 1);
    assert.equal(await notificationModel(rt.ctx.connection).countDocuments({ tenantId: tenantId(), userId: adminId }), 1);
  });

  it('should mark read, unread and all read, for the owner only', async () => {
    const inbox = await rt.request().get('/v1/notifications').set(auth(agency.adminToken));
    const id = inbox.body.data[0].id;
    const read = await rt.request().post(`/v1/notifications/${id}/read`).set(auth(agency.adminToken));
    assert.equal(read.body.read, true);
    assert.equal(read.body.unreadCount, 0);
    const other = await makeAgency(rt);
    assert.equal((await rt.request().post(`/v1/notifications/${id}/unread`).set(auth(other.adminToken))).status, 404);
    const unread = await rt.request().post(`/v1/notifications/${id}/unread`).set(auth(agency.adminToken));
    assert.equal(unread.body.unreadCount, 1);
    const all = await rt.request().post('/v1/notifications/read-all').set(auth(agency.adminToken));
    assert.equal(all.body.updated, 1);
    assert.equal(await notificationModel(rt.ctx.connection).countDocuments({ tenantId: tenantId(), userId: adminId, readAt: null }), 0);
  });

  it("should send each owner's daily summary once, at the end of their own day", async () => {
    await userModel(rt.ctx.connection).updateOne({ tenantId: tenantId(), _id: adminId }, { $set: { timeZone: 'Asia/Tokyo' } });
    const notifications = createNotificationsService({ connection: rt.ctx.connection, events: rt.ctx.events });
    const day = new Date('2030-06-10T03:00:00Z'); // 12:00 in Tokyo
    await campaignEvent('campaign.engaged', day, 'e2');
    await campaignEvent('campaign.engaged', new Date('2030-06-10T04:00:00Z'), 'e3');
    const deps = { connection: rt.ctx.connection, notifications };
    assert.equal(await runDailySummaries(deps, new Date('2030-06-10T05:00:00Z')), 0, '14:00 in Tokyo: the day is not over');
    assert.equal(await runDailySummaries(deps, new Date('2030-06-10T09:30:00Z')), 1, '18:30 in Tokyo');
    assert.equal(await runDailySummaries(deps, new Date('2030-06-10T09:45:00Z')), 0, 'once per day');
    const summary = await notificationModel(rt.ctx.connection).findOne({ tenantId: tenantId(), userId: adminId, category: 'summary.daily' }).lean();
    assert.equal(summary?.title, 'Your campaigns today (2030-06-10)');
    assert.match(summary!.body, /2 engagement/);
  });

  it('should remind the assignee of a task or meeting due soon, once per due time', async () => {
    const notifications = createNotificationsService({ connection: rt.ctx.connection, events: rt.ctx.events });
    const now = new Date('2031-01-01T10:00:00Z');
    // Written straight to the model, so filed by hand as the tasks service files them.
    const slot = { start: new Date('2031-01-01T10:10:00Z'), end: new Date('2031-01-01T11:00:00Z') };
    await taskModel(rt.ctx.connection).create({ tenantId: tenantId(), kind: 'meeting', title: 'Demo with ACME', status: 'scheduled', autoKey: `t-${Date.now()}`, assigneeId: adminId, ownerId: adminId, chosenSlot: slot, ...taskFiling({ chosenSlot: slot }) });
    const later = new Date('2031-01-01T12:00:00Z');
    await taskModel(rt.ctx.connection).create({ tenantId: tenantId(), kind: 'followUp', title: 'Call back later', status: 'new', autoKey: `t2-${Date.now()}`, ownerId: adminId, dueAt: later, ...taskFiling({ dueAt: later }) });
    const deps = { connection: rt.ctx.connection, notifications };
    const filters = await findFiltersDuring(rt, 'tasks', async () => assert.equal(await runReminders(deps, now), 1));
    assert.deepEqual(filters, [{ dueHour: '2031-01-01T10' }], 'one equality on the hour the window lies in, nothing across every agency');
    assert.equal(await runReminders(deps, new Date(now.getTime() + 60_000)), 0, 'no second reminder');
    // 11:50 to 12:05 spans two hours: both are read, and the follow-up due at 12:00 is reminded.
    const crossing = await findFiltersDuring(rt, 'tasks', async () => assert.equal(await runReminders(deps, new Date('2031-01-01T11:50:00Z')), 1));
    assert.deepEqual(crossing.map((f) => f.dueHour).sort(), ['2031-01-01T11', '2031-01-01T12']);
    const reminder = await notificationModel(rt.ctx.connection).findOne({ tenantId: tenantId(), userId: adminId, category: 'reminder.meeting' }).lean();
    assert.equal(reminder?.title, 'Meeting: Demo with ACME');
  });
});
