import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { JOBS_COLLECTION } from '../../platform/jobs/jobs.js';
import { startSmtpSink, type SmtpSink, type SmtpSinkOptions } from '../../platform/mail/smtp-sink.js';
import { contactModel } from '../contacts/contact.model.js';
import { buildMessaging } from './messaging.module.js';
import { SEND_JOB } from './delivery.engine.js';
import { deliveryAttemptModel, deliveryIdFor, deliveryKey, deliveryModel, sendModel, sendRunModel, type Delivery } from './messaging.model.js';
import { exited, startSendWorker } from './testing/send-worker-process.js';

/**
 * Exactly once, proven at the receiving end (issue 17): a real SMTP server (`smtp-server`) in this
 * process, the send run by real worker processes through Agenda, killed with SIGKILL at the two moments
 * that matter: while the server holds the message in DATA (no reply yet), and right after its 250 reply
 * reached the worker's socket (the worker is stopped with SIGSTOP before the reply, so it can never
 * record it). Then a restart: nothing is sent twice (by Message-ID), nothing is lost silently.
 */
// EXACTLY_ONCE_RECIPIENTS lets a loaded machine run the same proof on a shorter list.
const N = Number(process.env.EXACTLY_ONCE_RECIPIENTS ?? 2000);
const POOL = 5;
const LEASE = 3000;

const messageIdOf = (raw: string) => /^message-id:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? '';

