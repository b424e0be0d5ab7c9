import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestRuntime } from '../testing/index.js';
import { seedDemoIfEmpty } from './demo.js';
import { contactModel } from '../modules/contacts/contact.model.js';
import { opportunityModel } from '../modules/opportunities/opportunity.model.js';
import { taskModel } from '../modules/tasks/task.model.js';
import { activityModel } from '../modules/activities/activity.model.js';
import { tenantModel } from '../modules/identity/tenant.model.js';

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
    const login = await rt.request().post('/v1/auth/login').send({ email: 'sales@demo.crm.test', password: seeded!.password });
    const token = login.body.accessToken as string;
    const pipelines = await rt.request().get('/v1/pipelines').set('Authorization', `Bearer ${token}`);
    assert.equal(pipelines.body.data.length, 2);
    const board = await rt.request().get(`/v1/pipelines/${pipelines.body.data.find((p: { isDefault: boolean }) => p.isDefault).id}/board`).set('Authorization', `Bearer ${token}`);
    assert.equal(board.status, 200);
    assert.ok(board.body.columns.some((col: { count: number }) => col.count > 0), 'the sales person sees their own deals');
  });
});
