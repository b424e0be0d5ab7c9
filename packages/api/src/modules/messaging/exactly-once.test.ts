import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { startSmtpSink, type SmtpSink } from '../../platform/mail/smtp-sink.js';
import { contactModel } from '../contacts/contact.model.js';
import { buildMessaging } from './messaging.module.js';
import { SEND_JOB } from './delivery.engine.js';
import { deliveryIdFor, deliveryKey, deliveryModel, deliveryTakeoverModel, sendModel } from './messaging.model.js';
import { exited, startSendWorker } from './testing/send-worker-process.js';

const N = 25;

describe('exactly-once sending across a crash and two workers', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let sink: SmtpSink;
  let agency: TestAgency;
  let templateId: string;
  const contactIds: string[] = [];
  const encryptionKey = randomBytes(32).toString('base64');
  let holdAt = -1;
  let released: (() => void) | null = null;
  let heldReached: (() => void) | null = null;

  // One SMTP lane: the only message in flight at the kill is the held one (see the RFC 1047 note in the README).
  const start = (sendId: string, mode: 'agenda' | 'direct') =>
    startSendWorker({ uri: rt.database.uri, dbName: rt.dbName, tenantId: agency.tenantId, sendId, mode, smtpUrl: sink.url, encryptionKey, processEveryMs: 100, lockLifetimeMs: 1500, poolSize: 1 });
  const greeting = async () => {
    const res = await rt.request().post('/v1/greetings').set({ Authorization: `Bearer ${agency.adminToken}` }).send({ name: 'crash', templateId, targets: { contactIds }, sendAt: '2020-01-01T00:00' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const countAll = () => {
    const counts = new Map<string, number>();
    for (const m of sink.messages) for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
    return counts;
  };

  before(async () => {
    sink = await startSmtpSink({
      beforeAccept: async (_mail, index) => {
        if (index !== holdAt) return 'accept';
        heldReached?.();
        await new Promise<void>((resolve) => (released = resolve));
        return 'drop';
      },
    });
    rt = await createTestRuntime({ file: import.meta.filename, env: { ENCRYPTION_KEY: encryptionKey, SMTP_URL: sink.url } });
    agency = await makeAgency(rt);
    const tenantId = new Types.ObjectId(agency.tenantId);
    const docs = await contactModel(rt.ctx.connection).insertMany(
      Array.from({ length: N }, (_, i) => ({ tenantId, firstName: `R${i}`, lastName: 'Test', status: 'new', emails: [{ label: 'work', value: `r${i}@example.test`, primary: true }], primaryEmail: `r${i}@example.test` })),
    );
    contactIds.push(...docs.map((d) => String(d._id)));
    const tpl = await rt.request().post('/v1/templates').set({ Authorization: `Bearer ${agency.adminToken}` }).send({ name: 'crash', category: 'greeting', subject: 'Hello {{recipient.firstName}}', html: '<p>Hi</p>', text: 'Hi' });
    templateId = tpl.body.id;
  });
  after(async () => {
    await rt.close();
    await sink.stop();
  });

  it('should deliver to every recipient exactly once when the worker is killed mid-send and another resumes', async () => {
    const sendId = await greeting();
    holdAt = sink.messages.length + 7;
    const reached = new Promise<void>((resolve) => (heldReached = resolve));
    const first = start(sendId, 'agenda');
    await reached; // the 8th message is on the wire, its 250 not yet given
    first.kill('SIGKILL');
    await exited(first);
    released?.();
    const pendingAfterCrash = await deliveryModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId), sendId: new Types.ObjectId(sendId), state: 'pending' });
    assert.ok(pendingAfterCrash >= 1, 'the crash left at least the in-flight message pending');
    assert.ok(sink.messages.length < N, 'the crash happened mid-send');

    const second = start(sendId, 'agenda');
    assert.equal(await exited(second), 0);
    const counts = countAll();
    assert.equal(counts.size, N, 'no gap: every recipient got the greeting');
    assert.deepEqual([...counts.values()].filter((c) => c !== 1), [], 'no duplicate');
    const states = await deliveryModel(rt.ctx.connection).distinct('state', { tenantId: new Types.ObjectId(agency.tenantId), sendId: new Types.ObjectId(sendId) });
    assert.deepEqual(states, ['sent']);
  });

  it('should deliver exactly once when two workers run the same send at the same time', async () => {
    const before = sink.messages.length;
    holdAt = -1;
    const sendId = await greeting();
    const [a, b] = [start(sendId, 'direct'), start(sendId, 'direct')];
    assert.deepEqual(await Promise.all([exited(a), exited(b)]), [0, 0]);
    const counts = new Map<string, number>();
    for (const m of sink.messages.slice(before)) for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
    assert.equal(counts.size, N);
    assert.deepEqual([...counts.values()].filter((c) => c !== 1), []);
    const entries = await deliveryModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId), sendId: new Types.ObjectId(sendId), state: 'sent' });
    assert.equal(entries, N);
  });

  it('should let exactly one of two workers take over each entry a dead worker left pending', async () => {
    const before = sink.messages.length;
    holdAt = -1;
    const sendId = new Types.ObjectId(await greeting());
    const tenantId = new Types.ObjectId(agency.tenantId);
    // A worker died after claiming every entry, a day ago: all of them are stale and up for takeover.
    const longAgo = new Date(Date.now() - 24 * 3600_000);
    await deliveryModel(rt.ctx.connection).insertMany(
      contactIds.map((id) => {
        const key = deliveryKey(sendId, 'contact', new Types.ObjectId(id), 'email');
        return { _id: deliveryIdFor(key), tenantId, key, sendId, recipientType: 'contact', recipientId: new Types.ObjectId(id), channel: 'email', email: null, state: 'pending', claimedBy: 'dead-worker', claimedAt: longAgo };
      }),
    );
    const takeoversBefore = await deliveryTakeoverModel(rt.ctx.connection).countDocuments({ tenantId });
    const { engine } = buildMessaging(rt.ctx, () => (_req, _res, next) => next());
    // Two runs at once: each has its own claim id, so they compete exactly as two processes would.
    await Promise.all([engine.run(tenantId, sendId), engine.run(tenantId, sendId)]);
    const counts = new Map<string, number>();
    for (const m of sink.messages.slice(before)) for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
    assert.equal(counts.size, N, 'every stale entry was sent');
    assert.deepEqual([...counts.values()].filter((c) => c !== 1), [], 'by one worker only');
    assert.equal((await deliveryTakeoverModel(rt.ctx.connection).countDocuments({ tenantId })) - takeoversBefore, N, 'one takeover per entry');
    assert.equal(await deliveryModel(rt.ctx.connection).countDocuments({ tenantId, sendId, state: 'sent' }), N);
  });

  it('should resume a send whose job was lost or failed, so no recipient is left out', async () => {
    const before = sink.messages.length;
    holdAt = -1;
    const sendId = await greeting();
    const tenantId = new Types.ObjectId(agency.tenantId);
    // What Agenda leaves after cancelling a job that outlived its lock, or a worker lost with its job:
    // the send says running, no job will run it, and nothing has moved for an hour.
    assert.equal(await rt.ctx.jobs.cancel(SEND_JOB, { sendId }), 1);
    await rt.ctx.connection.db!.collection('sends').updateOne({ _id: new Types.ObjectId(sendId) }, { $set: { state: 'running', updatedAt: new Date(Date.now() - 3600_000) } });
    const { engine } = buildMessaging(rt.ctx, () => (_req, _res, next) => next());
    assert.ok((await engine.resumeStalled(new Date())) >= 1);
    assert.ok((await sendModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(sendId) }).lean())?.resumedAt, 'marked as resumed');
    const worker = start(sendId, 'agenda');
    assert.equal(await exited(worker), 0);
    const counts = new Map<string, number>();
    for (const m of sink.messages.slice(before)) for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
    assert.equal(counts.size, N, 'every recipient got it');
    assert.deepEqual([...counts.values()].filter((c) => c !== 1), [], 'once');
  });
});
