import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../testing/index.js';
import { TEST_PASSWORD } from '../testing/factories.js';
import { commandsDuring } from '../testing/commands.js';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

/** The collections `runtime` sends commands to while `run` runs. */
const collectionsTouched = async (runtime: TestRuntime, run: () => Promise<unknown>): Promise<string[]> => (await commandsDuring(runtime, run)).map(([, collection]) => collection);

/** An address of the documentation range nobody else in this file uses. */
function address(): string {
  const b = randomBytes(2);
  return `203.0.${b[0]}.${b[1]}`;
}

describe('limits before authentication, per caller and per agency', () => {
  let rt: TestRuntime;
  let agency: TestAgency;
  before(async () => {
    rt = await createTestRuntime({
      file: import.meta.filename,
      env: { ANONYMOUS_RATE_LIMIT_PER_MINUTE: '20', AUTH_FAILURE_LIMIT_PER_MINUTE: '20', USER_RATE_LIMIT_MAX: '30', RATE_LIMIT_MAX: '120', RATE_LIMIT_WINDOW_MS: '60000', EXPENSIVE_CONCURRENCY_PER_USER: '2' },
    });
    agency = await makeAgency(rt);
  });
  after(() => rt.close());

  it('should answer an anonymous sign-in flood from one address with 429 before any account is looked up', async () => {
    const from = address();
    const login = (i: number) => rt.request().post('/v1/auth/login').set('X-Forwarded-For', from).send({ email: `nobody-${i}@example.test`, password: 'wrong-password-1' });
    const first: number[] = [];
    for (let i = 0; i < 20; i += 1) first.push((await login(i)).status);
    assert.deepEqual(first, Array(20).fill(401));
    const refused: Awaited<ReturnType<typeof login>>[] = [];
    const touched = await collectionsTouched(rt, async () => {
      for (let i = 20; i < 30; i += 1) refused.push(await login(i));
    });
    assert.deepEqual(
      refused.map((r) => r.status),
      Array(10).fill(429),
    );
    assert.deepEqual(touched, [], 'a refused sign-in sends nothing to the database');
    const one = refused[0]!;
    assert.equal(one.type, 'application/problem+json');
    assert.equal(one.body.code, 'rate_limited');
    assert.ok(Number(one.headers['retry-after']) >= 1);
    assert.match(String(one.headers.ratelimit), /^limit=20, remaining=0, reset=\d+$/);
    assert.equal(one.headers['ratelimit-policy'], '20;w=60');
    // Another address is not affected.
    assert.equal((await rt.request().post('/v1/auth/login').set('X-Forwarded-For', address()).send({ email: agency.adminEmail, password: 'wrong-password-1' })).status, 401);
  });

  it('should turn a flood of bad keys from one address into 429s that never reach the key lookup, even in parallel', async () => {
    const from = address();
    const call = () => rt.request().get('/v1/contacts').set('X-Forwarded-For', from).set('Authorization', `Bearer sk_${randomBytes(24).toString('hex')}`);
    const statuses: number[] = [];
    const touched = await collectionsTouched(rt, async () => {
      statuses.push(...(await Promise.all(Array.from({ length: 30 }, call))).map((r) => r.status));
    });
    assert.equal(statuses.filter((s) => s === 401).length, 20, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 10, statuses.join(','));
    assert.equal(touched.filter((c) => c === 'api_keys').length, 20, 'only the 20 admitted requests looked a key up');
    const later = await collectionsTouched(rt, async () => {
      const refused = await call();
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers['retry-after']) >= 1);
      assert.match(String(refused.headers.ratelimit), /^limit=20, remaining=0, reset=\d+$/);
      assert.equal(refused.headers['ratelimit-policy'], '20;w=60');
    });
    assert.deepEqual(later, []);
    // A good credential from another address is served.
    assert.equal((await rt.request().get('/v1/me').set('X-Forwarded-For', address()).set('Authorization', `Bearer ${agency.adminToken}`)).status, 200);
  });

  it('should count widget calls without a key against the address before the key check', async () => {
    const from = address();
    const statuses: number[] = [];
    for (let i = 0; i < 22; i += 1) statuses.push((await rt.request().get('/v1/public/ping').set('X-Forwarded-For', from)).status);
    assert.deepEqual(statuses.slice(0, 20), Array(20).fill(401));
    assert.deepEqual(statuses.slice(20), [429, 429]);
  });

  it('should not let good credentials spend the address failure budget', async () => {
    const from = address();
    const tokens = [(await makeAgency(rt)).adminToken, (await makeAgency(rt)).adminToken, (await makeAgency(rt)).adminToken];
    for (let i = 0; i < 24; i += 1) {
      const res = await rt.request().get('/v1/me').set('X-Forwarded-For', from).set('Authorization', `Bearer ${tokens[i % 3]}`);
      assert.equal(res.status, 200, `request ${i}: ${JSON.stringify(res.body)}`);
    }
  });

  it('should refuse a 1 MB anonymous body with 413 before reading it, and leave the larger limit to authenticated callers', async () => {
    const big = await rt.request().post('/v1/auth/login').set('X-Forwarded-For', address()).set('Content-Type', 'application/json').send(JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(1024 * 1024) }));
    assert.equal(big.status, 413);
    assert.equal(big.body.code, 'payload_too_large');
    const medium = JSON.stringify({ firstName: 'Ada', lastName: 'Lovelace', description: 'x'.repeat(20 * 1024) });
    const anonymous = await rt.request().post('/v1/contacts').set('X-Forwarded-For', address()).set('Content-Type', 'application/json').send(medium);
    assert.equal(anonymous.status, 413);
    const signedIn = await rt.request().post('/v1/contacts').set('X-Forwarded-For', address()).set('Authorization', `Bearer ${agency.adminToken}`).set('Content-Type', 'application/json').send(medium);
    assert.notEqual(signedIn.status, 413);
  });

  it("should 429 one user's list flood while another user of the same agency is still served", async () => {
    const other = await makeAgency(rt);
    const low = await makeUser(rt, other, { role: 'SE' });
    const lowToken = await signIn(rt, low.email);
    const list = (token: string) => rt.request().get('/v1/contacts?limit=50').set('X-Forwarded-For', address()).set('Authorization', `Bearer ${token}`);
    // Rounds of 8 parallel lists (3 at most, within the caller's 30 a window) until the flooding user
    // has more than 2 in flight at once, which a round almost always makes.
    const statuses: number[] = [];
    for (let round = 0; round < 3 && !statuses.includes(429); round += 1) {
      const [flood, admin] = await Promise.all([Promise.all(Array.from({ length: 8 }, () => list(lowToken))), list(other.adminToken)]);
      statuses.push(...flood.map((r) => r.status));
      assert.equal(admin.status, 200, 'the admin is served during the flood');
      const refused = flood.find((r) => r.status === 429);
      if (refused) {
        assert.equal(refused.body.code, 'rate_limited');
        assert.match(refused.body.detail, /at once/);
      }
      if (!statuses.includes(429)) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    assert.ok(statuses.includes(429), statuses.join(','));
    assert.ok(statuses.includes(200), statuses.join(','));
    // Slots come back: once the flood is over, the flooding user is served again.
    assert.equal((await list(lowToken)).status, 200);
  });

  it("should keep one user's request budget from spending the agency's, so the admin stays served", async () => {
    const agency = await makeAgency(rt);
    const sellerToken = await signIn(rt, (await makeUser(rt, agency, { role: 'SE' })).email);
    const statuses: number[] = [];
    for (let i = 0; i < 35; i += 1) statuses.push((await rt.request().get('/v1/me').set('Authorization', `Bearer ${sellerToken}`)).status);
    assert.deepEqual(statuses.slice(0, 30), Array(30).fill(200));
    assert.deepEqual(statuses.slice(30), Array(5).fill(429));
    // Once refused, the same credential is refused before it is even looked up, until the budget refills.
    const touched = await collectionsTouched(rt, async () => assert.equal((await rt.request().get('/v1/me').set('Authorization', `Bearer ${sellerToken}`)).status, 429));
    assert.deepEqual(touched, []);
    for (let i = 0; i < 10; i += 1) assert.equal((await rt.request().get('/v1/me').set('Authorization', `Bearer ${agency.adminToken}`)).status, 200);
  });

  it('should send Cache-Control: no-store on authenticated JSON and on answers carrying tokens', async () => {
    const fresh = await makeAgency(rt);
    const me = await rt.request().get('/v1/me').set('Authorization', `Bearer ${fresh.adminToken}`);
    assert.equal(me.status, 200);
    assert.equal(me.headers['cache-control'], 'no-store');
    const refresh = await rt.request().post('/v1/auth/refresh').set('X-Forwarded-For', address()).send({ refreshToken: fresh.refreshToken });
    assert.equal(refresh.status, 200);
    assert.equal(refresh.headers['cache-control'], 'no-store');
    const refused = await rt.request().get('/v1/me').set('X-Forwarded-For', address()).set('Authorization', 'Bearer sk_not-a-real-key-at-all');
    assert.equal(refused.headers['cache-control'], 'no-store');
  });
});

