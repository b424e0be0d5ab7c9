import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { currentOpenApiDocument } from '../../openapi-document.js';
import { roleModel } from '../../modules/identity/role.model.js';
import { JOBS_COLLECTION } from '../jobs/jobs.js';
import { IDEMPOTENCY_EXPIRY_JOB, IDEMPOTENCY_TTL_MS, idempotencyModel } from './idempotency.js';

type Operation = { operationId: string; 'x-access'?: string; 'x-idempotency'?: string; parameters?: { name: string; in: string }[]; responses: Record<string, unknown> };

/**
 * `Idempotency-Key` is declared once, by the router, for every create: these tests retry creates of
 * resources that are not CRM records (templates, roles, teams, API keys) and check what is stored.
 */
describe('idempotency: every create honours Idempotency-Key', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let tenantId: Types.ObjectId;
  const post = (path: string, body: object, key?: string) => {
    const req = rt.request().post(path).set('Authorization', `Bearer ${agency.adminToken}`);
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };
  const count = (collection: string, filter: Record<string, unknown>) => rt.ctx.connection.db!.collection(collection).countDocuments({ tenantId, ...filter });

  before(async () => {
    // A short lock lifetime, because Agenda keeps a liveness timer of half of it after each run.
    rt = await createTestRuntime({ file: import.meta.filename, env: { JOBS_PROCESS_EVERY_MS: '100', JOBS_LOCK_LIFETIME_MS: '2000' } });
    agency = await makeAgency(rt);
    tenantId = new Types.ObjectId(agency.tenantId);
  });
  after(() => rt.close());

  it('should declare Idempotency-Key on every authenticated POST that answers 201, in the OpenAPI document', () => {
    const document = currentOpenApiDocument() as { paths: Record<string, Record<string, Operation>> };
    const creates = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method, op]) => method === 'post' && '201' in op.responses && op['x-access'] !== 'public')
        .map(([, op]) => ({ path, op })),
    );
    assert.ok(creates.length >= 20, `only ${creates.length} creates`);
    for (const { path, op } of creates) {
      assert.ok(op['x-idempotency'] === 'replay' || op['x-idempotency'] === 'once', `${op.operationId} (${path}) does not honour Idempotency-Key`);
      assert.ok(op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'), `${op.operationId} does not document the header`);
    }
    const byId = Object.fromEntries(creates.map(({ op }) => [op.operationId, op['x-idempotency']]));
    assert.equal(byId.createApiKey, 'once');
    assert.equal(byId.createTemplate, 'replay');
  });

  it('should create a template once when the same create is retried, and replay the first answer', async () => {
    const body = { name: 'Welcome retry', category: 'greeting', subject: 'Hello {{firstName}}', html: '<p>Hi {{firstName}}</p>', text: 'Hi {{firstName}}' };
    const first = await post('/v1/templates', body, 'tpl-retry-1');
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.headers['idempotent-replayed'], undefined);
    const retry = await post('/v1/templates', body, 'tpl-retry-1');
    assert.equal(retry.status, 201);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.deepEqual(retry.body, first.body);
    assert.equal(await count('messageTemplates', { name: 'Welcome retry' }), 1);
    const list = await rt.request().get('/v1/templates').set('Authorization', `Bearer ${agency.adminToken}`);
    assert.equal(list.body.data.filter((t: { name: string }) => t.name === 'Welcome retry').length, 1);
  });

  it('should create a role and a team once each when retried, with keys scoped per operation', async () => {
    const role = { key: 'RETRY_LEAD', name: 'Retry lead' };
    const a = await post('/v1/roles', role, 'shared-key');
    const b = await post('/v1/roles', role, 'shared-key');
    assert.equal(a.status, 201, JSON.stringify(a.body));
    assert.equal(b.status, 201);
    assert.equal(b.body.id, a.body.id);
    assert.equal(await roleModel(rt.ctx.connection).countDocuments({ tenantId, key: 'RETRY_LEAD' }), 1);

    // The same key on another operation is another request, not a conflict.
    const team = await post('/v1/org/teams', { name: 'Retry team' }, 'shared-key');
    assert.equal(team.status, 201, JSON.stringify(team.body));
    const teamAgain = await post('/v1/org/teams', { name: 'Retry team' }, 'shared-key');
    assert.equal(teamAgain.body.id, team.body.id);
    const teams = await rt.request().get('/v1/org/teams').set('Authorization', `Bearer ${agency.adminToken}`);
    assert.equal(teams.body.data.filter((t: { name: string }) => t.name === 'Retry team').length, 1);
  });

  it('should refuse the same key with a different body, and create nothing', async () => {
    await post('/v1/org/teams', { name: 'Team one' }, 'team-key-2');
    const other = await post('/v1/org/teams', { name: 'Team two' }, 'team-key-2');
    assert.equal(other.status, 409);
    assert.equal(other.body.code, 'conflict');
    assert.match(other.body.detail, /different request/);
    const teams = await rt.request().get('/v1/org/teams').set('Authorization', `Bearer ${agency.adminToken}`);
    assert.equal(teams.body.data.filter((t: { name: string }) => t.name === 'Team two').length, 0);
  });

  it('should run a failed create afresh on retry (a failure leaves no key behind)', async () => {
    const bad = await post('/v1/roles', { key: 'RETRY_BAD', name: 'x', parentRoleId: new Types.ObjectId().toHexString() }, 'fails-first');
    assert.ok(bad.status >= 400 && bad.status < 500, String(bad.status));
    const good = await post('/v1/roles', { key: 'RETRY_BAD', name: 'x' }, 'fails-first');
    assert.equal(good.status, 201, JSON.stringify(good.body));
  });

  it('should never create a second API key on retry, nor keep or replay its secret', async () => {
    const se = await roleModel(rt.ctx.connection).findOne({ tenantId, key: 'SE' }).lean();
    const body = { kind: 'secret', name: 'Retry key', roleId: String(se!._id) };
    const first = await post('/v1/api-keys', body, 'key-retry-1');
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.match(first.body.key, /^sk_/);
    const retry = await post('/v1/api-keys', body, 'key-retry-1');
    assert.equal(retry.status, 409);
    assert.equal(retry.body.id, first.body.id);
    assert.ok(!JSON.stringify(retry.body).includes(first.body.key), 'the retry showed the secret again');
    assert.equal(await count('api_keys', { name: 'Retry key' }), 1);
    const stored = await idempotencyModel(rt.ctx.connection).find({ tenantId }).lean();
    assert.ok(stored.length > 0);
    assert.ok(!JSON.stringify(stored).includes(first.body.key), 'the secret was stored with the idempotency key');
    // The key works, and only one exists.
    const me = await rt.request().get('/v1/me').set('Authorization', `Bearer ${first.body.key}`);
    assert.equal(me.status, 200);
  });

  it('should still create once per call without a key', async () => {
    const a = await post('/v1/org/teams', { name: 'No key' });
    const b = await post('/v1/org/teams', { name: 'No key' });
    assert.ok(a.status === 201 && (b.status === 201 || b.status === 409));
    if (b.status === 201) assert.notEqual(a.body.id, b.body.id);
  });

  it('should forget keys after 24 hours through the hourly expiry job', async () => {
    const Idempotency = idempotencyModel(rt.ctx.connection);
    const old = await Idempotency.create({ tenantId, scope: 'test:expiry', key: 'old', requestHash: 'x', state: 'completed', status: 201, body: null, createdAt: new Date(Date.now() - IDEMPOTENCY_TTL_MS - 60_000) });
    const fresh = await Idempotency.create({ tenantId, scope: 'test:expiry', key: 'fresh', requestHash: 'x', state: 'completed', status: 201, body: null });
    await rt.ctx.jobs.start();
    const stored = await rt.ctx.connection.db!.collection(JOBS_COLLECTION).find({ name: IDEMPOTENCY_EXPIRY_JOB }).toArray();
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.repeatInterval, '23 * * * *');
    await rt.ctx.jobs.agenda.now(IDEMPOTENCY_EXPIRY_JOB);
    const deadline = Date.now() + 20_000;
    while ((await Idempotency.countDocuments({ tenantId, _id: old._id })) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await Idempotency.countDocuments({ tenantId, _id: old._id }), 0, 'the expired key is still there');
    assert.equal(await Idempotency.countDocuments({ tenantId, _id: fresh._id }), 1);
  });
});
