import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { sha256 } from '../../platform/auth/tokens.js';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { roleModel } from '../identity/role.model.js';
import { apiKeyModel } from './api-key.model.js';

describe('API keys: secret keys for servers, publishable keys for widgets', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let tenantId: Types.ObjectId;
  const auth = () => ({ Authorization: `Bearer ${agency.adminToken}` });
  const origin = 'https://www.partner.example';

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt, 'Keyholders Ltd');
    tenantId = new Types.ObjectId(agency.tenantId);
  });
  after(() => rt.close());

  async function roleId(key: string): Promise<string> {
    return String((await roleModel(rt.ctx.connection).findOne({ tenantId, key }).lean())!._id);
  }

  it('should show a secret key once, store only its hash and prefix, and authenticate with its role', async () => {
    const res = await rt.request().post('/v1/api-keys').set(auth()).send({ kind: 'secret', name: 'Backend sync', roleId: await roleId('SE') });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.match(res.body.key, /^sk_live_[A-Za-z0-9_-]{40,}$/);
    assert.equal(res.body.prefix, res.body.key.slice(0, 12));
    const stored = await apiKeyModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(res.body.id) }).lean();
    assert.equal(stored!.keyHash, sha256(res.body.key));
    assert.ok(!JSON.stringify(stored).includes(res.body.key));
    const listed = await rt.request().get('/v1/api-keys').set(auth());
    assert.ok(!JSON.stringify(listed.body).includes(res.body.key));

    const me = await rt.request().get('/v1/me').set('Authorization', `Bearer ${res.body.key}`);
    assert.equal(me.status, 200);
    assert.equal(me.body.via, 'apiKey');
    assert.equal(me.body.role.key, 'SE');
    assert.equal((await rt.request().get('/v1/roles').set('Authorization', `Bearer ${res.body.key}`)).status, 403, 'the key has only its role');
    const used = await apiKeyModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(res.body.id) }).lean();
    assert.ok(used!.lastUsedAt, 'last use is recorded');
  });

  it('should refuse a revoked key and a made-up key', async () => {
    const created = await rt.request().post('/v1/api-keys').set(auth()).send({ kind: 'secret', name: 'Temp', roleId: await roleId('ADMIN') });
    assert.equal((await rt.request().get('/v1/me').set('Authorization', `Bearer ${created.body.key}`)).status, 200);
    assert.equal((await rt.request().delete(`/v1/api-keys/${created.body.id}`).set(auth())).status, 204);
    assert.equal((await rt.request().get('/v1/me').set('Authorization', `Bearer ${created.body.key}`)).status, 401);
    assert.equal((await rt.request().get('/v1/me').set('Authorization', 'Bearer sk_live_not-a-real-key-at-all-000000000000')).status, 401);
    const stored = await apiKeyModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(created.body.id) }).lean();
    assert.ok(stored!.revokedAt);
  });

  it('should not let a non-admin mint a key stronger than their own role', async () => {
    const sm = await roleModel(rt.ctx.connection).findOne({ tenantId, key: 'SM' }).lean();
    await roleModel(rt.ctx.connection).updateOne({ tenantId, _id: sm!._id }, { $set: { permissions: [...sm!.permissions, { resource: 'apiKey', actions: ['create', 'read'] }] } });
    const manager = await makeUser(rt, agency, { role: 'SM' });
    const token = await signIn(rt, manager.email);
    const stronger = await rt.request().post('/v1/api-keys').set('Authorization', `Bearer ${token}`).send({ kind: 'secret', name: 'Mine', roleId: await roleId('ADMIN') });
    assert.equal(stronger.status, 403);
    const lower = await rt.request().post('/v1/api-keys').set('Authorization', `Bearer ${token}`).send({ kind: 'secret', name: 'Mine', roleId: await roleId('SE') });
    assert.equal(lower.status, 201);
    assert.equal(await apiKeyModel(rt.ctx.connection).countDocuments({ tenantId, ownerId: manager.id }), 1);
  });

  it('should let a publishable key reach /v1/public/ping from an allowed origin only, with CORS for it', async () => {
    const created = await rt.request().post('/v1/api-keys').set(auth()).send({ kind: 'publishable', name: 'Website', allowedOrigins: [origin, 'http://localhost:8080'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.key, /^pk_live_/);
    const pk = created.body.key as string;

    const ok = await rt.request().get('/v1/public/ping').set('Authorization', `Bearer ${pk}`).set('Origin', origin);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { tenant: 'Keyholders Ltd' });
    assert.equal(ok.headers['access-control-allow-origin'], origin);
    const viaHeader = await rt.request().get('/v1/public/ping').set('X-Crm-Key', pk).set('Origin', 'http://localhost:8080');
    assert.equal(viaHeader.status, 200);

    for (const wrong of ['https://evil.example', 'http://www.partner.example', 'https://www.partner.example:8443', 'https://partner.example']) {
      const res = await rt.request().get('/v1/public/ping').set('Authorization', `Bearer ${pk}`).set('Origin', wrong);
      assert.equal(res.status, 403, wrong);
      // The page may read the refusal (so a widget can say the site is not allowed), never the answer.
      assert.equal(res.headers['access-control-allow-origin'], wrong);
      assert.equal(res.body.code, 'forbidden');
      assert.equal(res.body.tenant, undefined);
    }
    assert.equal((await rt.request().get('/v1/public/ping').set('Authorization', `Bearer ${pk}`)).status, 403, 'no Origin');
    assert.equal((await rt.request().get('/v1/public/ping').set('Origin', origin)).status, 401, 'no key');

    const preflight = await rt.request().options('/v1/public/ping').set('Origin', origin).set('Access-Control-Request-Method', 'GET').set('Access-Control-Request-Headers', 'authorization');
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], origin);
    assert.match(preflight.headers['access-control-allow-headers']!, /Authorization/);
  });

  it('should keep a publishable key away from every other route, and a secret key away from public ones', async () => {
    const created = await rt.request().post('/v1/api-keys').set(auth()).send({ kind: 'publishable', name: 'Site', allowedOrigins: [origin] });
    const pk = created.body.key as string;
    assert.equal((await rt.request().get('/v1/users').set('Authorization', `Bearer ${pk}`).set('Origin', origin)).status, 401);
    assert.equal((await rt.request().post('/v1/auth/login').set('Authorization', `Bearer ${pk}`).send({ email: agency.adminEmail, password: 'x' })).status, 401);
    const sk = await rt.request().post('/v1/api-keys').set(auth()).send({ kind: 'secret', name: 'S', roleId: await roleId('ADMIN') });
    assert.equal((await rt.request().get('/v1/public/ping').set('Authorization', `Bearer ${sk.body.key}`).set('Origin', origin)).status, 401);
    await rt.request().delete(`/v1/api-keys/${created.body.id}`).set(auth());
    assert.equal((await rt.request().get('/v1/public/ping').set('Authorization', `Bearer ${pk}`).set('Origin', origin)).status, 401, 'revoked');
  });

  it('should validate origins as exact scheme://host[:port] and update them', async () => {
    const bad = await rt.request().post('/v1/api-keys').set(auth()).send({ kind: 'publishable', name: 'Bad', allowedOrigins: ['https://x.example/path', '*', 'ftp://x.example'] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors.length, 3);
    const created = await rt.request().post('/v1/api-keys').set(auth()).send({ kind: 'publishable', name: 'Good', allowedOrigins: [origin] });
    const updated = await rt.request().patch(`/v1/api-keys/${created.body.id}`).set(auth()).send({ allowedOrigins: ['https://new.partner.example'] });
    assert.equal(updated.status, 200);
    assert.equal((await rt.request().get('/v1/public/ping').set('X-Crm-Key', created.body.key).set('Origin', origin)).status, 403);
    assert.equal((await rt.request().get('/v1/public/ping').set('X-Crm-Key', created.body.key).set('Origin', 'https://new.partner.example')).status, 200);
  });

  it('should audit key creation and revocation with the acting key or user', async () => {
    const created = await rt.request().post('/v1/api-keys').set(auth()).send({ kind: 'secret', name: 'Audited', roleId: await roleId('ADMIN') });
    // Acting through the key itself: the audit entry names the key as the actor.
    const child = await rt.request().post('/v1/org/designations').set('Authorization', `Bearer ${created.body.key}`).send({ name: 'Made by key' });
    assert.equal(child.status, 201);
    const entries = await rt.request().get(`/v1/audit?actor=${created.body.id}`).set(auth());
    assert.equal(entries.body.data[0].type, 'org.designation.created');
    assert.equal(entries.body.data[0].actor.apiKeyId, created.body.id);
    const createdEntry = await rt.request().get(`/v1/audit?type=apiKey.created&resourceId=${created.body.id}`).set(auth());
    assert.equal(createdEntry.body.data.length, 1);
    assert.ok(!JSON.stringify(createdEntry.body).includes(created.body.key), 'the audit trail never holds the key');
  });
});
