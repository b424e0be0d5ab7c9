import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, type TestAgency } from '../../testing/index.js';
import { productModel } from '../products/product.model.js';
import { orgModel } from './org.model.js';

describe('organisation: units, departments, designations, teams', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let tenantId: Types.ObjectId;
  const auth = () => ({ Authorization: `Bearer ${agency.adminToken}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    tenantId = new Types.ObjectId(agency.tenantId);
  });
  after(() => rt.close());

  it('should list the seeded departments', async () => {
    const res = await rt.request().get('/v1/org/departments').set(auth());
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data.map((d: { key: string }) => d.key).sort(), ['email-sales', 'phone-sales', 'production']);
  });

  it('should create a division with a department in it, and refuse deleting the division while it has one', async () => {
    const unit = await rt.request().post('/v1/org/units').set(auth()).send({ name: 'Europe', key: 'europe' });
    assert.equal(unit.status, 201);
    const dept = await rt.request().post('/v1/org/departments').set(auth()).send({ name: 'Field Sales', key: 'field-sales', parentId: unit.body.id });
    assert.equal(dept.status, 201);
    assert.equal(dept.body.parentId, unit.body.id);
    assert.equal((await rt.request().delete(`/v1/org/units/${unit.body.id}`).set(auth())).status, 409);
    assert.equal((await rt.request().delete(`/v1/org/departments/${dept.body.id}`).set(auth())).status, 204);
    assert.equal((await rt.request().delete(`/v1/org/units/${unit.body.id}`).set(auth())).status, 204);
    assert.equal(await orgModel(rt.ctx.connection).countDocuments({ tenantId, key: 'europe' }), 0);
  });

  it('should create a team with members, a lead and a product, and refuse people of another agency', async () => {
    const member = await makeUser(rt, agency, { role: 'SE' });
    const lead = await makeUser(rt, agency, { role: 'STM' });
    const product = await productModel(rt.ctx.connection).create({ tenantId, name: 'Summit', cycleStart: null, cycleEnd: null });
    const dept = await orgModel(rt.ctx.connection).findOne({ tenantId, kind: 'department', key: 'phone-sales' }).lean();
    const team = await rt.request().post('/v1/org/teams').set(auth()).send({ name: 'Phone 1', departmentId: String(dept!._id), memberIds: [String(member.id)], leadId: String(lead.id), productIds: [String(product._id)] });
    assert.equal(team.status, 201, JSON.stringify(team.body));
    assert.deepEqual(team.body.memberIds, [String(member.id)]);
    const other = await makeAgency(rt);
    const stranger = await makeUser(rt, other, { role: 'SE' });
    const bad = await rt.request().patch(`/v1/org/teams/${team.body.id}`).set(auth()).send({ memberIds: [String(stranger.id)] });
    assert.equal(bad.status, 400);
    const stored = await orgModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(team.body.id) }).lean();
    assert.deepEqual(stored!.memberIds.map(String), [String(member.id)]);
  });

  it('should refuse deleting a department that users belong to', async () => {
    const dept = await orgModel(rt.ctx.connection).findOne({ tenantId, kind: 'department', key: 'production' }).lean();
    await makeUser(rt, agency, { role: 'P' });
    const res = await rt.request().delete(`/v1/org/departments/${dept!._id}`).set(auth());
    assert.equal(res.status, 409);
    assert.ok(await orgModel(rt.ctx.connection).exists({ tenantId, _id: dept!._id }));
  });

  it('should manage designations and answer 404 for a node of another kind', async () => {
    const res = await rt.request().post('/v1/org/designations').set(auth()).send({ name: 'Account Executive' });
    assert.equal(res.status, 201);
    assert.equal((await rt.request().get(`/v1/org/teams/${res.body.id}`).set(auth())).status, 404);
    const renamed = await rt.request().patch(`/v1/org/designations/${res.body.id}`).set(auth()).send({ name: 'Senior AE' });
    assert.equal(renamed.body.name, 'Senior AE');
    assert.equal(renamed.body.version, 1);
  });
});

