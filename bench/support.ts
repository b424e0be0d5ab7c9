/**
 * The support benchmark (issue 18; run by hand, not part of the tests): starts the API on the embedded
 * FerretDB as bench/run.ts does, seeds one agency in bulk through the models (accounts, contacts, tickets
 * with their list rows), invites customers through the API and signs them in by their magic links, then
 * measures through HTTP with a fixed number of concurrent requests:
 *
 * - the agents' ticket list as <crm-ticket-list> asks for it (GET /v1/tickets?sort=-updatedAt&limit=50,
 *   and the same filtered by status), with an admin's token;
 * - the customer portal's home page as <crm-customer-portal> loads it (GET /v1/portal/tickets?limit=50
 *   and GET /v1/portal/articles?language=en&limit=5 at once), each worker a different signed-in customer.
 *
 *   node --import tsx bench/support.ts --tickets 100000                 (the lead's run, on a quiet machine)
 *   node --import tsx bench/support.ts --tickets 2000 --seconds 5 --record 0   (a trial run)
 *
 * Options (or BENCH_<NAME> env): --handler sqlite|postgresql, --tickets, --contacts (default tickets/20),
 * --accounts (default tickets/100), --customers (signed-in portal customers, default 50), --concurrency 50,
 * --seconds 10, --timeout 60000, --only tickets-list,tickets-status,portal-home, --record 0.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { loadConfig } from '../packages/api/src/platform/config.js';
import { writeListRows } from '../packages/api/src/platform/lists/list-rows.js';
import { startRuntime } from '../packages/api/src/runtime.js';
import { registrationToken, waitForMail } from '../packages/api/src/testing/mailbox.js';
import { contactModel } from '../packages/api/src/modules/contacts/contact.model.js';
import { customerModel } from '../packages/api/src/modules/customers/customer.model.js';
import { ticketDefinition } from '../packages/api/src/modules/support/ticket.definition.js';
import { ticketModel } from '../packages/api/src/modules/support/ticket.model.js';
import { measure, type Scenario } from './measure.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : (process.env[`BENCH_${name.toUpperCase()}`] ?? fallback);
};
const handler = option('handler', 'sqlite') as 'sqlite' | 'postgresql';
const tickets = Number(option('tickets', '100000'));
const contacts = Number(option('contacts', String(Math.max(100, Math.round(tickets / 20)))));
const accounts = Number(option('accounts', String(Math.max(20, Math.round(tickets / 100)))));
const customers = Math.min(contacts, Number(option('customers', '50')));
const concurrency = Number(option('concurrency', '50'));
const seconds = Number(option('seconds', '10'));
const requestTimeoutMs = Number(option('timeout', '60000'));
const load = { concurrency, seconds, requestTimeoutMs };
const only = option('only', '').split(',').filter(Boolean);
const record = option('record', '1') !== '0';
/** `--trace <ms>` logs every database command slower than that while measuring (0: off). */
const trace = Number(option('trace', '0'));
const resultsFile = new URL('./RESULTS.md', import.meta.url).pathname;

const statuses = ['new', 'open', 'pending_customer', 'resolved', 'closed'] as const;
const priorities = ['low', 'normal', 'high', 'urgent'] as const;
const channels = ['portal', 'email', 'phone', 'widget'] as const;
const topics = ['Invoice missing', 'Cannot sign in', 'Booth size', 'Badge name wrong', 'Refund request', 'Speaker slot', 'Hotel booking', 'Wi-Fi at the venue'];
const pick = <T>(list: readonly T[], i: number) => list[i % list.length]!;
const contactEmail = (i: number) => `portal.customer.${i}@bench.test`;

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