describe('limits across two API processes sharing Redis', () => {
  let a: TestRuntime;
  let b: TestRuntime;
  before(async () => {
    const env = { REDIS_URL: 'redis://127.0.0.1:6379', ANONYMOUS_RATE_LIMIT_PER_MINUTE: '10', AUTH_FAILURE_LIMIT_PER_MINUTE: '10' };
    a = await createTestRuntime({ file: import.meta.filename, env });
    b = await createTestRuntime({ file: import.meta.filename, env, dbName: a.dbName });
  });
  after(async () => {
    await b.close();
    await a.close();
    const { closeBudgetStores } = await import('../platform/http/rate-limit.js');
    await closeBudgetStores();
  });

  it('should count one address on both instances against one budget', async () => {
    const from = address();
    const statuses: number[] = [];
    for (let i = 0; i < 14; i += 1) {
      const api = i % 2 ? a : b;
      statuses.push((await api.request().get('/v1/me').set('X-Forwarded-For', from).set('Authorization', `Bearer sk_${randomBytes(24).toString('hex')}`)).status);
    }
    assert.deepEqual(statuses, [...Array(10).fill(401), ...Array(4).fill(429)]);
  });

  it('should make an address wait for an account whichever process counted its failures', async () => {
    const agency = await makeAgency(a);
    const from = address();
    // Four failures, alternating processes: past the three free ones, the pair waits (each process alone saw two).
    for (let i = 0; i < 4; i += 1) {
      const api = i % 2 ? a : b;
      assert.equal((await api.request().post('/v1/auth/login').set('X-Forwarded-For', from).send({ email: agency.adminEmail, password: 'wrong-password-1' })).status, 401);
    }
    for (const api of [a, b]) {
      const waiting = await api.request().post('/v1/auth/login').set('X-Forwarded-For', from).send({ email: agency.adminEmail, password: TEST_PASSWORD });
      assert.equal(waiting.status, 429);
      assert.ok(Number(waiting.headers['retry-after']) >= 1);
    }
    assert.equal((await b.request().post('/v1/auth/login').set('X-Forwarded-For', address()).send({ email: agency.adminEmail, password: TEST_PASSWORD })).status, 200);
  });

  it('should share list slots between processes through Redis', async () => {
    const { createSlots } = await import('../platform/http/rate-limit.js');
    const name = `test-${randomBytes(4).toString('hex')}`;
    const one = createSlots({ name, limit: 2, redisUrl: 'redis://127.0.0.1:6379' });
    const two = createSlots({ name, limit: 2, redisUrl: 'redis://127.0.0.1:6379' });
    const first = await one.acquire('user-1');
    const second = await two.acquire('user-1');
    assert.ok(first && second);
    assert.equal(await one.acquire('user-1'), null, 'the third slot is refused whichever process asks');
    assert.ok(await two.acquire('user-2'), 'another user has slots of their own');
    first();
    first();
    assert.ok(await one.acquire('user-1'), 'a released slot can be taken again');
    assert.equal(await two.acquire('user-1'), null, 'a slot released twice is given back once');
  });
});
