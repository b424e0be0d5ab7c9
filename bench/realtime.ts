/**
 * Realtime at 100, 1,000 and 5,000 sockets (issue 17, item 5). Starts the embedded default (FerretDB on
 * an embedded PostgreSQL) in a temporary folder and the API with realtime in this process, registers two
 * agencies with mixed roles (admin, sales heads and support who see the whole agency, sales people who see
 * their own records), then:
 *
 * 1. baseline: bursts of contact writes (creates and updates, one after another, by writers of both
 *    agencies and every role) with no socket connected: write latency and database commands per write;
 * 2. for each socket count: real socket.io clients in two child processes, spread over both agencies and
 *    every user (several sockets per session, as tabs are), all subscribed to contacts; the same bursts.
 *    Fan-out latency is from the moment a write was sent to the moment a socket received its event;
 *    every delivery is checked against what the API answers that user for `GET /v1/contacts/:id`
 *    (cross-agency and unauthorised deliveries must be 0, and none may be missing); the API process's
 *    memory per socket is its heap and RSS growth after connecting, over the socket count (after a GC).
 *
 *   node --expose-gc --import tsx bench/realtime.ts [--sockets 100,1000,5000] [--bursts 3] [--writes 60] [--record 1]
 *
 * Figures are printed, and appended to bench/RESULTS.md unless `--record 0`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CommandStartedEvent } from 'mongodb';

const { values } = parseArgs({
  options: {
    client: { type: 'boolean', default: false },
    sockets: { type: 'string', default: '100,1000,5000' },
    bursts: { type: 'string', default: '3' },
    writes: { type: 'string', default: '60' },
    record: { type: 'string', default: '1' },
  },
});

interface Assignment {
  token: string;
  user: number;
}
type ToClient = { kind: 'connect'; url: string; sockets: Assignment[] } | { kind: 'report' } | { kind: 'close' };
/** One received event: socket index (in this child), user index, record id, event type, receive time (ms since epoch). */
type Receipt = [number, number, string, string, number];

if (values.client) await runClients();
else await runBench();

/** A child process: opens the sockets it is given, records what each receives, reports on request. */
async function runClients(): Promise<void> {
  const { io } = await import('socket.io-client');
  const sockets: ReturnType<typeof io>[] = [];
  const receipts: Receipt[] = [];
  process.on('message', async (message: ToClient) => {
    if (message.kind === 'connect') {
      const base = 0;
      const connectOne = async (assignment: Assignment, index: number) => {
        const socket = io(message.url, { path: '/v1/realtime', auth: { token: assignment.token }, transports: ['websocket'], reconnection: false, forceNew: true });
        socket.on('event', (e: { id: string; type: string }) => receipts.push([index, assignment.user, e.id, e.type, Date.now()]));
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        const ack = (await socket.timeout(60_000).emitWithAck('subscribe', { resource: 'contact' })) as { ok: boolean };
        if (!ack.ok) throw new Error('subscribe refused');
        sockets[index] = socket;
      };
      // At most 50 handshakes in flight, so the API authenticates them at a steady pace.
      let next = 0;
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          while (next < message.sockets.length) {
            const i = next++;
            await connectOne(message.sockets[i]!, base + i);
          }
        }),
      );
      receipts.length = 0;
      process.send!({ kind: 'connected', count: sockets.length, disconnected: sockets.filter((s) => !s.connected).length });
    } else if (message.kind === 'report') {
      process.send!({ kind: 'report', receipts: receipts.splice(0), disconnected: sockets.filter((s) => !s.connected).length });
    } else if (message.kind === 'close') {
      for (const s of sockets) s.disconnect();
      sockets.length = 0;
      process.send!({ kind: 'closed' });
    }
  });
  process.send!({ kind: 'ready' });
}

