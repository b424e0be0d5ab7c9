import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { op } from '../../platform/db/operators.js';
import { JOBS_COLLECTION } from '../../platform/jobs/jobs.js';
import { createTestRuntime, makeAgency, makeUser, type TestAgency } from '../../testing/index.js';
import { roundRobinClaimModel } from './assignment.model.js';
import { ROUND_ROBIN_CLAIMS_PRUNE_JOB, ROUND_ROBIN_CLAIMS_PRUNE_SCHEDULE } from './round-robin-claims.js';

/** Reads until `ok` holds or the deadline passes, then answers the last value (the assertion says what was wrong). */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('round-robin claims are pruned by a daily job', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const Claims = () => roundRobinClaimModel(rt.ctx.connection);

  before(async () => {
    // A short lock lifetime, because Agenda keeps a liveness timer of half of it after each run.
    rt = await createTestRuntime({ file: import.meta.filename, env: { JOBS_PROCESS_EVERY_MS: '100', JOBS_LOCK_LIFETIME_MS: '2000' } });
  });
  after(() => rt.close());

  /** An agency with a two-agent team and `tickets` tickets handed out round-robin; answers the owners in order. */
  async function deskWithTickets(agency: TestAgency, tickets: number) {
    const members = await Promise.all([0, 1].map(() => makeUser(rt, agency, { role: 'SUPPORT' })));
    const team = await rt.request().post('/v1/org/teams').set(auth(agency.adminToken)).send({ name: 'Desk', memberIds: members.map((m) => String(m.id)) });
    assert.equal(team.status, 201, JSON.stringify(team.body));
    const owners: string[] = [];
    for (let i = 0; i < tickets; i++) {
      const res = await rt.request().post('/v1/tickets').set(auth(agency.adminToken)).send({ subject: `Queue ${i}`, teamId: team.body.id, ownerId: null });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      owners.push(res.body.ownerId as string);
    }
    return { teamId: team.body.id as string, owners };
  }

  it('should store the daily prune job once when the scheduler starts', async () => {
    await rt.ctx.jobs.start();
    const stored = await rt.ctx.connection.db!.collection(JOBS_COLLECTION).find({ name: ROUND_ROBIN_CLAIMS_PRUNE_JOB }).toArray();
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.repeatInterval, ROUND_ROBIN_CLAIMS_PRUNE_SCHEDULE);
  });

  it('should delete claims older than a day in every agency, keep recent ones, and leave the turns where they were', async () => {
    const a = await makeAgency(rt);
    const b = await makeAgency(rt);
    const deskA = await deskWithTickets(a, 4);
    await deskWithTickets(b, 2);
    const tenantA = new Types.ObjectId(a.tenantId);
    const tenantB = new Types.ObjectId(b.tenantId);
    assert.equal(await Claims().countDocuments({ tenantId: tenantA }), 4);
    // The first three turns of A and both of B were claimed two days ago; A's fourth just now.
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000);
    const idsA = (await Claims().find({ tenantId: tenantA }).lean()).map((c) => c._id).sort((x, y) => Number(x.split(':')[2]) - Number(y.split(':')[2]));
    await Claims().updateMany({ tenantId: tenantA, _id: op({ $in: idsA.slice(0, 3) }) }, { $set: { at: twoDaysAgo } });
    await Claims().updateMany({ tenantId: tenantB }, { $set: { at: twoDaysAgo } });

    await rt.ctx.jobs.agenda.now(ROUND_ROBIN_CLAIMS_PRUNE_JOB);
    const left = await eventually(
      () => Claims().find({ tenantId: op({ $in: [tenantA, tenantB] }) }).setOptions({ crossTenant: 'test reads both agencies' }).lean(),
      (claims) => claims.length === 1,
    );
    assert.deepEqual(left.map((c) => c._id), [idsA[3]], 'only the recent claim is kept, in either agency');

    // Round-robin goes on from where it was: the next two tickets go to the agents in the same alternation.
    const next: string[] = [];
    for (const subject of ['After prune 1', 'After prune 2']) {
      const res = await rt.request().post('/v1/tickets').set(auth(a.adminToken)).send({ subject, teamId: deskA.teamId, ownerId: null });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      next.push(res.body.ownerId as string);
    }
    assert.deepEqual(next, [deskA.owners[0], deskA.owners[1]], 'the turns continue the alternation');
    assert.equal(await Claims().countDocuments({ tenantId: tenantA }), 3, 'the new turns claim new numbers');
  });
});
