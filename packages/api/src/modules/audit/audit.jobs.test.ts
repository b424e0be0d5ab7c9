import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { JOBS_COLLECTION } from '../../platform/jobs/jobs.js';
import { USER_MESSAGE_EVENT } from '../../platform/realtime/realtime.js';
import { seedTenantDefaults } from '../identity/tenant-setup.service.js';
import { tenantModel } from '../identity/tenant.model.js';
import { AUDIT_RETENTION_JOB, AUDIT_RETENTION_SCHEDULE } from './audit.jobs.js';
import { auditEntryModel } from './audit.model.js';
import { createAuditService } from './audit.service.js';

const MONTH_MS = 30.5 * 24 * 3600 * 1000;

/** Polls until `ok` holds or the deadline passes; returns the last value. */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('audit retention: a daily job prunes each agency to its own setting', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  const Entry = () => auditEntryModel(rt.ctx.connection);

  /**
   * An agency whose trail starts in the past: entries written months ago (through the real append, so
   * the chain is genuine), then today's sign-in of its admin. Returns the admin's token.
   */
  async function agencyWithHistory(name: string, retentionMonths: number | null, monthsAgo: number[]): Promise<{ tenantId: Types.ObjectId; token: string }> {
    const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${new Types.ObjectId().toHexString().slice(-6)}`;
    const tenant = await tenantModel(rt.ctx.connection).create({ name, slug, ...(retentionMonths ? { settings: { auditRetentionMonths: retentionMonths } } : {}) });
    await seedTenantDefaults(rt.ctx.connection, tenant._id);
    const audit = createAuditService({ connection: rt.ctx.connection });
    for (const [i, months] of monthsAgo.entries()) {
      await audit.append({ type: `test.m${months}`, tenantId: tenant._id, resource: 'test', resourceId: String(i), actor: null, at: new Date(Date.now() - months * MONTH_MS) });
    }
    const admin = await makeUser(rt, { tenantId: String(tenant._id) } as TestAgency, { role: 'ADMIN' });
    return { tenantId: tenant._id, token: await signIn(rt, admin.email) };
  }

  before(async () => {
    // A short lock lifetime, because Agenda keeps a liveness timer of half of it after each run.
    rt = await createTestRuntime({ file: import.meta.filename, env: { JOBS_PROCESS_EVERY_MS: '100', JOBS_LOCK_LIFETIME_MS: '2000' } });
  });
  after(async () => {
    await rt.close();
  });

  it('should store one recurring daily job when the scheduler starts', async () => {
    await rt.ctx.jobs.start();
    const stored = await rt.ctx.connection.db!.collection(JOBS_COLLECTION).find({ name: AUDIT_RETENTION_JOB }).toArray();
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.repeatInterval, AUDIT_RETENTION_SCHEDULE);
    assert.match(AUDIT_RETENTION_SCHEDULE, /^\d+ \d+ \* \* \*$/, 'once a day');
  });

  it("should prune entries older than each agency's retention and leave a chain that verifies from the oldest kept entry", async () => {
    const byDefault = await agencyWithHistory('Default retention', null, [30, 26, 25, 20, 3]);
    const longer = await agencyWithHistory('Three-year retention', 36, [30, 20]);
    // Hashes are final once sealed (appends write unsealed entries; the sealing job links them).
    await createAuditService({ connection: rt.ctx.connection }).seal(byDefault.tenantId);
    const before = await Entry().find({ tenantId: byDefault.tenantId }).sort({ seq: 1 }).lean();
    const lastOld = before.filter((e) => e.type === 'test.m25').at(0)!;

    await rt.ctx.jobs.agenda.now(AUDIT_RETENTION_JOB);
    const kept = await eventually(
      () => Entry().find({ tenantId: byDefault.tenantId }).sort({ seq: 1 }).lean(),
      (entries) => entries.every((e) => !['test.m30', 'test.m26', 'test.m25'].includes(e.type)),
    );

    // 24 months by default: the three older entries are gone, the rest (20 and 3 months, today's sign-in) stay.
    assert.deepEqual(kept.map((e) => e.type), before.filter((e) => e.seq > lastOld.seq).map((e) => e.type));
    assert.ok(kept.some((e) => e.type === 'test.m20') && kept.some((e) => e.type === 'auth.login'));
    // 36 months: nothing of the three-year agency is old enough yet.
    assert.deepEqual((await Entry().find({ tenantId: longer.tenantId }).sort({ seq: 1 }).lean()).map((e) => e.type).slice(0, 2), ['test.m30', 'test.m20']);

    const verify = await rt.request().get('/v1/audit/verify').set('Authorization', `Bearer ${byDefault.token}`);
    assert.equal(verify.status, 200);
    assert.equal(verify.body.ok, true, JSON.stringify(verify.body));
    // Verification starts at the anchor the pruning left: the last deleted entry's seq and hash.
    assert.deepEqual(verify.body.anchor, { seq: lastOld.seq, hash: lastOld.hash });
    assert.equal(kept[0]!.seq, lastOld.seq + 1);
    assert.equal(kept[0]!.prevHash, lastOld.hash);
    assert.ok(verify.body.checked >= kept.length);
    const other = await rt.request().get('/v1/audit/verify').set('Authorization', `Bearer ${longer.token}`);
    assert.equal(other.body.ok, true);
    assert.equal(other.body.anchor.seq, 0);
  });

  it('should still notice when the oldest kept entry is removed behind the API after pruning', async () => {
    const agency = await agencyWithHistory('Tampered', 12, [14, 13, 2, 1]);
    await rt.ctx.jobs.agenda.now(AUDIT_RETENTION_JOB);
    const kept = await eventually(
      () => Entry().find({ tenantId: agency.tenantId }).sort({ seq: 1 }).lean(),
      (entries) => entries[0]?.type === 'test.m2',
    );
    assert.equal(kept[0]!.type, 'test.m2');
    await Entry().collection.deleteOne({ _id: kept[0]!._id });
    const verify = await rt.request().get('/v1/audit/verify').set('Authorization', `Bearer ${agency.token}`);
    assert.equal(verify.body.ok, false);
    assert.equal(verify.body.reason, 'missing');
    assert.equal(verify.body.brokenAt, kept[0]!.seq);
  });

  it('should find nothing more to prune when run again', async () => {
    const audit = createAuditService({ connection: rt.ctx.connection });
    const tenants = await tenantModel(rt.ctx.connection).find({}).select('_id').lean();
    for (const tenant of tenants) assert.equal((await audit.prune(tenant._id)).deleted, 0);
  });

  it('should leave realtime deliveries (notifications shown, send progress) out of the trail', async () => {
    const agency = await agencyWithHistory('Quiet', null, []);
    const count = () => Entry().countDocuments({ tenantId: agency.tenantId });
    const before = await count();
    await rt.ctx.events.publish({ type: USER_MESSAGE_EVENT, tenantId: agency.tenantId, resource: 'notification', resourceId: null, actor: null, data: { userId: String(new Types.ObjectId()), name: 'notification', payload: { title: 'hi' } } });
    assert.equal(await count(), before);
    assert.equal(await Entry().countDocuments({ tenantId: agency.tenantId, type: USER_MESSAGE_EVENT }), 0);
  });
});
