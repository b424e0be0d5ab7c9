import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { taskModel } from '../tasks/task.model.js';
import { lostReviewModel } from './lost-routing.model.js';

describe('lost-deal routing', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  let consultant: { id: Types.ObjectId; email: string };
  let fallback: { id: Types.ObjectId; email: string };
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    consultant = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    fallback = await makeUser(rt, agency, { role: 'SALES_PERSON' });
  });
  after(async () => {
    await rt.close();
  });

  const loseDeal = async (name: string, reason: string) => {
    const deal = await rt.request().post('/v1/opportunities').set(auth(admin)).send({ name, amount: 1200 });
    assert.equal(deal.status, 201, JSON.stringify(deal.body));
    const lost = await rt.request().post(`/v1/opportunities/${deal.body.id}/move`).set(auth(admin)).send({ stage: 'lost', version: deal.body.version, lostReason: reason });
    assert.equal(lost.status, 200, JSON.stringify(lost.body));
    return lost.body as { id: string; version: number; closedAt: string };
  };

  it('should keep consultant groups per lost reason as data, refusing a duplicate reason and a stranger as member (RFC 9457, naming the field)', async () => {
    const created = await rt.request().post('/v1/lost-reason-groups').set(auth(admin)).send({ reason: 'Price', name: 'Pricing desk', memberIds: [String(consultant.id)] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const fallbackGroup = await rt.request().post('/v1/lost-reason-groups').set(auth(admin)).send({ reason: '*', name: 'Everything else', memberIds: [String(fallback.id)] });
    assert.equal(fallbackGroup.status, 201);
    const dup = await rt.request().post('/v1/lost-reason-groups').set(auth(admin)).send({ reason: '  price ', name: 'Again', memberIds: [String(consultant.id)] });
    assert.equal(dup.status, 409);
    assert.match(dup.headers['content-type'] ?? '', /application\/problem\+json/);
    assert.equal(dup.body.errors[0].field, 'reason');
    const stranger = await rt.request().post('/v1/lost-reason-groups').set(auth(admin)).send({ reason: 'Timing', name: 'T', memberIds: [String(new Types.ObjectId())] });
    assert.equal(stranger.status, 400);
    assert.equal(stranger.body.errors[0].field, 'memberIds.0');
    const seller = await signIn(rt, consultant.email);
    assert.equal((await rt.request().post('/v1/lost-reason-groups').set(auth(seller)).send({ reason: 'Scope', name: 'S', memberIds: [String(consultant.id)] })).status, 403, 'only workflow admins edit the groups');
    const list = await rt.request().get('/v1/lost-reason-groups').set(auth(admin));
    assert.deepEqual(list.body.data.map((g: { reason: string }) => g.reason).sort(), ['*', 'Price']);
  });

  it('should route a lost deal to the group of its reason with one review task, and record the outcome once', async () => {
    const deal = await loseDeal('Acme renewal', 'price');
    const reviews = await rt.request().get('/v1/lost-reviews').query({ opportunityId: deal.id }).set(auth(admin));
    assert.equal(reviews.status, 200);
    assert.equal(reviews.body.data.length, 1);
    const review = reviews.body.data[0];
    assert.equal(review.groupName, 'Pricing desk');
    assert.equal(review.assigneeId, String(consultant.id));
    const task = await taskModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(review.taskId as string) }).lean();
    assert.equal(String(task!.assigneeId), String(consultant.id));
    assert.equal(String(task!.subjectId), deal.id);
    assert.equal(task!.status, 'new');

    // The consultant sees the review (assigned to them) though their own scope does not reach the admin's deal, and decides it.
    const seller = await signIn(rt, consultant.email);
    const mine = await rt.request().get('/v1/lost-reviews').query({ mine: 'true', state: 'open' }).set(auth(seller));
    assert.deepEqual(mine.body.data.map((r: { id: string }) => r.id), [review.id]);
    const badStage = await rt.request().post(`/v1/lost-reviews/${review.id}/outcome`).set(auth(seller)).send({ outcome: 'lesson_noted', reopenStage: 'qualification' });
    assert.equal(badStage.status, 400);
    assert.equal(badStage.body.errors[0].field, 'reopenStage');
    const decided = await rt.request().post(`/v1/lost-reviews/${review.id}/outcome`).set(auth(seller)).send({ outcome: 'lesson_noted', note: 'Our day rate was 20% above the market' });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    assert.equal(decided.body.outcome, 'lesson_noted');
    assert.equal(decided.body.decidedBy, String(consultant.id));
    const again = await rt.request().post(`/v1/lost-reviews/${review.id}/outcome`).set(auth(seller)).send({ outcome: 'confirmed_lost' });
    assert.equal(again.status, 409);
    assert.equal(again.body.errors[0].field, 'outcome');
    const done = await taskModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(review.taskId as string) }).lean();
    assert.equal(done!.status, 'done', 'the review task is done with the outcome');
  });

  it('should re-open a deal from its review, and send a reason without a group to the fallback group', async () => {
    const deal = await loseDeal('Globex pilot', 'went with a competitor');
    const [review] = (await rt.request().get('/v1/lost-reviews').query({ opportunityId: deal.id }).set(auth(admin))).body.data;
    assert.equal(review.groupName, 'Everything else');
    assert.equal(review.assigneeId, String(fallback.id));
    const reopened = await rt.request().post(`/v1/lost-reviews/${review.id}/outcome`).set(auth(admin)).send({ outcome: 'reopened', reopenStage: 'qualification' });
    assert.equal(reopened.status, 200, JSON.stringify(reopened.body));
    const opp = await rt.request().get(`/v1/opportunities/${deal.id}`).set(auth(admin));
    assert.equal(opp.body.stage, 'qualification');
    assert.equal(opp.body.outcome, null);
  });

  it('should create nothing twice when the lost event is delivered twice', async () => {
    const deal = await loseDeal('Initech', 'Price');
    const tenantId = new Types.ObjectId(agency.tenantId);
    const record = (await rt.request().get(`/v1/opportunities/${deal.id}`).set(auth(admin))).body;
    const event = { type: 'opportunity.lost', tenantId, resource: 'opportunity', resourceId: deal.id, actor: null, record, data: { reason: 'Price' } };
    await Promise.all([rt.ctx.events.publish(event), rt.ctx.events.publish(event)]);
    assert.equal(await lostReviewModel(rt.ctx.connection).countDocuments({ tenantId, opportunityId: new Types.ObjectId(deal.id) }), 1);
    assert.equal(await taskModel(rt.ctx.connection).countDocuments({ tenantId, subjectId: new Types.ObjectId(deal.id), autoKey: `lost-review:${deal.id}:${Date.parse(record.closedAt as string)}` }), 1);
    assert.equal(await taskModel(rt.ctx.connection).countDocuments({ tenantId, subjectId: new Types.ObjectId(deal.id) }), 1, 'no other task on the deal either');
  });

  it('should answer 404 for a review or group of another agency', async () => {
    const other = await makeAgency(rt);
    const [review] = (await rt.request().get('/v1/lost-reviews').set(auth(admin))).body.data;
    const res = await rt.request().get(`/v1/lost-reviews/${review.id}`).set(auth(other.adminToken));
    assert.equal(res.status, 404);
    assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
    assert.equal((await rt.request().get('/v1/lost-reviews').set(auth(other.adminToken))).body.data.length, 0);
    const groups = (await rt.request().get('/v1/lost-reason-groups').set(auth(admin))).body.data;
    assert.equal((await rt.request().patch(`/v1/lost-reason-groups/${groups[0].id}`).set(auth(other.adminToken)).send({ name: 'Mine now' })).status, 404);
    assert.equal((await rt.request().post(`/v1/lost-reviews/${review.id}/outcome`).set(auth(other.adminToken)).send({ outcome: 'confirmed_lost' })).status, 404);
  });
});
