import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import supertest from 'supertest';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { commandsDuring as commandsOf } from '../../testing/commands.js';
import { ACCESS_VERSIONS } from './principal-cache.js';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

// Collections that make up who the caller is (the session and the principal) and the access counter.
const IDENTITY = new Set(['sessions', 'roles', 'org_nodes', 'products', ACCESS_VERSIONS]);
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Until the instance's Redis subscription is live, requests read the database counter: wait for it. */
async function untilSubscribed(rt: TestRuntime, request: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const identity = (await commandsOf(rt, request)).filter(([, c]) => IDENTITY.has(c));
    if (identity.length === 0) return;
    if (Date.now() > deadline) throw new Error(`the access channel never went live: ${JSON.stringify(identity)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('principal cache over Redis: no identity round trip when warm, changes published to every process', () => {
  // Two API instances (as two processes would be) on one database and one Redis; each keeps its own cache.
  let a: TestRuntime;
  let b: TestRuntime;
  let agency: TestAgency;
  let user: { id: { toString(): string }; email: string };
  let token: string;

  before(async () => {
    const env = { JWT_SECRET: 'principal-cache-redis-test-secret-0123456789', REDIS_URL };
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

  it('should send no identity command at all on a warm request', async () => {
    await untilSubscribed(b, () => me(b));
    const warm = await commandsOf(b, async () => assert.equal((await me(b)).status, 200));
    assert.deepEqual(warm.filter(([, c]) => IDENTITY.has(c)), [], `warm: nothing about who the caller is (${JSON.stringify(warm)})`);
  });

  it('should see a role change made through the other instance at the next request', async () => {
    await untilSubscribed(b, () => me(b));
    assert.equal((await me(b)).body.role.key, 'SALES_PERSON');
    const roles = await supertest(a.app).get('/v1/roles').set('Authorization', `Bearer ${agency.adminToken}`);
    const head = (roles.body.data as { id: string; key: string }[]).find((r) => r.key === 'SALES_HEAD')!;
    const changed = await supertest(a.app).patch(`/v1/users/${user.id}`).set('Authorization', `Bearer ${agency.adminToken}`).send({ roleId: head.id });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const after = await me(b);
    assert.equal(after.status, 200);
    assert.equal(after.body.role.key, 'SALES_HEAD', 'instance B did not reuse its cached principal');
  });

  it('should refuse a session signed out through the other instance at the next request', async () => {
    const second = await signIn(a, user.email);
    await untilSubscribed(b, () => me(b, second));
    assert.equal((await me(b, second)).status, 200, 'cached on B');
    assert.equal((await supertest(a.app).post('/v1/auth/logout').set('Authorization', `Bearer ${second}`)).status, 204);
    assert.equal((await me(b, second)).status, 401, 'B refuses the revoked session at its next request');
    assert.equal((await me(b)).status, 200, 'the other session of the same user still works');
  });
});
