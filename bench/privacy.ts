/**
 * GDPR / CCPA export and erasure of one person (issue 22), run by hand. Starts the embedded default
 * (FerretDB on an embedded PostgreSQL) in a temporary folder, seeds the demo agency, creates one person
 * through the API (a contact with an email and a phone, a lead with the same email, a ticket with
 * messages) and bulk-inserts `--activities` activities on their contact, plus `--others` activities of
 * other people of the agency (what the reads must not scan), then measures through HTTP, as the privacy
 * console asks:
 *
 * - `lookup`: POST /v1/privacy/lookup (counts per kind);
 * - `export`: POST /v1/privacy/exports (the whole JSON, every activity), with its size;
 * - `erase`: POST /v1/privacy/erasures (every activity deleted with its search entries, counters and
 *   roll-up event; the person's values scrubbed elsewhere);
 *
 * each once (the target: an export within 60 s for a person with thousands of activities), and the
 * database commands of each.
 *
 *   node --import tsx bench/privacy.ts [--activities 5000] [--others 50000]
 *
 * Prints JSON; the figures go to bench/RESULTS.md by hand, with the command.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Types } from 'mongoose';
import { startTestDatabase } from '../packages/api/src/testing/test-database.js';
import { testConfig } from '../packages/api/src/platform/config.js';
import { startRuntime } from '../packages/api/src/runtime.js';
import { seedDemoIfEmpty } from '../packages/api/src/seed/demo.js';
import { userModel } from '../packages/api/src/modules/identity/user.model.js';
import { tenantModel } from '../packages/api/src/modules/identity/tenant.model.js';
import { activityModel } from '../packages/api/src/modules/activities/activity.model.js';
import { contactModel } from '../packages/api/src/modules/contacts/contact.model.js';

const { values } = parseArgs({ options: { activities: { type: 'string', default: '5000' }, others: { type: 'string', default: '50000' } } });
const theirs = Number(values.activities);
const others = Number(values.others);

const database = await startTestDatabase(() => {});
const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-privacy-'));
chmodSync(dataDir, 0o755);
const config = testConfig({ DATA_DIR: dataDir, RATE_LIMIT_MAX: '1000000', JWT_SECRET: 'bench-secret-bench-secret-bench-secret!!', DB_QUERY_TIMEOUT_MS: '120000' });
const dbName = 'crm_bench_privacy';
const runtime = await startRuntime(config, { uri: `${database.uri.replace(/\/$/, '')}/?monitorCommands=true`, dbName, postgresUrl: database.postgresUrl });
const { connection } = runtime.ctx;
const seeded = await seedDemoIfEmpty(runtime.ctx);
const server = createServer(runtime.app);
server.requestTimeout = 0;
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;

let commands: Record<string, number> = {};
connection.getClient().on('commandStarted', (e: { databaseName: string; commandName: string }) => {
  if (e.databaseName === dbName) commands[e.commandName] = (commands[e.commandName] ?? 0) + 1;
});

const tenant = (await tenantModel(connection).findOne({}).sort({ createdAt: 1 }).lean())!;
const tenantId = tenant._id as Types.ObjectId;
const admin = seeded.logins.find((l) => l.role === 'Admin') ?? seeded.logins[0]!;
const login = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: admin.email, password: seeded.password }) });
const token = ((await login.json()) as { accessToken: string }).accessToken;
const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return { body: JSON.parse(text) as Record<string, unknown>, bytes: text.length };
};

const email = 'bench.person@example.org';
const contact = (await call('POST', '/contacts', { firstName: 'Bench', lastName: 'Person', emails: [{ value: email, primary: true }], phones: [{ value: '+49 30 5550100', primary: true }] })).body as { id: string };
await call('POST', '/leads', { firstName: 'Bench', lastName: 'Person', emails: [{ value: email, primary: true }] });
const ticket = (await call('POST', '/tickets', { subject: 'Bench Person cannot print', contactId: contact.id })).body as { id: string };
for (let i = 0; i < 5; i += 1) await call('POST', `/tickets/${ticket.id}/messages`, { body: `Reply ${i} to Bench Person`, visibility: 'public' });
const contactId = (await contactModel(connection).findOne({ tenantId, primaryEmail: email }).select('_id').lean())!._id;
const owners = (await userModel(connection).find({ tenantId }).select('_id').lean()).map((u) => u._id);
const otherContacts = (await contactModel(connection).find({ tenantId }).select('_id primaryEmail').lean()).filter((c) => c.primaryEmail !== email).map((c) => c._id);
const seed = async (count: number, subject: (i: number) => Types.ObjectId, prefix: string) => {
  for (let start = 0; start < count; start += 1000) {
    const docs = [];
    for (let i = start; i < Math.min(count, start + 1000); i += 1) {
      const at = new Date(Date.now() - (i % 365) * 86_400_000);
      const id = subject(i);
      docs.push({ tenantId, type: 'call', title: `${prefix} ${i}`, body: `Notes of call ${i}`, subject: { type: 'contact', id }, subjectType: 'contact', subjectId: id, occurredAt: at, direction: 'outbound', durationMinutes: 5, outcome: 'reached', contactIds: [id], ownerId: owners[i % owners.length], tags: [], custom: {}, version: 0, createdAt: at, updatedAt: at });
    }
    await activityModel(connection).collection.insertMany(docs as never[], { ordered: false });
  }
};
await seed(theirs, () => contactId, 'Call with Bench Person');
await seed(others, (i) => otherContacts[i % otherContacts.length]!, 'Call');

const results: Array<Record<string, unknown>> = [];
const measure = async (scenario: string, work: () => Promise<{ bytes: number; body: Record<string, unknown> }>) => {
  commands = {};
  const load = loadavg()[0];
  const started = performance.now();
  const { bytes, body } = await work();
  const ms = Math.round(performance.now() - started);
  results.push({ scenario, ms, bytes, loadAtStart: load, commands: { ...commands }, counts: (body.counts ?? (body.request as { counts?: unknown } | undefined)?.counts) as unknown });
  console.error(`${scenario}: ${ms} ms`);
};
await measure('lookup', () => call('POST', '/privacy/lookup', { email }));
await measure('export', () => call('POST', '/privacy/exports', { email }));
await measure('erase', () => call('POST', '/privacy/erasures', { email, confirmation: 'ERASE' }));
const left = await activityModel(connection).countDocuments({ tenantId, subjectId: contactId });

console.log(JSON.stringify({ activities: theirs, others, activitiesLeftAfterErasure: left, results }, null, 2));
server.close();
await runtime.close();
await database.stop();
rmSync(dataDir, { recursive: true, force: true });
