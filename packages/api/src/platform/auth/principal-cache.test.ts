import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import supertest from 'supertest';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { commandsDuring as commandsOf } from '../../testing/commands.js';
import { ACCESS_VERSIONS } from './principal-cache.js';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

// Collections that make up who the caller is (the session and the principal) and the access counter.
const IDENTITY = new Set(['sessions', 'users', 'roles', 'org_nodes', 'products', ACCESS_VERSIONS]);

describe('principal cache: who the caller is, cached per session, invalidated in every process', () => {
  // Two API instances (as two processes would be) on one database; each keeps its own cache.
  let a: TestRuntime;
  let b: TestRuntime;
  let agency: TestAgency;
  let user: { id: { toString(): string }; email: string };
  let token: string;

  before(async () => {
    const env = { JWT_SECRET: 'principal-cache-test-secret-0123456789abcdef' }; // one deployment: one secret
    a = await createTestRuntime({ file: import.meta.filename, env });
    b = await createTestRuntime({ dbName: a.dbName, env });
    agency = await makeAgency(a);
    user = await makeUser(a, agency, { role: 'SALES_PERSON' });
    token = await signIn(a, user.email);
  });

  after(async () => {
    await b?.close();
    await a?.close();
  });

  const me = (rt: TestRuntime, bearer = token) => supertest(rt.app).get('/v1/me').set('Authorization', `Bearer ${bearer}`);

  it('should spend one round trip on who the caller is when warm, and load it all when cold', async () => {
    const cold = await commandsOf(b, async () => assert.equal((await me(b)).status, 200));
    const coldIdentity = cold.filter(([, c]) => IDENTITY.has(c));
    assert.ok(coldIdentity.length >= 4, `cold: the session, user, roles, teams and products are read (${JSON.stringify(cold)})`);

    const warm = await commandsOf(b, async () => assert.equal((await me(b)).status, 200));
    const warmIdentity = warm.filter(([, c]) => IDENTITY.has(c) && c !== 'users' && c !== 'tenants');
    assert.deepEqual(warmIdentity, [['find', ACCESS_VERSIONS]], `warm: only the access counter (${JSON.stringify(warm)})`);
  });

  it('should see a role change made through the other instance at the next request', async () => {
    assert.equal((await me(b)).body.role.key, 'SALES_PERSON');
    const roles = await supertest(a.app).get('/v1/roles').set('Authorization', `Bearer ${agency.adminToken}`);
    assert.equal(roles.status, 200, JSON.stringify(roles.body));
    const head = (roles.body.data as { id: string; key: string }[]).find((r) => r.key === 'SALES_HEAD')!;
    const changed = await supertest(a.app).patch(`/v1/users/${user.id}`).set('Authorization', `Bearer ${agency.adminToken}`).send({ roleId: head.id });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const after = await me(b);
    assert.equal(after.status, 200);
    assert.equal(after.body.role.key, 'SALES_HEAD', 'instance B did not reuse its cached principal');
  });

  it('should refuse a session revoked through the other instance at once', async () => {
    const second = await signIn(a, user.email);
    assert.equal((await me(b, second)).status, 200, 'cached on B');
    assert.equal((await supertest(a.app).post('/v1/auth/logout').set('Authorization', `Bearer ${second}`)).status, 204);
    assert.equal((await me(b, second)).status, 401, 'B refuses the revoked session at its next request');
    assert.equal((await me(b)).status, 200, 'the other session of the same user still works');
  });

  it('should not reload when a write touches nothing a principal is made of (a contact, a sign-in)', async () => {
    await me(b); // warm
    await signIn(a, user.email); // a new session and the user's lastLoginAt: nobody's access changes
    const created = await supertest(a.app).post('/v1/contacts').set('Authorization', `Bearer ${token}`).send({ firstName: 'Ada', lastName: 'Lovelace' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const warm = await commandsOf(b, async () => assert.equal((await me(b)).status, 200));
    assert.deepEqual(warm.filter(([, c]) => IDENTITY.has(c) && c !== 'users' && c !== 'tenants'), [['find', ACCESS_VERSIONS]], JSON.stringify(warm));
  });
});
