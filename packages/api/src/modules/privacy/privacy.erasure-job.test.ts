import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import type { DomainEvent } from '../../platform/events.js';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { createPrivacyErasureJobs, privacyErasureJobModel } from './privacy.erasure-job.js';
import { privacyRequestModel } from './privacy.model.js';
import { privacyRecordKinds } from './privacy.records.js';
import { secretBoxFor } from '../../platform/crypto/secret-box.js';

async function poll<T>(read: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('privacy: erasure as a job', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  const erased: DomainEvent[] = [];
  const auth = () => ({ Authorization: `Bearer ${agency.adminToken}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { DATA_DIR: mkdtempSync(join(tmpdir(), 'erasure-job-')), JOBS_PROCESS_EVERY_MS: '100' } });
    agency = await makeAgency(rt);
    rt.ctx.events.subscribe('privacyRequest.erased', (event) => {
      erased.push(event);
    });
  });
  after(async () => {
    await rt.close();
  });

  it('should answer 202 with a status URL, and complete once even when its job runs twice at the same time', async () => {
    const email = `gone-${new Types.ObjectId().toHexString().slice(-6)}@example.test`;
    const contactId = (await rt.request().post('/v1/contacts').set(auth()).send({ firstName: 'Erin', lastName: 'Erased', emails: [{ value: email, primary: true }] }).expect(201)).body.id as string;
    const refused = await rt.request().post('/v1/privacy/erasure-jobs').set(auth()).send({ email, confirmation: 'yes' });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].field, 'confirmation');

    const queued = await rt.request().post('/v1/privacy/erasure-jobs').set(auth()).send({ email, confirmation: 'ERASE' });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    assert.equal(queued.headers.location, queued.body.statusUrl);
    assert.equal(queued.body.status, 'queued');
    const tenantId = new Types.ObjectId(agency.tenantId);
    const jobId = new Types.ObjectId(queued.body.id as string);

    // The same job run twice at once (two workers, or a job enqueued twice), before the scheduler starts a third.
    const runner = createPrivacyErasureJobs({ connection: rt.ctx.connection, events: rt.ctx.events, jobs: rt.ctx.jobs, kinds: privacyRecordKinds(rt.ctx.connection), box: secretBoxFor(rt.ctx.config), logger: rt.ctx.logger });
    // Tests get a fresh encryption key per box: this runner seals the identifiers again with its own.
    await privacyErasureJobModel(rt.ctx.connection).updateOne({ tenantId, _id: jobId }, { $set: { subjectSealed: runner.sealSubject({ email }) } });
    await Promise.all([runner.run(tenantId, jobId), runner.run(tenantId, jobId)]);
    await rt.ctx.jobs.start();

    const done = await poll(async () => {
      const res = await rt.request().get(queued.body.statusUrl as string).set(auth());
      return res.body.status === 'completed' ? res.body : null;
    }, 'the erasure job to complete');
    assert.equal(done.requestId, queued.body.id);
    await rt.request().get(`/v1/contacts/${contactId}`).set(auth()).expect(404);
    assert.equal(await privacyRequestModel(rt.ctx.connection).countDocuments({ tenantId, _id: jobId }), 1, 'one privacy request');
    await runner.run(tenantId, jobId);
    assert.equal(erased.filter((e) => e.resourceId === queued.body.id).length, 1, 'published once');
    const stored = await privacyErasureJobModel(rt.ctx.connection).findOne({ tenantId, _id: jobId }).lean();
    assert.equal(stored?.subjectSealed, null, 'the identifiers are dropped once done');
    await rt.request().get(`/v1/privacy/erasure-jobs/${new Types.ObjectId().toHexString()}`).set(auth()).expect(404);
  });
});
