import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeCustomer, type TestAgency } from '../../testing/index.js';
import { accountCreditModel } from '../credit/credit.model.js';
import { creditNoteModel } from './credit-note.model.js';
import { creditNoteFigures } from './invoice-corrections.js';
import { invoiceModel } from './invoice.model.js';

describe('invoices: void and credit notes', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  let book: { id: string; services: { id: string; specs: { id: string }[] }[] };
  let accountId: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const line = (quantity = 1, taxRatePercent = 19) => ({ serviceId: book.services[0]!.id, specId: book.services[0]!.specs[0]!.id, quantity, taxRatePercent });
  const invoice = async (body: Record<string, unknown> = {}) => {
    const res = await rt.request().post('/v1/invoices').set(auth(admin)).send({ accountId, lines: [line()], ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; total: number; balance: number; status: string; displayNumber: string };
  };
  const credit = (id: string, body: Record<string, unknown>) => rt.request().post(`/v1/invoices/${id}/credit-notes`).set(auth(admin)).send({ reason: 'Goodwill', ...body });
  const pay = (id: string, amount: number) => rt.request().post(`/v1/invoices/${id}/payments`).set(auth(admin)).send({ method: 'bankTransfer', amount });
  const pdfOf = (req: ReturnType<ReturnType<typeof rt.request>['get']>) =>
    req.buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    tenantId = new Types.ObjectId(agency.tenantId);
    const created = await rt.request().post('/v1/price-books').set(auth(admin)).send({ name: 'Standard', isDefault: true, services: [{ name: 'Translation', specs: [{ name: 'EN→DE', unit: 'hour', prices: [{ currency: 'EUR', unitPrice: 10_000 }] }] }] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    book = created.body;
    const account = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Initech AG', emails: [{ label: 'billing', value: 'ap@initech.test', primary: true }], finance: { priceBookId: book.id, currency: 'EUR', paymentTermsDays: 14 } });
    assert.equal(account.status, 201, JSON.stringify(account.body));
    accountId = account.body.id;
  });
  after(async () => {
    await rt.close();
  });

  it('should split a gross amount over the tax rates in integer minor units that add up exactly', () => {
    const inv = { number: 3, subtotal: 30_000, total: 33_900, lines: [], taxes: [{ rateBp: 1900, base: 10_000, amount: 1_900 }, { rateBp: 700, base: 10_000, amount: 700 }] };
    for (const amount of [1, 7, 999, 12_345, 33_899, 33_900]) {
      const f = creditNoteFigures(inv, { reason: 'x', amount });
      assert.equal(f.total, amount);
      assert.equal(f.subtotal + f.taxTotal, amount, `the parts of ${amount} add up`);
      for (const v of [f.subtotal, f.taxTotal, ...f.lines.map((l) => l.net), ...f.taxes.map((t) => t.amount)]) assert.ok(Number.isInteger(v), `${v} is an integer`);
    }
  });

  it('should void an unpaid invoice with its reason, and refuse to void a paid one with a problem', async () => {
    const open = await invoice();
    const voided = await rt.request().post(`/v1/invoices/${open.id}/void`).set(auth(admin)).send({ reason: 'Issued to the wrong account' });
    assert.equal(voided.status, 200, JSON.stringify(voided.body));
    assert.deepEqual({ status: voided.body.status, reason: voided.body.voidReason, balance: voided.body.balance }, { status: 'void', reason: 'Issued to the wrong account', balance: 11_900 });
    assert.ok(voided.body.voidedAt);
    assert.equal((await pay(open.id, 100)).status, 409, 'a void invoice takes no payments');
    assert.equal((await credit(open.id, { amount: 100 })).status, 409, 'nor credit notes');
    assert.equal((await rt.request().post(`/v1/invoices/${open.id}/void`).set(auth(admin)).send({ reason: 'again please' })).status, 409);

    const paid = await invoice();
    assert.equal((await pay(paid.id, 1_000)).status, 201);
    const refused = await rt.request().post(`/v1/invoices/${paid.id}/void`).set(auth(admin)).send({ reason: 'Customer cancelled' });
    assert.equal(refused.status, 409);
    assert.equal(refused.headers['content-type']?.split(';')[0], 'application/problem+json');
    assert.match(refused.body.detail, /credit note/);
    assert.equal((await rt.request().get(`/v1/invoices/${paid.id}`).set(auth(admin))).body.status, 'partiallyPaid', 'nothing changed');

    const bad = await rt.request().post(`/v1/invoices/${paid.id}/void`).set(auth(admin)).send({});
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'reason');

    const timeline = JSON.stringify((await rt.request().get(`/v1/customers/${accountId}/timeline`).set(auth(admin))).body);
    assert.match(timeline, /voided: Issued to the wrong account/);
  });

  it('should give concurrent credit notes consecutive numbers and never credit more than the invoice', async () => {
    const inv = await invoice(); // 119.00
    const results = await Promise.all(Array.from({ length: 14 }, () => credit(inv.id, { amount: 1_000 })));
    const ok = results.filter((r) => r.status === 201);
    assert.equal(ok.length, 11, `eleven credits of 10.00 fit into 119.00 (${results.map((r) => r.status).join(',')})`);
    for (const r of results.filter((x) => x.status !== 201)) {
      assert.equal(r.status, 400);
      assert.equal(r.body.errors[0].field, 'amount');
    }
    const numbers = ok.map((r) => r.body.creditNote.number as number).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 11 }, (_, i) => numbers[0]! + i), 'consecutive, no gap, no repeat');
    const after = (await rt.request().get(`/v1/invoices/${inv.id}`).set(auth(admin))).body;
    assert.deepEqual({ credited: after.credited, balance: after.balance, status: after.status }, { credited: 11_000, balance: 900, status: 'issued' });
    const rows = await creditNoteModel(rt.ctx.connection).find({ tenantId, invoiceId: new Types.ObjectId(inv.id) }).lean();
    assert.equal(rows.reduce((s, c) => s + c.total, 0), 11_000);

    const tooMuch = await credit(inv.id, { amount: 901 });
    assert.equal(tooMuch.status, 400);
    assert.match(tooMuch.body.errors[0].message, /900/);
    const rest = await credit(inv.id, { amount: 900 });
    assert.equal(rest.status, 201);
    assert.deepEqual({ status: rest.body.invoice.status, balance: rest.body.invoice.balance }, { status: 'credited', balance: 0 });
    assert.equal(rest.body.creditNote.number, numbers.at(-1)! + 1);
    const listed = (await rt.request().get(`/v1/invoices/${inv.id}/credit-notes`).set(auth(admin))).body.data;
    assert.equal(listed.length, 12);
    assert.match(listed[0].displayNumber, /^CN-\d{6}$/);
  });

  it('should credit lines in part, keep overpaid money as credit, and show the credit note in the portal with its PDF', async () => {
    const inv = await invoice({ lines: [line(2), line(1, 7)] }); // 200.00 at 19 %, 100.00 at 7 %: 345.00
    assert.equal(inv.total, 34_500);
    assert.equal((await pay(inv.id, 34_500)).status, 201);
    const bad = await credit(inv.id, { lines: [{ lineIndex: 5 }] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'lines.0.lineIndex');
    const both = await credit(inv.id, { amount: 10, lines: [{ lineIndex: 0 }] });
    assert.equal(both.body.errors[0].field, 'amount');
    assert.equal(await creditNoteModel(rt.ctx.connection).countDocuments({ tenantId, invoiceId: new Types.ObjectId(inv.id) }), 0, 'nothing was stored');

    const res = await credit(inv.id, { reason: 'One hour not delivered', lines: [{ lineIndex: 0, quantityMilli: 1_000 }] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual({ subtotal: res.body.creditNote.subtotal, taxTotal: res.body.creditNote.taxTotal, total: res.body.creditNote.total }, { subtotal: 10_000, taxTotal: 1_900, total: 11_900 });
    assert.deepEqual(
      { status: res.body.invoice.status, amountPaid: res.body.invoice.amountPaid, credit: res.body.invoice.credit, balance: res.body.invoice.balance },
      { status: 'paid', amountPaid: 22_600, credit: 11_900, balance: 0 },
      'the money paid beyond what is still owed is the account\'s credit',
    );
    const stored = await invoiceModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(inv.id) }).lean();
    assert.equal(stored!.credited, 11_900);
    // Segment revenue follows at once: 119.00 (partly paid) + 0 (credited in full) + 345.00 − 119.00; the void one counts nothing.
    const summary = await accountCreditModel(rt.ctx.connection).findOne({ tenantId, accountId: new Types.ObjectId(accountId) }).lean();
    assert.equal(summary!.revenue.filter((r) => r.currency === 'EUR').reduce((s, r) => s + r.amount, 0), 34_500);

    const pdf = await pdfOf(rt.request().get(`/v1/invoices/${inv.id}/credit-notes/${res.body.creditNote.id}/pdf`).set(auth(admin)));
    assert.equal(pdf.status, 200);
    assert.match((pdf.body as Buffer).toString('latin1'), /\(Credit note CN-\d{6}\)/);

    const customer = await makeCustomer(rt, agency, { accountId });
    const stranger = await makeCustomer(rt, agency);
    const mine = (await rt.request().get('/v1/portal/invoices').set(auth(customer.accessToken))).body;
    const shown = mine.creditNotes.find((c: { id: string }) => c.id === res.body.creditNote.id);
    assert.equal(shown.invoiceId, inv.id);
    assert.equal((await pdfOf(rt.request().get(`/v1/portal/invoices/${inv.id}/credit-notes/${shown.id}/pdf`).set(auth(customer.accessToken)))).status, 200);
    assert.deepEqual((await rt.request().get('/v1/portal/invoices').set(auth(stranger.accessToken))).body.creditNotes, []);
    assert.equal((await rt.request().get(`/v1/portal/invoices/${inv.id}/credit-notes/${shown.id}/pdf`).set(auth(stranger.accessToken))).status, 404);

    const other = await makeAgency(rt);
    assert.equal((await rt.request().post(`/v1/invoices/${inv.id}/credit-notes`).set(auth(other.adminToken)).send({ reason: 'Goodwill', amount: 1 })).status, 404, 'another agency does not see it');
  });

  it('should refuse a line credited beyond what earlier credit notes left of it, naming that line', async () => {
    const inv = await invoice({ lines: [line(1, 7), line(3)] });
    assert.equal((await credit(inv.id, { lines: [{ lineIndex: 1, quantityMilli: 2_000 }] })).status, 201);
    const over = await credit(inv.id, { lines: [{ lineIndex: 0 }, { lineIndex: 1, quantityMilli: 1_500 }] });
    assert.equal(over.status, 400, JSON.stringify(over.body));
    assert.deepEqual(over.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]), [['lines.1.quantityMilli', 'too_large']]);
    assert.equal(await creditNoteModel(rt.ctx.connection).countDocuments({ tenantId, invoiceId: new Types.ObjectId(inv.id) }), 1, 'nothing more was stored');
    const rest = await credit(inv.id, { lines: [{ lineIndex: 0 }, { lineIndex: 1, quantityMilli: 1_000 }] });
    assert.equal(rest.status, 201, JSON.stringify(rest.body));
    assert.equal(rest.body.invoice.status, 'credited');
  });
});
