import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { segmentModel } from './segment.model.js';

describe('segments', () => {
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
    for (const [name, industry, country, tags] of [
      ['Alpha Fintech', 'Fintech', 'Sweden', ['vip']],
      ['Beta Fintech', 'Fintech', 'Norway', []],
      ['Gamma Retail', 'Retail', 'Sweden', ['vip']],
    ] as const) {
      await rt.request().post('/v1/customers').set(auth(admin)).send({ name, industry, address: { country }, tags }).expect(201);
    }
  });
  after(() => rt.close());

  it('should validate saved filters and name the bad ones', async () => {
    const bad = await rt.request().post('/v1/segments').set(auth(admin)).send({ name: 'Bad', resource: 'customer', filters: { colour: 'red', rating: 'high', 'createdAt.gte': 'yesterday-ish', q: '!' } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['filters.colour', 'filters.createdAt.gte', 'filters.q', 'filters.rating']);
    assert.equal(await segmentModel(rt.ctx.connection).countDocuments({ tenantId }), 0);
  });

  it('should evaluate members and count through the list, paginated', async () => {
    const seg = await rt.request().post('/v1/segments').set(auth(admin)).send({ name: 'Swedish VIPs', resource: 'customer', filters: { country: 'Sweden', tag: 'vip' }, sharing: 'agency' });
    assert.equal(seg.status, 201, JSON.stringify(seg.body));
    assert.deepEqual(seg.body.filters, { country: 'Sweden', tag: 'vip' });
    const first = await rt.request().get(`/v1/segments/${seg.body.id}/members`).query({ limit: 1, sort: 'name' }).set(auth(admin));
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.data.map((c: { name: string }) => c.name), ['Alpha Fintech']);
    assert.equal(first.body.hasMore, true);
    const second = await rt.request().get(`/v1/segments/${seg.body.id}/members`).query({ limit: 1, sort: 'name', cursor: first.body.nextCursor }).set(auth(admin));
    assert.deepEqual(second.body.data.map((c: { name: string }) => c.name), ['Gamma Retail']);
    const count = await rt.request().get(`/v1/segments/${seg.body.id}/count`).set(auth(admin));
    assert.equal(count.body.count, 2);
    const fintech = await rt.request().patch(`/v1/segments/${seg.body.id}`).set(auth(admin)).set('If-Match', String(seg.body.version)).send({ filters: { industry: 'Fintech' } });
    assert.equal(fintech.status, 200);
    assert.equal((await rt.request().get(`/v1/segments/${seg.body.id}/count`).set(auth(admin))).body.count, 2);
    const stored = await segmentModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(seg.body.id) }).lean();
    assert.deepEqual(stored!.filters.map((f) => [f.param, f.value]), [['industry', 'Fintech']]);
  });

  it('should apply the caller’s visibility to members and keep private segments private', async () => {
    const sp = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const token = await signIn(rt, sp.email);
    await rt.request().post('/v1/customers').set(auth(token)).send({ name: 'Delta Fintech', industry: 'Fintech' }).expect(201);
    const shared = await rt.request().post('/v1/segments').set(auth(admin)).send({ name: 'All fintech', resource: 'customer', filters: { industry: 'Fintech' }, sharing: 'agency' });
    const members = await rt.request().get(`/v1/segments/${shared.body.id}/members`).set(auth(token));
    assert.deepEqual(members.body.data.map((c: { name: string }) => c.name), ['Delta Fintech'], 'a sales person sees only their own customers');
    assert.equal((await rt.request().get(`/v1/segments/${shared.body.id}/count`).set(auth(admin))).body.count, 3);
    assert.equal((await rt.request().patch(`/v1/segments/${shared.body.id}`).set(auth(token)).send({ name: 'Mine now' })).status, 403);

    const secret = await rt.request().post('/v1/segments').set(auth(admin)).send({ name: 'Private', resource: 'contact', filters: {} });
    assert.equal(secret.body.sharing, 'private');
    assert.equal((await rt.request().get(`/v1/segments/${secret.body.id}`).set(auth(token))).status, 404);
    const list = await rt.request().get('/v1/segments').set(auth(token));
    assert.ok(!list.body.data.some((s: { id: string }) => s.id === secret.body.id));
    const own = await rt.request().post('/v1/segments').set(auth(token)).send({ name: 'My pipeline', resource: 'customer', filters: { industry: 'Fintech' } });
    assert.equal(own.status, 201);
    assert.equal((await rt.request().delete(`/v1/segments/${own.body.id}`).set(auth(token))).status, 204);
    assert.equal(await segmentModel(rt.ctx.connection).countDocuments({ tenantId, _id: new Types.ObjectId(own.body.id) }), 0);
    const team = await rt.request().post('/v1/segments').set(auth(token)).send({ name: 'Team', resource: 'customer', sharing: 'team' });
    assert.equal(team.body.errors[0].field, 'teamId');
  });

  it('should answer 404 for another agency’s segment', async () => {
    const other = await makeAgency(rt);
    const theirs = (await rt.request().post('/v1/segments').set(auth(other.adminToken)).send({ name: 'Theirs', resource: 'contact', sharing: 'agency' })).body;
    assert.equal((await rt.request().get(`/v1/segments/${theirs.id}/members`).set(auth(admin))).status, 404);
    assert.equal((await rt.request().delete(`/v1/segments/${theirs.id}`).set(auth(admin))).status, 404);
    assert.equal(await segmentModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(other.tenantId) }), 1);
  });
});
