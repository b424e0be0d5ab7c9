import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTestRuntime, makeAgency } from '../../testing/index.js';
import { TEST_PASSWORD } from '../../testing/factories.js';
import { startSmtpCapture } from '../../platform/mail/testing.js';
import { FREE_FAILURES, NOTIFY_AFTER_FAILURES } from '../../platform/auth/login-throttle.js';

function address(): string {
  const b = randomBytes(2);
  return `198.51.${b[0]}.${b[1]}`;
}

describe('sign-in policy: throttled per account and address, never locked against its owner', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  before(async () => {
    smtp = await startSmtpCapture();
    rt = await createTestRuntime({ file: import.meta.filename, env: { SMTP_URL: smtp.url, LOGIN_FAILURES_PER_IP_PER_HOUR: '20', APP_URL: 'https://portal.example.test' } });
  });
  after(async () => {
    await rt.close();
    await smtp.stop();
  });

  const login = (from: string, email: string, password: string) => rt.request().post('/v1/auth/login').set('X-Forwarded-For', from).send({ email, password });

  it("should sign the owner in from another address while the attacker's address waits longer after each failure", async () => {
    const agency = await makeAgency(rt);
    const attacker = address();
    const statuses: number[] = [];
    for (let i = 0; i <= FREE_FAILURES; i += 1) statuses.push((await login(attacker, agency.adminEmail, 'wrong-password-1')).status);
    assert.deepEqual(statuses, Array(FREE_FAILURES + 1).fill(401));
    // Past the free failures the pair waits; it is refused 429 (even with the right password) until the wait is over.
    const waits: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const refused = await login(attacker, agency.adminEmail, TEST_PASSWORD);
      if (refused.status === 429) waits.push(Number(refused.headers['retry-after']));
      else {
        assert.equal(refused.status, 200);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, Number(refused.headers['retry-after']) * 1000 + 50));
      // Wait over: one more wrong guess doubles the wait.
      assert.equal((await login(attacker, agency.adminEmail, 'wrong-password-1')).status, 401);
    }
    assert.ok(waits.length >= 2, `waits: ${waits.join(',')}`);
    assert.ok(waits[1]! > waits[0]!, `waits grow: ${waits.join(',')}`);
    assert.equal((await login(attacker, agency.adminEmail, TEST_PASSWORD)).status, 429);

    const owner = await login(address(), agency.adminEmail, TEST_PASSWORD);
    assert.equal(owner.status, 200, JSON.stringify(owner.body));
    assert.ok(owner.body.accessToken);
    assert.equal(owner.headers['cache-control'], 'no-store');
  });

  it('should tell the owner of repeated failures by email, once in the hour', async () => {
    const agency = await makeAgency(rt);
    for (let i = 0; i < NOTIFY_AFTER_FAILURES + 3; i += 1) assert.equal((await login(address(), agency.adminEmail, 'wrong-password-1')).status, 401);
    // The admin's only other email is the link that signed their agency up.
    const mail = await smtp.waitFor((m) => m.to.includes(agency.adminEmail) && !m.subject.startsWith('Confirm your CRM sign-up'));
    assert.match(mail.subject, /failed sign-ins/i);
    assert.match(mail.text, new RegExp(`${NOTIFY_AFTER_FAILURES} sign-ins`));
    // More failures within the hour send nothing more.
    for (let i = 0; i < 3; i += 1) await login(address(), agency.adminEmail, 'wrong-password-1');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(smtp.messages.filter((m) => m.to.includes(agency.adminEmail) && /failed sign-ins/i.test(m.subject)).length, 1);
  });

  it('should not email anyone for failures against an email that has no account', async () => {
    const ghost = `ghost-${randomBytes(3).toString('hex')}@example.test`;
    for (let i = 0; i < NOTIFY_AFTER_FAILURES + 1; i += 1) assert.equal((await login(address(), ghost, 'wrong-password-1')).status, 401);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(!smtp.messages.some((m) => m.to.includes(ghost)));
  });

  it('should cap failures per address across accounts', async () => {
    const from = address();
    const statuses: number[] = [];
    // LOGIN_FAILURES_PER_IP_PER_HOUR is 20 here (below the route's 30 a minute); distinct emails, so no pair waits.
    for (let i = 0; i < 22; i += 1) statuses.push((await login(from, `spray-${i}@example.test`, 'wrong-password-1')).status);
    assert.deepEqual(statuses.slice(0, 20), Array(20).fill(401));
    const capped = await login(from, 'spray-x@example.test', 'wrong-password-1');
    assert.equal(capped.status, 429);
    assert.match(capped.body.detail, /failed sign-ins from this address/);
    const agency = await makeAgency(rt);
    assert.equal((await login(address(), agency.adminEmail, TEST_PASSWORD)).status, 200);
  });
});
