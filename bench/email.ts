/**
 * The email benchmark (issues 8 and 17; run by hand, not part of the tests): one agency with N subscribed
 * contacts, one greeting to all of them, run through the real job system (Agenda in a separate API
 * worker process, the same `messaging.send` job the server runs), the delivery ledger and pooled
 * nodemailer SMTP to a real local SMTP server (`smtp-server`). Each scenario is a new greeting and a new
 * SMTP server, and ends by counting what the server accepted, by Message-ID:
 *
 *   single      one worker: total time and messages per second
 *   crash       the worker is killed with SIGKILL while the server holds a message in DATA (no reply),
 *               then started again: resume time, duplicates (must be 0), uncertain (at most the pool)
 *   crash-250   the same, killed right after the server's 250 reply (frozen with SIGSTOP before it, so
 *               it can never record it): that message must end uncertain, not sent twice
 *   two         two worker processes through Agenda at once, one killed mid-send: one job, 0 duplicates
 *
 *   node --import tsx bench/email.ts --recipients 10000
 *   node --import tsx bench/email.ts --recipients 10000 --scenarios single --pool 10
 *
 * Options (or BENCH_<NAME> env): --recipients, --pool (SMTP connections = parallel sends), --rate
 * (SMTP_RATE_PER_SECOND, 0 = none), --scenarios, --kill-at (fraction of messages accepted before the
 * kill, default 0.4), --lease-ms (MAIL_SEND_LEASE_MS, default 3000), --record no (print, do not append),
 * --count-commands yes (each worker prints the database commands it sent, by command and collection),
 * --worker-cpu-prof DIR (each worker writes a V8 CPU profile into DIR), --gin no (leave out the GIN indexes
 * the API's runtime makes on PostgreSQL, as the test runtimes do).
 * The database is the tests' own: FerretDB 1.24 on the embedded PostgreSQL. Figures go to bench/RESULTS.md.
 */
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { startTestDatabase } from '../packages/api/src/testing/test-database.js';
import { startSmtpSink, type SmtpSink } from '../packages/api/src/platform/mail/smtp-sink.js';
import { ensurePushdownIndexes } from '../packages/api/src/platform/db/pushdown-indexes.js';
import { backfillListRows } from '../packages/api/src/platform/lists/list-backfill.js';
import { backfillSearchIndex } from '../packages/api/src/platform/search/search-backfill.js';
import { JOBS_COLLECTION } from '../packages/api/src/platform/jobs/jobs.js';
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
const rate = Number(option('rate', '0'));
const scenarios = option('scenarios', 'single,crash,crash-250,two').split(',');
const killAt = Number(option('kill-at', '0.4'));
const leaseMs = Number(option('lease-ms', '3000'));
const record = option('record', 'yes') !== 'no';
const countCommands = option('count-commands', 'no') === 'yes';
const workerCpuProf = option('worker-cpu-prof', '');
if (countCommands) process.env.WORKER_COUNT_COMMANDS = '1';
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
  missing: number;
  ledger: Record<string, number>;
  resumeMs: number | null;
  maxJobs: number;
  note: string;
}

const database = await startTestDatabase(() => {});

/**
 * CPU seconds used so far by this bench's database: its FerretDB process and its PostgreSQL (the postmaster,
 * the backends that are still running, and those that ended, counted by the postmaster as reaped children).
 * Linux only (/proc); null elsewhere. Other engineers' databases on the machine are not counted.
 */
function databaseCpuSeconds(): number | null {
  try {
    const port = new URL(database.uri).port;
    const stat = (pid: string) => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    const cmd = (pid: string) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    let ticks = 0;
    let postmaster = '';
    const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    for (const pid of pids) {
      try {
        const c = cmd(pid);
        if (c.includes('ferretdb') && c.includes(`--listen-addr=127.0.0.1:${port}`)) {
          const f = stat(pid);
          ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
        } else if (/postgres/.test(c) && c.includes(database.dataDir)) postmaster = pid;
      } catch {
        // a process that ended meanwhile
      }
    }
    if (!postmaster) return null;
    const f = stat(postmaster);
    ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    for (const pid of pids) {
      try {
        const g = stat(pid);
        if (g[1] === postmaster) ticks += Number(g[11]) + Number(g[12]);
      } catch {
        // ended meanwhile
      }
    }
    return ticks / 100;
  } catch {
    return null;
  }
}

