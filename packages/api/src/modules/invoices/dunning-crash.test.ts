import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { startSmtpSink, type SmtpSink, type SmtpSinkOptions } from '../../platform/mail/smtp-sink.js';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { nodeScriptArgs } from '../../testing/node-script.js';
import { invoiceMailModel, invoiceModel } from './invoice.model.js';

/**
 * Payment reminders exactly once across kill -9 (issue 21): real reminder runs in separate API
 * processes, a real SMTP server in this process, the worker killed at the moment that matters (its
 * message accepted by the server with the 250 on its socket, never read), then a restart with the same
 * clock. Every step of every invoice arrives once, by Message-ID; the killed one is marked uncertain
 * and is not sent again.
 */
const N = Number(process.env.DUNNING_CRASH_INVOICES ?? 30);
/**
 * The run lease. A run stops handing mail over once its own heartbeat is 2/3 of this old (the fence), so on
 * an overloaded machine a short lease makes a healthy run leave a claimed entry for the next job: correct,
 * but not what these tests count. Restarts wait the lease out, as a dead run's entries are taken over only then.
 */
const LEASE = 6000;
const leaseOver = () => new Promise((resolve) => setTimeout(resolve, LEASE + 250));
const worker = new URL('./testing/dunning-worker.ts', import.meta.url).pathname;
const messageIdOf = (raw: string) => /^message-id:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? '';
const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

