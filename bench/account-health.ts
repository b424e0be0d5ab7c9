/**
 * The weekly account-health run (issue 23 item 8) at N accounts in one agency, run by hand. Starts the
 * embedded default (FerretDB on an embedded PostgreSQL) in a temporary folder, bulk-inserts N customers,
 * last week's snapshot of each (a window of four weeks of activity), this week's counts (as the writes
 * leave them) and open invoices of which 1% are late; 2% of the accounts drop to no activity. Then it
 * times the run for the agency (reads, N snapshot inserts, the flagged accounts' managers notified),
 * and a second run of the same week (writes and notifies nothing).
 *
 *   node --import tsx bench/account-health.ts [--accounts 100000]
 *
 * Prints JSON; the figures go to bench/RESULTS.md by hand, with the command.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import mongoose, { Types } from 'mongoose';
import { ensurePushdownIndexes } from '../packages/api/src/platform/db/pushdown-indexes.js';
import { startTestDatabase } from '../packages/api/src/testing/test-database.js';
import { EventBus } from '../packages/api/src/platform/events.js';
import { createNotificationsService } from '../packages/api/src/modules/notifications/notifications.service.js';
import { notificationModel } from '../packages/api/src/modules/notifications/notification.model.js';
import { customerModel } from '../packages/api/src/modules/customers/customer.model.js';
import { invoiceModel } from '../packages/api/src/modules/invoices/invoice.model.js';
import { accountSnapshotModel, accountWeekCountModel, addWeeks, weekOf } from '../packages/api/src/modules/account-health/account-health.model.js';
import { createAccountHealthService } from '../packages/api/src/modules/account-health/account-health.service.js';

const { values } = parseArgs({ options: { accounts: { type: 'string', default: '100000' } } });
const n = Number(values.accounts);

const database = await startTestDatabase(() => {});
const connection = mongoose.createConnection(database.uri, { dbName: 'bench_account_health' });
await connection.asPromise();
try {
  const Customers = customerModel(connection);
  const Snapshots = accountSnapshotModel(connection);
  const Counts = accountWeekCountModel(connection);
  const Invoices = invoiceModel(connection);
  await Promise.all([Snapshots.syncIndexes(), Counts.syncIndexes(), notificationModel(connection).syncIndexes(), Customers.createIndexes(), Invoices.createIndexes()]);
  // The GIN indexes the API adds at start on the PostgreSQL handler (runtime.ts); without them every equality read is a sequential scan (bench/id-lookups.ts).
  if (database.postgresUrl) await ensurePushdownIndexes(connection, database.postgresUrl);

  const tenantId = new Types.ObjectId();
  const manager = new Types.ObjectId();
  const now = new Date();
  const week = addWeeks(weekOf(now), -1);
  const ids = Array.from({ length: n }, () => new Types.ObjectId());
  const seedStart = performance.now();
  const batch = 5000;
  for (let i = 0; i < n; i += batch) {
    const slice = ids.slice(i, i + batch);
    await Promise.all([
      connection.collection('customers').insertMany(slice.map((_id, j) => ({ _id, tenantId, name: `Account ${i + j}`, ownerId: manager, team: { accountManagerId: manager } })), { ordered: false }),
      Snapshots.collection.insertMany(slice.map((accountId) => ({ tenantId, accountId, week: addWeeks(week, -1), key: `${addWeeks(week, -1)}:${String(accountId)}`, activities: 6, window: [6, 5, 7, 6], flags: [], createdAt: now }))),
      // 2% of the accounts logged nothing this week (no count row): the drop the run flags.
      Counts.collection.insertMany(slice.filter((_, j) => (i + j) % 50 !== 0).map((accountId) => ({ tenantId, accountId, week, key: `${week}:${String(accountId)}`, activities: 5, orders: 1, tickets: 0 }))),
      // An open invoice on every tenth account; one in ten of those (1% of accounts) is past due.
      connection.collection('invoices').insertMany(slice.filter((_, j) => (i + j) % 10 === 0).map((accountId, k) => ({ tenantId, accountId, status: 'issued', numberKey: `b-${i}-${k}`, dueDate: new Date(now.getTime() + (k % 10 === 0 ? -20 : 20) * 86_400_000), total: 1000, amountPaid: 0 }))),
    ]);
  }
  const seedMs = performance.now() - seedStart;

  const service = createAccountHealthService({ connection, notifications: createNotificationsService({ connection, events: new EventBus(() => {}) }) });
  const t0 = performance.now();
  const first = await service.run(now, { week, tenantId });
  const firstMs = performance.now() - t0;
  const t1 = performance.now();
  const second = await service.run(now, { week, tenantId });
  const secondMs = performance.now() - t1;
  console.log(JSON.stringify({ accounts: n, seedMs: Math.round(seedMs), first: { ...first, ms: Math.round(firstMs), perAccountUs: Math.round((firstMs * 1000) / n) }, second: { ...second, ms: Math.round(secondMs) }, cpus: cpus().length, load: loadavg().map((l) => Math.round(l * 10) / 10) }, null, 2));
} finally {
  await connection.close();
  await database.stop();
}