describe(`exactly-once sending across kill -9 and two workers (${N} recipients)`, () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let templateId: string;
  const contactIds: string[] = [];
  const encryptionKey = randomBytes(32).toString('base64');
  const tenantId = () => new Types.ObjectId(agency.tenantId);
  const sinks: SmtpSink[] = [];

  const workers: ChildProcess[] = [];
  const start = (sink: SmtpSink, sendId: string, mode: 'agenda' | 'direct' = 'agenda') =>
    track(startSendWorker({ uri: rt.database.uri, dbName: rt.dbName, tenantId: agency.tenantId, sendId, mode, smtpUrl: sink.url, encryptionKey, processEveryMs: 200, leaseMs: LEASE, poolSize: POOL }));
  const track = (child: ChildProcess) => {
    workers.push(child);
    return child;
  };
  const sinkWith = async (options: SmtpSinkOptions) => {
    const sink = await startSmtpSink(options);
    sinks.push(sink);
    return sink;
  };
  const greeting = async (name: string, to = contactIds) => {
    const res = await rt.request().post('/v1/greetings').set({ Authorization: `Bearer ${agency.adminToken}` }).send({ name, templateId, targets: { contactIds: to }, sendAt: '2020-01-01T00:00' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const sendJobs = (sendId: string) => rt.ctx.connection.db!.collection(JOBS_COLLECTION).countDocuments({ name: SEND_JOB, 'data.sendId': sendId });
  const ledgerOf = (sendId: string): Promise<Delivery[]> => deliveryModel(rt.ctx.connection).find({ tenantId: tenantId(), sendId: new Types.ObjectId(sendId) }).lean();
  const waitFor = async (check: () => boolean, what: string, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  /** What every crash scenario must show: at the server and in the ledger, and through the API. */
  async function assertExactlyOnce(sink: SmtpSink, sendId: string) {
    const byMessageId = new Map<string, number>();
    for (const m of sink.messages) byMessageId.set(messageIdOf(m.raw), (byMessageId.get(messageIdOf(m.raw)) ?? 0) + 1);
    assert.deepEqual([...byMessageId.entries()].filter(([, n]) => n > 1), [], '0 duplicates by Message-ID at the server');
    const entries = await ledgerOf(sendId);
    assert.equal(entries.length, N, 'one ledger entry per recipient');
    const states = new Map<string, number>();
    for (const e of entries) states.set(e.state, (states.get(e.state) ?? 0) + 1);
    assert.deepEqual([...states.keys()].filter((s) => !['sent', 'failed', 'uncertain'].includes(s)), [], `every recipient is sent, failed or uncertain: ${JSON.stringify([...states])}`);
    const uncertain = entries.filter((e) => e.state === 'uncertain');
    // A run that stops (killed, or its lease lapsed on a loaded machine and another pass took over) leaves at most
    // its claims without an outcome, and it claims at most the pool at a time: at most POOL uncertain per run.
    const byRun = new Map<string, number>();
    for (const e of uncertain) byRun.set(String(e.claimedBy), (byRun.get(String(e.claimedBy)) ?? 0) + 1);
    assert.ok(uncertain.length >= 1, 'at least the killed message is uncertain');
    assert.ok([...byRun.values()].every((n) => n <= POOL), `at most the pool size (${POOL}) uncertain per stopped run: ${JSON.stringify([...byRun])}`);
    const sent = entries.filter((e) => e.state === 'sent');
    for (const e of sent) assert.equal(byMessageId.get(e.messageId!), 1, `a sent entry is at the server once: ${e.messageId}`);
    const uncertainAtServer = uncertain.filter((e) => byMessageId.has(e.messageId!)).length;
    assert.equal(sent.length + uncertainAtServer, byMessageId.size, "the ledger's counts equal the server's");
    const api = await rt.request().get(`/v1/greetings/${sendId}`).set({ Authorization: `Bearer ${agency.adminToken}` });
    assert.equal(api.body.progress.state, 'completed');
    assert.deepEqual({ sent: api.body.progress.sent, uncertain: api.body.progress.uncertain, pending: api.body.progress.pending }, { sent: sent.length, uncertain: uncertain.length, pending: 0 }, 'counters come from the ledger');
    const listed = await rt.request().get(`/v1/greetings/${sendId}/uncertain`).set({ Authorization: `Bearer ${agency.adminToken}` });
    assert.deepEqual(listed.body.data.map((d: { messageId: string }) => d.messageId).sort(), uncertain.map((e) => e.messageId).sort(), 'the API lists exactly the uncertain ones');
    assert.equal(await sendJobs(sendId), 1, 'one send job');
    return { uncertain, byMessageId };
  }

  /** Kills the worker at the chosen moment, restarts one, and waits for the send to resume. */
  async function crashAndResume(sink: SmtpSink, sendId: string, killed: Promise<void>, first: ChildProcess) {
    await killed;
    await exited(first);
    const acceptedAtKill = sink.messages.length;
    assert.ok(acceptedAtKill > 0 && acceptedAtKill < N, `the kill came mid-send (${acceptedAtKill} accepted)`);
    const entries = await ledgerOf(sendId);
    assert.equal(entries.length, N, 'the whole list was queued in the ledger before sending');
    // Claimed and not finished: an attempt document exists (the claim) while the entry has no outcome yet.
    const attempts = await deliveryAttemptModel(rt.ctx.connection).find({ tenantId: tenantId(), sendId: new Types.ObjectId(sendId) }).lean();
    const unfinished = new Set(entries.filter((e) => e.state === 'queued' || e.state === 'sending').map((e) => String(e._id)));
    assert.ok(attempts.some((a) => unfinished.has(String(a.deliveryId))), 'the kill left claimed messages without an outcome');
    const second = start(sink, sendId);
    await waitFor(() => sink.messages.length > acceptedAtKill, 'the send to resume', 300_000);
    // How soon it resumes is a benchmark figure (bench/email.ts --scenarios crash; issue 17 asks for 30 s), not
    // asserted here: the wait above fails only if the restart waited for the job's 10-minute lock or never sent.
    assert.equal(await exited(second), 0);
  }

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { ENCRYPTION_KEY: encryptionKey, MAIL_SEND_LEASE_MS: String(LEASE) } });
    agency = await makeAgency(rt);
    const docs = await contactModel(rt.ctx.connection).insertMany(
      Array.from({ length: N }, (_, i) => ({ tenantId: tenantId(), firstName: `R${i}`, lastName: 'Test', status: 'new', emails: [{ label: 'work', value: `r${i}@example.test`, primary: true }], primaryEmail: `r${i}@example.test` })),
    );
    contactIds.push(...docs.map((d) => String(d._id)));
    const tpl = await rt.request().post('/v1/templates').set({ Authorization: `Bearer ${agency.adminToken}` }).send({ name: 'crash', category: 'greeting', subject: 'Hello {{recipient.firstName}}', html: '<p>Hi</p>', text: 'Hi' });
    templateId = tpl.body.id;
  });
  after(async () => {
    for (const child of workers) if (child.exitCode === null && !child.signalCode) child.kill('SIGKILL');
    await rt.close();
    for (const sink of sinks) await sink.stop();
  });

  it('should send nothing twice when the worker is killed during DATA, and resume from the ledger', async () => {
    const sendId = await greeting('kill during DATA');
    let worker: ChildProcess | null = null;
    let signal!: () => void;
    const killed = new Promise<void>((resolve) => (signal = resolve));
    const sink = await sinkWith({
      beforeAccept: (_mail, index) => {
        if (index !== Math.floor(N * 0.35)) return 'accept';
        worker!.kill('SIGKILL'); // the worker dies while the server holds the message, unanswered
        signal();
        return 'drop';
      },
    });
    worker = start(sink, sendId);
    await crashAndResume(sink, sendId, killed, worker);
    const { uncertain } = await assertExactlyOnce(sink, sendId);
    // Dropped unanswered, the killed message is not at the server: uncertain is the honest answer.
    assert.ok(uncertain.length >= 1);
  });

  it('should send nothing twice when the worker is killed right after the 250 reply, and count that message uncertain', async () => {
    const sendId = await greeting('kill after 250');
    let worker: ChildProcess | null = null;
    let signal!: () => void;
    const killed = new Promise<void>((resolve) => (signal = resolve));
    let acceptedId = '';
    const sink = await sinkWith({
      beforeAccept: (mail, index) => {
        if (index === Math.floor(N * 0.45)) {
          worker!.kill('SIGSTOP'); // frozen before the reply: it can never record what comes next
          acceptedId = messageIdOf(mail.raw);
        }
        return 'accept';
      },
      afterAccept: (_mail, index) => {
        if (index !== Math.floor(N * 0.45)) return;
        worker!.kill('SIGKILL'); // the 250 is on its socket; the worker dies without reading it
        signal();
      },
    });
    worker = start(sink, sendId);
    await crashAndResume(sink, sendId, killed, worker);
    const { uncertain } = await assertExactlyOnce(sink, sendId);
    const entry = uncertain.find((e) => e.messageId === acceptedId);
    assert.ok(entry, 'the message the server accepted but the worker never heard of is uncertain, not sent again');
  });

  it('should resend exactly the uncertain messages once when an operator asks, however often', async () => {
    const few = contactIds.slice(0, 50);
    const sendId = await greeting('resend', few);
    const tenant = tenantId();
    const send = new Types.ObjectId(sendId);
    // A worker claimed three messages and died: its lease is a minute old.
    const deadRun = 'dead-worker-1';
    await sendRunModel(rt.ctx.connection).create({ _id: deadRun, tenantId: tenant, sendId: send, heartbeatAt: new Date(Date.now() - 60_000) });
    const three = few.slice(0, 3).map((id) => {
      const key = deliveryKey(send, 'contact', new Types.ObjectId(id), 'email');
      return { _id: deliveryIdFor(key), tenantId: tenant, key, sendId: send, recipientType: 'contact' as const, recipientId: new Types.ObjectId(id), channel: 'email' as const, email: null, state: 'sending' as const, attempts: 1, claimedBy: deadRun, claimedAt: new Date(Date.now() - 60_000), messageId: `<${String(deliveryIdFor(key))}@deliveries.crm>` };
    });
    await deliveryModel(rt.ctx.connection).insertMany(three);
    await deliveryAttemptModel(rt.ctx.connection).insertMany(three.map((e) => ({ _id: `${String(e._id)}:1`, tenantId: tenant, sendId: send, deliveryId: e._id, attempt: 1, claimedBy: deadRun })));
    const sink = await sinkWith({});
    const first = start(sink, sendId);
    assert.equal(await exited(first), 0);
    assert.equal(sink.messages.length, few.length - 3, 'the three claimed by the dead worker were not sent blindly');
    const auth = { Authorization: `Bearer ${agency.adminToken}` };
    const listed = await rt.request().get(`/v1/greetings/${sendId}/uncertain`).set(auth);
    assert.equal(listed.body.data.length, 3);

    // Two operators click at once, then one again: the three are queued once.
    const [a, b] = await Promise.all([rt.request().post(`/v1/greetings/${sendId}/resend-uncertain`).set(auth), rt.request().post(`/v1/greetings/${sendId}/resend-uncertain`).set(auth)]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(a.body.requeued + b.body.requeued, 3);
    assert.equal((await rt.request().post(`/v1/greetings/${sendId}/resend-uncertain`).set(auth)).body.requeued, 0);
    const second = start(sink, sendId);
    assert.equal(await exited(second), 0);
    const { byMessageId } = await (async () => {
      const map = new Map<string, number>();
      for (const m of sink.messages) map.set(messageIdOf(m.raw), (map.get(messageIdOf(m.raw)) ?? 0) + 1);
      return { byMessageId: map };
    })();
    assert.equal(byMessageId.size, few.length);
    assert.deepEqual([...byMessageId.values()].filter((n) => n !== 1), []);
    const entries = await ledgerOf(sendId);
    assert.deepEqual([...new Set(entries.map((e) => e.state))], ['sent']);
    assert.equal(await sendJobs(sendId), 1, 'the resend reused the send job');
  });

  it('should keep one job and send nothing twice with two workers on a 3 s lease, one killed mid-send', async () => {
    const sendId = await greeting('two workers');
    const sink = await sinkWith({});
    const a = start(sink, sendId);
    const b = start(sink, sendId);
    let maxJobs = 0;
    const watching = setInterval(() => void sendJobs(sendId).then((n) => (maxJobs = Math.max(maxJobs, n))), 100);
    try {
      // A guard, not a speed test: on a loaded machine two workers can take minutes to reach 30 %.
      await waitFor(() => sink.messages.length >= Math.floor(N * 0.3), 'the send to be under way', 600_000);
      a.kill('SIGKILL');
      await exited(a);
      assert.equal(await exited(b), 0);
    } finally {
      clearInterval(watching);
      // A failure above must not leave workers running into the next test's send.
      for (const child of [a, b]) if (child.exitCode === null && !child.signalCode) child.kill('SIGKILL');
    }
    assert.equal(maxJobs, 1, 'never more than one send job');
    const byMessageId = new Map<string, number>();
    for (const m of sink.messages) byMessageId.set(messageIdOf(m.raw), (byMessageId.get(messageIdOf(m.raw)) ?? 0) + 1);
    assert.deepEqual([...byMessageId.values()].filter((n) => n !== 1), [], '0 duplicates');
    const entries = await ledgerOf(sendId);
    const states = new Set(entries.map((e) => e.state));
    assert.ok([...states].every((s) => s === 'sent' || s === 'uncertain'), JSON.stringify([...states]));
    assert.equal(entries.filter((e) => e.state === 'sent').length + entries.filter((e) => e.state === 'uncertain' && byMessageId.has(e.messageId!)).length, byMessageId.size);
    assert.ok(entries.filter((e) => e.state === 'uncertain').length <= POOL);
    const send = await sendModel(rt.ctx.connection).findOne({ tenantId: tenantId(), _id: new Types.ObjectId(sendId) }).lean();
    assert.equal(send?.state, 'completed');
  });

  it('should refuse a second claim of the same attempt (the unique index the claims stand on)', async () => {
    const Attempt = deliveryAttemptModel(rt.ctx.connection);
    const doc = { _id: `${new Types.ObjectId().toHexString()}:1`, tenantId: tenantId(), sendId: new Types.ObjectId(), deliveryId: new Types.ObjectId(), attempt: 1, claimedBy: 'a' };
    await Attempt.create(doc);
    await assert.rejects(Attempt.create({ ...doc, claimedBy: 'b' }), (e: { code?: number }) => e.code === 11000);
    assert.equal((await Attempt.findOne({ _id: doc._id }).setOptions({ crossTenant: 'test' }).lean())?.claimedBy, 'a');
  });

  it('should refuse to start a send in production with no SMTP server, and queue nothing', async () => {
    const sendId = await greeting('no smtp', contactIds.slice(0, 5));
    const production = { ...rt.ctx, config: { ...rt.ctx.config, NODE_ENV: 'production' as const, SMTP_URL: undefined } };
    const { engine } = buildMessaging(production, () => (_req, _res, next) => next());
    await assert.rejects(engine.run(tenantId(), new Types.ObjectId(sendId)), (e: { code?: string; message?: string }) => e.code === 'conflict' && /No SMTP server is configured/.test(e.message ?? ''));
    assert.equal((await ledgerOf(sendId)).length, 0, 'nothing queued, nothing sent');
    assert.equal((await sendModel(rt.ctx.connection).findOne({ tenantId: tenantId(), _id: new Types.ObjectId(sendId) }).lean())?.state, 'scheduled');
    await rt.ctx.connection.db!.collection('sends').updateOne({ _id: new Types.ObjectId(sendId) }, { $set: { state: 'canceled' } });
  });

  it('should make a stalled send due again through its one job', async () => {
    const sendId = await greeting('stalled');
    await rt.ctx.connection.db!.collection('sends').updateOne({ _id: new Types.ObjectId(sendId) }, { $set: { state: 'running', updatedAt: new Date(Date.now() - 3600_000) } });
    const { engine } = buildMessaging(rt.ctx, () => (_req, _res, next) => next());
    assert.ok((await engine.resumeStalled(new Date())) >= 1);
    assert.ok(await engine.resumeStalled(new Date(Date.now() + 3600_000)));
    assert.equal(await sendJobs(sendId), 1, 'resuming twice still leaves one job');
    await rt.ctx.connection.db!.collection('sends').updateOne({ _id: new Types.ObjectId(sendId) }, { $set: { state: 'canceled' } });
  });
});