async function main() {
  const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(' / ');
  const dataDir = mkdtempSync(join(tmpdir(), `crm-bench-support-${handler}-`));
  let pgDb: string | null = null;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    EMBEDDED_DB_HANDLER: handler,
    RATE_LIMIT_MAX: '1000000',
    USER_RATE_LIMIT_MAX: '1000000',
    ANONYMOUS_RATE_LIMIT_PER_MINUTE: '1000000',
    // The portal's per-address sign-in budget: every customer signs in from this one address.
    PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_FAILURE_LIMIT_PER_MINUTE: '1000000',
    EXPENSIVE_CONCURRENCY_PER_USER: '1000',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret!!',
    DATABASE_NAME: 'crm_bench_support',
  };
  if (handler === 'postgresql') {
    pgDb = `crm_bench_support_${Date.now()}`;
    execFileSync('createdb', ['-h', '127.0.0.1', '-p', '5432', pgDb]);
    env.EMBEDDED_DB_POSTGRES_URL = `postgres://127.0.0.1:5432/${pgDb}`;
  }
  const config = loadConfig({ ...process.env, MONGODB_URI: undefined, SMTP_URL: undefined, ...env });
  const runtime = await startRuntime(config);
  const server = runtime.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { connection } = runtime.ctx;
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  const seedTimes: Record<string, number> = {};
  try {
    // The agency, as bench/run.ts makes it: sign up, read the link from the outbox, confirm.
    const adminEmail = `bench-${Date.now()}@bench.test`;
    const password = 'bench-password-123';
    await post('/v1/auth/register', { agency: { name: 'Support Bench Agency' }, admin: { name: 'Bench Admin', email: adminEmail, password } });
    const confirmed = await post('/v1/auth/register/confirm', { token: registrationToken(await waitForMail(runtime, adminEmail)) });
    const tenantId = new Types.ObjectId((confirmed.tenant as { id: string }).id);
    const login = async () => (await post('/v1/auth/login', { email: adminEmail, password })).accessToken as string;
    let adminToken = await login();

    const accountIds = (
      await timed(`seed ${accounts} accounts`, async () => {
        const docs = Array.from({ length: accounts }, (_, i) => ({ tenantId, name: `${pick(topics, i).split(' ')[0]} Holding ${i}`, status: 'active', version: 0 }));
        return (await customerModel(connection).insertMany(docs, { ordered: false, lean: true })).map((a) => a._id as Types.ObjectId);
      })
    ).value;
    const contactRows = await timed(`seed ${contacts} contacts`, async () => {
      const ids: Array<{ id: Types.ObjectId; accountId: Types.ObjectId }> = [];
      for (let start = 0; start < contacts; start += 2000) {
        const docs = [];
        for (let i = start; i < Math.min(contacts, start + 2000); i += 1) {
          const email = contactEmail(i);
          docs.push({ tenantId, firstName: 'Customer', lastName: `Number ${i}`, emails: [{ label: 'work', value: email, primary: true }], primaryEmail: email, customerId: pick(accountIds, i), status: 'converted', version: 0 });
        }
        const inserted = await contactModel(connection).insertMany(docs, { ordered: false, lean: true });
        ids.push(...inserted.map((c) => ({ id: c._id as Types.ObjectId, accountId: (c as unknown as { customerId: Types.ObjectId }).customerId })));
      }
      return ids;
    });
    seedTimes.contacts = contactRows.ms;
    const definition = ticketDefinition(connection);
    const epoch = Date.UTC(2026, 0, 1);
    seedTimes.tickets = (
      await timed(`seed ${tickets} tickets with their list rows`, async () => {
        for (let start = 0; start < tickets; start += 2000) {
          const docs = [];
          for (let i = start; i < Math.min(tickets, start + 2000); i += 1) {
            const contact = contactRows.value[(i * 7919) % contactRows.value.length]!;
            const at = new Date(epoch + i * 60_000);
            docs.push({
              tenantId,
              number: i + 1,
              subject: `${pick(topics, i)} #${i + 1}`,
              description: 'Seeded by bench/support.ts',
              accountId: contact.accountId,
              contactId: contact.id,
              priority: pick(priorities, i * 3),
              channel: pick(channels, i),
              status: pick(statuses, i),
              messageCount: i % 4,
              createdAt: at,
              updatedAt: at,
              version: 0,
            });
          }
          const inserted = (await ticketModel(connection).insertMany(docs, { ordered: false, lean: true })) as never[];
          await writeListRows(connection, definition, inserted);
        }
      })
    ).ms;

    // Published articles for customers: the portal home lists the latest five.
    seedTimes.articles = (
      await timed('publish 20 customer articles', async () => {
        for (let i = 0; i < 20; i += 1) {
          const article = await post('/v1/kb/articles', { title: `${pick(topics, i)}: what to do (${i})`, body: 'Open the portal, then follow the steps.', visibility: 'customers' }, adminToken);
          await post(`/v1/kb/articles/${String(article.id)}/publish`, {}, adminToken);
        }
      })
    ).ms;

    // Customers invited by the agent and signed in by their magic links, as a person would.
    const customerTokens = (
      await timed(`invite and sign in ${customers} portal customers`, async () => {
        const tokens: string[] = [];
        for (let i = 0; i < customers; i += 1) {
          await post('/v1/customer-users', { contactId: String(contactRows.value[i]!.id) }, adminToken);
          const mail = await waitForMail(runtime, contactEmail(i), (m) => m.text.includes('#crm-portal-link='));
          const link = decodeURIComponent(/#crm-portal-link=([A-Za-z0-9_%.-]+)/.exec(mail.text)![1]!);
          tokens.push((await post('/v1/portal/session', { link })).accessToken as string);
        }
        return tokens;
      })
    ).value;
    const perCustomer = Math.round(tickets / contacts);

    const scenarios: Scenario[] = [
      { key: 'tickets-list', name: 'agent ticket list: first page of 50, sorted -updatedAt (as <crm-ticket-list> asks)', requests: () => [{ path: '/v1/tickets?sort=-updatedAt&limit=50', token: adminToken }] },
      { key: 'tickets-status', name: 'agent ticket list: status=open, sorted -updatedAt, first page of 50', requests: () => [{ path: '/v1/tickets?status=open&sort=-updatedAt&limit=50', token: adminToken }] },
      {
        key: 'portal-home',
        name: `portal home: a customer's tickets (first 50) and the 5 latest articles, at once (${customers} customers, ~${perCustomer} tickets each)`,
        requests: (w) => {
          const token = customerTokens[w % customerTokens.length]!;
          return [
            { path: '/v1/portal/tickets?limit=50', token },
            { path: '/v1/portal/articles?language=en&limit=5', token },
          ];
        },
      },
    ];
    // The command monitor (on under NODE_ENV=test): database commands per unit and the documents they returned,
    // which show whether a page reads a bounded number of documents whatever the agency holds.
    const monitor = { commands: 0, returned: 0 };
    const client = connection.getClient();
    const started = new Map<number, string>();
    client.on('commandStarted', (e: { requestId: number; commandName: string; command: Record<string, unknown> }) => {
      monitor.commands += 1;
      if (trace) started.set(e.requestId, `${e.commandName} ${JSON.stringify(e.command).slice(0, 400)}`);
    });
    client.on('commandSucceeded', (e: { requestId: number; duration: number }) => {
      const what = started.get(e.requestId);
      started.delete(e.requestId);
      if (what && e.duration >= trace) log(`slow command (${e.duration} ms): ${what}`);
    });
    client.on('commandSucceeded', (e: { reply?: { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } } }) => {
      monitor.returned += (e.reply?.cursor?.firstBatch?.length ?? 0) + (e.reply?.cursor?.nextBatch?.length ?? 0);
    });
    const results = [];
    for (const scenario of scenarios.filter((s) => !only.length || only.includes(s.key))) {
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
      `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — support (issue 18), FerretDB ${handler} handler`,
      '',
      `- command: \`node --import tsx bench/support.ts ${args.join(' ')}\``,
      `- machine: ${machine}; Node ${process.version}`,
      `- data: ${tickets} tickets (with list rows) over ${contacts} contacts in ${accounts} accounts, 20 published customer articles, ${customers} signed-in portal customers`,
      `- seeding: ${Object.entries(seedTimes).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(', ')}`,
      `- load: ${concurrency} concurrent workers for ${seconds} s per scenario; a portal-home unit is its two requests sent at once`,
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
    if (pgDb) execFileSync('dropdb', ['-h', '127.0.0.1', '-p', '5432', '--if-exists', pgDb]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