async function runBench(): Promise<void> {
  const socketCounts = values.sockets.split(',').map(Number);
  const bursts = Number(values.bursts);
  const writesPerBurst = Number(values.writes);
  const load = () => loadavg().map((l) => l.toFixed(1)).join(' / ');
  const loadAtStart = load();
  const started = new Date();

  const { startTestDatabase } = await import('../packages/api/src/testing/test-database.js');
  const { testConfig } = await import('../packages/api/src/platform/config.js');
  const { startRuntime } = await import('../packages/api/src/runtime.js');
  const { startRealtime } = await import('../packages/api/src/platform/realtime/start.js');
  const { makeAgency, makeUser, signIn } = await import('../packages/api/src/testing/factories.js');

  const database = await startTestDatabase(() => {});
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-rt-'));
  chmodSync(dataDir, 0o755);
  const config = testConfig({ DATA_DIR: dataDir, RATE_LIMIT_MAX: '1000000', USER_RATE_LIMIT_MAX: '1000000', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000', JWT_SECRET: 'bench-secret-bench-secret-bench-secret!!' });
  const dbName = 'crm_bench_realtime';
  const runtime = await startRuntime(config, { uri: `${database.uri.replace(/\/$/, '')}/?monitorCommands=true`, dbName, postgresUrl: database.postgresUrl });
  const server = createServer(runtime.app);
  const realtime = await startRealtime(server, runtime);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  // Reads of the access stamp are counted apart: the request's own, and the credential watch's (per agency, on its timer).
  let commands = 0;
  let stampReads = 0;
  runtime.db.connection.getClient().on('commandStarted', (e: CommandStartedEvent) => {
    if (e.databaseName !== dbName) return;
    if (String(e.command[e.commandName]) === 'access_versions') stampReads += 1;
    else commands += 1;
  });

  // Two agencies, each: its admin, 2 sales heads and 1 support (see everything), 16 sales people (see their own).
  interface User { index: number; tenantId: string; role: string; token: string; email: string }
  const users: User[] = [];
  for (const n of [0, 1]) {
    const agency = await makeAgency(runtime, `Bench agency ${n}`);
    users.push({ index: users.length, tenantId: agency.tenantId, role: 'ADMIN', token: agency.adminToken, email: agency.adminEmail });
    for (const role of ['SALES_HEAD', 'SALES_HEAD', 'SUPPORT', ...Array<string>(16).fill('SALES_PERSON')]) {
      const made = await makeUser(runtime, agency, { role });
      users.push({ index: users.length, tenantId: agency.tenantId, role, token: await signIn(runtime, made.email), email: made.email });
    }
  }
  console.error(`${users.length} users in 2 agencies`);

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${url}/v1${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.status >= 300 && method !== 'GET') throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return { status: res.status, json };
  };

  // Every record written, with who wrote it; events are keyed `${id}:${type}` with the time the write was sent.
  const records = new Map<string, { tenantId: string }>();
  const sentAt = new Map<string, number>();
  const answeredAt = new Map<string, number>();
  const writers = users.filter((u) => u.role === 'ADMIN' || u.role === 'SALES_PERSON');

  /** `bursts` bursts of `writesPerBurst` writes, one after another: a create, then updates of what was created. */
  async function burst(label: string) {
    const latencies: number[] = [];
    const keys: string[] = [];
    const before = commands;
    const stampsBefore = stampReads;
    let writes = 0;
    for (let b = 0; b < bursts; b += 1) {
      const mine: { id: string; writer: User; version: number }[] = [];
      for (let i = 0; i < writesPerBurst; i += 1) {
        const writer = writers[(b * writesPerBurst + i) % writers.length]!;
        const t0 = Date.now();
        const update = i % 3 === 2 && mine.length > 0;
        if (update) {
          const target = mine[i % mine.length]!;
          const { json } = await call('PATCH', `/contacts/${target.id}`, target.writer.token, { jobTitle: `Title ${label} ${b} ${i}` });
          sentAt.set(`${target.id}:updated`, t0);
          keys.push(`${target.id}:updated`);
          target.version = Number(json.version ?? target.version + 1);
        } else {
          const { json } = await call('POST', '/contacts', writer.token, { firstName: `Bench ${label}`, lastName: `B${b} W${i}` });
          const id = String(json.id);
          sentAt.set(`${id}:created`, t0);
          keys.push(`${id}:created`);
          records.set(id, { tenantId: writer.tenantId });
          mine.push({ id, writer, version: Number(json.version ?? 1) });
        }
        latencies.push(Date.now() - t0);
        answeredAt.set(keys[keys.length - 1]!, Date.now());
        writes += 1;
      }
      await new Promise((r) => setTimeout(r, 500)); // a quiet spell between bursts
    }
    return { latencies, keys, commandsPerWrite: (commands - before) / writes, stampReadsPerWrite: (stampReads - stampsBefore) / writes };
  }

  const pct = (list: number[], p: number) => {
    if (!list.length) return NaN;
    const sorted = [...list].sort((x, y) => x - y);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  };
  const memory = () => {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    return { heap: m.heapUsed, rss: m.rss };
  };

  // Warm-up, then the baseline with no socket.
  await burst('warm-up');
  const baseline = await burst('baseline');
  console.error(`baseline: p50 ${pct(baseline.latencies, 50)} ms, p95 ${pct(baseline.latencies, 95)} ms, ${baseline.commandsPerWrite.toFixed(2)} commands + ${baseline.stampReadsPerWrite.toFixed(2)} stamp reads per write`);

  // The clients: two child processes.
  const children: ChildProcess[] = [];
  const replies = new Map<ChildProcess, ((m: Record<string, unknown>) => void)[]>();
  for (let i = 0; i < 2; i += 1) {
    const child = fork(import.meta.filename, ['--client'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    replies.set(child, []);
    child.on('message', (m: Record<string, unknown>) => replies.get(child)!.shift()?.(m));
    children.push(child);
  }
  const ask = (child: ChildProcess, message: ToClient | null) =>
    new Promise<Record<string, unknown>>((resolve) => {
      replies.get(child)!.push(resolve);
      if (message) child.send(message);
    });
  await Promise.all(children.map((c) => ask(c, null))); // ready

  const rows: string[] = [];
  const totals = { crossAgency: 0, unauthorised: 0, missing: 0 };
  for (const target of socketCounts) {
    // Access tokens live 15 minutes: every step signs everyone in again and opens its sockets afresh.
    await Promise.all(children.map((c) => ask(c, { kind: 'close' })));
    for (const user of users) user.token = await signIn(runtime, user.email);
    await new Promise((r) => setTimeout(r, 1_000));
    // The machine is shared and its load moves: each step has its own no-socket baseline, just before.
    const stepBaseline = await burst(`base${target}`);
    const memoryBefore = memory();
    // `target` sockets: round-robin over users, alternating child processes.
    const adding: Assignment[][] = [[], []];
    for (let s = 0; s < target; s += 1) {
      const user = users[s % users.length]!;
      adding[s % 2]!.push({ token: user.token, user: user.index });
    }
    const connectStarted = Date.now();
    const answers = await Promise.all(children.map((c, i) => ask(c, { kind: 'connect', url, sockets: adding[i]! })));
    const connectMs = Date.now() - connectStarted;
    const sockets = realtime.io.of('/').sockets.size;
    const memoryAt = memory();
    console.error(`${sockets} sockets connected in ${connectMs} ms (${answers.map((a) => a.count).join(' + ')}), ${realtime.groupCount} groups`);

    const run = await burst(`n${target}`);
    await new Promise((r) => setTimeout(r, 2_000)); // the last deliveries land
    const receipts: (Receipt & { child?: number })[] = [];
    let disconnected = 0;
    for (const [n, child] of children.entries()) {
      const report = await ask(child, { kind: 'report' });
      for (const r of report.receipts as Receipt[]) receipts.push(Object.assign(r, { child: n }));
      disconnected += Number(report.disconnected);
    }

    // What each user may read, asked of the API (8 requests at a time); a delivery of anything else is a fault.
    const ids = [...new Set(run.keys.map((k) => k.split(':')[0]!))];
    const readable = new Map<number, Set<string>>(users.map((u) => [u.index, new Set<string>()]));
    const checks = users.flatMap((user) => ids.filter((id) => records.get(id)!.tenantId === user.tenantId).map((id) => ({ user, id })));
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let c = checks.shift(); c; c = checks.shift()) if ((await call('GET', `/contacts/${c.id}`, c.user.token)).status === 200) readable.get(c.user.index)!.add(c.id);
      }),
    );
    const fanout: number[] = [];
    const afterAnswer: number[] = [];
    let crossAgency = 0;
    let unauthorised = 0;
    let delivered = 0;
    const perSocketKey = new Set<string>();
    for (const receipt of receipts) {
      const [socket, userIndex, id, type, at] = receipt;
      const t0 = sentAt.get(`${id}:${type}`);
      const record = records.get(id);
      if (t0 === undefined || !record) continue; // an event of an earlier step
      const user = users[userIndex]!;
      if (record.tenantId !== user.tenantId) crossAgency += 1;
      else if (!readable.get(userIndex)!.has(id)) unauthorised += 1;
      perSocketKey.add(`${receipt.child}:${socket}:${id}:${type}`);
      fanout.push(at - t0);
      afterAnswer.push(at - answeredAt.get(`${id}:${type}`)!);
      delivered += 1;
    }
    // Expected: every socket of a user gets every event of this step's writes the user may read, once.
    const socketsOfUser = new Map<number, number>();
    for (let s = 0; s < target; s += 1) socketsOfUser.set(s % users.length, (socketsOfUser.get(s % users.length) ?? 0) + 1);
    let expected = 0;
    for (const key of run.keys) {
      const id = key.split(':')[0]!;
      for (const user of users) if (readable.get(user.index)!.has(id)) expected += socketsOfUser.get(user.index) ?? 0;
    }
    const duplicates = delivered - perSocketKey.size;
    const missing = expected - perSocketKey.size;
    totals.crossAgency += crossAgency;
    totals.unauthorised += unauthorised;
    totals.missing += missing;
    const perSocket = (field: 'heap' | 'rss') => ((memoryAt[field] - memoryBefore[field]) / target / 1024).toFixed(1);
    const row = `| ${target} | ${realtime.groupCount} | ${connectMs} | ${pct(fanout, 50)} / ${pct(fanout, 95)} / ${pct(fanout, 100)} | ${pct(afterAnswer, 50)} / ${pct(afterAnswer, 95)} | ${delivered} (${duplicates} twice) | ${pct(stepBaseline.latencies, 50)} / ${pct(stepBaseline.latencies, 95)} | ${pct(run.latencies, 50)} / ${pct(run.latencies, 95)} | ${(((pct(run.latencies, 95) - pct(stepBaseline.latencies, 95)) / pct(stepBaseline.latencies, 95)) * 100).toFixed(0)}% | ${run.commandsPerWrite.toFixed(2)} + ${run.stampReadsPerWrite.toFixed(2)} | ${crossAgency} / ${unauthorised} / ${missing} | ${perSocket('heap')} / ${perSocket('rss')} | ${disconnected} | ${load()} |`;
    console.error(row);
    rows.push(row);
    // Keep only what the next step writes.
    sentAt.clear();
    answeredAt.clear();
  }

  for (const child of children) {
    await ask(child, { kind: 'close' });
    child.kill();
  }
  const header = [
    `## ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC — realtime fan-out at ${socketCounts.join(', ')} sockets (issue 17, item 5)`,
    '',
    `Command: \`node --expose-gc --import tsx bench/realtime.ts --sockets ${values.sockets} --bursts ${bursts} --writes ${writesPerBurst}\`. Embedded default (FerretDB 1.24.1, PostgreSQL handler), API and realtime in one process, socket.io-client sockets in two child processes on the same machine (${cpus().length} cores, shared with other engineers' work: load average ${loadAtStart} at start, ${load()} at end). Two agencies of 20 users (1 admin, 2 sales heads, 1 support: see the agency; 16 sales people: see their own), sockets spread round-robin over the users (everyone signed in afresh and every socket opened afresh per step), all subscribed to contacts; ${bursts} bursts of ${writesPerBurst} contact writes (2 creates : 1 update) sent one after another by admins and sales people of both agencies.`,
    '',
    `First baseline with no socket (after a warm-up): write p50 / p95 ${pct(baseline.latencies, 50)} / ${pct(baseline.latencies, 95)} ms, ${baseline.commandsPerWrite.toFixed(2)} database commands per write + ${baseline.stampReadsPerWrite.toFixed(2)} reads of the access stamp.`,
    '',
    '| sockets | groups | connect ms | fan-out p50 / p95 / max ms (from the write sent) | p50 / p95 ms after the write answered | deliveries | write p50 / p95 ms, no socket (just before) | write p50 / p95 ms with the sockets | write p95 vs no socket | commands per write + stamp reads | cross-agency / unauthorised / missing | API KiB per socket (heap / RSS) | sockets dropped | load 1/5/15 at end |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const text = [...header, ...rows, '', `Totals: cross-agency ${totals.crossAgency}, unauthorised ${totals.unauthorised}, missing ${totals.missing}.`, ''].join('\n');
  console.log(text);
  if (values.record !== '0') appendFileSync(join(import.meta.dirname, 'RESULTS.md'), `\n${text}`);

  await realtime.close();
  await new Promise((r) => server.close(() => r(undefined)));
  await runtime.close();
  await database.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