process.env.TEST_MONGODB_URI = database.uri;
const encryptionKey = randomBytes(32).toString('base64');
const rt = await createTestRuntime({ dbName: `bench_email_${randomBytes(3).toString('hex')}`, env: { ENCRYPTION_KEY: encryptionKey } });
const outcomes: Outcome[] = [];
const started = new Date();
const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(' / ');
const messageIdOf = (raw: string) => /^message-id:\s*(\S+)/im.exec(raw)?.[1] ?? '';

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
  // The GIN indexes the API's runtime makes on its embedded PostgreSQL at start (platform/db/pushdown-indexes.ts),
  // which serve FerretDB's pushed-down equality filters, `_id` included. The test runtimes here connect by URI
  // only and make none, so without this every update of a ledger entry by `_id` scans the whole ledger (and the
  // backfill below reads every list row by `_id`, one scan each).
  const gin = option('gin', 'yes') !== 'no' && database.postgresUrl ? await ensurePushdownIndexes(rt.ctx.connection, database.postgresUrl) : [];
  log(`pushdown GIN indexes made: ${gin.length}`);
  // Contacts created through the API get their list rows and search entries as they are written; these were
  // inserted directly, so give them theirs now: otherwise the worker's start-up backfill (two reads per
  // contact and the row writes) runs during the send and is measured as part of it.
  const backfillStart = performance.now();
  await backfillListRows(rt.ctx.connection);
  await backfillSearchIndex(rt.ctx.connection);
  log(`list rows and search entries of the seeded contacts in ${seconds(performance.now() - backfillStart)}`);
  const seedMs = performance.now() - seedStart;
  log(`seeded ${recipients} contacts in ${seconds(seedMs)}`);
  const template = await rt
    .request()
    .post('/v1/templates')
    .set(auth)
    .send({ name: 'Season', category: 'greeting', subject: "Season's greetings, {{recipient.firstName}}", html: '<p>Dear {{recipient.fullName}},</p><p>All the best from {{agency.name}}.</p>', text: 'Dear {{recipient.fullName}},\n\nAll the best from {{agency.name}}.' });
  if (template.status !== 201) throw new Error(`template: ${template.status} ${JSON.stringify(template.body)}`);

  const runScenario = async (scenario: string): Promise<Outcome> => {
    let worker: ChildProcess | null = null;
    let killedAt = 0;
    const at = Math.floor(recipients * killAt);
    const sink: SmtpSink = await startSmtpSink({
      beforeAccept: (_mail, index) => {
        if (index !== at || !worker) return 'accept';
        if (scenario === 'crash') {
          worker.kill('SIGKILL');
          killedAt = Date.now();
          return 'drop';
        }
        if (scenario === 'crash-250') worker.kill('SIGSTOP');
        return 'accept';
      },
      afterAccept: (_mail, index) => {
        if (index !== at || !worker || scenario !== 'crash-250') return;
        worker.kill('SIGKILL');
        killedAt = Date.now();
      },
    });
    const greeting = await rt.request().post('/v1/greetings').set(auth).send({ name: `bench ${scenario}`, templateId: template.body.id, targets: { contactIds }, sendAt: '2020-01-01T00:00' });
    if (greeting.status !== 201) throw new Error(`greeting: ${greeting.status} ${JSON.stringify(greeting.body)}`);
    const sendId = greeting.body.id as string;
    const start = () =>
      startSendWorker({ uri: database.uri, dbName: rt.dbName, tenantId: agency.tenantId, sendId, mode: 'agenda', smtpUrl: sink.url, encryptionKey, processEveryMs: 200, leaseMs, poolSize: pool, ratePerSecond: rate, logLevel: 'warn', stdio: ['ignore', countCommands ? 'inherit' : 'ignore', 'inherit'], nodeArgs: workerCpuProf ? ['--cpu-prof', `--cpu-prof-dir=${workerCpuProf}`] : [] });
    const jobs = () => rt.ctx.connection.db!.collection(JOBS_COLLECTION).countDocuments({ name: SEND_JOB, 'data.sendId': sendId });
    let maxJobs = 0;
    const watching = setInterval(() => void jobs().then((n) => (maxJobs = Math.max(maxJobs, n))), 250);
    const cpu0 = databaseCpuSeconds();
    const t0 = performance.now();
    let note = '';
    let resumeMs: number | null = null;
    if (scenario === 'single') {
      const code = await exited((worker = start()));
      if (code !== 0) throw new Error(`worker exited ${code}`);
    } else if (scenario === 'crash' || scenario === 'crash-250') {
      worker = start();
      await exited(worker);
      const acceptedAtKill = sink.messages.length;
      const second = start();
      await until(() => sink.messages.length > acceptedAtKill, 'the send to resume');
      resumeMs = Date.now() - killedAt;
      note = `killed after ${acceptedAtKill} accepted`;
      log(`${scenario}: ${note}; resumed ${seconds(resumeMs)} after the kill`);
      const code = await exited(second);
      if (code !== 0) throw new Error(`second worker exited ${code}`);
    } else if (scenario === 'two') {
      const a = start();
      const b = start();
      await until(() => sink.messages.length >= at, `${at} messages`);
      a.kill('SIGKILL');
      note = `one of two killed after ${sink.messages.length} accepted`;
      const code = await exited(b);
      if (code !== 0) throw new Error(`surviving worker exited ${code}`);
    } else throw new Error(`unknown scenario ${scenario}`);
    const wallMs = performance.now() - t0;
    const cpu1 = databaseCpuSeconds();
    clearInterval(watching);
    if (cpu0 !== null && cpu1 !== null) {
      const dbCpu = `database CPU ${(cpu1 - cpu0).toFixed(1)} s (${(((cpu1 - cpu0) * 1000) / recipients).toFixed(1)} ms per recipient)`;
      note = note ? `${note}; ${dbCpu}` : dbCpu;
    }

    const perId = new Map<string, number>();
    for (const m of sink.messages) perId.set(messageIdOf(m.raw), (perId.get(messageIdOf(m.raw)) ?? 0) + 1);
    const ledger: Record<string, number> = {};
    for (const state of ['sent', 'failed', 'uncertain', 'queued', 'sending']) ledger[state] = await deliveryModel(rt.ctx.connection).countDocuments({ tenantId, sendId: new Types.ObjectId(sendId), state });
    const send = await sendModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(sendId) }).lean();
    const sendMs = send?.startedAt && send.completedAt ? send.completedAt.getTime() - send.startedAt.getTime() : null;
    await sink.stop();
    const outcome: Outcome = {
      scenario,
      wallMs,
      sendMs,
      accepted: sink.messages.length,
      distinct: perId.size,
      duplicates: [...perId.values()].reduce((n, c) => n + c - 1, 0),
      missing: 0,
      ledger,
      resumeMs,
      maxJobs,
      note: note + (send?.state !== 'completed' ? `${note ? '; ' : ''}send state ${send?.state}` : ''),
    };
    // Every recipient must end sent, failed or uncertain: anything else is unaccounted for.
    outcome.missing = recipients - ledger.sent! - ledger.failed! - ledger.uncertain!;
    log(`${scenario}: ${JSON.stringify(outcome)}`);
    return outcome;
  };

  for (const scenario of scenarios) outcomes.push(await runScenario(scenario));

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} GiB free at the end); Node ${process.version}; load average (1/5/15 min) ${loadAtStart} at the start, ${loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end — the machine is shared with other engineers' tests and benchmarks`;
  const perSecond = (o: Outcome) => (o.sendMs ? (recipients / (o.sendMs / 1000)).toFixed(0) : '—');
  const lines = [
    '',
    `## ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC — email exactly once: ledger states, kill -9, two workers (issue 17)`,
    '',
    `- command: \`node --import tsx bench/email.ts ${args.join(' ')}\`${args.length ? '' : ' (defaults)'}`,
    `- machine: ${machine}`,
    `- setup: FerretDB 1.24.1 on the embedded PostgreSQL (the tests' database); ${recipients} contacts seeded (with their list rows and search entries) in ${seconds(seedMs)}; ${gin.length ? 'pushdown GIN indexes as the API makes them' : 'no pushdown GIN indexes'}; one greeting per scenario to all of them; worker = a separate API process (\`send-worker.ts\`, Agenda job \`messaging.send\`); nodemailer pooled SMTP, ${pool} connections = ${pool} parallel sends, rate ${rate || 'unlimited'}; a real \`smtp-server\` on 127.0.0.1 that parses and keeps every message; MAIL_SEND_LEASE_MS ${leaseMs}`,
    '',
    '| scenario | wall time (incl. process starts) | send time (startedAt → completedAt) | messages/s | accepted by the server | distinct Message-IDs | duplicates | resume after kill | max send jobs | ledger sent/failed/uncertain/queued/sending | not accounted for | notes |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...outcomes.map(
      (o) =>
        `| ${o.scenario} | ${seconds(o.wallMs)} | ${o.sendMs ? seconds(o.sendMs) : '—'} | ${perSecond(o)} | ${o.accepted} | ${o.distinct} | ${o.duplicates} | ${o.resumeMs === null ? '—' : seconds(o.resumeMs)} | ${o.maxJobs} | ${o.ledger.sent}/${o.ledger.failed}/${o.ledger.uncertain}/${o.ledger.queued}/${o.ledger.sending} | ${o.missing} | ${o.note || ''} |`,
    ),
    '',
  ];
  if (record) {
    appendFileSync(resultsFile, lines.join('\n'));
    log(`appended to ${resultsFile}`);
  } else process.stdout.write(lines.join('\n'));
} finally {
  await rt.close();
  await database.stop();
}
process.exit(0);
