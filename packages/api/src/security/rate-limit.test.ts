import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestRuntime, makeAgency, makeUser, signIn } from '../testing/index.js';

describe('rate limits per tenant and per key', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { RATE_LIMIT_MAX: '5', USER_RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_MS: '60000' } });
  });
  after(() => rt.close());

  it('should answer 429 with Retry-After once a tenant exceeds its limit, and not throttle another tenant', async () => {
    const a = await makeAgency(rt);
    const b = await makeAgency(rt);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await rt.request().get('/v1/me').set('Authorization', `Bearer ${a.adminToken}`)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    const limited = await rt.request().get('/v1/me').set('Authorization', `Bearer ${a.adminToken}`);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.ok(limited.body.retryAfter >= 1);
    assert.equal((await rt.request().get('/v1/me').set('Authorization', `Bearer ${b.adminToken}`)).status, 200);
  });

  it('should count every user of a tenant against the same tenant limit', async () => {
    const c = await makeAgency(rt);
    const se = await makeUser(rt, c, { role: 'SE' });
    const seToken = await signIn(rt, se.email);
    for (let i = 0; i < 5; i += 1) await rt.request().get('/v1/me').set('Authorization', `Bearer ${c.adminToken}`);
    assert.equal((await rt.request().get('/v1/me').set('Authorization', `Bearer ${seToken}`)).status, 429);
  });
});
