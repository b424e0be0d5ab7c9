import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestRuntime } from '../testing/index.js';
import { seedDemoIfEmpty } from './demo.js';
import { contactModel } from '../modules/contacts/contact.model.js';
import { opportunityModel } from '../modules/opportunities/opportunity.model.js';
import { taskModel } from '../modules/tasks/task.model.js';
import { activityModel } from '../modules/activities/activity.model.js';
import { tenantModel } from '../modules/identity/tenant.model.js';
import { leadModel } from '../modules/leads/lead.model.js';

describe('demo seed', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
  });
  after(() => rt.close());

  it('should seed an agency with contacts, customers, pipelines, opportunities, tasks and activities', async () => {
    const seeded = await seedDemoIfEmpty(rt.ctx);
    assert.equal(seeded!.tenantName, 'Northwind Events');
    const tenant = (await tenantModel(rt.ctx.connection).findOne({}).setOptions({ crossTenant: 'test' }).lean())!;
    const c = rt.ctx.connection;
    assert.equal(await contactModel(c).countDocuments({ tenantId: tenant._id }), 60);
    assert.ok((await opportunityModel(c).countDocuments({ tenantId: tenant._id })) >= 25);
    assert.ok((await taskModel(c).countDocuments({ tenantId: tenant._id })) >= 10);
    assert.ok((await activityModel(c).countDocuments({ tenantId: tenant._id })) >= 30);
    assert.ok((await leadModel(c).countDocuments({ tenantId: tenant._id })) >= 15);
    const admin = (await rt.request().post('/v1/auth/login').send({ email: 'admin@demo.crm.test', password: seeded!.password })).body.accessToken as string;
    const as = (token: string) => ({ Authorization: `Bearer ${token}` });
    // Seeded data answers the API's own queries: leads by status and search, the account tree, segments.
    const qualified = await rt.request().get('/v1/leads').query({ status: 'qualified' }).set(as(admin));
    assert.equal(qualified.status, 200, JSON.stringify(qualified.body));
    assert.ok(qualified.body.data.length > 0 && qualified.body.data.every((l: { status: string }) => l.status === 'qualified'));
    const found = await rt.request().get('/v1/leads').query({ q: 'monteiro' }).set(as(admin));
    assert.deepEqual(found.body.data.map((l: { lastName: string }) => l.lastName), ['Monteiro']);
    const hq = (await rt.request().get('/v1/customers').query({ q: 'banco atlantico' }).set(as(admin))).body.data.find((a: { parentId: string | null }) => !a.parentId);
    const subtree = await rt.request().get(`/v1/customers/${hq.id}/subtree`).set(as(admin));
    assert.equal(subtree.status, 200, JSON.stringify(subtree.body));
    assert.equal(subtree.body.data.length, 3, 'two branches and a product line');
    const rollup = await rt.request().get(`/v1/customers/${hq.id}/rollup`).set(as(admin));
    assert.equal(rollup.body.descendantCount, 3, JSON.stringify(rollup.body));
    assert.equal(rollup.body.childCount, 2);
    assert.deepEqual(rollup.body.creditLimitTotals.find((t: { currency: string | null }) => t.currency === 'EUR')?.creditLimit, 20_000 + 35_000 + 50_000);
    const segments = await rt.request().get('/v1/segments').set(as(admin));
    const speakers = segments.body.data.find((g: { name: string }) => g.name === 'Speakers');
    const members = await rt.request().get(`/v1/segments/${speakers.id}/members`).set(as(admin));
    assert.equal(members.status, 200, JSON.stringify(members.body));
    assert.ok(members.body.data.length > 0 && members.body.data.every((m: { tags: string[] }) => m.tags.includes('speaker')));
    const login = await rt.request().post('/v1/auth/login').send({ email: 'sales@demo.crm.test', password: seeded!.password });
    const token = login.body.accessToken as string;
    const pipelines = await rt.request().get('/v1/pipelines').set('Authorization', `Bearer ${token}`);
    assert.equal(pipelines.body.data.length, 2);
    const board = await rt.request().get(`/v1/pipelines/${pipelines.body.data.find((p: { isDefault: boolean }) => p.isDefault).id}/board`).set('Authorization', `Bearer ${token}`);
    assert.equal(board.status, 200);
    assert.ok(board.body.columns.some((col: { count: number }) => col.count > 0), 'the sales person sees their own deals');
  });
});
