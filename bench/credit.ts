/**
 * The nightly credit run (issue 21, `credit.recalculate`) at N accounts in one agency, run by hand.
 * Starts the embedded default (FerretDB on an embedded PostgreSQL) in a temporary folder, bulk-inserts N
 * customers with a currency (1% with a manual credit limit), three invoices per account over the last
 * year (one of every ten accounts paid late, 2% with an invoice open past its due day, some credited in
 * part) and one order per account, then times `recalculateTenant` for the agency (one streamed read of
 * its invoices, one of its orders, one of its accounts; N limits and purchase summaries upserted in
 * pages of 1,000) and a second run of the same night (the same N upserts, as the job rewrites them).
 *
 *   node --import tsx bench/credit.ts [--accounts 100000]
 *
 * Prints JSON; the figures go to bench/RESULTS.md by hand, with the command and the load.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import mongoose, { Types } from 'mongoose';
import { ensurePushdownIndexes } from '../packages/api/src/platform/db/pushdown-indexes.js';
import { startTestDatabase } from '../packages/api/src/testing/test-database.js';
import { accountCreditModel } from '../packages/api/src/modules/credit/credit.model.js';
import { createCreditService } from '../packages/api/src/modules/credit/credit.service.js';

const { values } = parseArgs({ options: { accounts: { type: 'string', default: '100000' } } });
const n = Number(values.accounts);
const DAY = 86_400_000;

const database = await startTestDatabase(() => {});
const connection = mongoose.createConnection(database.uri, { dbName: 'bench_credit' });
await connection.asPromise();
try {
  const Credit = accountCreditModel(connection);
  await Credit.syncIndexes();
  await Promise.all([
    connection.collection('customers').createIndex({ tenantId: 1 }),
    connection.collection('invoices').createIndex({ tenantId: 1, accountId: 1 }),
    connection.collection('orders').createIndex({ tenantId: 1, accountId: 1 }),
  ]);
  // The GIN indexes the API adds at start for the PostgreSQL handler (runtime.ts): without them every
  // lookup by `_id` on FerretDB is a sequential scan (bench/id-lookups.ts), which a bench that skips the
  // runtime would measure instead of what runs.
  if (database.postgresUrl) await ensurePushdownIndexes(connection, database.postgresUrl);

  const tenantId = new Types.ObjectId();
  const now = new Date();
  const product = new Types.ObjectId();
  const ids = Array.from({ length: n }, () => new Types.ObjectId());
  const seedStart = performance.now();
  const batch = 5000;
  let invoiceNo = 0;
  let orderNo = 0;
  for (let i = 0; i < n; i += batch) {
    const slice = ids.slice(i, i + batch);
    const invoices = slice.flatMap((accountId, j) => {
      const k = i + j;
      return [300, 180, 40].map((ageDays, m) => {
        invoiceNo += 1;
        const issueDate = new Date(now.getTime() - ageDays * DAY);
        const dueDate = new Date(issueDate.getTime() + 30 * DAY);
        const open = m === 2 && k % 50 === 0; // 2%: the newest is open past its due day
        const late = k % 10 === 0 ? 12 : 0;
        return { tenantId, accountId, number: invoiceNo, numberKey: `n:${invoiceNo}`, currency: 'EUR', status: open ? 'issued' : 'paid', issueDate, dueDate, paidAt: open ? null : new Date(dueDate.getTime() + late * DAY), total: 100_000 + (k % 7) * 10_000, credited: k % 25 === 0 && m === 0 ? 20_000 : 0, amountPaid: open ? 0 : 100_000 };
      });
    });
    await Promise.all([
      connection.collection('customers').insertMany(slice.map((_id, j) => ({ _id, tenantId, name: `Account ${i + j}`, finance: { currency: 'EUR', ...((i + j) % 100 === 0 ? { creditLimit: 5000 } : {}) } })), { ordered: false }),
      connection.collection('invoices').insertMany(invoices, { ordered: false }),
      connection.collection('orders').insertMany(slice.map((accountId) => ({ tenantId, accountId, number: ++orderNo, status: 'open', createdAt: new Date(now.getTime() - 40 * DAY), lines: [{ serviceId: product }] })), { ordered: false }),
    ]);
  }
  const seedMs = performance.now() - seedStart;

  const credit = createCreditService(connection);
  const load0 = loadavg().map((l) => Math.round(l * 10) / 10);
  // Peak heap growth during a run (sampled every 50 ms over the heap at its start): the run's memory.
  const heapPeak = async <T>(fn: () => Promise<T>) => {
    globalThis.gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 50);
    try {
      const result = await fn();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      return { result, heapGrowthMb: Math.round((peak - base) / 1e5) / 10 };
    } finally {
      clearInterval(timer);
    }
  };
  const t0 = performance.now();
  const { result: first, heapGrowthMb: firstHeapMb } = await heapPeak(() => credit.recalculateTenant(tenantId, now));
  const firstMs = performance.now() - t0;
  const t1 = performance.now();
  const { result: second, heapGrowthMb: secondHeapMb } = await heapPeak(() => credit.recalculateTenant(tenantId, now));
  const secondMs = performance.now() - t1;
  const written = await Credit.countDocuments({ tenantId });
  const sample = await Credit.findOne({ tenantId, accountId: ids[10] }).lean();
  console.log(
    JSON.stringify(
      {
        accounts: n,
        invoices: invoiceNo,
        orders: orderNo,
        seedMs: Math.round(seedMs),
        first: { ...first, ms: Math.round(firstMs), perAccountUs: Math.round((firstMs * 1000) / n), heapGrowthMb: firstHeapMb },
        second: { ...second, ms: Math.round(secondMs), perAccountUs: Math.round((secondMs * 1000) / n), heapGrowthMb: secondHeapMb },
        written,
        sample: sample ? { calculatedMinor: sample.calculatedMinor, revenueMonths: sample.revenue.length, orderCount: sample.orderCount } : null,
        cpus: cpus().length,
        loadBefore: load0,
        loadAfter: loadavg().map((l) => Math.round(l * 10) / 10),
      },
      null,
      2,
    ),
  );
} finally {
  await connection.close();
  await database.stop();
}
