import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { makeAgency, type TestAgency } from '../../testing/index.js';
import { contactModel } from '../contacts/contact.model.js';
import { agencyDay, nextAgencyDay } from './import-daily-cap.js';
import { importModel } from './import.model.js';
import { importFinished, importTestRuntime, type ImportTestRuntime } from './testing/import-runtime.js';

describe('imports: the daily row cap', () => {
  let rt: ImportTestRuntime;
  let close: () => Promise<void>;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    ({ rt, close } = await importTestRuntime(import.meta.filename, { IMPORT_BATCH_SIZE: '50', IMPORT_DAILY_ROW_CAP: '120' }));
  });
  after(async () => {
    await close();
  });

  const finished = (id: string, token: string) => importFinished(rt, id, token);

  /** Uploads and maps a contacts file of `count` rows; every 10th row has an email that fails validation. */
  async function mappedImport(agency: TestAgency, count: number, tag: string): Promise<string> {
    const rows = Array.from({ length: count }, (_, i) => `P${i},${tag},${i % 10 === 9 ? 'not-an-email' : `${tag}${i}@example.test`}`);
    const res = await rt.request().post('/v1/imports/contacts').query({ name: `${tag}.csv` }).set(auth(agency.adminToken)).set('Content-Type', 'text/csv').send(Buffer.from(`Vorname,Nachname,E-Mail\n${rows.join('\n')}\n`));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await rt.request().put(`/v1/imports/${res.body.id}/mapping`).set(auth(agency.adminToken)).send({ columns: res.body.suggestedMapping, dedupeKey: 'email', mode: 'skip' }).expect(200);
    return res.body.id as string;
  }

  it('should count the agency day in its time zone and find the start of the next one across a daylight-saving change', () => {
    const at = new Date('2026-03-28T23:30:00Z'); // 00:30 on the 29th in Berlin, the night clocks go forward
    assert.equal(agencyDay(at, 'Europe/Berlin'), '2026-03-29');
    assert.equal(agencyDay(at, 'UTC'), '2026-03-28');
    assert.equal(nextAgencyDay(at, 'Europe/Berlin').toISOString(), '2026-03-29T22:00:00.000Z');
    assert.equal(nextAgencyDay(at, 'America/New_York').toISOString(), '2026-03-29T04:00:00.000Z');
    assert.equal(nextAgencyDay(at, 'UTC').toISOString(), '2026-03-29T00:00:00.000Z');
  });

  it('should stop a run at the cap with the rows written, refuse to run again that day, and go on the next day', async () => {
    const agency = await makeAgency(rt);
    const tenantId = new Types.ObjectId(agency.tenantId);
    const id = await mappedImport(agency, 200, 'cap');
    const dry = await rt.request().post(`/v1/imports/${id}/dry-run`).set(auth(agency.adminToken)).expect(200);
    assert.deepEqual({ created: dry.body.created, failed: dry.body.failed }, { created: 180, failed: 20 });
    const dryAgain = await rt.request().post(`/v1/imports/${id}/dry-run`).set(auth(agency.adminToken)).expect(200);
    assert.equal(dryAgain.body.created, 180, 'dry runs count nothing towards the cap');

    await rt.request().post(`/v1/imports/${id}/run`).set(auth(agency.adminToken)).expect(202);
    const stopped = await finished(id, agency.adminToken);
    assert.equal(stopped.status, 'failed');
    assert.equal(stopped.stopReason, 'daily_row_cap');
    assert.match(stopped.failure, /daily import limit of 120 rows is reached/);
    assert.ok(new Date(stopped.resumesAt) > new Date(), stopped.resumesAt);
    // Written rows count, failed rows do not: 120 created of the file's first 133 rows (13 of them failed).
    assert.deepEqual({ read: stopped.progress.read, created: stopped.progress.created, failed: stopped.progress.failed }, { read: 133, created: 120, failed: 13 });
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId }), 120);

    // The same day, this import and any other of the agency answer 429 naming when to try again.
    const refused = await rt.request().post(`/v1/imports/${id}/run`).set(auth(agency.adminToken));
    assert.equal(refused.status, 429, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'rate_limited');
    assert.match(refused.body.detail, /daily import limit of 120 rows is reached.*ask an admin/);
    const second = await mappedImport(agency, 10, 'other');
    assert.equal((await rt.request().post(`/v1/imports/${second}/run`).set(auth(agency.adminToken))).status, 429);
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId }), 120);

    // The next day (what the agency wrote is yesterday's): it resumes after its checkpoint and writes each row once.
    await importModel(rt.ctx.connection).updateMany({ tenantId } as never, { $set: { usageDay: '2000-01-01' } });
    await rt.request().post(`/v1/imports/${id}/run`).set(auth(agency.adminToken)).expect(202);
    const done = await finished(id, agency.adminToken);
    assert.equal(done.status, 'completed', done.failure);
    assert.equal(done.stopReason, null);
    assert.deepEqual({ read: done.progress.read, created: done.progress.created, failed: done.progress.failed }, { read: 200, created: 180, failed: 20 });
    const emails = (await contactModel(rt.ctx.connection).find({ tenantId, lastName: 'cap' }).select('primaryEmail').lean()).map((c) => c.primaryEmail);
    assert.equal(emails.length, 180);
    assert.equal(new Set(emails).size, 180);
    const stored = await importModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(id) } as never).lean();
    assert.deepEqual({ day: stored!.usageDay, rows: stored!.usageRows }, { day: agencyDay(new Date(), 'UTC'), rows: 60 });
  });

  it("should take the agency's own cap over the server's, and count a batch written again after a crash once", async () => {
    const agency = await makeAgency(rt);
    const tenantId = new Types.ObjectId(agency.tenantId);
    const set = await rt.request().patch('/v1/tenant').set(auth(agency.adminToken)).send({ importDailyRowCap: 0 });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.settings.importDailyRowCap, 0);
    const id = await mappedImport(agency, 230, 'nocap');
    await rt.request().post(`/v1/imports/${id}/run`).set(auth(agency.adminToken)).expect(202);
    const first = await finished(id, agency.adminToken);
    assert.equal(first.status, 'completed', first.failure);
    assert.equal(first.progress.created, 207);
    const Imports = importModel(rt.ctx.connection);
    const today = agencyDay(new Date(), 'UTC');
    assert.equal((await Imports.findOne({ tenantId, _id: new Types.ObjectId(id) } as never).lean())!.usageRows, 207);

    // As a worker that died after writing rows 102-231 but before moving its checkpoint (and the count with it) past row 101.
    await Imports.updateOne(
      { tenantId, _id: new Types.ObjectId(id) } as never,
      { $set: { status: 'running', checkpointRow: 101, counts: { read: 100, created: 90, updated: 0, skipped: 0, failed: 10 }, usageDay: today, usageRows: 90, heartbeatAt: new Date(Date.now() - 3_600_000) } },
    );
    await rt.request().post(`/v1/imports/${id}/run`).set(auth(agency.adminToken)).expect(202);
    const resumed = await finished(id, agency.adminToken);
    assert.equal(resumed.status, 'completed', resumed.failure);
    assert.equal(resumed.progress.created, 207);
    assert.equal((await Imports.findOne({ tenantId, _id: new Types.ObjectId(id) } as never).lean())!.usageRows, 207, 'the batches written twice counted once');
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId }), 207);

    // A cap lower than what the agency wrote today: the next run is refused, and the setting is checked.
    await rt.request().patch('/v1/tenant').set(auth(agency.adminToken)).send({ importDailyRowCap: 200 }).expect(200);
    const next = await mappedImport(agency, 5, 'later');
    assert.equal((await rt.request().post(`/v1/imports/${next}/run`).set(auth(agency.adminToken))).status, 429);
    const bad = await rt.request().patch('/v1/tenant').set(auth(agency.adminToken)).send({ importDailyRowCap: -1 });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'importDailyRowCap');
  });
});
