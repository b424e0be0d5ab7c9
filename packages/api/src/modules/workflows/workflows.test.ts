import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import supertest from 'supertest';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { commandsDuring } from '../../testing/commands.js';
import { workflowModel } from '../../platform/workflow/workflow.model.js';

describe('workflows admin', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
  });
  after(() => rt.close());

  it('should list the seeded workflows to any signed-in user', async () => {
    const se = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const res = await rt.request().get('/v1/workflows').set(auth(await signIn(rt, se.email)));
    assert.equal(res.status, 200);
    const customer = res.body.data.find((w: { key: string }) => w.key === 'customer');
    assert.deepEqual(customer.states.map((s: { key: string }) => s.key), ['draft', 'new', 'active', 'inactive', 'blocked']);
    assert.equal((await rt.request().get('/v1/workflows/nope').set(auth(admin))).status, 404);
  });

  it('should validate a replacement, require If-Match, and apply it to transitions', async () => {
    const sysadmin = await makeUser(rt, agency, { role: 'SYSADMIN' });
    const token = await signIn(rt, sysadmin.email);
    const current = (await rt.request().get('/v1/workflows/customer').set(auth(token))).body;
    const invalid = await rt
      .request()
      .put('/v1/workflows/customer')
      .set(auth(token))
      .set('If-Match', String(current.version))
      .send({ name: 'Onboarding', initial: 'missing', states: [{ key: 'draft', label: 'Draft' }, { key: 'draft', label: 'Again' }], transitions: [{ from: 'draft', to: 'gone', roles: ['NOT_A_ROLE'] }] });
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.body.errors.map((e: { field: string }) => e.field).sort(), ['initial', 'states.1.key', 'transitions.0.roles.0', 'transitions.0.to']);
    const body = {
      name: 'Onboarding',
      initial: 'draft',
      states: [
        { key: 'draft', label: 'Draft' },
        { key: 'active', label: 'Active', final: true },
      ],
      transitions: [{ from: 'draft', to: 'active', roles: ['SALES_HEAD'] }],
    };
    const unconditional = await rt.request().put('/v1/workflows/customer').set(auth(token)).send(body);
    assert.equal(unconditional.status, 428, 'If-Match is required');
    assert.equal(unconditional.body.code, 'precondition_required');
    const saved = await rt.request().put('/v1/workflows/customer').set(auth(token)).set('If-Match', String(current.version)).send(body);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.version, current.version + 1);
    const stale = await rt.request().put('/v1/workflows/customer').set(auth(token)).set('If-Match', String(current.version)).send(body);
    assert.equal(stale.status, 412);
    assert.equal(stale.body.code, 'precondition_failed');
    assert.equal(stale.body.current.version, current.version + 1);
    const stored = await workflowModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), key: 'customer' }).lean();
    assert.deepEqual(stored!.transitions.map((t) => [t.from, t.to, [...t.roles]]), [['draft', 'active', ['SALES_HEAD']]]);

    const sp = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const spToken = await signIn(rt, sp.email);
    const customer = (await rt.request().post('/v1/customers').set(auth(spToken)).send({ name: 'Gated' })).body;
    const refused = await rt.request().post(`/v1/customers/${customer.id}/transitions`).set(auth(spToken)).send({ to: 'active' });
    assert.equal(refused.status, 409, 'only SALES_HEAD may activate now');
    assert.deepEqual(refused.body.allowed, []);
    assert.equal((await rt.request().put('/v1/workflows/customer').set(auth(spToken)).set('If-Match', '1').send(body)).status, 403);
  });
});

describe('workflow cache: each workflow read once per agency and process, changes seen by every process', () => {
  // Two API instances (as two processes would be) on one database; each keeps its own cache.
  let a: Awaited<ReturnType<typeof createTestRuntime>>;
  let b: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const createContact = (rt: typeof a, firstName: string) => supertest(rt.app).post('/v1/contacts').set(auth(agency.adminToken)).send({ firstName, lastName: 'Cached' });

  before(async () => {
    const env = { JWT_SECRET: 'workflow-cache-test-secret-0123456789abcdef' }; // one deployment: one secret
    a = await createTestRuntime({ file: import.meta.filename, env });
    b = await createTestRuntime({ dbName: a.dbName, env });
    agency = await makeAgency(a);
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  it('should not read the contact or calling-task workflow on a warm create', async () => {
    assert.equal((await createContact(b, 'First')).status, 201);
    const warm = await commandsDuring(b, async () => assert.equal((await createContact(b, 'Second')).status, 201));
    assert.ok(warm.some(([name, c]) => name === 'insert' && c === 'tasks'), `the automatic task was made (${JSON.stringify(warm)})`);
    assert.deepEqual(warm.filter(([, c]) => c === 'workflows'), [], JSON.stringify(warm));
  });

  it('should apply a workflow changed through the other instance at its next create', async () => {
    assert.equal((await createContact(b, 'Before')).body.status, 'new');
    const sysadmin = await makeUser(a, agency, { role: 'SYSADMIN' });
    const token = await signIn(a, sysadmin.email);
    const current = (await supertest(a.app).get('/v1/workflows/contact').set(auth(token))).body;
    const saved = await supertest(a.app).put('/v1/workflows/contact').set(auth(token)).set('If-Match', String(current.version)).send({ name: current.name, initial: 'hot', states: current.states, transitions: current.transitions });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const created = await createContact(b, 'After');
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.status, 'hot', 'instance B did not reuse its cached workflow');
    const stored = await b.ctx.connection.collection('contacts').findOne({ _id: new Types.ObjectId(created.body.id as string) });
    assert.equal(stored!.status, 'hot');
  });

  it('should not read custom field definitions on a warm create, and apply one defined through the other instance at its next write', async () => {
    const withTier = (rt: typeof a) => supertest(rt.app).post('/v1/contacts').set(auth(agency.adminToken)).send({ firstName: 'Tiered', lastName: 'Cached', custom: { tier: 'gold' } });
    const unknown = await withTier(b);
    assert.equal(unknown.status, 400, 'no such field yet');
    assert.equal(unknown.body.errors[0].field, 'custom.tier');
    const warm = await commandsDuring(b, async () => assert.equal((await createContact(b, 'NoTier')).status, 201));
    assert.deepEqual(warm.filter(([, c]) => c === 'custom_fields'), [], JSON.stringify(warm));
    const defined = await supertest(a.app).post('/v1/custom-fields').set(auth(agency.adminToken)).send({ resource: 'contact', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] });
    assert.equal(defined.status, 201, JSON.stringify(defined.body));
    const created = await withTier(b);
    assert.equal(created.status, 201, `instance B did not reuse its cached definitions: ${JSON.stringify(created.body)}`);
    assert.equal(created.body.custom.tier, 'gold');
  });

  it('should store the seeded default once without moving anyone\'s access stamp', async () => {
    const other = await makeAgency(a);
    const stamp = async () => (await a.ctx.connection.collection('access_versions').findOne({ _id: new Types.ObjectId(other.tenantId) }))?.v ?? null;
    const before = await stamp();
    const results = await Promise.all([a, b, a, b].map((rt, i) => supertest(rt.app).post('/v1/contacts').set(auth(other.adminToken)).send({ firstName: `Race${i}`, lastName: 'Default' })));
    assert.deepEqual(results.map((r) => [r.status, r.body.status]), Array(4).fill([201, 'new']));
    assert.equal(await workflowModel(a.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(other.tenantId), key: 'contact' }), 1);
    assert.equal(await stamp(), before, 'storing the default changes nobody\'s access');
  });
});
