import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
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
