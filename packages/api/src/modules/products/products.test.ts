import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { leadModel } from '../leads/lead.model.js';
import { productModel } from './product.model.js';

describe('products', () => {
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

  it('should create a product with a default 3-month cycle and validate the cycle', async () => {
    const res = await rt.request().post('/v1/products').set(auth(admin)).send({ name: 'FinTech Summit Q1', cycleStart: '2026-01-15' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.cycleEnd, '2026-04-15T00:00:00.000Z');
    assert.equal(res.body.status, 'active');
    assert.equal(res.body.locked, false);
    const bad = await rt.request().post('/v1/products').set(auth(admin)).send({ name: 'Backwards', cycleStart: '2026-05-01', cycleEnd: '2026-04-01' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'cycleEnd');
    const missing = await rt.request().post('/v1/products').set(auth(admin)).send({ cycleStart: 'soon' });
    assert.deepEqual(missing.body.errors.map((e: { field: string }) => e.field).sort(), ['cycleStart', 'name']);
    assert.equal(await productModel(rt.ctx.connection).countDocuments({ tenantId, name: 'Backwards' }), 0);
  });

  it('should rename only while active and refuse product writes to non-admins', async () => {
    const p = (await rt.request().post('/v1/products').set(auth(admin)).send({ name: 'Old name' })).body;
    const renamed = await rt.request().patch(`/v1/products/${p.id}`).set(auth(admin)).set('If-Match', String(p.version)).send({ name: 'New name' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'New name');
    const stale = await rt.request().patch(`/v1/products/${p.id}`).set(auth(admin)).set('If-Match', String(p.version)).send({ name: 'Stale' });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.code, 'precondition_failed');
    assert.equal(stale.body.current.name, 'New name');
    await rt.request().patch(`/v1/products/${p.id}`).set(auth(admin)).send({ status: 'disabled' }).expect(200);
    const whileDisabled = await rt.request().patch(`/v1/products/${p.id}`).set(auth(admin)).send({ name: 'Renamed while disabled' });
    assert.equal(whileDisabled.status, 409);
    assert.equal((await productModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(p.id) }).lean())!.name, 'New name');

    const se = await makeUser(rt, agency, { role: 'SE' });
    const token = await signIn(rt, se.email);
    assert.equal((await rt.request().post('/v1/products').set(auth(token)).send({ name: 'Mine' })).status, 403);
    assert.equal((await rt.request().post(`/v1/products/${p.id}/lock`).set(auth(token))).status, 403);
  });

  it('should make a locked product’s records read-only for non-admins until an admin unlocks it', async () => {
    const se = await makeUser(rt, agency, { role: 'SE' });
    const token = await signIn(rt, se.email);
    const product = (await rt.request().post('/v1/products').set(auth(admin)).send({ name: 'Expo', userIds: [String(se.id)] })).body;
    assert.deepEqual(product.userIds, [String(se.id)]);
    const lead = await rt.request().post('/v1/leads').set(auth(token)).send({ firstName: 'Ada', lastName: 'Lovelace', productId: product.id });
    assert.equal(lead.status, 201, JSON.stringify(lead.body));

    const locked = await rt.request().post(`/v1/products/${product.id}/lock`).set(auth(admin));
    assert.equal(locked.status, 200);
    assert.equal(locked.body.locked, true);
    const refused = await rt.request().patch(`/v1/leads/${lead.body.id}`).set(auth(token)).send({ jobTitle: 'Countess' });
    assert.equal(refused.status, 403);
    assert.equal((await rt.request().get(`/v1/leads/${lead.body.id}`).set(auth(token))).status, 200, 'still readable');
    assert.equal((await rt.request().post('/v1/leads').set(auth(token)).send({ firstName: 'New', lastName: 'Lead', productId: product.id })).status, 403);
    assert.equal((await rt.request().patch(`/v1/leads/${lead.body.id}`).set(auth(admin)).send({ notes: 'admins may' })).status, 200);

    await rt.request().post(`/v1/products/${product.id}/unlock`).set(auth(admin)).expect(200);
    const allowed = await rt.request().patch(`/v1/leads/${lead.body.id}`).set(auth(token)).send({ jobTitle: 'Countess' });
    assert.equal(allowed.status, 200);
    assert.equal((await leadModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(lead.body.id) }).lean())!.jobTitle, 'Countess');
  });

  it('should hide a disabled product and its records from everyone but admins', async () => {
    const se = await makeUser(rt, agency, { role: 'SE' });
    const token = await signIn(rt, se.email);
    const product = (await rt.request().post('/v1/products').set(auth(admin)).send({ name: 'Soon gone' })).body;
    const lead = (await rt.request().post('/v1/leads').set(auth(token)).send({ firstName: 'Grace', lastName: 'Hopper', productId: product.id })).body;
    await rt.request().patch(`/v1/products/${product.id}`).set(auth(admin)).send({ status: 'disabled' }).expect(200);

    const seList = await rt.request().get('/v1/products').query({ limit: 200 }).set(auth(token));
    assert.ok(!seList.body.data.some((p: { id: string }) => p.id === product.id));
    assert.equal((await rt.request().get(`/v1/products/${product.id}`).set(auth(token))).status, 404);
    assert.equal((await rt.request().get('/v1/products').query({ status: 'disabled' }).set(auth(token))).body.data.length, 0);
    assert.equal((await rt.request().get(`/v1/leads/${lead.id}`).set(auth(token))).status, 404);

    const adminList = await rt.request().get('/v1/products').query({ status: 'disabled', limit: 200 }).set(auth(admin));
    assert.ok(adminList.body.data.some((p: { id: string }) => p.id === product.id));
    assert.equal((await rt.request().get(`/v1/leads/${lead.id}`).set(auth(admin))).status, 200);
    assert.equal((await rt.request().delete(`/v1/products/${product.id}`).set(auth(admin))).status, 409, 'a product with records is disabled, not deleted');
  });

  it('should answer 404 for another agency’s product', async () => {
    const other = await makeAgency(rt);
    const theirs = (await rt.request().post('/v1/products').set(auth(other.adminToken)).send({ name: 'Theirs' })).body;
    assert.equal((await rt.request().get(`/v1/products/${theirs.id}`).set(auth(admin))).status, 404);
    assert.equal((await rt.request().post(`/v1/products/${theirs.id}/lock`).set(auth(admin))).status, 404);
    assert.equal((await productModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(other.tenantId), _id: new Types.ObjectId(theirs.id) }).lean())!.locked, false);
  });
});
