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
import { customerModel } from '../modules/customers/customer.model.js';
import { roleModel } from '../modules/identity/role.model.js';

describe('demo seed', () => {
  it('should make demo data that reads real: unique people and companies, distinct deals, complete addresses, a spread over stages, owners and dates', async () => {
    const local = await createTestRuntime({ file: import.meta.filename });
    try {
      await seedDemoIfEmpty(local.ctx);
      const c = local.ctx.connection;
      const tenant = (await tenantModel(c).findOne({}).setOptions({ crossTenant: 'test' }).lean())!;
      const contacts = await contactModel(c).find({ tenantId: tenant._id }).lean();
      const leads = await leadModel(c).find({ tenantId: tenant._id, kind: 'individual' }).lean();
      const names = [...contacts, ...leads].map((p) => [p.firstName, p.middleName, p.lastName].filter(Boolean).join(' '));
      assert.equal(new Set(names).size, names.length, 'a person name repeats');
      assert.equal(new Set(contacts.map((p) => p.emails[0]!.value)).size, contacts.length, 'an email repeats');
      for (const p of contacts) {
        const a = p.addresses[0]!;
        assert.ok(a.line1 && /\d/.test(a.line1) && a.postalCode && a.city && a.country, `incomplete address: ${JSON.stringify(a)}`);
      }
      assert.ok(contacts.filter((p) => p.addresses[0]!.city === 'Lisbon').length >= 5, 'five or more contacts live in Lisbon');
      const customers = await customerModel(c).find({ tenantId: tenant._id }).lean();
      assert.equal(new Set(customers.map((x) => x.name)).size, customers.length, 'a company name repeats');
      const deals = await opportunityModel(c).find({ tenantId: tenant._id }).lean();
      assert.equal(new Set(deals.map((d) => d.name)).size, deals.length, 'a deal name repeats');
      const stages = new Set(deals.map((d) => `${String(d.pipelineId)}:${d.stage}`));
      assert.ok(stages.size >= 9, `deals sit in only ${stages.size} stages`);
      for (const lost of deals.filter((d) => d.stageKind === 'lost')) assert.ok(lost.lostReason, 'a lost deal without a reason');
      assert.ok(new Set(deals.map((d) => String(d.ownerId))).size >= 3, 'deals belong to fewer than three people');
      const days = contacts.map((p) => p.createdAt!.getTime());
      assert.ok(Math.max(...days) - Math.min(...days) > 90 * 86_400_000, 'contacts were all created within three months');
    } finally {
      await local.close();
    }
  });

  it('should list the demo logins by role name on the first start and on the next (seed skipped)', async () => {
    const local = await createTestRuntime({ file: import.meta.filename });
    try {
      const first = (await seedDemoIfEmpty(local.ctx))!;
      const second = (await seedDemoIfEmpty(local.ctx))!;
      assert.equal(await tenantModel(local.ctx.connection).countDocuments({}), 1, 'the second start seeded again');
      assert.deepEqual(second, first);
      const roles = await roleModel(local.ctx.connection).find({}).setOptions({ crossTenant: 'test' }).lean();
      assert.equal(first.logins.length, 11);
      for (const login of first.logins) {
        assert.ok(roles.some((r) => r.name === login.role), `"${login.role}" is not a role name`);
        assert.ok(!roles.some((r) => r.key === login.role && r.key !== r.name), `"${login.role}" is a role key`);
      }
      assert.ok(first.logins.some((l) => l.role === 'Sales Person' || /sales/i.test(l.role)));
    } finally {
      await local.close();
    }
  });

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
    const someLead = (await leadModel(c).findOne({ tenantId: tenant._id, kind: 'individual' }).lean())!;
    const found = await rt.request().get('/v1/leads').query({ q: someLead.lastName }).set(as(admin));
    assert.ok(found.body.data.some((l: { id: string }) => l.id === String(someLead._id)), JSON.stringify(found.body));
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
    for (const pipeline of pipelines.body.data as { name: string; stages: { key: string; name: string; kind: string }[] }[]) {
      assert.deepEqual(pipeline.stages.slice(-2).map((st) => [st.name, st.kind]), [['Won', 'won'], ['Lost', 'lost']], `${pipeline.name} ends in Won and Lost`);
    }
    const board = await rt.request().get(`/v1/pipelines/${pipelines.body.data.find((p: { isDefault: boolean }) => p.isDefault).id}/board`).set('Authorization', `Bearer ${token}`);
    assert.equal(board.status, 200);
    assert.ok(board.body.columns.some((col: { count: number }) => col.count > 0), 'the sales person sees their own deals');
  });
});
