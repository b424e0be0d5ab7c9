/**
 * The collaboration lists of issue 23 at 100k records per agency (run by hand, not part of the tests): starts
 * the API on the embedded FerretDB as bench/support.ts does, signs an agency up, bulk-inserts through the
 * models N calendar entries, N conversations (the admin a member of each), N projects, N requests for leads
 * and N event registrations (over N/1000 events), with what their writes derive (calendar range buckets, inbox
 * buckets on the member rows and the index of non-empty days, list rows of projects and requests), then measures through HTTP with a fixed number of
 * concurrent requests, as the elements ask:
 *
 * - calendar: one week of the admin's calendar (GET /v1/calendar?from=&to=), as <crm-calendar> asks;
 * - conversations: the inbox, first page of 50 (GET /v1/conversations?limit=50), as <crm-messages> asks;
 * - projects: first page of 50 (GET /v1/projects?limit=50), as <crm-project-list> asks;
 * - lead requests: first page of 50 (GET /v1/lead-requests?limit=50), as <crm-lead-request-board> asks;
 * - registrations: one event's first page of 50 (GET /v1/sales-events/{id}/registrations?limit=50).
 *
 *   node --import tsx bench/collaboration.ts --records 100000            (the lead's run, on a quiet machine)
 *   node --import tsx bench/collaboration.ts --records 2000 --seconds 5 --record 0   (a trial run)
 *
 * Options (or BENCH_<NAME> env): --records (per list, default 100000), --per-event (registrations per event,
 * default 1000), --concurrency 10, --seconds 10, --timeout 120000 (per request), --query-timeout 120000 (DB_QUERY_TIMEOUT_MS), --only calendar,conversations,projects,
 * lead-requests,registrations, --record 0 (print instead of appending to bench/RESULTS.md).
 */
import { appendFileSync, chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Types, type Model } from 'mongoose';
import { loadConfig } from '../packages/api/src/platform/config.js';
import { startRuntime } from '../packages/api/src/runtime.js';
import { registrationToken, waitForMail } from '../packages/api/src/testing/mailbox.js';
import { calendarEntryModel } from '../packages/api/src/modules/calendar/calendar.model.js';
import { entryBuckets } from '../packages/api/src/modules/calendar/calendar-buckets.js';
import { memberFields } from '../packages/api/src/modules/conversations/inbox.js';
import { fileInboxDays } from '../packages/api/src/modules/conversations/inbox-days.js';
import { listedKind, writeListRows } from '../packages/api/src/platform/lists/list-rows.js';
import { conversationMemberModel, conversationModel } from '../packages/api/src/modules/conversations/conversation.model.js';
import { projectModel } from '../packages/api/src/modules/projects/projects.model.js';
import { leadRequestModel } from '../packages/api/src/modules/lead-requests/lead-requests.model.js';
import { eventRegistrationModel, salesEventModel } from '../packages/api/src/modules/sales-events/sales-event.model.js';
import { registrationBlocks, registrationFiling } from '../packages/api/src/modules/sales-events/registration-order.js';
import { measure, type Scenario } from './measure.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : (process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback);
};
const records = Number(option('records', '100000'));
const perEvent = Number(option('per-event', '1000'));
const concurrency = Number(option('concurrency', '10'));
const seconds = Number(option('seconds', '10'));
const requestTimeoutMs = Number(option('timeout', '120000'));
const load = { concurrency, seconds, requestTimeoutMs };
const only = option('only', '').split(',').filter(Boolean);
const record = option('record', '1') !== '0';
const resultsFile = new URL('./RESULTS.md', import.meta.url).pathname;
const wanted = (key: string) => !only.length || only.includes(key);

function log(line: string) {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  const ms = performance.now() - start;
  log(`${label}: ${(ms / 1000).toFixed(1)} s`);
  return { value, ms };
}

/** Inserts `n` documents made by `make(i)` in batches of 2000, straight through the driver (no validation cost). */
async function seed(model: Model<never>, n: number, make: (i: number) => Record<string, unknown>, afterBatch?: (docs: Record<string, unknown>[]) => Promise<unknown>) {
  for (let start = 0; start < n; start += 2000) {
    const docs = [];
    for (let i = start; i < Math.min(n, start + 2000); i += 1) docs.push({ _id: new Types.ObjectId(), ...make(i) });
    await model.collection.insertMany(docs, { ordered: false });
    await afterBatch?.(docs);
  }
}

