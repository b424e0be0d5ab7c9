/**
 * The greeting benchmark (issue 8; run by hand, not part of the tests): one agency with N subscribed
 * contacts, one greeting to all of them, run through the real job system (Agenda in a separate API
 * worker process, the same `messaging.send` job the server runs), the delivery ledger and pooled
 * nodemailer SMTP to a real local SMTP server (`smtp-server`). Each scenario is a new greeting and a new
 * SMTP server, and ends by counting what the server accepted per recipient:
 *
 *   single      one worker: total time and messages per second
 *   crash       the worker is killed with SIGKILL partway (while every connection waits for the server's
 *               reply to a message, after the ledger has caught up with what was accepted), then started
 *               again: exactly once, no gap
 *   crash-any   the same, killed at whatever moment it is: measures the RFC 1047 window (a message the
 *               server accepted whose ledger entry was not yet marked sent is sent again, with the same
 *               Message-ID) instead of hiding it
 *   two         two worker processes run the same send at the same moment, bypassing Agenda's job lock
 *               (the ledger alone must keep it exactly once)
 *
 *   node --import tsx bench/email.ts --recipients 10000
 *   node --import tsx bench/email.ts --recipients 2000 --scenarios single,crash --handler postgresql
 *
 * Options (or BENCH_<NAME> env): --recipients, --pool (SMTP connections = parallel sends), --scenarios,
 * --handler sqlite|postgresql, --kill-at (fraction of messages accepted before the kill, default 0.4),
 * --lease-ms (job lock lifetime = ledger lease, default 10000), --record no (print, do not append).
 * Figures are appended to bench/RESULTS.md.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { loadConfig } from '../packages/api/src/platform/config.js';
import { installFerretDB, startFerretDB } from '../packages/api/src/platform/db/ferretdb.js';
import { startSmtpSink, type SmtpSink } from '../packages/api/src/platform/mail/smtp-sink.js';
import { createTestRuntime, makeAgency } from '../packages/api/src/testing/index.js';
import { contactModel } from '../packages/api/src/modules/contacts/contact.model.js';
import { SEND_JOB } from '../packages/api/src/modules/messaging/delivery.engine.js';
import { deliveryModel, sendModel } from '../packages/api/src/modules/messaging/messaging.model.js';
import { exited, startSendWorker } from '../packages/api/src/modules/messaging/testing/send-worker-process.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : (process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback);
};
const recipients = Number(option('recipients', '10000'));
const pool = Number(option('pool', '5'));
const handler = option('handler', 'sqlite') as 'sqlite' | 'postgresql';
const scenarios = option('scenarios', 'single,crash,crash-any,two').split(',');
const killAt = Number(option('kill-at', '0.4'));
const leaseMs = Number(option('lease-ms', '10000'));
const record = option('record', 'yes') !== 'no';
const resultsFile = new URL('./RESULTS.md', import.meta.url).pathname;

function log(line: string) {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const until = async (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30 * 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

interface Outcome {
  scenario: string;
  wallMs: number;
  sendMs: number | null;
  accepted: number;
  distinct: number;
  duplicates: number;
  duplicatesWithSameMessageId: number;
  missing: number;
  ledger: Record<string, number>;
  note: string;
}

const pgDb = handler === 'postgresql' ? `crm_bench_email_${randomBytes(3).toString('hex')}` : null;
const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-email-'));
const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
if (pgDb) execFileSync('createdb', ['-h', '127.0.0.1', '-p', '5432', pgDb]);
const ferret = await startFerretDB({ binary: installFerretDB(config.TOOLS_DIR), dataDir, handler, postgresUrl: pgDb ? `postgres://127.0.0.1:5432/${pgDb}` : undefined });
process.env.TEST_MONGODB_URI = ferret.uri;
const encryptionKey = randomBytes(32).toString('base64');
const rt = await createTestRuntime({ dbName: 'bench_email', env: { ENCRYPTION_KEY: encryptionKey } });
const outcomes: Outcome[] = [];
const started = new Date();
const loadAtStart = loadavg()[0]!;

try {
  const agency = await makeAgency(rt, 'Bench Agency');
  const tenantId = new Types.ObjectId(agency.tenantId);
  const auth = { Authorization: `Bearer ${agency.adminToken}` };
  const seedStart = performance.now();
  const contactIds: string[] = [];
  for (let i = 0; i < recipients; i += 2000) {
    const docs = await contactModel(rt.ctx.connection).insertMany(
      Array.from({ length: Math.min(2000, recipients - i) }, (_, j) => {
        const n = i + j;
        return { tenantId, firstName: `Guest${n}`, lastName: 'Bench', status: 'new', emails: [{ label: 'work', value: `guest${n}@bench.test`, primary: true }], primaryEmail: `guest${n}@bench.test` };
      }),
    );
    contactIds.push(...docs.map((d) => String(d._id)));
  }
  const seedMs = performance.now() - seedStart;
  log(`seeded ${recipients} contacts in ${seconds(seedMs)}`);
  const template = await rt
    .request()
    .post('/v1/templates')
    .set(auth)
    .send({ name: 'Season', category: 'greeting', subject: "Season's greetings, {{recipient.firstName}}", html: '<p>Dear {{recipient.fullName}},</p><p>All the best from {{agency.name}}.</p>', text: 'Dear {{recipient.fullName}},\n\nAll the best from {{agency.name}}.' });
  if (template.status !== 201) throw new Error(`template: ${template.status} ${JSON.stringify(template.body)}`);

  const runScenario = async (scenario: string): Promise<Outcome> => {
    // The hold (crash scenario): from the kill point on, the server takes each message but answers none.
    let holding = false;
    const held: (() => void)[] = [];
    const sink: SmtpSink = await startSmtpSink({
      beforeAccept: async () => {
        if (!holding) return 'accept';
        await new Promise<void>((resolve) => held.push(resolve));
        return 'drop';
      },
    });
    const greeting = await rt.request().post('/v1/greetings').set(auth).send({ name: `bench ${scenario}`, templateId: template.body.id, targets: { contactIds }, sendAt: '2020-01-01T00:00' });
    if (greeting.status !== 201) throw new Error(`greeting: ${greeting.status} ${JSON.stringify(greeting.body)}`);
    const sendId = greeting.body.id as string;
    const start = (mode: 'agenda' | 'direct') =>
      startSendWorker({ uri: ferret.uri, dbName: rt.dbName, tenantId: agency.tenantId, sendId, mode, smtpUrl: sink.url, encryptionKey, processEveryMs: 200, lockLifetimeMs: leaseMs, poolSize: pool, logLevel: 'warn', stdio: ['ignore', 'ignore', 'inherit'] });
    const Delivery = deliveryModel(rt.ctx.connection);
    const sent = () => Delivery.countDocuments({ tenantId, sendId: new Types.ObjectId(sendId), state: 'sent' });
    const t0 = performance.now();
    let note = '';
    if (scenario === 'single') {
      const code = await exited(start('agenda'));
      if (code !== 0) throw new Error(`worker exited ${code}`);
    } else if (scenario === 'crash' || scenario === 'crash-any') {
      const first = start('agenda');
      const at = Math.floor(recipients * killAt);
      await until(() => sink.messages.length >= at, `${at} messages`);
      if (scenario === 'crash') {
        holding = true;
        // Every connection now waits for a reply; kill once the ledger has marked all that was accepted.
        await until(async () => (await sent()) >= sink.messages.length, 'the ledger to catch up', 60_000);
      }
      first.kill('SIGKILL');
      await exited(first);
      const acceptedAtKill = sink.messages.length;
      const pendingAtKill = await Delivery.countDocuments({ tenantId, sendId: new Types.ObjectId(sendId), state: 'pending' });
      holding = false;
      for (const release of held.splice(0)) release();
      note = `killed after ${acceptedAtKill} accepted; ${pendingAtKill} ledger entries pending at the kill`;
      log(`${scenario}: ${note}; restarting`);
      const code = await exited(start('agenda'));
      if (code !== 0) throw new Error(`second worker exited ${code}`);
    } else if (scenario === 'two') {
      const codes = await Promise.all([exited(start('direct')), exited(start('direct'))]);
      if (codes.some((c) => c !== 0)) throw new Error(`workers exited ${codes.join(', ')}`);
      // Its Agenda job is still stored and due; a later scenario's worker must not pick it up.
      await rt.ctx.jobs.cancel(SEND_JOB, { sendId });
    } else throw new Error(`unknown scenario ${scenario}`);
    const wallMs = performance.now() - t0;

    const perRecipient = new Map<string, string[]>();
    for (const m of sink.messages) {
      const id = /^message-id:\s*(\S+)/im.exec(m.raw)?.[1] ?? '';
      for (const to of m.to) perRecipient.set(to, [...(perRecipient.get(to) ?? []), id]);
    }
    const repeated = [...perRecipient.values()].filter((ids) => ids.length > 1);
    const ledger: Record<string, number> = {};
    for (const state of ['sent', 'pending', 'failed', 'skipped']) ledger[state] = await Delivery.countDocuments({ tenantId, sendId: new Types.ObjectId(sendId), state });
    const send = await sendModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(sendId) }).lean();
    const sendMs = send?.startedAt && send.completedAt ? send.completedAt.getTime() - send.startedAt.getTime() : null;
    await sink.stop();
    const outcome: Outcome = {
      scenario,
      wallMs,
      sendMs,
      accepted: sink.messages.length,
      distinct: perRecipient.size,
      duplicates: repeated.reduce((n, ids) => n + ids.length - 1, 0),
      duplicatesWithSameMessageId: repeated.filter((ids) => new Set(ids).size === 1).length,
      missing: recipients - perRecipient.size,
      ledger,
      note: note + (send?.state !== 'completed' ? `${note ? '; ' : ''}send state ${send?.state} (a re-check job finishes it)` : ''),
    };
    log(`${scenario}: ${JSON.stringify(outcome)}`);
    return outcome;
  };

  for (const scenario of scenarios) outcomes.push(await runScenario(scenario));

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} GiB free at the end); Node ${process.version}; 1-minute load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`;
  const rate = (o: Outcome) => (o.sendMs ? (recipients / (o.sendMs / 1000)).toFixed(0) : '—');
  const lines = [
    '',
    `## ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC — greetings through the job system and SMTP (issue 8)`,
    '',
    `- command: \`node --import tsx bench/email.ts ${args.join(' ')}\`${args.length ? '' : ' (defaults)'}`,
    `- machine: ${machine}; shared with other work while it ran`,
    `- setup: FerretDB 1.24.1 ${handler} handler; ${recipients} contacts seeded in ${seconds(seedMs)}; one greeting per scenario to all of them; worker = a separate API process (\`send-worker.ts\`, Agenda job \`messaging.send\`, or the handler directly for "two"); nodemailer pooled SMTP, ${pool} connections = ${pool} parallel sends; a real \`smtp-server\` on 127.0.0.1 that parses and keeps every message; job lock lifetime = ledger lease ${leaseMs} ms`,
    '',
    '| scenario | wall time (process start → exit, incl. restarts) | send time (startedAt → completedAt) | messages/s | accepted by the server | recipients reached | duplicates (same Message-ID) | missing | ledger sent/pending/failed | notes |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...outcomes.map(
      (o) =>
        `| ${o.scenario} | ${seconds(o.wallMs)} | ${o.sendMs ? seconds(o.sendMs) : '—'} | ${rate(o)} | ${o.accepted} | ${o.distinct}/${recipients} | ${o.duplicates} (${o.duplicatesWithSameMessageId}) | ${o.missing} | ${o.ledger.sent}/${o.ledger.pending}/${o.ledger.failed} | ${o.note || ''} |`,
    ),
    '',
  ];
  if (record) {
    appendFileSync(resultsFile, lines.join('\n'));
    log(`appended to ${resultsFile}`);
  } else process.stdout.write(lines.join('\n'));
} finally {
  await rt.close();
  await ferret.stop();
  rmSync(dataDir, { recursive: true, force: true });
  if (pgDb) execFileSync('dropdb', ['-h', '127.0.0.1', '-p', '5432', '--if-exists', pgDb]);
}
process.exit(0);
