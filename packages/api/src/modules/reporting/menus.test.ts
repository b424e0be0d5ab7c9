import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { orgModel } from '../identity/org.model.js';
import { departmentMenuModel } from './menus.model.js';
import { builtInMenu } from './menus.service.js';

describe('department menus of the internal portal (002)', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const department = async (tenantId: string, key: string) => String((await orgModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(tenantId), kind: 'department', key }).lean())!._id);

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
  });
  after(() => rt.close());

  it("should give each person their department's menu, else the agency's default, else the built-in one", async () => {
    const producer = await signIn(rt, (await makeUser(rt, agency, { role: 'P' })).email);
    const seller = await signIn(rt, (await makeUser(rt, agency, { role: 'SE' })).email);
    const first = await rt.request().get('/v1/menus/mine').set(auth(producer));
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.source, 'built-in');
    assert.deepEqual(first.body.pages, [...builtInMenu]);

    const production = await department(agency.tenantId, 'production');
    assert.equal(first.body.departmentId, production);
    const setDefault = await rt.request().put('/v1/menus/default').set(auth(agency.adminToken)).send({ pages: ['dashboard', 'contacts', 'tasks'] });
    assert.equal(setDefault.status, 200, JSON.stringify(setDefault.body));
    const setProduction = await rt.request().put(`/v1/menus/${production}`).set(auth(agency.adminToken)).send({ pages: ['dashboard', 'leads', 'lead-requests', 'leads', 'admin/templates'] });
    assert.equal(setProduction.status, 200, JSON.stringify(setProduction.body));
    assert.deepEqual(setProduction.body.pages, ['dashboard', 'leads', 'lead-requests', 'admin/templates'], 'a page named twice is kept once, in its first place');

    const mine = await rt.request().get('/v1/menus/mine').set(auth(producer));
    assert.equal(mine.body.source, 'department');
    assert.deepEqual(mine.body.pages, ['dashboard', 'leads', 'lead-requests', 'admin/templates']);
    const theirs = await rt.request().get('/v1/menus/mine').set(auth(seller));
    assert.equal(theirs.body.source, 'default', "a department with no menu of its own gets the agency's default");
    assert.deepEqual(theirs.body.pages, ['dashboard', 'contacts', 'tasks']);

    const listed = await rt.request().get('/v1/menus').set(auth(agency.adminToken));
    assert.deepEqual(listed.body.data.map((m: { department: string }) => m.department), ['default', production]);
    const again = await rt.request().put(`/v1/menus/${production}`).set(auth(agency.adminToken)).send({ pages: ['dashboard'] });
    assert.equal(again.body.version, setProduction.body.version + 1);
    assert.equal(await departmentMenuModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId) }), 2, 'one menu per department, changed in place');
  });

  it('should let only an admin set or list menus, refuse bad page keys, and answer 404 for a department of another agency', async () => {
    const seller = await signIn(rt, (await makeUser(rt, agency, { role: 'SE' })).email);
    const refused = await rt.request().put('/v1/menus/default').set(auth(seller)).send({ pages: ['contacts'] });
    assert.equal(refused.status, 403);
    assert.equal((await rt.request().get('/v1/menus').set(auth(seller))).status, 403);

    const bad = await rt.request().put('/v1/menus/default').set(auth(agency.adminToken)).send({ pages: ['Contacts!', ''] });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.errors.every((e: { field: string }) => e.field.startsWith('pages')));
    assert.equal((await rt.request().put('/v1/menus/default').set(auth(agency.adminToken)).send({ pages: [] })).status, 400);

    const other = await makeAgency(rt);
    const theirDepartment = await department(other.tenantId, 'production');
    const crossed = await rt.request().put(`/v1/menus/${theirDepartment}`).set(auth(agency.adminToken)).send({ pages: ['dashboard'] });
    assert.equal(crossed.status, 404);
    assert.equal(await departmentMenuModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(other.tenantId) }), 0);
    const notADepartment = await rt.request().put('/v1/menus/sales').set(auth(agency.adminToken)).send({ pages: ['dashboard'] });
    assert.equal(notADepartment.status, 400);
    const theirs = await rt.request().get('/v1/menus/mine').set(auth(other.adminToken));
    assert.equal(theirs.body.source, 'built-in', "another agency never sees this agency's default");
  });
});
