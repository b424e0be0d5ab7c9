import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { invoiceModel } from './invoice.model.js';
import { previousMonth } from './monthly-invoicing.js';
import { invoicingFor } from './testing/invoicing-runtime.js';

describe('monthly consolidated invoicing', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let line: Record<string, unknown>;
  const auth = () => ({ Authorization: `Bearer ${agency.adminToken}` });
  const account = async (invoicingOption: string) => (await rt.request().post('/v1/customers').set(auth()).send({ name: `Acct ${invoicingOption}`, finance: { currency: 'EUR', invoicingOption } })).body.id as string;
  const order = async (accountId: string, quantity: number, poNumber?: string) => {
    const res = await rt.request().post('/v1/orders').set(auth()).send({ accountId, lines: [{ ...line, quantity }], ...(poNumber ? { poNumber } : {}) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; total: number; status: string };
  };

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    const book = await rt.request().post('/v1/price-books').set(auth()).send({ name: 'Standard', isDefault: true, services: [{ name: 'Hosting', specs: [{ name: 'Monthly', unit: 'month', prices: [{ currency: 'EUR', unitPrice: 10_000 }] }] }] });
    line = { serviceId: book.body.services[0].id, specId: book.body.services[0].specs[0].id, taxRatePercent: 19 };
  });
  after(async () => {
    await rt.close();
  });

  it('should find uninvoiced orders by a pushed-down billing state, and give orders stored before it theirs', async () => {
    const other = await makeAgency(rt);
    const otherTenant = new Types.ObjectId(other.tenantId);
    const customer = await rt.request().post('/v1/customers').set({ Authorization: `Bearer ${other.adminToken}` }).send({ name: 'Old Acct', finance: { currency: 'EUR', invoicingOption: 'perMonth' } });
    assert.equal(customer.status, 201, JSON.stringify(customer.body));
    const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 10));
    const orders = rt.ctx.connection.collection('orders');
    const line = { serviceId: new Types.ObjectId(), specId: new Types.ObjectId(), description: 'Hosting', unit: 'month', quantityMilli: 1000, unitPrice: 10_000, listPrice: 10_000, discountBp: 0, taxRateBp: 1900, gross: 10_000, discount: 0, net: 10_000, unitCost: null };
    // Two orders as a process from before `billing` stored them: one uninvoiced, one invoiced already.
    const before = { tenantId: otherTenant, accountId: new Types.ObjectId(customer.body.id as string), currency: 'EUR', status: 'open', poNumber: null, lines: [line], gross: 10_000, discountTotal: 0, subtotal: 10_000, taxes: [{ rateBp: 1900, base: 10_000, amount: 1_900 }], taxTotal: 1_900, total: 11_900, hold: null, acceptance: null, invoiceId: null, version: 0, createdAt: lastMonth, updatedAt: lastMonth };
    const old = await orders.insertOne({ ...before, sourceKey: 'manual:old-1', number: 1, numberKey: 'n:1' });
    const done = await orders.insertOne({ ...before, sourceKey: 'manual:old-2', number: 2, numberKey: 'n:2', invoiceId: new Types.ObjectId() });
    const invoicing = invoicingFor(rt.ctx, 3000);
    try {
      assert.deepEqual(await invoicing.runMonthlyInvoicing(new Date()), { invoices: 1, orders: 1 });
    } finally {
      await invoicing.close();
    }
    assert.equal((await orders.findOne({ _id: old.insertedId }))!.billing, 'invoiced');
    assert.equal((await orders.findOne({ _id: done.insertedId }))!.billing, 'invoiced', 'an order invoiced before is not invoiced again');
    const invoices = await invoiceModel(rt.ctx.connection).find({ tenantId: otherTenant }).lean();
    assert.deepEqual(invoices.map((i) => i.total), [11_900]);
    // FerretDB says whether it pushed a filter down to SQL; the run's filter must be (MongoDB has no such field).
    const plan = (await orders.find({ billing: 'open' }).explain()) as { filterPushdown?: boolean };
    if (plan.filterPushdown !== undefined) {
      assert.equal(plan.filterPushdown, true, JSON.stringify(plan));
      const nullPlan = (await orders.find({ invoiceId: null }).explain()) as { filterPushdown?: boolean };
      assert.equal(nullPlan.filterPushdown, false, 'the null equality it replaces is not pushed down (FerretDB v1.24)');
    }
  });

  it("should invoice a monthly account's uninvoiced orders of the month once, in one invoice, and leave other accounts alone", async () => {
    const monthly = await account('perMonth');
    const manual = await account('manual');
    const a = await order(monthly, 1, 'PO-1');
    const b = await order(monthly, 2);
    await order(manual, 1);
    assert.equal(a.status, 'open');
    const invoicing = invoicingFor(rt.ctx, 3000);
    const nextMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1, 2, 7));
    assert.equal(previousMonth(nextMonth).key, new Date().toISOString().slice(0, 7));
    try {
      assert.deepEqual(await invoicing.runMonthlyInvoicing(new Date()), { invoices: 0, orders: 0 }, "this month's orders wait for the month's end");
      const [first, second] = await Promise.all([invoicing.runMonthlyInvoicing(nextMonth), invoicing.runMonthlyInvoicing(nextMonth)]);
      assert.equal(first.invoices + second.invoices, 1, 'two runs at once make one invoice');
      assert.deepEqual(await invoicing.runMonthlyInvoicing(nextMonth), { invoices: 0, orders: 0 }, 'a later run finds nothing left');
    } finally {
      await invoicing.close();
    }
    const invoices = (await rt.request().get('/v1/invoices').query({ accountId: monthly }).set(auth())).body.data;
    assert.equal(invoices.length, 1);
    assert.equal(invoices[0].total, a.total + b.total, 'the orders priced as they were');
    assert.equal(invoices[0].lines.length, 2);
    assert.equal(invoices[0].poNumber, 'PO-1');
    for (const o of [a, b]) assert.equal((await rt.request().get(`/v1/orders/${o.id}`).set(auth())).body.invoiceId, invoices[0].id);
    const billing = await rt.ctx.connection.collection('orders').find({ tenantId: new Types.ObjectId(agency.tenantId) }).project({ billing: 1, accountId: 1 }).toArray();
    assert.deepEqual(billing.map((o) => `${String(o.accountId) === monthly ? 'monthly' : 'manual'}:${o.billing}`).sort(), ['manual:open', 'monthly:invoiced', 'monthly:invoiced'], 'set on create, and on invoicing');
    assert.equal((await rt.request().get('/v1/invoices').query({ accountId: manual }).set(auth())).body.data.length, 0, 'a manually invoiced account gets none');
    const stored = await invoiceModel(rt.ctx.connection).find({ tenantId: new Types.ObjectId(agency.tenantId) }).lean();
    assert.equal(stored.length, 1, 'no second invoice, not even unnumbered');
  });
});
