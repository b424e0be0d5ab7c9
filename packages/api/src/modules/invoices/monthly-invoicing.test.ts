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
    assert.equal((await rt.request().get('/v1/invoices').query({ accountId: manual }).set(auth())).body.data.length, 0, 'a manually invoiced account gets none');
    const stored = await invoiceModel(rt.ctx.connection).find({ tenantId: new Types.ObjectId(agency.tenantId) }).lean();
    assert.equal(stored.length, 1, 'no second invoice, not even unnumbered');
  });
});
