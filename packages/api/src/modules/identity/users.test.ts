import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { TEST_PASSWORD } from '../../testing/factories.js';
import { startSmtpCapture } from '../../platform/mail/testing.js';
import { roleModel } from './role.model.js';
import { sessionModel } from './session.model.js';
import { userTokenModel } from './user-token.model.js';
import { userModel } from './user.model.js';

function tokenFrom(text: string): string {
  const match = /token=([A-Za-z0-9_%-]+)/.exec(text);
  assert.ok(match, `no token link in: ${text}`);
  return decodeURIComponent(match[1]!);
}

async function pollUntil<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('users: directory, invitations, profile, passwords', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let agency: TestAgency;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    smtp = await startSmtpCapture();
    rt = await createTestRuntime({ file: import.meta.filename, env: { SMTP_URL: smtp.url, MAIL_FROM: 'CRM Test <crm@example.test>', APP_URL: 'https://portal.example.test' } });
    agency = await makeAgency(rt, 'Users & Co');
  });
  after(async () => {
    await rt.close();
    await smtp.stop();
  });

  it('should list users with the list envelope and paginate with a cursor', async () => {
    await makeUser(rt, agency, { role: 'SE' });
    await makeUser(rt, agency, { role: 'SE' });
    const first = await rt.request().get('/v1/users?limit=2').set(auth(agency.adminToken));
    assert.equal(first.status, 200);
    assert.equal(first.body.object, 'list');
    assert.equal(first.body.data.length, 2);
    assert.equal(first.body.hasMore, true);
    const second = await rt.request().get(`/v1/users?limit=2&cursor=${first.body.nextCursor}`).set(auth(agency.adminToken));
    assert.equal(second.status, 200);
    const ids = [...first.body.data, ...second.body.data].map((u: { id: string }) => u.id);
    assert.equal(new Set(ids).size, ids.length);
    const total = await userModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId) });
    assert.equal(ids.length, total);
    assert.ok(first.body.data.every((u: Record<string, unknown>) => u.passwordHash === undefined));
  });

  it('should invite by email with an escaped HTML body, and let the invitee accept once and sign in', async () => {
    const se = await roleModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), key: 'SE' }).lean();
    const res = await rt.request().post('/v1/users/invitations').set(auth(agency.adminToken)).send({ email: 'Invitee@Example.test', name: '<b>Ivy</b>', roleId: String(se!._id) });
    assert.equal(res.status, 201);
    assert.equal(res.body.status, 'invited');
    const mail = await smtp.waitFor((m) => m.to.some((to) => to.toLowerCase() === 'invitee@example.test'));
    assert.match(mail.subject, /Users & Co/);
    assert.match(mail.html, /&lt;b&gt;Ivy&lt;\/b&gt;/, 'the name is escaped in HTML');
    assert.doesNotMatch(mail.html, /<b>Ivy<\/b>/);
    assert.match(mail.html, /Users &amp; Co/);
    assert.match(mail.text, /https:\/\/portal\.example\.test\/accept-invitation\?token=/);
    const token = tokenFrom(mail.text);

    // The invited user cannot sign in before accepting.
    assert.equal((await rt.request().post('/v1/auth/login').send({ email: 'invitee@example.test', password: TEST_PASSWORD })).status, 401);
    const accepted = await rt.request().post('/v1/auth/invitations/accept').send({ token, name: 'Ivy Invitee', password: TEST_PASSWORD });
    assert.equal(accepted.status, 200);
    assert.ok(accepted.body.accessToken);
    assert.equal(accepted.body.user.status, 'active');
    const stored = await userModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(res.body.id) }).lean();
    assert.equal(stored!.status, 'active');
    assert.equal(stored!.name, 'Ivy Invitee');
    assert.equal((await rt.request().post('/v1/auth/invitations/accept').send({ token, password: 'another-password-1' })).status, 400, 'the link works once');
    assert.equal((await rt.request().post('/v1/auth/login').send({ email: 'invitee@example.test', password: TEST_PASSWORD })).status, 200);
  });

  it('should refuse an invitation with a role of another agency, or by a role without user:create', async () => {
    const other = await makeAgency(rt);
    const foreignRole = await roleModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(other.tenantId), key: 'SE' }).lean();
    const res = await rt.request().post('/v1/users/invitations').set(auth(agency.adminToken)).send({ email: 'x1@example.test', name: 'X', roleId: String(foreignRole!._id) });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, 'roleId');
    const se = await makeUser(rt, agency, { role: 'SE' });
    const seToken = await signIn(rt, se.email);
    const denied = await rt.request().post('/v1/users/invitations').set(auth(seToken)).send({ email: 'x2@example.test', name: 'X', roleId: String(foreignRole!._id) });
    assert.equal(denied.status, 403);
    assert.equal(await userModel(rt.ctx.connection).countDocuments({ emailNormalized: 'x1@example.test' }).setOptions({ crossTenant: 'test' }), 0);
  });

  it("should let an admin change a user's role and status, audit it, and end a disabled user's sessions", async () => {
    const user = await makeUser(rt, agency, { role: 'SE' });
    const token = await signIn(rt, user.email);
    const stm = await roleModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), key: 'STM' }).lean();
    const res = await rt.request().patch(`/v1/users/${user.id}`).set(auth(agency.adminToken)).send({ roleId: String(stm!._id) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.roleKey, 'STM');
    const audit = await rt.request().get(`/v1/audit?resourceId=${user.id}&type=user.role_changed`).set(auth(agency.adminToken));
    assert.equal(audit.body.data.length, 1);
    assert.equal(audit.body.data[0].changes[0].field, 'roleId');
    assert.equal(audit.body.data[0].changes[0].to, String(stm!._id));

    const disabled = await rt.request().patch(`/v1/users/${user.id}`).set(auth(agency.adminToken)).send({ status: 'disabled' });
    assert.equal(disabled.status, 200);
    assert.equal((await rt.request().get('/v1/me').set(auth(token))).status, 401);
    const live = await sessionModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId), userId: user.id, revokedAt: null });
    assert.equal(live, 0);
  });

  it('should honour If-Match on a user: the ETag version saves, a stale one answers 412 with the current user and changes nothing', async () => {
    const user = await makeUser(rt, agency, { role: 'SE', name: 'Iffy Match' });
    const read = await rt.request().get(`/v1/users/${user.id}`).set(auth(agency.adminToken));
    assert.equal(read.headers.etag, `"${read.body.version}"`);
    const saved = await rt.request().patch(`/v1/users/${user.id}`).set(auth(agency.adminToken)).set('If-Match', read.headers.etag!).send({ name: 'Theirs' });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.version, read.body.version + 1);
    assert.equal(saved.headers.etag, `"${read.body.version + 1}"`);
    const stale = await rt.request().patch(`/v1/users/${user.id}`).set(auth(agency.adminToken)).set('If-Match', read.headers.etag!).send({ name: 'Mine' });
    assert.equal(stale.status, 412, JSON.stringify(stale.body));
    assert.equal(stale.body.code, 'precondition_failed');
    assert.equal(stale.body.current.name, 'Theirs');
    assert.equal(stale.body.current.version, read.body.version + 1);
    const stored = await userModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(user.id) }).lean();
    assert.equal(stored!.name, 'Theirs');
    const racing = await Promise.all(['One', 'Two', 'Three'].map((name) => rt.request().patch(`/v1/users/${user.id}`).set(auth(agency.adminToken)).set('If-Match', saved.headers.etag!).send({ name })));
    assert.deepEqual(racing.map((r) => r.status).sort(), [200, 412, 412], 'one writer per version, also on FerretDB');
  });

  it('should keep the last admin an admin and refuse changes to oneself', async () => {
    const me = await rt.request().get('/v1/me').set(auth(agency.adminToken));
    const se = await roleModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), key: 'SE' }).lean();
    const res = await rt.request().patch(`/v1/users/${me.body.user.id}`).set(auth(agency.adminToken)).send({ roleId: String(se!._id) });
    assert.equal(res.status, 403);
    const sysadmin = await makeUser(rt, agency, { role: 'SYSADMIN' });
    const sysToken = await signIn(rt, sysadmin.email);
    const demote = await rt.request().patch(`/v1/users/${me.body.user.id}`).set(auth(sysToken)).send({ status: 'disabled' });
    assert.equal(demote.status, 403, 'a sysadmin cannot change an admin');
    const stored = await userModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(me.body.user.id) }).lean();
    assert.equal(stored!.status, 'active');
  });

  it('should update my own profile and merge notification settings', async () => {
    const user = await makeUser(rt, agency, { role: 'SE' });
    const token = await signIn(rt, user.email);
    const res = await rt
      .request()
      .patch('/v1/me')
      .set(auth(token))
      .send({ name: 'New Name', phone: '+351 21 000 0000', pictureUrl: 'https://img.example.test/me.png', locale: 'pt-PT', timeZone: 'Europe/Lisbon', notificationSettings: { email: false } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.timeZone, 'Europe/Lisbon');
    const stored = await userModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: user.id }).lean();
    assert.equal(stored!.name, 'New Name');
    assert.deepEqual(stored!.notificationSettings, { email: false, inApp: true });
    const bad = await rt.request().patch('/v1/me').set(auth(token)).send({ timeZone: 'Mars/Olympus', pictureUrl: 'javascript:alert(1)' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['pictureUrl', 'timeZone']);
  });

  it('should change my password only with the current one and sign out my other sessions', async () => {
    const user = await makeUser(rt, agency, { role: 'SE' });
    const current = await signIn(rt, user.email);
    const other = await signIn(rt, user.email);
    const wrong = await rt.request().post('/v1/me/password').set(auth(current)).send({ currentPassword: 'not-my-password', newPassword: 'brand-new-password-1' });
    assert.equal(wrong.status, 400);
    const ok = await rt.request().post('/v1/me/password').set(auth(current)).send({ currentPassword: TEST_PASSWORD, newPassword: 'brand-new-password-1' });
    assert.equal(ok.status, 204);
    assert.equal((await rt.request().get('/v1/me').set(auth(current))).status, 200);
    assert.equal((await rt.request().get('/v1/me').set(auth(other))).status, 401);
    assert.equal((await rt.request().post('/v1/auth/login').send({ email: user.email, password: 'brand-new-password-1' })).status, 200);
  });

  it('should answer a reset request 202 whether or not the email exists, and email a one-time 1-hour link', async () => {
    const user = await makeUser(rt, agency, { role: 'SE' });
    const session = await signIn(rt, user.email);
    const unknown = await rt.request().post('/v1/auth/password-reset').send({ email: 'nobody-here@example.test' });
    const known = await rt.request().post('/v1/auth/password-reset').send({ email: user.email });
    assert.equal(unknown.status, 202);
    assert.equal(known.status, 202);
    assert.deepEqual(unknown.body, known.body);
    const mail = await smtp.waitFor((m) => m.to.includes(user.email));
    assert.match(mail.subject, /Reset your CRM password/);
    assert.match(mail.text, /https:\/\/portal\.example\.test\/reset-password\?token=rst_/);
    assert.ok(!smtp.messages.some((m) => m.to.includes('nobody-here@example.test')));
    const token = tokenFrom(mail.text);
    const stored = await userTokenModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), userId: user.id, kind: 'passwordReset' }).lean();
    assert.ok(stored!.expiresAt.getTime() - stored!.createdAt.getTime() <= 3600_000);
    assert.notEqual(stored!.tokenHash, token, 'only the hash is stored');

    const confirmed = await rt.request().post('/v1/auth/password-reset/confirm').send({ token, password: 'reset-password-123' });
    assert.equal(confirmed.status, 204, JSON.stringify(confirmed.body));
    assert.equal((await rt.request().get('/v1/me').set(auth(session))).status, 401, 'every session ends');
    assert.equal((await rt.request().post('/v1/auth/password-reset/confirm').send({ token, password: 'reset-password-456' })).status, 400, 'once only');
    assert.equal((await rt.request().post('/v1/auth/login').send({ email: user.email, password: 'reset-password-123' })).status, 200);
  });

  it('should refuse an expired reset token', async () => {
    const user = await makeUser(rt, agency, { role: 'SE' });
    await rt.request().post('/v1/auth/password-reset').send({ email: user.email });
    const mail = await smtp.waitFor((m) => m.to.includes(user.email));
    const token = tokenFrom(mail.text);
    await userTokenModel(rt.ctx.connection).updateOne({ tenantId: new Types.ObjectId(agency.tenantId), userId: user.id, kind: 'passwordReset' }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await rt.request().post('/v1/auth/password-reset/confirm').send({ token, password: 'reset-password-123' });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].code, 'invalid_token');
  });

  it('should rate-limit reset requests per address with 429 and Retry-After', async () => {
    const ip = '10.99.99.99';
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await rt.request().post('/v1/auth/password-reset').set('X-Forwarded-For', ip).send({ email: `someone${i}@example.test` })).status);
    assert.ok(statuses.includes(429), statuses.join(','));
    const limited = await rt.request().post('/v1/auth/password-reset').set('X-Forwarded-For', ip).send({ email: 'a@example.test' });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
  });

  it('should send at most three reset emails per account per hour', async () => {
    const user = await makeUser(rt, agency, { role: 'SE' });
    for (let i = 0; i < 5; i += 1) await rt.request().post('/v1/auth/password-reset').set('X-Forwarded-For', `10.77.0.${i}`).send({ email: user.email });
    const emails = await pollUntil(
      async () => smtp.messages.filter((m) => m.to.includes(user.email)).length,
      (n) => n >= 3,
    );
    const tokens = await pollUntil(
      () => userTokenModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId), userId: user.id, kind: 'passwordReset' }),
      (n) => n === 3,
    );
    assert.equal(emails, 3, JSON.stringify(smtp.messages.filter((m) => m.to.includes(user.email)).map((m) => m.subject)));
    assert.equal(tokens, 3);
  });
});
