import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSmtpCapture } from '../../platform/mail/testing.js';
import { createTestRuntime, makeAgency, registrationToken, waitForMail } from '../../testing/index.js';
import { randomIp, TEST_PASSWORD } from '../../testing/factories.js';
import { createMailer } from '../../platform/mail/mailer.js';
import { createAuthService } from './auth.service.js';
import { pendingRegistrationModel, prunePendingRegistrations } from './pending-registration.model.js';

type Runtime = Awaited<ReturnType<typeof createTestRuntime>>;

// What a response says about its request, without what changes on every response (time, ids, budgets left).
function answerOf(res: { status: number; body: unknown; headers: Record<string, string> }) {
  const varying = new Set(['date', 'x-request-id', 'ratelimit', 'etag', 'content-length']);
  const headers = Object.fromEntries(Object.entries(res.headers).filter(([name]) => !varying.has(name)));
  return { status: res.status, body: res.body, headers, length: res.headers['content-length'] };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('registration: the same answer for every email, finished from an emailed link', () => {
  let rt: Runtime;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  const count = (collection: string, filter: Record<string, unknown> = {}) => rt.ctx.connection.collection(collection).countDocuments(filter);
  const register = (email: string, agency = 'Newcomers Ltd', ip = randomIp()) =>
    rt.request().post('/v1/auth/register').set('X-Forwarded-For', ip).send({ agency: { name: agency }, admin: { name: 'Nora Newcomer', email, password: TEST_PASSWORD } });
  const confirm = (token: string) => rt.request().post('/v1/auth/register/confirm').set('X-Forwarded-For', randomIp()).send({ token });

  before(async () => {
    smtp = await startSmtpCapture();
    rt = await createTestRuntime({ file: import.meta.filename, env: { SMTP_URL: smtp.url, APP_URL: 'https://portal.example.test/app' } });
  });
  after(async () => {
    await rt.close();
    await smtp.stop();
  });

  it('should answer a known and an unknown email with the same status, body and headers', async () => {
    const known = await makeAgency(rt);
    const unknownEmail = `fresh-${Date.now()}@example.test`;
    const forKnown = await register(known.adminEmail);
    const forUnknown = await register(unknownEmail);
    assert.equal(forKnown.status, 202, JSON.stringify(forKnown.body));
    assert.deepEqual(answerOf(forKnown), answerOf(forUnknown));
    assert.equal(forKnown.headers['cache-control'], 'no-store');
    // Both emails hear back; only the email's owner learns which case it was.
    await waitForMail(rt, known.adminEmail, (m) => m.subject === 'You already have a CRM account');
    await waitForMail(rt, unknownEmail, (m) => m.subject.startsWith('Confirm your CRM sign-up'));
  });

  it('should take about the same time to answer a known and an unknown email (the password is hashed for both)', async () => {
    const known = await makeAgency(rt);
    const timed = async (email: string) => {
      const started = performance.now();
      assert.equal((await register(email)).status, 202);
      return performance.now() - started;
    };
    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      knownMs.push(await timed(known.adminEmail));
      unknownMs.push(await timed(`timing-${i}-${Date.now()}@example.test`));
    }
    const [k, u] = [median(knownMs), median(unknownMs)];
    // Generous, since the test machine is shared: without the hash for a known email it answers in a
    // fraction of the time; with it the medians stay close.
    assert.ok(Math.abs(k - u) < Math.max(k, u) * 0.5 + 25, `median ${k.toFixed(0)} ms for a known email, ${u.toFixed(0)} ms for an unknown one`);
  });

  it('should mail "you already have an account" to a known email and create nothing', async () => {
    const known = await makeAgency(rt);
    const before = { tenants: await count('tenants'), users: await count('users'), pending: await count('pending_registrations') };
    assert.equal((await register(known.adminEmail.toUpperCase(), 'Copycat')).status, 202);
    const mail = await waitForMail(rt, known.adminEmail.toUpperCase(), (m) => m.subject === 'You already have a CRM account');
    assert.match(mail.text, /already has an account/);
    assert.ok(mail.text.includes('https://portal.example.test/app'), 'the email offers the sign-in page');
    assert.ok(!mail.text.includes('confirm-registration'), 'no link that could create a second account');
    assert.deepEqual({ tenants: await count('tenants'), users: await count('users'), pending: await count('pending_registrations') }, before);
    assert.equal(await count('tenants', { name: 'Copycat' }), 0);
  });

  it('should create the agency and sign its admin in only from the emailed link, storing no password in clear', async () => {
    const email = `nora-${Date.now()}@example.test`;
    assert.equal((await register(email, 'Nora Events')).status, 202);
    const mail = await waitForMail(rt, email, (m) => m.subject.startsWith('Confirm your CRM sign-up'));
    assert.equal(await count('tenants', { name: 'Nora Events' }), 0, 'nothing exists before the link is used');
    const pending = await pendingRegistrationModel(rt.ctx.connection).findOne({ emailNormalized: email }).select('+passwordHash').lean();
    assert.ok(pending, 'the sign-up waits in its own collection');
    assert.match(pending.passwordHash, /^\$argon2/);
    assert.ok(!JSON.stringify(pending).includes(TEST_PASSWORD), 'no password in clear');
    assert.ok(pending.expiresAt.getTime() - Date.now() > 23 * 3600_000 && pending.expiresAt.getTime() - Date.now() <= 24 * 3600_000, 'the link works for 24 hours');
    const token = registrationToken(mail);
    assert.ok(mail.text.includes(`https://portal.example.test/app/confirm-registration?token=${encodeURIComponent(token)}`));
    assert.notEqual(pending.tokenHash, token, 'only the token hash is stored');

    const res = await confirm(token);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.tenant.name, 'Nora Events');
    assert.equal(res.body.user.email, email);
    assert.equal(res.body.user.roleKey, 'ADMIN');
    const me = await rt.request().get('/v1/me').set('Authorization', `Bearer ${res.body.accessToken}`);
    assert.equal(me.status, 200);
    assert.equal(me.body.tenant.name, 'Nora Events');
    const signIn = await rt.request().post('/v1/auth/login').set('X-Forwarded-For', randomIp()).send({ email, password: TEST_PASSWORD });
    assert.equal(signIn.status, 200, 'the password given at sign-up signs in');
  });

  it('should refuse a link used twice, with a problem naming the token, and create nothing more', async () => {
    const email = `twice-${Date.now()}@example.test`;
    await register(email, 'Twice Ltd');
    const token = registrationToken(await waitForMail(rt, email));
    assert.equal((await confirm(token)).status, 201);
    const again = await confirm(token);
    assert.equal(again.status, 400);
    assert.equal(again.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(again.body.code, 'validation_failed');
    assert.deepEqual(again.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]), [['token', 'used']]);
    assert.equal(await count('tenants', { name: 'Twice Ltd' }), 1);
  });

  it('should create exactly one agency when the link is confirmed twice at once', async () => {
    const email = `double-click-${Date.now()}@example.test`;
    await register(email, 'Double Click Ltd');
    const token = registrationToken(await waitForMail(rt, email));
    const answers = await Promise.all([confirm(token), confirm(token), confirm(token)]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [201, 400, 400], JSON.stringify(answers.map((a) => a.body)));
    for (const refused of answers.filter((a) => a.status === 400)) assert.equal(refused.body.errors[0].field, 'token');
    assert.equal(await count('tenants', { name: 'Double Click Ltd' }), 1);
    assert.equal(await count('users', { emailNormalized: email }), 1);
  });

  it('should create one account when one email signs up twice and both links are used', async () => {
    const email = `two-links-${Date.now()}@example.test`;
    await register(email, 'First Try');
    const first = registrationToken(await waitForMail(rt, email, (m) => m.subject.includes('First Try')));
    await register(email, 'Second Try');
    const second = registrationToken(await waitForMail(rt, email, (m) => m.subject.includes('Second Try')));
    assert.equal((await confirm(second)).status, 201);
    const late = await confirm(first);
    assert.equal(late.status, 400);
    assert.deepEqual(late.body.errors.map((e: { code: string }) => e.code), ['email_taken']);
    assert.equal(await count('users', { emailNormalized: email }), 1);
    assert.equal(await count('tenants', { name: 'First Try' }), 0);
  });

  it('should refuse an expired link and an unknown one, and the sweep should forget expired sign-ups', async () => {
    const email = `late-${Date.now()}@example.test`;
    await register(email, 'Late Ltd');
    const token = registrationToken(await waitForMail(rt, email));
    const Pending = pendingRegistrationModel(rt.ctx.connection);
    await Pending.updateOne({ emailNormalized: email }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await confirm(token);
    assert.equal(expired.status, 400);
    assert.deepEqual(expired.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]), [['token', 'expired']]);
    assert.match(expired.body.detail, /expired/);
    assert.equal(await count('tenants', { name: 'Late Ltd' }), 0);

    const unknown = await confirm(`reg_${'x'.repeat(43)}`);
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]), [['token', 'invalid_token']]);

    assert.ok((await prunePendingRegistrations(rt.ctx.connection)) >= 1);
    assert.equal(await Pending.countDocuments({ emailNormalized: email }), 0);
    assert.equal((await confirm(token)).status, 400, 'a forgotten link stays refused');
  });

  it('should send one address at most three sign-up emails an hour, whichever addresses ask', async () => {
    // Through the service, so the test can await the work each ask does after its answer.
    const mailer = createMailer(rt.ctx.config, rt.ctx.logger);
    const auth = createAuthService({ connection: rt.ctx.connection, jwtSecret: rt.ctx.secrets.jwt, events: rt.ctx.events, mailer });
    const email = `inbox-${Date.now()}@example.test`;
    const asks = await Promise.all(
      Array.from({ length: 5 }, (_, i) => auth.requestRegistration({ agency: { name: 'Flooded Ltd' }, admin: { name: 'F', email, password: TEST_PASSWORD } }, { ip: `10.9.9.${i}`, userAgent: 'test' })),
    );
    await Promise.all(asks.map((a) => a.mailed));
    mailer.close();
    assert.equal(smtp.messages.filter((m) => m.to.includes(email)).length, 3);
    assert.equal(await count('pending_registrations', { emailNormalized: email }), 3);
  });

  it('should refuse a confirm without a token as a problem naming the field', async () => {
    const res = await rt.request().post('/v1/auth/register/confirm').send({ token: { $ne: null } });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, 'token');
  });
});