async function main() {
  const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(' / ');
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-collaboration-'));
  // mkdtemp makes the folder 700: run as root, PostgreSQL (run as the postgres user) could not reach it and the
  // API fell back to FerretDB's SQLite handler, where every filter but a lone _id is a scan (runs before 2026-12-06 12:00 UTC).
  chmodSync(dataDir, 0o755);
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    RATE_LIMIT_MAX: '1000000',
    USER_RATE_LIMIT_MAX: '1000000',
    ANONYMOUS_RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_FAILURE_LIMIT_PER_MINUTE: '1000000',
    EXPENSIVE_CONCURRENCY_PER_USER: '1000',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret!!',
    DATABASE_NAME: 'crm_bench_collaboration',
    // A first page that reads every row of the agency must be seen taking what it takes, not cut at 5 s.
    DB_QUERY_TIMEOUT_MS: option('query-timeout', '120000'),
  };
  const config = loadConfig({ ...process.env, MONGODB_URI: undefined, SMTP_URL: undefined, ...env });
  const runtime = await startRuntime(config);
  const server = runtime.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { connection } = runtime.ctx;
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  const seedTimes: Record<string, number> = {};
  try {
    const adminEmail = `bench-${Date.now()}@bench.test`;
    const password = 'bench-password-123';
    await call('POST', '/v1/auth/register', { agency: { name: 'Collaboration Bench Agency' }, admin: { name: 'Bench Admin', email: adminEmail, password } });
    const confirmed = await call('POST', '/v1/auth/register/confirm', { token: registrationToken(await waitForMail(runtime, adminEmail)) });
    const tenantId = new Types.ObjectId((confirmed.tenant as { id: string }).id);
    const login = async () => (await call('POST', '/v1/auth/login', { email: adminEmail, password })).accessToken as string;
    let adminToken = await login();
    const adminId = new Types.ObjectId(((await call('GET', '/v1/me', undefined, adminToken)).user as { id: string }).id);
    const epoch = Date.UTC(2026, 0, 5);
    const at = (i: number, minutes: number) => new Date(epoch + i * minutes * 60_000);
    // Each calendar entry lasts 25 minutes (before 2026-12-06 the seed ended entry i at i × 55 minutes, so a week overlapped ~4,900 ever longer entries).
    const endOf = (i: number) => new Date(at(i, 30).getTime() + 25 * 60_000);
    const now = new Date();

    // Calendar: one entry every 30 minutes from 2026-01-05 (100k span about 5.7 years); the measured week is the 30th.
    if (wanted('calendar'))
      seedTimes.calendar = (await timed(`seed ${records} calendar entries`, () => seed(calendarEntryModel(connection) as never, records, (i) => ({ tenantId, kind: i % 3 ? 'meeting' : 'call', title: `Bench entry ${i}`, startAt: at(i, 30), endAt: endOf(i), seriesEndAt: endOf(i), buckets: entryBuckets({ startAt: at(i, 30), endAt: endOf(i), seriesEndAt: endOf(i), recurrence: null }), allDay: false, timeZone: 'Europe/Berlin', recurrence: null, ownerId: adminId, teamId: null, attendees: [], attendeeUserIds: [], reminderMinutes: null, createdAt: now, updatedAt: now, version: 0 })))).ms;
    // Conversations: N direct conversations with a message each, the admin a member of every one.
    if (wanted('conversations'))
      seedTimes.conversations = (
        await timed(`seed ${records} conversations with the admin's memberships`, async () => {
          const ids = Array.from({ length: records }, () => new Types.ObjectId());
          const conversation = (i: number) => ({ _id: ids[i]!, tenantId, kind: 'direct' as const, key: `bench:${i}`, recordKind: null, recordId: null, participantIds: [adminId], title: `Bench conversation ${i}`, createdBy: adminId, messageCount: 1, lastMessageAt: at(i, 1), lastMessagePreview: 'hello', createdAt: at(i, 1), updatedAt: at(i, 1) });
          await seed(conversationModel(connection) as never, records, conversation);
          await seed(conversationMemberModel(connection) as never, records, (i) => ({ tenantId, key: `${String(ids[i])}:${String(adminId)}`, conversationId: ids[i], userId: adminId, kind: 'direct', readCount: 0, lastReadAt: null, createdAt: at(i, 1), ...memberFields(adminId, conversation(i)) }), (docs) => fileInboxDays(connection, docs.map((m) => ({ tenantId, userId: adminId, at: m.activityAt as Date }))));
        })
      ).ms;
    if (wanted('projects'))
      seedTimes.projects = (await timed(`seed ${records} projects`, () => seed(projectModel(connection) as never, records, (i) => ({ tenantId, winKey: `bench:${i}`, opportunityId: new Types.ObjectId(), customerId: null, quoteId: null, name: `Bench project ${i}`, outcome: 'won', amount: 1000, currency: 'EUR', status: 'open', jobs: [{ title: 'Layout', taskType: null, spec: null, quantity: 1, unit: null, assigneeIds: [], taskIds: [] }], ownerId: adminId, teamId: null, productId: null, departmentId: null, wonAt: at(i, 10), createdAt: at(i, 10), updatedAt: at(i, 10) }), (docs) => writeListRows(connection, listedKind(connection, 'project')!, docs)))).ms;
    if (wanted('lead-requests')) {
      await call('GET', '/v1/lead-requests?limit=1', undefined, adminToken); // the tenant's leadRequest workflow exists before the rows
      seedTimes.leadRequests = (await timed(`seed ${records} requests for leads`, () => seed(leadRequestModel(connection) as never, records, (i) => ({ tenantId, title: `Bench request ${i}`, notes: null, criteria: { neededCount: 10, industry: 'Publishing', region: null, country: 'DE', employeesMin: 50, employeesMax: 500, size: 'medium' }, status: i % 4 ? 'sourcing' : 'closed', statusChangedAt: at(i, 10), candidateCount: 0, acceptedCount: 0, deliveredCount: 0, extensions: 0, campaignId: null, assigneeId: null, ownerId: adminId, teamId: null, productId: null, departmentId: null, version: 0, createdAt: at(i, 10), updatedAt: at(i, 10) }), (docs) => writeListRows(connection, listedKind(connection, 'leadRequest')!, docs)))).ms;
    }
    let eventId = '';
    if (wanted('registrations'))
      seedTimes.registrations = (
        await timed(`seed ${records} registrations over ${Math.ceil(records / perEvent)} events`, async () => {
          const events = Array.from({ length: Math.ceil(records / perEvent) }, () => new Types.ObjectId());
          await seed(salesEventModel(connection) as never, events.length, (e) => ({ _id: events[e], tenantId, name: `Bench conference ${e}`, description: '', level: 1, status: 'planned', startsAt: at(e, 1440), endsAt: at(e, 1440 + 480), timezone: 'UTC', venue: { name: 'Hall', address: null, city: 'Berlin', country: 'DE' }, capacity: perEvent, currency: 'EUR', campaignId: null, productId: null, sessions: [], costs: [], costTotal: 0, revenueTotal: 0, registeredCount: Math.min(perEvent, records - e * perEvent), checkedInCount: 0, registrationsFiled: true, createdBy: adminId, version: 1, createdAt: now, updatedAt: now }));
          // Filed as the API files them: each event's registrations in its own write-order blocks (registration-order.ts).
          const blocks = await Promise.all(events.map((e, n) => registrationBlocks(connection, tenantId, e, Math.min(perEvent, records - n * perEvent))));
          await seed(eventRegistrationModel(connection) as never, records, (i) => ({ tenantId, eventId: events[Math.floor(i / perEvent)], ...registrationFiling(events[Math.floor(i / perEvent)]!, blocks[Math.floor(i / perEvent)]![i % perEvent]!), role: 'delegate', email: `delegate.${i}@bench.test`, emailKey: `delegate.${i}@bench.test`, firstName: 'Delegate', lastName: `Number ${i}`, companyName: null, leadId: null, contactId: null, seat: (i % perEvent) + 1, fee: 0, sponsorPackage: null, status: 'registered', checkedInAt: null, cancelledAt: null, createdAt: now, updatedAt: now }));
          eventId = String(events[Math.floor(events.length / 2)]);
        })
      ).ms;

    const week = { from: at(30 * 7 * 48, 30).toISOString(), to: at(31 * 7 * 48, 30).toISOString() };
    const scenarios: Scenario[] = [
      { key: 'calendar', name: `calendar: one week of the admin's calendar (336 entries of ${records}), as <crm-calendar> asks`, requests: () => [{ path: `/v1/calendar?from=${encodeURIComponent(week.from)}&to=${encodeURIComponent(week.to)}`, token: adminToken }] },
      { key: 'conversations', name: `conversations: the inbox, first page of 50 (member of ${records})`, requests: () => [{ path: '/v1/conversations?limit=50', token: adminToken }] },
      { key: 'projects', name: `projects: first page of 50 of ${records}`, requests: () => [{ path: '/v1/projects?limit=50', token: adminToken }] },
      { key: 'lead-requests', name: `lead requests: first page of 50 of ${records}`, requests: () => [{ path: '/v1/lead-requests?limit=50', token: adminToken }] },
      { key: 'registrations', name: `registrations: one event's first page of 50 (${perEvent} per event, ${records} in the agency)`, requests: () => [{ path: `/v1/sales-events/${eventId}/registrations?limit=50`, token: adminToken }] },
    ];
    const monitor = { commands: 0, returned: 0 };
    const client = connection.getClient();
    client.on('commandStarted', () => {
      monitor.commands += 1;
    });
    client.on('commandSucceeded', (e: { reply?: { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } } }) => {
      monitor.returned += (e.reply?.cursor?.firstBatch?.length ?? 0) + (e.reply?.cursor?.nextBatch?.length ?? 0);
    });
    const results = [];
    for (const scenario of scenarios.filter((s) => wanted(s.key))) {
      adminToken = await login();
      await measure(base, { ...scenario, name: 'warm-up' }, load, concurrency);
      monitor.commands = 0;
      monitor.returned = 0;
      const measured = await measure(base, scenario, load);
      const result = { ...measured, commandsPerUnit: monitor.commands / Math.max(1, measured.units), returnedPerUnit: monitor.returned / Math.max(1, measured.units) };
      log(`${result.name} @${concurrency}: p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, ${result.rps.toFixed(1)} units/s, ${result.units} units, statuses ${JSON.stringify(result.statuses)}, per unit ${result.commandsPerUnit.toFixed(1)} commands, ${result.returnedPerUnit.toFixed(1)} documents returned${result.firstError ? `; first error: ${result.firstError}` : ''}`);
      results.push(result);
    }

    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} GiB free at the end); load average at start ${loadAtStart}, at the end ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min)`;
    const lines = [
      '',
      `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — collaboration lists (issue 23), FerretDB on the embedded default`,
      '',
      `- command: \`node --import tsx bench/collaboration.ts ${args.join(' ')}\``,
      `- machine: ${machine}; Node ${process.version}`,
      `- database: ${runtime.database.kind}`,
      `- data: ${records} records per list in one agency (calendar entries, conversations with the admin a member of each, projects, requests for leads, registrations at ${perEvent} per event)`,
      `- seeding: ${Object.entries(seedTimes).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(', ')}`,
      `- load: ${concurrency} concurrent workers for ${seconds} s per scenario`,
      '',
      '| scenario | concurrent | units | errors | p50 ms | p95 ms | max ms | units/s | commands/unit | documents returned/unit |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...results.map((r) => `| ${r.name} | ${concurrency} | ${r.units} | ${r.errors} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} | ${r.rps.toFixed(1)} | ${r.commandsPerUnit.toFixed(1)} | ${r.returnedPerUnit.toFixed(1)} |`),
      '',
    ];
    if (!record) {
      log(lines.join('\n'));
      return;
    }
    if (!existsSync(resultsFile)) writeFileSync(resultsFile, '# Benchmark results\n');
    appendFileSync(resultsFile, lines.join('\n'));
    log(`appended to ${resultsFile}`);
  } finally {
    server.close();
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
