import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { auditEntryModel } from '../audit/audit.model.js';
import { roleModel } from './role.model.js';

describe('roles: custom roles validated against the catalog', () => {
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

  it('should list the built-in roles with their user counts', async () => {
    const res = await rt.request().get('/v1/roles').set(auth());
    assert.equal(res.status, 200);
    const admin = res.body.data.find((r: { key: string }) => r.key === 'ADMIN');
    assert.equal(admin.userCount, 1);
    assert.equal(admin.builtIn, true);
    assert.ok(res.body.data.some((r: { key: string }) => r.key === 'SE'));
  });

  it('should create a custom role under a parent and let a user with it act accordingly', async () => {
    const stm = await roleModel(rt.ctx.connection).findOne({ tenantId, key: 'STM' }).lean();
    const res = await rt
      .request()
      .post('/v1/roles')
      .set(auth())
      .send({ key: 'REGIONAL_LEAD', name: 'Regional lead', parentRoleId: String(stm!._id), permissions: [{ resource: 'audit', actions: ['read'] }, { resource: 'contact', actions: ['read', 'create'] }], visibility: [{ resource: 'contact', scope: 'team' }], exports: [{ resource: 'contact', scope: 'team', columns: ['firstName'], activeProductsOnly: true }] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const stored = await roleModel(rt.ctx.connection).findOne({ tenantId, key: 'REGIONAL_LEAD' }).lean();
    assert.equal(String(stored!.parentRoleId), String(stm!._id));
    assert.equal(stored!.isAdmin, false);
    const user = await makeUser(rt, agency, { role: 'REGIONAL_LEAD' });
    const token = await signIn(rt, user.email);
    assert.equal((await rt.request().get('/v1/audit').set('Authorization', `Bearer ${token}`)).status, 200);
    assert.equal((await rt.request().get('/v1/tenant').set('Authorization', `Bearer ${token}`)).status, 403);
  });

  it('should refuse resources, actions and scopes outside the catalog, and duplicate keys', async () => {
    const bad = await rt.request().post('/v1/roles').set(auth()).send({ key: 'BAD_ROLE', name: 'Bad', permissions: [{ resource: 'spaceship', actions: ['fly'] }], visibility: [{ resource: 'contact', scope: 'galaxy' }] });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.errors.some((e: { field: string }) => e.field.startsWith('permissions.0')));
    assert.ok(bad.body.errors.some((e: { field: string }) => e.field.startsWith('visibility.0')));
    const dupe = await rt.request().post('/v1/roles').set(auth()).send({ key: 'SE', name: 'Another SE' });
    assert.equal(dupe.status, 409);
    assert.equal(await roleModel(rt.ctx.connection).countDocuments({ tenantId, key: 'BAD_ROLE' }), 0);
  });

  it('should audit permission changes with before and after', async () => {
    const se = await roleModel(rt.ctx.connection).findOne({ tenantId, key: 'SE' }).lean();
    const res = await rt.request().patch(`/v1/roles/${se!._id}`).set(auth()).send({ permissions: [{ resource: 'contact', actions: ['read'] }] });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.permissions, [{ resource: 'contact', actions: ['read'] }]);
    const entry = await auditEntryModel(rt.ctx.connection).findOne({ tenantId, type: 'role.permissions_changed', resourceId: String(se!._id) }).lean();
    assert.ok(entry);
    const change = entry.changes.find((c) => c.field === 'permissions');
    assert.deepEqual(change!.to, [{ resource: 'contact', actions: ['read'] }]);
    assert.ok(Array.isArray(change!.from) && (change!.from as unknown[]).length > 1);
  });

  it('should refuse a parent that would make a loop', async () => {
    const sm = await roleModel(rt.ctx.connection).findOne({ tenantId, key: 'SM' }).lean();
    const se = await roleModel(rt.ctx.connection).findOne({ tenantId, key: 'SE' }).lean();
    const res = await rt.request().patch(`/v1/roles/${sm!._id}`).set(auth()).send({ parentRoleId: String(se!._id) });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].code, 'cycle');
  });

  it('should not delete built-in roles, nor roles that users hold', async () => {
    const se = await roleModel(rt.ctx.connection).findOne({ tenantId, key: 'SE' }).lean();
    assert.equal((await rt.request().delete(`/v1/roles/${se!._id}`).set(auth())).status, 409);
    const custom = await rt.request().post('/v1/roles').set(auth()).send({ key: 'TEMP_ROLE', name: 'Temp' });
    const user = await makeUser(rt, agency, { role: 'TEMP_ROLE' });
    const held = await rt.request().delete(`/v1/roles/${custom.body.id}`).set(auth());
    assert.equal(held.status, 409);
    assert.equal(held.body.userCount, 1);
    await rt.ctx.connection.collection('users').deleteOne({ _id: user.id });
    assert.equal((await rt.request().delete(`/v1/roles/${custom.body.id}`).set(auth())).status, 204);
    assert.equal(await roleModel(rt.ctx.connection).countDocuments({ tenantId, key: 'TEMP_ROLE' }), 0);
  });

  it('should not let a non-admin with role rights grant what they lack', async () => {
    const sysRole = await roleModel(rt.ctx.connection).findOne({ tenantId, key: 'SYSADMIN' }).lean();
    await roleModel(rt.ctx.connection).updateOne({ tenantId, _id: sysRole!._id }, { $set: { permissions: [...sysRole!.permissions.filter((p) => p.resource !== 'role'), { resource: 'role', actions: ['read', 'create'] }] } });
    const sys = await makeUser(rt, agency, { role: 'SYSADMIN' });
    const token = await signIn(rt, sys.email);
    const res = await rt.request().post('/v1/roles').set('Authorization', `Bearer ${token}`).send({ key: 'ESCALATED', name: 'Escalated', permissions: [{ resource: 'tenant', actions: ['update'] }] });
    assert.equal(res.status, 403);
    assert.equal(await roleModel(rt.ctx.connection).countDocuments({ tenantId, key: 'ESCALATED' }), 0);
  });
});
