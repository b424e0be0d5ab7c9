import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { createTestRuntime, makeAgency } from '../../testing/index.js';
import { TEST_PASSWORD } from '../../testing/factories.js';
import { userModel } from './user.model.js';
import { refreshTokenModel, sessionModel } from './session.model.js';

describe('auth: registration, sign-in and sessions', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
  });
  after(() => rt.close());

  it('should register an agency with seeded roles and an admin who can call /me', async () => {
    const agency = await makeAgency(rt, 'Acme Events');
    const me = await rt.request().get('/v1/me').set('Authorization', `Bearer ${agency.adminToken}`);
    assert.equal(me.status, 200);
    assert.equal(me.body.tenant.name, 'Acme Events');
    assert.equal(me.body.role.key, 'ADMIN');
    assert.equal(me.body.user.email, agency.adminEmail);
    assert.equal(me.body.user.passwordHash, undefined);
    assert.equal(me.body.via, 'user');
  });

  it('should enforce the unique email index on the database itself', async () => {
    const agency = await makeAgency(rt);
    const user = await userModel(rt.ctx.connection).findOne({ emailNormalized: agency.adminEmail }).setOptions({ crossTenant: 'test' }).lean();
    await assert.rejects(
      userModel(rt.ctx.connection).create({ ...user, _id: undefined } as never),
      (error: { code?: number }) => error.code === 11000,
    );
  });

  it('should enforce the unique refresh-token hash index on the database itself', async () => {
    const RefreshToken = refreshTokenModel(rt.ctx.connection);
    const doc = { tenantId: new (await import('mongoose')).Types.ObjectId(), sessionId: new (await import('mongoose')).Types.ObjectId(), tokenHash: 'same-hash', expiresAt: new Date() };
    await RefreshToken.create(doc);
    await assert.rejects(RefreshToken.create(doc), (error: { code?: number }) => error.code === 11000);
  });

  it('should answer the same error for an unknown email and a wrong password', async () => {
    const agency = await makeAgency(rt);
    const wrong = await rt.request().post('/v1/auth/login').send({ email: agency.adminEmail, password: 'wrong-password-1' });
    const unknown = await rt.request().post('/v1/auth/login').send({ email: 'nobody@example.test', password: 'wrong-password-1' });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.body.detail, unknown.body.detail);
  });

  it('should make one address wait after five failures for an email, known or not, and answer 429 with Retry-After', async () => {
    const agency = await makeAgency(rt);
    for (const email of [agency.adminEmail, 'ghost@example.test']) {
      for (let i = 0; i < 5; i += 1) await rt.request().post('/v1/auth/login').send({ email, password: 'wrong-password-1' });
      const locked = await rt.request().post('/v1/auth/login').send({ email, password: TEST_PASSWORD });
      assert.equal(locked.status, 429, email);
      assert.ok(Number(locked.headers['retry-after']) > 0);
    }
  });

  it('should rotate refresh tokens and revoke the whole session when an old one is reused', async () => {
    const agency = await makeAgency(rt);
    const first = await rt.request().post('/v1/auth/refresh').send({ refreshToken: agency.refreshToken });
    assert.equal(first.status, 200);
    assert.notEqual(first.body.refreshToken, agency.refreshToken);
    const second = await rt.request().post('/v1/auth/refresh').send({ refreshToken: first.body.refreshToken });
    assert.equal(second.status, 200);

    const replay = await rt.request().post('/v1/auth/refresh').send({ refreshToken: agency.refreshToken });
    assert.equal(replay.status, 401);
    // The family is revoked: the newest refresh token and the access tokens of the session stop working.
    const newest = await rt.request().post('/v1/auth/refresh').send({ refreshToken: second.body.refreshToken });
    assert.equal(newest.status, 401);
    const me = await rt.request().get('/v1/me').set('Authorization', `Bearer ${second.body.accessToken}`);
    assert.equal(me.status, 401);
    const sessions = await sessionModel(rt.ctx.connection).find({ tenantId: agency.tenantId }).lean();
    assert.ok(sessions.some((s) => s.revokedReason === 'refresh token reused'));
  });

  it('should refuse tokens signed with alg none, another key, a wrong audience, or expired', async () => {
    const agency = await makeAgency(rt);
    const claims = jwt.decode(agency.adminToken) as Record<string, unknown>;
    const { iat: _iat, exp: _exp, ...base } = claims;
    const forged = [
      jwt.sign(base, '', { algorithm: 'none' }),
      jwt.sign(base, 'another-secret-that-is-long-enough-123', { algorithm: 'HS256' }),
      jwt.sign({ ...base, aud: 'someone-else' }, rt.ctx.secrets.jwt, { algorithm: 'HS256' }),
      jwt.sign({ ...base, exp: Math.floor(Date.now() / 1000) - 10 }, rt.ctx.secrets.jwt, { algorithm: 'HS256' }),
    ];
    for (const token of forged) {
      const res = await rt.request().get('/v1/me').set('Authorization', `Bearer ${token}`);
      assert.equal(res.status, 401, token);
      assert.equal(res.body.code, 'unauthenticated');
    }
    const good = jwt.sign(base, rt.ctx.secrets.jwt, { algorithm: 'HS256' });
    assert.equal((await rt.request().get('/v1/me').set('Authorization', `Bearer ${good}`)).status, 200);
  });

  it('should list my sessions and sign out of the current one', async () => {
    const agency = await makeAgency(rt);
    const list = await rt.request().get('/v1/auth/sessions').set('Authorization', `Bearer ${agency.adminToken}`);
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 1);
    assert.equal(list.body.data[0].current, true);
    const out = await rt.request().post('/v1/auth/logout').set('Authorization', `Bearer ${agency.adminToken}`);
    assert.equal(out.status, 204);
    assert.equal((await rt.request().get('/v1/me').set('Authorization', `Bearer ${agency.adminToken}`)).status, 401);
    assert.equal((await rt.request().post('/v1/auth/refresh').send({ refreshToken: agency.refreshToken })).status, 401);
  });

  it('should refuse a publishable key on an authenticated route', async () => {
    const res = await rt.request().get('/v1/me').set('Authorization', 'Bearer pk_test_abcdefghijklmnop');
    assert.equal(res.status, 401);
    assert.match(res.body.detail, /public/);
  });
});
