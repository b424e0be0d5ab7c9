import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { Types } from 'mongoose';
import { startSmtpSink, type SmtpSink } from '../../platform/mail/smtp-sink.js';
import { createTestRuntime, makeAgency, makeCustomer, type TestAgency } from '../../testing/index.js';
import { activityModel } from '../activities/activity.model.js';
import { createInvoiceMail } from './invoice-mail.js';
import { invoiceMailModel, invoiceModel, invoicePaymentModel } from './invoice.model.js';
import { invoicingFor } from './testing/invoicing-runtime.js';

const messageIdOf = (raw: string) => /^message-id:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? '';

describe('invoices: PDF, automatic sending, payments, reminders, the portal', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  let sink: SmtpSink;
  let book: { id: string; services: { id: string; specs: { id: string }[] }[] };
  let accountId: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const inDays = (n: number) => day(new Date(Date.now() + n * 86_400_000));
  const line = (quantity = 1) => ({ serviceId: book.services[0]!.id, specId: book.services[0]!.specs[0]!.id, quantity, taxRatePercent: 19 });
  const invoice = async (body: Record<string, unknown> = {}) => {
    const res = await rt.request().post('/v1/invoices').set(auth(admin)).send({ accountId, lines: [line()], ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; total: number; balance: number; status: string; displayNumber: string; dueDate: string; sentAt: string | null };
  };
  const pay = (id: string, body: Record<string, unknown>, key?: string) => {
    const req = rt.request().post(`/v1/invoices/${id}/payments`).set(auth(admin));
    if (key) req.set('Idempotency-Key', key);
    return req.send({ method: 'bankTransfer', ...body });
  };
  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    tenantId = new Types.ObjectId(agency.tenantId);
    sink = await startSmtpSink({});
    await rt.request().put('/v1/mail-settings').set(auth(admin)).send({ host: '127.0.0.1', port: sink.port, secure: false, fromEmail: 'billing@agency.test', fromName: 'Acme Billing' }).expect(200);
    await rt.request().put('/v1/quote-settings').set(auth(admin)).send({ companyName: 'Acme Agency', accentColor: '#aa3300' }).expect(200);
    const created = await rt.request().post('/v1/price-books').set(auth(admin)).send({ name: 'Standard', isDefault: true, services: [{ name: 'Translation', specs: [{ name: 'EN→DE', unit: 'hour', prices: [{ currency: 'EUR', unitPrice: 10_000 }] }] }] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    book = created.body;
    const account = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Globex GmbH', emails: [{ label: 'billing', value: 'ap@globex.test', primary: true }], finance: { priceBookId: book.id, currency: 'EUR', paymentTermsDays: 14 } });
    assert.equal(account.status, 201, JSON.stringify(account.body));
    accountId = account.body.id;
  });
  after(async () => {
    await sink.stop();
    await rt.close();
  });

  it('should render the invoice PDF with the agency branding, and answer 404 for another agency', async () => {
    const inv = await invoice({ poNumber: 'PO-7781' });
    assert.equal(inv.total, 11_900);
    assert.equal(inv.balance, 11_900);
    assert.equal(inv.status, 'issued');
    const pdf = await rt.request().get(`/v1/invoices/${inv.id}/pdf`).set(auth(admin)).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.match(String(pdf.headers['content-disposition']), new RegExp(`${inv.displayNumber}\\.pdf`));
    const body = pdf.body as Buffer;
    assert.equal(body.subarray(0, 5).toString(), '%PDF-');
    assert.match(body.toString('latin1'), /\(Invoice INV-\d{6}\)/);
    assert.match(body.toString('latin1'), /\(Acme Agency\)/);
    const other = await makeAgency(rt);
    assert.equal((await rt.request().get(`/v1/invoices/${inv.id}/pdf`).set(auth(other.adminToken))).status, 404);
  });

  it('should record partial and full payments, idempotently, refuse overpayment without credit, and derive overdue', async () => {
    const inv = await invoice();
    const first = await pay(inv.id, { amount: 5_000, reference: 'TX-1' }, 'pay-1');
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.invoice.status, 'partiallyPaid');
    assert.equal(first.body.invoice.balance, 6_900);
    const replay = await pay(inv.id, { amount: 5_000, reference: 'TX-1' }, 'pay-1');
    assert.equal(replay.status, 201);
    assert.equal(replay.body.payment.id, first.body.payment.id, 'the same key records the payment once');
    const over = await pay(inv.id, { amount: 7_000 });
    assert.equal(over.status, 400);
    assert.equal(over.body.errors[0].field, 'amount');
    const future = await pay(inv.id, { amount: 100, date: inDays(2) });
    assert.equal(future.body.errors[0].field, 'date');
    const credit = await pay(inv.id, { amount: 7_000, asCredit: true });
    assert.equal(credit.status, 201, JSON.stringify(credit.body));
    assert.deepEqual({ status: credit.body.invoice.status, balance: credit.body.invoice.balance, amountPaid: credit.body.invoice.amountPaid, credit: credit.body.invoice.credit }, { status: 'paid', balance: 0, amountPaid: 11_900, credit: 100 });
    assert.equal((await pay(inv.id, { amount: 1 })).status, 409, 'a paid invoice takes no more');
    const listed = await rt.request().get(`/v1/invoices/${inv.id}/payments`).set(auth(admin));
    assert.deepEqual(listed.body.data.map((p: { amount: number }) => p.amount), [5_000, 7_000]);

    // Overdue is derived: an open invoice past its due day.
    const late = await invoice();
    await invoiceModel(rt.ctx.connection).updateOne({ tenantId, _id: new Types.ObjectId(late.id) }, { $set: { issueDate: new Date(`${inDays(-40)}T00:00:00Z`), dueDate: new Date(`${inDays(-10)}T00:00:00Z`) } });
    assert.equal((await rt.request().get(`/v1/invoices/${late.id}`).set(auth(admin))).body.status, 'overdue');
  });

  it('should never let concurrent payments exceed the balance', async () => {
    const inv = await invoice();
    const results = await Promise.all(Array.from({ length: 6 }, () => pay(inv.id, { amount: 4_000 })));
    const ok = results.filter((r) => r.status === 201).length;
    assert.equal(ok, 2, `two payments of 40.00 fit into 119.00, a third does not (${results.map((r) => r.status).join(',')})`);
    const after = (await rt.request().get(`/v1/invoices/${inv.id}`).set(auth(admin))).body;
    assert.equal(after.amountPaid, 8_000);
    assert.equal(after.balance, 3_900);
  });

  it('should keep the stored paid amount equal to the payment rows when payments land at the same moment', async () => {
    const inv = await invoice({ lines: [line(5)] });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => pay(inv.id, { amount: 1_000 + i })));
    assert.deepEqual([...new Set(results.map((r) => r.status))], [201], results.map((r) => JSON.stringify(r.body)).join('\n'));
    const rows = await invoicePaymentModel(rt.ctx.connection).find({ tenantId, invoiceId: new Types.ObjectId(inv.id) }).lean();
    const sum = rows.reduce((s, p) => s + p.amount, 0);
    assert.equal(sum, 10_045);
    const stored = await invoiceModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(inv.id) }).lean();
    assert.deepEqual({ amountPaid: stored!.amountPaid, status: stored!.status }, { amountPaid: sum, status: 'partiallyPaid' }, 'the stored figure, as dunning and reports read it');
    const read = (await rt.request().get(`/v1/invoices/${inv.id}`).set(auth(admin))).body;
    assert.deepEqual({ amountPaid: read.amountPaid, balance: read.balance }, { amountPaid: sum, balance: inv.total - sum });
    const listed = (await rt.request().get('/v1/invoices').query({ accountId }).set(auth(admin))).body.data.find((i: { id: string }) => i.id === inv.id);
    assert.equal(listed.balance, inv.total - sum);

    // A lost update leaves the stored figure behind the rows (as a write from an older read does): reading puts it right.
    await invoiceModel(rt.ctx.connection).updateOne({ tenantId, _id: new Types.ObjectId(inv.id) }, { $set: { amountPaid: 1_000 } });
    const stale = (await rt.request().get('/v1/invoices').query({ accountId }).set(auth(admin))).body.data.find((i: { id: string }) => i.id === inv.id);
    assert.deepEqual({ amountPaid: stale.amountPaid, balance: stale.balance }, { amountPaid: sum, balance: inv.total - sum }, 'the list shows what the rows make');
    assert.equal((await rt.request().get(`/v1/invoices/${inv.id}`).set(auth(admin))).body.balance, inv.total - sum);
    assert.equal((await invoiceModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(inv.id) }).lean())!.amountPaid, sum, 'and the stored figure is written again');
  });

  it("should store the account's payment behaviour when an invoice is paid late", async () => {
    const late = await invoice();
    await invoiceModel(rt.ctx.connection).updateOne({ tenantId, _id: new Types.ObjectId(late.id) }, { $set: { issueDate: new Date(`${inDays(-30)}T00:00:00Z`), dueDate: new Date(`${inDays(-9)}T00:00:00Z`) } });
    assert.equal((await pay(late.id, { amount: late.total })).status, 201);
    const account = (await rt.request().get(`/v1/customers/${accountId}`).set(auth(admin))).body;
    const stats = account.finance.paymentStats;
    assert.ok(stats, JSON.stringify(account.finance));
    assert.equal(stats.lateCount, 1);
    assert.equal(stats.maxDaysLate, 9);
    assert.equal(stats.paidCount, 2, 'the earlier invoice paid on time and this one');
    assert.equal(stats.averageDaysLate, 4.5);
  });

  it('should send the invoice automatically once with its PDF when the account says so, and log it on the timeline', async () => {
    await rt.request().patch(`/v1/customers/${accountId}`).set(auth(admin)).send({ finance: { autoSendInvoice: true } }).expect(200);
    const before = sink.messages.length;
    const inv = await invoice();
    assert.ok(inv.sentAt, 'sentAt is set');
    await sink.waitForCount(before + 1);
    const mail = await simpleParser(sink.messages[before]!.raw);
    assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', 'ap@globex.test');
    assert.match(mail.subject ?? '', new RegExp(`Invoice ${inv.displayNumber} from Acme Agency`));
    assert.equal(mail.attachments[0]?.contentType, 'application/pdf');
    assert.equal(mail.messageId, `<invoice.${inv.id}@invoices.crm>`);
    const logged = await activityModel(rt.ctx.connection).find({ tenantId, subjectId: new Types.ObjectId(accountId), tags: 'invoice' }).lean();
    assert.equal(logged.length, 1);
    // The ledger is the once: delivering the same key again sends nothing.
    const mail2 = createInvoiceMail({ connection: rt.ctx.connection, leaseMs: 3000, send: async () => assert.fail('sent twice'), log: async () => undefined });
    assert.equal(await mail2.deliver({ tenantId, invoiceId: new Types.ObjectId(inv.id), accountId: new Types.ObjectId(accountId), kind: 'invoice' }, [], async () => null), 'done');
    await mail2.stop();
    await rt.request().patch(`/v1/customers/${accountId}`).set(auth(admin)).send({ finance: { autoSendInvoice: false } }).expect(200);
  });

  it('should send each dunning step once on its day, skip what passed, stop once paid, and show it on the account', async () => {
    const settings = await rt.request().get('/v1/dunning-settings').set(auth(admin));
    assert.deepEqual(settings.body.steps.map((s: { offsetDays: number }) => s.offsetDays), [-3, 0, 7, 14]);
    const bad = await rt.request().put('/v1/dunning-settings').set(auth(admin)).send({ enabled: true, steps: [{ key: 'x', offsetDays: 1, subjectTemplate: '{{#if}}', bodyTemplate: 'b' }] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'steps.0.subjectTemplate');
    const put = await rt.request().put('/v1/dunning-settings').set(auth(admin)).send({ enabled: true, steps: [...settings.body.steps.slice(0, 3), { key: 'overdue-14', offsetDays: 14, subjectTemplate: 'Final: {{number}} {{daysOverdue}} days', bodyTemplate: 'Pay {{balance}}, {{customerName}}' }] });
    assert.equal(put.status, 200, JSON.stringify(put.body));

    // Invoices created before: mark them paid so only this one is reminded.
    const Invoice = invoiceModel(rt.ctx.connection);
    await Invoice.updateMany({ tenantId }, { $set: { status: 'paid' } });
    const inv = await invoice({ dueDate: inDays(14) });
    const other = await invoice({ dueDate: inDays(14) });
    const invoicing = invoicingFor(rt.ctx, 3000);
    const due = new Date(`${inv.dueDate}T09:00:00Z`);
    const at = (offset: number) => new Date(due.getTime() + offset * 86_400_000);
    const reminders = () => sink.messages.filter((m) => /reminder\./.test(messageIdOf(m.raw)) && messageIdOf(m.raw).includes(inv.id));
    try {
      assert.equal((await invoicing.runDunning(at(-5))).sent, 0, 'nothing before the first step');
      assert.equal((await invoicing.runDunning(at(-3))).sent, 2, 'the before-due step of both');
      assert.equal((await invoicing.runDunning(at(-3))).sent, 0, 'a second run the same day sends nothing');
      assert.equal((await invoicing.runDunning(at(-1))).sent, 0);
      assert.equal((await invoicing.runDunning(at(0))).sent, 2, 'on the due day');
      // The other invoice is paid in full: its reminders stop.
      assert.equal((await pay(other.id, { amount: other.total })).status, 201);
      assert.equal((await invoicing.runDunning(at(16))).sent, 1, '+7 had passed unsent when +14 came: only +14 goes out');
      assert.equal((await invoicing.runDunning(at(30))).sent, 0);
    } finally {
      await invoicing.close();
    }
    const ids = reminders().map((m) => messageIdOf(m.raw));
    assert.deepEqual(ids, [`<reminder.${inv.id}.before-due@invoices.crm>`, `<reminder.${inv.id}.on-due@invoices.crm>`, `<reminder.${inv.id}.overdue-14@invoices.crm>`]);
    const last = await simpleParser(reminders()[2]!.raw);
    assert.match(last.subject ?? '', /^Final: INV-\d{6} 16 days$/);
    assert.match(last.text ?? '', /^Pay €119.00, Globex GmbH/);
    const ledger = await invoiceMailModel(rt.ctx.connection).find({ tenantId, invoiceId: new Types.ObjectId(inv.id) }).lean();
    assert.deepEqual(ledger.map((e) => `${e.step}:${e.state}`).sort(), ['before-due:sent', 'on-due:sent', 'overdue-14:sent', 'overdue-7:skipped']);
    const timeline = await rt.request().get(`/v1/customers/${accountId}/timeline`).set(auth(admin));
    const titles = JSON.stringify(timeline.body);
    assert.match(titles, /Payment reminder \(overdue-14\) sent/);
  });

  it("should show a portal customer their own account's invoices, balance and PDFs, and nobody else's", async () => {
    const customer = await makeCustomer(rt, agency, { accountId });
    const stranger = await makeCustomer(rt, agency);
    const agentView = (await rt.request().get('/v1/invoices').query({ accountId }).set(auth(admin))).body.data as { id: string; status: string; balance: number; currency: string }[];
    const mine = await rt.request().get('/v1/portal/invoices').set(auth(customer.accessToken));
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.deepEqual(mine.body.data.map((i: { id: string }) => i.id), agentView.map((i) => i.id));
    const open = agentView.filter((i) => i.balance > 0).reduce((sum, i) => sum + i.balance, 0);
    assert.deepEqual(mine.body.openBalances.map((b: { currency: string; balance: number }) => [b.currency, b.balance]), [['EUR', open]]);
    const pdf = await rt.request().get(`/v1/portal/invoices/${agentView[0]!.id}/pdf`).set(auth(customer.accessToken));
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    const theirs = await rt.request().get('/v1/portal/invoices').set(auth(stranger.accessToken));
    assert.deepEqual(theirs.body.data, [], 'another account sees none of them');
    assert.equal((await rt.request().get(`/v1/portal/invoices/${agentView[0]!.id}/pdf`).set(auth(stranger.accessToken))).status, 404);
    assert.equal((await rt.request().get('/v1/portal/invoices').set(auth(admin))).status, 401, 'an agent token is not a customer token');
    assert.equal((await rt.request().get(`/v1/invoices/${agentView[0]!.id}`).set(auth(customer.accessToken))).status, 401, 'a customer token reaches no agent route');
  });
});