describe('registration: per-address limits come before any work', () => {
  let rt: Runtime;
  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '5' } });
  });
  after(() => rt.close());

  it('should answer the sixth sign-up a minute from one address 429, known or unknown email, valid body or not', async () => {
    const known = await makeAgency(rt);
    const ip = randomIp();
    const send = (body: unknown) => rt.request().post('/v1/auth/register').set('X-Forwarded-For', ip).send(body as object);
    const body = (email: string) => ({ agency: { name: 'Flood Ltd' }, admin: { name: 'F', email, password: TEST_PASSWORD } });
    for (let i = 0; i < 5; i += 1) assert.equal((await send(body(i % 2 ? known.adminEmail : `flood-${i}@example.test`))).status, 202);
    for (const i of [0, 2, 4]) await waitForMail(rt, `flood-${i}@example.test`);
    const pendingBefore = await rt.ctx.connection.collection('pending_registrations').countDocuments();
    for (const refusedBody of [body(known.adminEmail), body('flood-late@example.test'), { agency: {} }]) {
      const refused = await send(refusedBody);
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers['retry-after']) > 0);
    }
    // Confirming shares the sign-up budget of the address.
    assert.equal((await rt.request().post('/v1/auth/register/confirm').set('X-Forwarded-For', ip).send({ token: `reg_${'y'.repeat(43)}` })).status, 429);
    assert.equal(await rt.ctx.connection.collection('pending_registrations').countDocuments(), pendingBefore);
  });
});
