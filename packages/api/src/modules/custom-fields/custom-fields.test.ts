import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { customFieldModel } from '../../platform/custom-fields/custom-field.model.js';
import { customerModel } from '../customers/customer.model.js';

describe('custom fields admin', () => {
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

  it('should refuse unsafe keys, unknown resources and defaults that do not fit', async () => {
    const bad = await rt.request().post('/v1/custom-fields').set(auth(admin)).send({ resource: 'invoice', key: 'a.b', label: 'x', type: 'number' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['key', 'resource']);
    assert.equal((await rt.request().post('/v1/custom-fields').set(auth(admin)).send({ resource: 'lead', key: '$where', label: 'x', type: 'text' })).status, 400);
    const badDefault = await rt.request().post('/v1/custom-fields').set(auth(admin)).send({ resource: 'lead', key: 'tier', label: 'Tier', type: 'select', options: ['gold'], defaultValue: 'silver' });
    assert.equal(badDefault.body.errors[0].field, 'defaultValue');
    const noOptions = await rt.request().post('/v1/custom-fields').set(auth(admin)).send({ resource: 'lead', key: 'tier', label: 'Tier', type: 'select' });
    assert.equal(noOptions.body.errors[0].field, 'options');
    assert.equal(await customFieldModel(rt.ctx.connection).countDocuments({ tenantId }), 0);
    const se = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    assert.equal((await rt.request().post('/v1/custom-fields').set(auth(await signIn(rt, se.email))).send({ resource: 'lead', key: 'x', label: 'x', type: 'text' })).status, 403);
  });

  it('should define a field that records then validate, refuse a type change while in use, and clear values on delete', async () => {
    const created = await rt.request().post('/v1/custom-fields').set(auth(admin)).send({ resource: 'customer', key: 'segment', label: 'Segment', type: 'select', options: ['smb', 'enterprise'], defaultValue: 'smb' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const dup = await rt.request().post('/v1/custom-fields').set(auth(admin)).send({ resource: 'customer', key: 'segment', label: 'Again', type: 'text' });
    assert.equal(dup.status, 409);
    const customer = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Custom Co' });
    assert.deepEqual(customer.body.custom, { segment: 'smb' });
    assert.equal((await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Wrong', custom: { segment: 'huge' } })).body.errors[0].field, 'custom.segment');

    const retype = await rt.request().patch(`/v1/custom-fields/${created.body.id}`).set(auth(admin)).send({ type: 'number' });
    assert.equal(retype.status, 409);
    const dropUsed = await rt.request().patch(`/v1/custom-fields/${created.body.id}`).set(auth(admin)).send({ options: ['enterprise'], defaultValue: null });
    assert.equal(dropUsed.status, 409);
    const relabel = await rt.request().patch(`/v1/custom-fields/${created.body.id}`).set(auth(admin)).set('If-Match', String(created.body.version)).send({ label: 'Market segment', options: ['smb', 'enterprise', 'public'] });
    assert.equal(relabel.status, 200, JSON.stringify(relabel.body));
    assert.equal(relabel.body.label, 'Market segment');
    const list = await rt.request().get('/v1/custom-fields').query({ resource: 'customer' }).set(auth(admin));
    assert.deepEqual(list.body.data.map((f: { key: string }) => f.key), ['segment']);

    assert.equal((await rt.request().delete(`/v1/custom-fields/${created.body.id}`).set(auth(admin))).status, 204);
    const stored = await customerModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(customer.body.id) }).lean();
    assert.deepEqual(stored!.custom, {});
    const unused = await rt.request().post('/v1/custom-fields').set(auth(admin)).send({ resource: 'lead', key: 'score', label: 'Score', type: 'number' });
    assert.equal((await rt.request().patch(`/v1/custom-fields/${unused.body.id}`).set(auth(admin)).send({ type: 'text' })).status, 200, 'an unused field may change type');
  });

  it('should answer 404 for another agency’s field', async () => {
    const other = await makeAgency(rt);
    const theirs = (await rt.request().post('/v1/custom-fields').set(auth(other.adminToken)).send({ resource: 'contact', key: 'mine', label: 'Mine', type: 'text' })).body;
    assert.equal((await rt.request().get(`/v1/custom-fields/${theirs.id}`).set(auth(admin))).status, 404);
    assert.equal((await rt.request().delete(`/v1/custom-fields/${theirs.id}`).set(auth(admin))).status, 404);
    assert.equal(await customFieldModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(other.tenantId) }), 1);
  });
});
