import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestRuntime, makeAgency } from '../../testing/index.js';
import { refreshTokenModel, sessionModel } from './session.model.js';
import { claimModel, claimOnce } from '../../platform/db/claim-once.js';
import { sweepDayOf, sweepDays, sweepExpired, SWEEP_LOOKBACK_DAYS } from '../../platform/db/expiry-sweep.js';

const DAY = 24 * 3600_000;

describe('expiry sweep: expired sessions, refresh tokens and their single-use claims are deleted by day', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
  });
  after(() => rt.close());

  it('should give a row the UTC day after its expiry, and sweep today and the days before', () => {
    assert.equal(sweepDayOf(new Date('2026-12-06T23:59:59.999Z')), '2026-12-07');
    assert.equal(sweepDayOf(new Date('2026-12-31T00:00:00Z')), '2027-01-01');
    const days = sweepDays(new Date('2026-03-01T10:00:00Z'));
    assert.equal(days.length, SWEEP_LOOKBACK_DAYS + 1);
    assert.deepEqual(days.slice(0, 3), ['2026-03-01', '2026-02-28', '2026-02-27']);
  });

  it('should delete a used refresh token, its claim and its session once expired, and keep what has not expired and claims made to last', async () => {
    const agency = await makeAgency(rt);
    const refreshed = await rt.request().post('/v1/auth/refresh').send({ refreshToken: agency.refreshToken });
    assert.equal(refreshed.status, 200);
    const tokens = refreshTokenModel(rt.ctx.connection);
    const sessions = sessionModel(rt.ctx.connection);
    const used = (await tokens.find({ tenantId: agency.tenantId }).lean()).find((t) => t.usedAt);
    assert.ok(used, 'the first refresh token is used');
    const session = await sessions.findOne({ tenantId: agency.tenantId, _id: used.sessionId }).lean();
    assert.ok(session);
    assert.equal((session as unknown as { sweepDay: string }).sweepDay, sweepDayOf(session.expiresAt));
    const claims = claimModel(rt.ctx.connection);
    const claim = await claims.findById(`refresh:${String(used._id)}`).lean();
    assert.equal(claim?.sweepDay, sweepDayOf(used.expiresAt), 'the claim is kept as long as the token');
    const lasting = `test-lasting:${String(agency.tenantId)}`;
    assert.equal(await claimOnce(rt.ctx.connection, lasting), true);

    // The day before the sweep day nothing goes; on it (and up to the look-back after it) everything expired does.
    const dayBefore = new Date(used.expiresAt.getTime() - DAY);
    for (const model of [tokens, sessions, claims]) await sweepExpired(model, dayBefore);
    assert.ok(await tokens.findOne({ tenantId: agency.tenantId, _id: used._id }).lean());
    assert.ok(await claims.findById(`refresh:${String(used._id)}`).lean());

    const later = new Date(Math.max(used.expiresAt.getTime(), session.expiresAt.getTime()) + 2 * DAY);
    const deleted = { tokens: await sweepExpired(tokens, later), sessions: await sweepExpired(sessions, later), claims: await sweepExpired(claims, later) };
    assert.ok(deleted.tokens >= 2 && deleted.sessions >= 1 && deleted.claims >= 1, JSON.stringify(deleted));
    assert.equal(await tokens.countDocuments({ tenantId: agency.tenantId }), 0);
    assert.equal(await sessions.countDocuments({ tenantId: agency.tenantId }), 0);
    assert.equal(await claims.findById(`refresh:${String(used._id)}`).lean(), null);
    assert.ok(await claims.findById(lasting).lean(), 'a claim made without an expiry is kept');
    // A spent claim that is gone does not make a spent token usable: the token went with it.
    const replay = await rt.request().post('/v1/auth/refresh').send({ refreshToken: agency.refreshToken });
    assert.equal(replay.status, 401);
  });
});