describe(`payment reminders exactly once across kill -9 (${N} invoices)`, () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let tenantId: Types.ObjectId;
  let accountId: string;
  let specLine: Record<string, unknown>;
  const encryptionKey = randomBytes(32).toString('base64');
  const sinks: SmtpSink[] = [];
  const children: ChildProcess[] = [];
  const auth = () => ({ Authorization: `Bearer ${agency.adminToken}` });
  const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

  const start = (sink: SmtpSink, now: Date) => {
    const child = spawn(process.execPath, nodeScriptArgs(worker), {
      env: { ...process.env, WORKER_URI: rt.database.uri, WORKER_DB: rt.dbName, NOW: now.toISOString(), LEASE_MS: String(LEASE), SMTP_URL: sink.url, ENCRYPTION_KEY: encryptionKey },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.resume();
    children.push(child);
    return child;
  };
  const sinkWith = async (options: SmtpSinkOptions) => {
    const sink = await startSmtpSink(options);
    sinks.push(sink);
    await rt.request().put('/v1/mail-settings').set(auth()).send({ host: '127.0.0.1', port: sink.port, secure: false, fromEmail: 'billing@agency.test' }).expect(200);
    return sink;
  };
  /** N open invoices of one account, all due on the same day; earlier ones are paid so they are not reminded. */
  const invoices = async (dueInDays: number) => {
    await invoiceModel(rt.ctx.connection).updateMany({ tenantId }, { $set: { status: 'paid' } });
    const ids: string[] = [];
    for (let i = 0; i < N; i += 1) {
      const res = await rt.request().post('/v1/invoices').set(auth()).send({ accountId, dueDate: inDays(dueInDays), lines: [specLine] });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids.push(res.body.id);
    }
    return ids;
  };

  async function assertOnce(sink: SmtpSink, ids: string[], step: string) {
    const counts = new Map<string, number>();
    for (const m of sink.messages) counts.set(messageIdOf(m.raw), (counts.get(messageIdOf(m.raw)) ?? 0) + 1);
    assert.deepEqual([...counts].filter(([, n]) => n > 1), [], '0 duplicates by Message-ID at the server');
    const ledger = await invoiceMailModel(rt.ctx.connection).find({ tenantId, step }).lean();
    const mine = ledger.filter((e) => ids.includes(String(e.invoiceId)));
    assert.equal(mine.length, N, 'one ledger entry per invoice and step');
    const states = mine.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.state]: (acc[e.state] ?? 0) + 1 }), {});
    assert.equal((states.sent ?? 0) + (states.uncertain ?? 0), N, `every step is sent or uncertain: ${JSON.stringify(states)}`);
    for (const e of mine.filter((x) => x.state === 'sent')) assert.equal(counts.get(e.messageId), 1, `a sent reminder is at the server once: ${e.messageId}`);
    return { counts, uncertain: mine.filter((e) => e.state === 'uncertain') };
  }

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { ENCRYPTION_KEY: encryptionKey } });
    agency = await makeAgency(rt);
    tenantId = new Types.ObjectId(agency.tenantId);
    const book = await rt.request().post('/v1/price-books').set(auth()).send({ name: 'Standard', isDefault: true, services: [{ name: 'Hosting', specs: [{ name: 'Monthly', unit: 'month', prices: [{ currency: 'EUR', unitPrice: 2_500 }] }] }] });
    assert.equal(book.status, 201, JSON.stringify(book.body));
    specLine = { serviceId: book.body.services[0].id, specId: book.body.services[0].specs[0].id, quantity: 1 };
    const account = await rt.request().post('/v1/customers').set(auth()).send({ name: 'Initech', emails: [{ label: 'ap', value: 'ap@initech.test', primary: true }], finance: { currency: 'EUR' } });
    accountId = account.body.id;
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && !child.signalCode) child.kill('SIGKILL');
    await rt.close();
    for (const sink of sinks) await sink.stop();
  });

  it('should send every step once when the worker is killed right after the 250 reply, and mark that one uncertain', async () => {
    const ids = await invoices(10);
    const now = new Date(Date.parse(`${inDays(10)}T09:00:00Z`) + 7 * 86_400_000); // the +7 step of every invoice
    let first: ChildProcess | null = null;
    let acceptedId = '';
    let signal!: () => void;
    const killed = new Promise<void>((resolve) => (signal = resolve));
    const K = Math.floor(N / 2);
    const sink = await sinkWith({
      beforeAccept: (mail, index) => {
        if (index === K) {
          first!.kill('SIGSTOP'); // frozen before the reply: it can never record what comes next
          acceptedId = messageIdOf(mail.raw);
        }
        return 'accept';
      },
      afterAccept: (_mail, index) => {
        if (index !== K) return;
        first!.kill('SIGKILL'); // the 250 is on its socket; the process dies without reading it
        signal();
      },
    });
    first = start(sink, now);
    await killed;
    await exited(first);
    await leaseOver();
    assert.equal(sink.messages.length, K + 1, 'the kill came mid-run');
    const second = start(sink, now);
    assert.equal(await exited(second), 0, 'the restarted run finishes');
    const { counts, uncertain } = await assertOnce(sink, ids, 'overdue-7');
    assert.equal(counts.size, N, 'every invoice got its reminder');
    assert.deepEqual(uncertain.map((e) => e.messageId), [acceptedId], 'only the message whose 250 the killed process never read is uncertain, and it is not sent again');
    // A third run (the next hour's job) sends nothing more.
    const third = start(sink, now);
    assert.equal(await exited(third), 0);
    assert.equal(sink.messages.length, N);
  });

  it('should send nothing twice when the worker is killed while the server holds the message, and not resend it blindly', async () => {
    const ids = await invoices(20);
    const now = new Date(Date.parse(`${inDays(20)}T09:00:00Z`));
    let first: ChildProcess | null = null;
    let signal!: () => void;
    const killed = new Promise<void>((resolve) => (signal = resolve));
    const K = Math.floor(N / 3);
    const sink = await sinkWith({
      beforeAccept: (_mail, index) => {
        if (index !== K) return 'accept';
        first!.kill('SIGKILL'); // dies in DATA, unanswered
        signal();
        return 'drop';
      },
    });
    first = start(sink, now);
    await killed;
    await exited(first);
    await leaseOver();
    const second = start(sink, now);
    assert.equal(await exited(second), 0);
    const { counts, uncertain } = await assertOnce(sink, ids, 'on-due');
    assert.equal(uncertain.length, 1, 'the message in flight at the kill is uncertain');
    assert.equal(counts.has(uncertain[0]!.messageId), false, 'dropped unanswered, it is not at the server, and it was not sent again by a job');
    assert.equal(counts.size, N - 1);
  });
});
