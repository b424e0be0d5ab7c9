import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { JOBS_COLLECTION } from '../../platform/jobs/jobs.js';
import type { DomainEvent } from '../../platform/events.js';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { notificationModel } from '../notifications/notification.model.js';
import { AppError } from '../../platform/errors.js';
import { versionClaimModel } from '../../platform/records/version-claims.js';
import { createWorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import { CAMPAIGN_EDGE_JOB, CAMPAIGN_SWEEP_JOB, CAMPAIGN_SWEEP_SCHEDULE } from './campaign.jobs.js';
import { campaignModel } from './campaign.model.js';
import { createCampaignSchedule } from './campaigns.service.js';

/** Polls until `ok` holds or the deadline passes; returns the last value. */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('campaign period edges run as jobs on the real scheduler', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  const events: DomainEvent[] = [];
  const hour = 3_600_000;
  const auth = () => ({ Authorization: `Bearer ${agency.adminToken}` });
  const jobsOf = (campaignId: string) => rt.ctx.connection.db!.collection(JOBS_COLLECTION).find({ name: CAMPAIGN_EDGE_JOB, 'data.campaignId': campaignId }).toArray();
  const pendingJobsOf = async (campaignId: string) => (await jobsOf(campaignId)).filter((j) => j.nextRunAt && !j.lastFinishedAt);
  const statusOf = async (id: string) => (await rt.request().get(`/v1/campaigns/${id}`).set(auth())).body.status as string;
  const count = (type: string, id: string) => events.filter((e) => e.type === type && e.resourceId === id).length;
  const notices = (category: string, id: string) => notificationModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId), category, resourceId: id });

  before(async () => {
    // A short lock lifetime: Agenda checks a running job's lock every half lifetime on a timer that
    // outlives the job, and the test process would wait for it.
    rt = await createTestRuntime({ file: import.meta.filename, env: { JOBS_PROCESS_EVERY_MS: '100', JOBS_LOCK_LIFETIME_MS: '4000' } });
    agency = await makeAgency(rt);
    rt.ctx.events.subscribe('campaign.*', (e) => {
      events.push(e);
    });
    await rt.ctx.jobs.start();
  });
  after(async () => {
    await rt.ctx.jobs.stop();
    await rt.close();
  });

  // What the period's start needs to activate a campaign without a form: someone to send to and a message.
  const sends = { audience: { contactIds: [new Types.ObjectId().toHexString()] }, message: { subject: 'Spring offer', body: 'Hello {{recipient.firstName}}' } };

  async function campaignIn(status: 'draft' | 'new', period: { startAt?: Date; endAt?: Date }) {
    const res = await rt
      .request()
      .post('/v1/campaigns')
      .set(auth())
      .send({ title: 'Edge campaign', code: `E${new Types.ObjectId().toHexString().slice(-8)}`, type: 'promotion', visibility: 'public', startAt: period.startAt?.toISOString(), endAt: period.endAt?.toISOString(), ...sends });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    if (status === 'new') assert.equal((await rt.request().post(`/v1/campaigns/${res.body.id}/transitions`).set(auth()).send({ to: 'new' })).status, 200);
    return res.body as { id: string };
  }

  it('should store the sweep once, as a recurring job, when the scheduler starts', async () => {
    const stored = await rt.ctx.connection.db!.collection(JOBS_COLLECTION).find({ name: CAMPAIGN_SWEEP_JOB }).toArray();
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.repeatInterval, CAMPAIGN_SWEEP_SCHEDULE);
  });

  it('should reschedule when the period changes, activate at the new start and deactivate at the new end without any call, notifying the owner once each', async () => {
    const c = await campaignIn('new', { startAt: new Date(Date.now() + hour), endAt: new Date(Date.now() + 48 * hour) });
    const planned = await pendingJobsOf(c.id);
    assert.equal(planned.length, 1, 'one pending edge job');
    assert.equal(planned[0]!.data.edge, 'start');

    const start = new Date(Date.now() + 1500);
    assert.equal((await rt.request().patch(`/v1/campaigns/${c.id}`).set(auth()).send({ startAt: start.toISOString() })).status, 200);
    const moved = await pendingJobsOf(c.id);
    assert.equal(moved.length, 1, 'the old job is replaced, not added to');
    assert.equal(new Date(moved[0]!.nextRunAt).getTime(), start.getTime());

    assert.equal(await eventually(() => statusOf(c.id), (s) => s === 'active'), 'active');
    assert.ok(Date.now() >= start.getTime(), 'not before its start');
    // Active, it waits for its end: bring the end close and it moves on its own again.
    const endJob = await eventually(() => pendingJobsOf(c.id), (jobs) => jobs.some((j) => j.data.edge === 'end'));
    assert.equal(endJob.filter((j) => j.data.edge === 'end').length, 1);
    assert.equal((await rt.request().patch(`/v1/campaigns/${c.id}`).set(auth()).send({ endAt: new Date(Date.now() + 1500).toISOString() })).status, 200);
    assert.equal(await eventually(() => statusOf(c.id), (s) => s === 'inactive'), 'inactive');

    // The status changes first; the events (and the notices they cause) follow within the same job.
    await eventually(async () => count('campaign.deactivated', c.id), (n) => n > 0);
    assert.equal(count('campaign.activated', c.id), 1);
    assert.equal(count('campaign.deactivated', c.id), 1);
    assert.equal(await eventually(() => notices('campaign.activated', c.id), (n) => n > 0), 1, "one in-app notice in the owner's inbox");
    assert.equal(await notices('campaign.deactivated', c.id), 1);
    const history = await rt.request().get(`/v1/campaigns/${c.id}/transitions`).set(auth());
    assert.deepEqual(history.body.data.map((h: { to: string; byUserId: string | null }) => [h.to, h.byUserId === null]), [['draft', false], ['new', false], ['active', true], ['inactive', true]]);
    assert.equal((await pendingJobsOf(c.id)).length, 0, 'an in-active campaign waits for a person');
  });

  it('should change nothing and publish nothing more when an edge job or the sweep runs again', async () => {
    const c = await campaignIn('new', { startAt: new Date(Date.now() - 60_000), endAt: new Date(Date.now() + 48 * hour) });
    assert.equal(await eventually(() => statusOf(c.id), (s) => s === 'active'), 'active', 'a start already passed runs at once');
    await eventually(async () => count('campaign.activated', c.id), (n) => n > 0);
    await eventually(() => pendingJobsOf(c.id), (jobs) => jobs.some((j) => j.data.edge === 'end'));
    const before = events.filter((e) => e.resourceId === c.id).length;
    const data = { tenantId: agency.tenantId, campaignId: c.id, edge: 'start' };
    const reruns = await Promise.all([rt.ctx.jobs.agenda.now(CAMPAIGN_EDGE_JOB, data), rt.ctx.jobs.agenda.now(CAMPAIGN_EDGE_JOB, data), rt.ctx.jobs.agenda.now(CAMPAIGN_SWEEP_JOB)]);
    const ids = reruns.map((j) => new Types.ObjectId(String(j.attrs._id)));
    const finished = await eventually(
      () => rt.ctx.connection.db!.collection(JOBS_COLLECTION).find({ _id: { $in: ids } }).toArray(),
      (jobs) => jobs.length === ids.length && jobs.every((j) => j.lastFinishedAt),
    );
    assert.equal(finished.length, 3);
    assert.ok(finished.every((j) => j.lastFinishedAt && !j.failReason), JSON.stringify(finished.map((j) => j.failReason)));
    assert.equal(await statusOf(c.id), 'active');
    assert.equal(events.filter((e) => e.resourceId === c.id).length, before, 'no second transition');
    assert.equal(count('campaign.activated', c.id), 1);
  });

  it('should drop the pending job when the campaign is discarded, and plan none for a draft', async () => {
    const c = await campaignIn('new', { startAt: new Date(Date.now() + hour) });
    assert.equal((await pendingJobsOf(c.id)).length, 1);
    assert.equal((await rt.request().post(`/v1/campaigns/${c.id}/transitions`).set(auth()).send({ to: 'discarded' })).status, 200);
    assert.equal((await pendingJobsOf(c.id)).length, 0);
    const draft = await campaignIn('draft', { startAt: new Date(Date.now() + hour) });
    assert.equal((await pendingJobsOf(draft.id)).length, 0, 'a draft is not ready to run');
  });

  it("should move a campaign at its edge through the version claims: never over another writer's claim, and with its own once free", async () => {
    const c = await campaignIn('new', { startAt: new Date(Date.now() + hour) });
    await rt.ctx.jobs.cancel(CAMPAIGN_EDGE_JOB, { campaignId: c.id });
    const tenantId = new Types.ObjectId(agency.tenantId);
    const campaignId = new Types.ObjectId(c.id);
    await campaignModel(rt.ctx.connection).updateOne({ tenantId, _id: campaignId }, { $set: { startAt: new Date(Date.now() - 1000) } });
    const before = (await campaignModel(rt.ctx.connection).findOne({ tenantId, _id: campaignId }).lean())!;
    // Someone else (a person's PATCH in flight) holds the campaign's next version.
    const Claims = versionClaimModel(rt.ctx.connection);
    const held = `campaigns:${c.id}:${before.version + 1}`;
    await Claims.create({ _id: held, at: new Date() });
    const schedule = createCampaignSchedule({ connection: rt.ctx.connection, events: rt.ctx.events, workflows: createWorkflowEngine(rt.ctx.connection) });
    await assert.rejects(schedule.settle(tenantId, campaignId), (error: unknown) => error instanceof AppError && error.code === 'unavailable');
    const untouched = (await campaignModel(rt.ctx.connection).findOne({ tenantId, _id: campaignId }).lean())!;
    assert.deepEqual([untouched.status, untouched.version], ['new', before.version], 'not written over the held claim');

    // The writer is done (its version was never made, as after a refused write): the next run moves it at once, by its own claim.
    await Claims.deleteOne({ _id: held });
    assert.equal(await schedule.settle(tenantId, campaignId), 'active');
    const moved = (await campaignModel(rt.ctx.connection).findOne({ tenantId, _id: campaignId }).lean())!;
    assert.deepEqual([moved.status, moved.version], ['active', before.version + 1]);
    assert.ok(await Claims.exists({ _id: held }), 'the move claimed the version it made');
    assert.equal(await schedule.settle(tenantId, campaignId), null, 'a second run moves nothing');
  });

  it('should let the sweep move a campaign whose edge job was lost', async () => {
    const c = await campaignIn('new', { startAt: new Date(Date.now() + hour) });
    await rt.ctx.jobs.cancel(CAMPAIGN_EDGE_JOB, { campaignId: c.id });
    // The start passes while no job waits for it (written behind the API's back, as a lost job would leave it).
    await campaignModel(rt.ctx.connection).updateOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(c.id) }, { $set: { startAt: new Date(Date.now() - 1000) } });
    assert.equal(await statusOf(c.id), 'new');
    await rt.ctx.jobs.agenda.now(CAMPAIGN_SWEEP_JOB);
    assert.equal(await eventually(() => statusOf(c.id), (s) => s === 'active'), 'active');
    assert.equal(await eventually(async () => count('campaign.activated', c.id), (n) => n > 0), 1);
  });
});
