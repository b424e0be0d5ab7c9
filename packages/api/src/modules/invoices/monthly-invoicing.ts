import { Types, type Connection } from 'mongoose';
import { isDuplicateKeyError } from '../../platform/errors.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import type { PricedLine } from '../price-books/pricing.js';
import type { InvoicedAccount, InvoicesService } from './invoices.service.js';

export const MONTHLY_INVOICING_JOB = 'invoices.monthly';

/** Order statuses that are invoiced at the month's end (not held for approval, not cancelled). */
const INVOICEABLE = ['open', 'fulfilled'] as const;
const RUNS = 'invoice_month_runs';
const STALE_CLAIM_MS = 60 * 60_000;

interface OrderRow {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  accountId: Types.ObjectId;
  number: number | null;
  currency: string;
  status: string;
  poNumber: string | null;
  lines: PricedLine[];
  invoiceId: Types.ObjectId | null;
  billing?: 'open' | 'invoiced';
  createdAt: Date;
}

export interface MonthlyDeps {
  connection: Connection;
  invoices: InvoicesService;
  accountById: (tenantId: Types.ObjectId, id: Types.ObjectId) => Promise<InvoicedAccount | null>;
}

/** The calendar month before `now` (UTC): `2026-11` and its bounds. */
export function previousMonth(now: Date) {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return { key: start.toISOString().slice(0, 7), start, end };
}

/**
 * Monthly consolidated invoicing (003's "invoicing per month"): for every account whose
 * `finance.invoicingOption` is `perMonth`, the orders of the previous calendar month that are open or
 * fulfilled and not invoiced become one invoice per currency, their lines as the orders priced them.
 * Once: the (account, month, currency) run is claimed by a unique insert that also fixes the invoice's
 * id before it exists, so a second run, a second worker or a retry after a crash finds the claim and
 * at most completes the same invoice; each order is marked with the invoice it went into.
 * Orders are read by one top-level string equality (`billing: 'open'`), which FerretDB pushes down to
 * SQL, so the invoiced ones are never decoded; `invoiceId: null` was filtered only after decoding
 * (bench/RESULTS.md: 24 s to find nothing among 20,000 invoiced orders). Orders stored before the field
 * existed get it once (backfillOrderBilling).
 */
export async function runMonthlyInvoicing(deps: MonthlyDeps, now: Date): Promise<{ invoices: number; orders: number }> {
  const orders = deps.connection.collection<OrderRow>('orders');
  const runs = deps.connection.collection<{ _id: string; tenantId: Types.ObjectId; invoiceId: Types.ObjectId; state: 'claimed' | 'done'; claimedAt: Date }>(RUNS);
  const month = previousMonth(now);
  await backfillOrderBilling(deps.connection);
  const open = await orders.find({ billing: 'open' }, { projection: { tenantId: 1, accountId: 1, number: 1, currency: 1, status: 1, poNumber: 1, lines: 1, invoiceId: 1, createdAt: 1 } }).limit(200_000).toArray();
  const groups = new Map<string, OrderRow[]>();
  for (const o of open) {
    if (o.number === null || o.invoiceId || !(INVOICEABLE as readonly string[]).includes(o.status)) continue;
    if (!(o.createdAt >= month.start && o.createdAt < month.end)) continue;
    const key = `${String(o.tenantId)}:${String(o.accountId)}:${o.currency}`;
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  let made = 0;
  let invoicedOrders = 0;
  for (const group of groups.values()) {
    const { tenantId, accountId, currency } = group[0]!;
    const account = await deps.accountById(tenantId, accountId);
    if (account?.finance?.invoicingOption !== 'perMonth') continue;
    const runKey = `${String(accountId)}:${month.key}:${currency}`;
    let run = { _id: runKey, tenantId, invoiceId: new Types.ObjectId(), state: 'claimed' as 'claimed' | 'done', claimedAt: new Date() };
    try {
      await runs.insertOne(run);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await runs.findOne({ _id: runKey });
      // Done, or claimed by a run that may still be working on it: leave it. A claim an hour old is a crashed run's: complete it.
      if (!existing || existing.state === 'done' || Date.now() - existing.claimedAt.getTime() < STALE_CLAIM_MS) continue;
      run = existing;
    }
    group.sort((a, b) => a.number! - b.number!);
    const pos = [...new Set(group.map((o) => o.poNumber).filter((p): p is string => Boolean(p)))];
    const invoice = await deps.invoices.createFromLines({
      _id: run.invoiceId,
      tenantId,
      account,
      currency,
      lines: group.flatMap((o) => o.lines.map((l) => ({ ...l, description: `${l.description} (ORD-${String(o.number).padStart(6, '0')})` }))),
      poNumber: pos.length ? pos.join(', ').slice(0, 100) : null,
      orderId: group.length === 1 ? group[0]!._id : null,
    });
    for (const o of group) {
      const res = await orders.updateOne({ _id: o._id, tenantId, billing: 'open' }, { $set: { invoiceId: invoice._id, billing: 'invoiced' }, $inc: { version: 1 } });
      invoicedOrders += res.modifiedCount;
    }
    await runs.updateOne({ _id: runKey }, { $set: { state: 'done' } });
    made += 1;
  }
  return { invoices: made, orders: invoicedOrders };
}

const BILLING_BACKFILL = 'backfill:order-billing';

/**
 * Gives orders stored before `billing` existed their state (`invoiced` when they have an invoice, else
 * `open`): one pass over the orders, once (marked done in the runs collection); orders written since
 * get the field from the model's default and the writes that invoice them.
 */
export async function backfillOrderBilling(connection: Connection): Promise<number> {
  const marks = connection.collection<{ _id: string; state: string; at: Date }>(RUNS);
  if ((await marks.findOne({ _id: BILLING_BACKFILL }))?.state === 'done') return 0;
  const orders = connection.collection<OrderRow>('orders');
  let written = 0;
  const cursor = orders.find({}, { projection: { tenantId: 1, invoiceId: 1, billing: 1 }, batchSize: 1000 });
  try {
    for await (const o of cursor) {
      if (o.billing === 'open' || o.billing === 'invoiced') continue;
      // An order invoiced meanwhile keeps `invoiced` (the open case only writes where there is still no invoice).
      await orders.updateOne(o.invoiceId ? { _id: o._id, tenantId: o.tenantId } : { _id: o._id, tenantId: o.tenantId, invoiceId: null }, { $set: { billing: o.invoiceId ? 'invoiced' : 'open' } });
      written += 1;
    }
  } finally {
    await cursor.close();
  }
  await marks.updateOne({ _id: BILLING_BACKFILL }, { $set: { state: 'done', at: new Date() } }, { upsert: true });
  return written;
}

/** The job: at 02:07 UTC on the 1st, the previous month's orders of monthly-invoiced accounts. */
export function defineMonthlyInvoicingJob(deps: MonthlyDeps & { jobs: Jobs }): void {
  deps.jobs.define(MONTHLY_INVOICING_JOB, async () => {
    await runMonthlyInvoicing(deps, new Date());
  });
  deps.jobs.recurring('7 2 1 * *', MONTHLY_INVOICING_JOB, { timezone: 'UTC' });
}
