import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { Types } from 'mongoose';
import { startSmtpSink, type SmtpSink } from '../../platform/mail/smtp-sink.js';
import { randomIp } from '../../testing/factories.js';
import { createTestRuntime, makeAgency, waitForMail, type TestAgency } from '../../testing/index.js';
import { quoteModel } from '../quotes/quote.model.js';
import { orderModel, quoteDecisionModel } from './order.model.js';
import { createQuoteLinkSigner } from './quote-link.js';

type Runtime = Awaited<ReturnType<typeof createTestRuntime>>;
const auth = (token: string) => ({ Authorization: `Bearer ${token}`, 'X-Forwarded-For': randomIp() });
const anon = () => ({ 'X-Forwarded-For': randomIp() });
let seq = 0;
const unique = (name: string) => `${name}-${Date.now().toString(36)}-${(seq += 1)}`;
const tenant = () => new Types.ObjectId(agency.tenantId);
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

let agency: TestAgency;

describe('orders: quote acceptance (portal, signed link, agent), the credit gate and order numbers', () => {
  let rt: Runtime;
  
  let admin: string;
  let sink: SmtpSink;
  let line: { serviceId: string; specId: string; quantity: number };

  async function account(body: Record<string, unknown> = {}) {
    const res = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: unique('Account'), finance: { currency: 'EUR' }, ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  }
  /** A contact of the account invited to the portal and signed in: its access token. */
  async function customerOf(accountId: string) {
    const email = `${unique('buyer')}@example.test`;
    const person = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Bea', lastName: 'Buyer', emails: [{ label: 'work', value: email, primary: true }], customerId: accountId });
    assert.equal(person.status, 201, JSON.stringify(person.body));
    const invited = await rt.request().post('/v1/customer-users').set(auth(admin)).send({ contactId: person.body.id });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    const mail = await waitForMail(rt, email, (m) => m.text.includes('#crm-portal-link='));
    const link = decodeURIComponent(/#crm-portal-link=([A-Za-z0-9_%.-]+)/.exec(mail.text)![1]!);
    const session = await rt.request().post('/v1/portal/session').set(anon()).send({ link });
    assert.equal(session.status, 200, JSON.stringify(session.body));
    return { token: session.body.accessToken as string, customerUserId: invited.body.id as string };
  }
  /** A quote on a new opportunity of the account, sent through the rep's mailbox: its id and the signed link from the email. */
  async function sentQuote(accountId: string, options: { amount?: number; quantity?: number } = {}) {
    const deal = await rt.request().post('/v1/opportunities').set(auth(admin)).send({ name: unique('Deal'), customerId: accountId, currency: 'EUR', amount: options.amount ?? 100 });
    assert.equal(deal.status, 201, JSON.stringify(deal.body));
    const quote = await rt.request().post('/v1/quotes').set(auth(admin)).send({ opportunityId: deal.body.id, validUntil: inDays(30), lines: [{ ...line, quantity: options.quantity ?? 2, taxRatePercent: 19 }] });
    assert.equal(quote.status, 201, JSON.stringify(quote.body));
    return { id: quote.body.id as string, opportunityId: deal.body.id as string, ...(await send(quote.body.id)) };
  }
  async function send(quoteId: string) {
    const to = `${unique('quote')}@example.test`;
    const sent = await rt.request().post(`/v1/quotes/${quoteId}/send`).set(auth(admin)).send({ to: [to] });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    const mail = await simpleParser(sink.messages.find((m) => m.to.includes(to))!.raw);
    const link = /\/portal\/quote-links\/([A-Za-z0-9._-]+)/.exec(mail.text ?? '');
    assert.ok(link, `the quote email carries the accept link: ${mail.text}`);
    assert.ok(mail.html && mail.html.includes(`/portal/quote-links/${link[1]}`), 'in the HTML part too');
    return { token: link[1]!, quote: sent.body };
  }

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    sink = await startSmtpSink({ auth: { user: 'rep@agency.test', pass: 'rep-mailbox' } });
    await rt.request().put('/v1/me/mail-settings').set(auth(admin)).send({ host: '127.0.0.1', port: sink.port, secure: false, username: 'rep@agency.test', password: 'rep-mailbox', fromEmail: 'rep@agency.test', fromName: 'Rita Rep' }).expect(200);
    const book = await rt.request().post('/v1/price-books').set(auth(admin)).send({ name: 'Book', isDefault: true, services: [{ name: 'Consulting', specs: [{ name: 'Senior hour', unit: 'hour', prices: [{ currency: 'EUR', unitPrice: 10_000 }] }] }] });
    assert.equal(book.status, 201, JSON.stringify(book.body));
    line = { serviceId: book.body.services[0].id, specId: book.body.services[0].specs[0].id, quantity: 1 };
  });
  after(async () => {
    await sink.stop();
    await rt.close();
  });

  it('should let the signed-in customer accept a quote of their account: the order copies the revision, the opportunity is won', async () => {
    const accountId = await account();
    const customer = await customerOf(accountId);
    const q = await sentQuote(accountId, { amount: 5000, quantity: 3 });
    const list = await rt.request().get('/v1/portal/quotes').set(auth(customer.token));
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const shown = list.body.data.find((x: { id: string }) => x.id === q.id);
    assert.ok(shown, 'the sent quote is on the portal');
    assert.equal(shown.decidable, true);
    assert.equal(shown.total, 35_700, '3 × 100.00 EUR + 19 % tax, in cents');
    assert.equal('notes' in shown, false, "the rep's notes stay internal");
    const pdf = await rt.request().get(`/v1/portal/quotes/${q.id}/pdf?locale=de`).set(auth(customer.token)).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal((pdf.body as Buffer).subarray(0, 5).toString(), '%PDF-');

    const accepted = await rt.request().post(`/v1/portal/quotes/${q.id}/accept`).set(auth(customer.token)).send({ poNumber: 'PO-1' });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const { order, decision, quote } = accepted.body;
    assert.equal(quote.status, 'accepted');
    assert.equal(decision.by, 'customer');
    assert.equal(decision.revision, 1);
    assert.equal(decision.total, 35_700);
    assert.equal(order.status, 'open');
    assert.equal(order.poNumber, 'PO-1');
    assert.equal(order.quoteId, q.id);
    assert.deepEqual([order.subtotal, order.taxTotal, order.total], [30_000, 5_700, 35_700]);
    assert.equal(order.lines[0].quantityMilli, 3000);
    assert.equal(order.acceptance.customerUserId, customer.customerUserId);
    assert.ok(Date.now() - Date.parse(order.acceptance.at) < 60_000);
    assert.match(order.displayNumber, /^ORD-\d{6}$/);

    const deal = await rt.request().get(`/v1/opportunities/${q.opportunityId}`).set(auth(admin));
    assert.equal(deal.body.stageKind, 'won');
    assert.equal(deal.body.amount, 300, 'the accepted amount, net of tax, in EUR');
    assert.equal(deal.body.outcome, 'partially_won', 'less than the 5,000 EUR the deal was worth');
    const read = await rt.request().get(`/v1/orders/${order.id}`).set(auth(admin));
    assert.equal(read.status, 200);
    assert.equal(read.body.number, order.number);

    const again = await rt.request().post(`/v1/portal/quotes/${q.id}/accept`).set(auth(customer.token)).send({});
    assert.equal(again.status, 409);
    assert.equal(again.body.reason, 'already_decided');
    assert.equal(await orderModel(rt.ctx.connection).countDocuments({ tenantId: tenant(), quoteId: new Types.ObjectId(q.id) }), 1);
  });

  it("should answer 404 to a customer of another account, and show them nothing of it", async () => {
    const mine = await account();
    const theirs = await account();
    const q = await sentQuote(mine);
    const other = await customerOf(theirs);
    assert.equal((await rt.request().get(`/v1/portal/quotes/${q.id}`).set(auth(other.token))).status, 404);
    assert.equal((await rt.request().get(`/v1/portal/quotes/${q.id}/pdf`).set(auth(other.token))).status, 404);
    assert.equal((await rt.request().post(`/v1/portal/quotes/${q.id}/accept`).set(auth(other.token)).send({})).status, 404);
    assert.equal((await rt.request().post(`/v1/portal/quotes/${q.id}/reject`).set(auth(other.token)).send({ reason: 'no' })).status, 404);
    const list = await rt.request().get('/v1/portal/quotes').set(auth(other.token));
    assert.equal(list.body.data.some((x: { id: string }) => x.id === q.id), false);
    assert.equal((await quoteModel(rt.ctx.connection).findOne({ tenantId: tenant(), _id: new Types.ObjectId(q.id) }).lean())!.status, 'sent');
  });

  it('should accept by the emailed link once: the page shows two buttons, a second use and an older revision are refused', async () => {
    const accountId = await account();
    const q = await sentQuote(accountId);
    // A revision: the first email's link no longer decides anything.
    await rt.request().patch(`/v1/quotes/${q.id}`).set(auth(admin)).send({ lines: [{ ...line, quantity: 4 }] }).expect(200);
    const second = await send(q.id);
    const old = await rt.request().post(`/v1/public/quote-links/${q.token}/accept`).set(anon()).send({});
    assert.equal(old.status, 409, JSON.stringify(old.body));
    assert.equal(old.body.reason, 'revision_superseded');

    const page = await rt.request().get(`/portal/quote-links/${second.token}`).set(anon());
    assert.equal(page.status, 200);
    assert.match(page.headers['content-security-policy']!, /frame-ancestors 'none'/);
    assert.match(page.text, /<button class="primary" type="submit">Accept the quote<\/button>/);
    assert.match(page.text, /<button class="secondary" type="submit">Reject the quote<\/button>/);
    assert.match(page.text, /400\.00/, 'the revision the link names: 4 hours');
    const german = await rt.request().get(`/portal/quote-links/${second.token}`).set(anon()).set('Accept-Language', 'de-DE,de;q=0.9');
    assert.match(german.text, /<html lang="de">/);
    assert.match(german.text, /Angebot annehmen/);
    assert.match(german.text, /400,00\s€/, 'amounts as German writes them');
    const viewed = await rt.request().get(`/v1/public/quote-links/${second.token}`).set(anon());
    assert.equal(viewed.body.usable, true, 'opening the link uses nothing up');

    const form = await rt.request().post(`/portal/quote-links/${second.token}/accept`).set(anon()).type('form').send({ poNumber: 'PO-77', name: 'Bob Buyer' });
    assert.equal(form.status, 200, form.text);
    assert.match(form.text, /Your order number is ORD-\d{6}/);
    const reuse = await rt.request().post(`/v1/public/quote-links/${second.token}/accept`).set(anon()).send({});
    assert.equal(reuse.status, 409);
    assert.equal(reuse.body.reason, 'link_used');
    assert.match(reuse.body.detail, /already used/);
    const decision = await quoteDecisionModel(rt.ctx.connection).findOne({ tenantId: tenant(), quoteId: new Types.ObjectId(q.id) }).lean();
    assert.deepEqual([decision!.by, decision!.revision, decision!.name, decision!.poNumber, decision!.total], ['link', 2, 'Bob Buyer', 'PO-77', 40_000]);
    const order = await orderModel(rt.ctx.connection).findOne({ tenantId: tenant(), quoteId: new Types.ObjectId(q.id) }).lean();
    assert.equal(order!.total, 40_000);
    assert.equal(order!.acceptance!.revision, 2);

    const forged = `${second.token.slice(0, -4)}AAAA`;
    assert.equal((await rt.request().post(`/v1/public/quote-links/${forged}/accept`).set(anon()).send({})).status, 404);
  });

  it('should refuse an expired link and a quote past its validity, and take a rejection with its reason', async () => {
    const accountId = await account();
    const q = await sentQuote(accountId);
    const signer = createQuoteLinkSigner(rt.ctx.secrets.jwt);
    const expired = signer.sign({ tenantId: new Types.ObjectId(agency.tenantId), quoteId: new Types.ObjectId(q.id), revision: 1, expiresAt: new Date(Date.now() - 1000) });
    const late = await rt.request().post(`/v1/public/quote-links/${expired}/accept`).set(anon()).send({});
    assert.equal(late.status, 409);
    assert.equal(late.body.reason, 'link_expired');

    const past = await sentQuote(accountId);
    await quoteModel(rt.ctx.connection).updateOne({ tenantId: tenant(), _id: new Types.ObjectId(past.id) }, { $set: { validUntil: new Date(`${inDays(-1)}T00:00:00Z`) } });
    const customer = await customerOf(accountId);
    const tooLate = await rt.request().post(`/v1/portal/quotes/${past.id}/accept`).set(auth(customer.token)).send({});
    assert.equal(tooLate.status, 409);
    assert.equal(tooLate.body.reason, 'expired');
    assert.equal(await orderModel(rt.ctx.connection).countDocuments({ tenantId: tenant(), quoteId: new Types.ObjectId(past.id) }), 0);

    const rejected = await rt.request().post(`/v1/public/quote-links/${q.token}/reject`).set(anon()).send({ reason: 'Too expensive' });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    assert.equal(rejected.body.quote.status, 'rejected');
    assert.equal(rejected.body.decision.reason, 'Too expensive');
    assert.equal(rejected.body.order, null);
    assert.equal(await orderModel(rt.ctx.connection).countDocuments({ tenantId: tenant(), quoteId: new Types.ObjectId(q.id) }), 0);
  });

  it('should make one order when the portal, the link and an agent accept the same quote at the same moment', async () => {
    const accountId = await account();
    const customer = await customerOf(accountId);
    const q = await sentQuote(accountId);
    const answers = await Promise.all([
      rt.request().post(`/v1/portal/quotes/${q.id}/accept`).set(auth(customer.token)).send({}),
      rt.request().post(`/v1/portal/quotes/${q.id}/accept`).set(auth(customer.token)).send({}),
      rt.request().post(`/v1/public/quote-links/${q.token}/accept`).set(anon()).send({}),
      rt.request().post(`/v1/public/quote-links/${q.token}/accept`).set(anon()).send({}),
      rt.request().post(`/v1/quotes/${q.id}/accept`).set(auth(admin)).send({ name: 'On the phone' }),
      rt.request().post(`/v1/quotes/${q.id}/accept`).set(auth(admin)).send({ name: 'On the phone' }),
    ]);
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1, JSON.stringify(answers.map((a) => [a.status, a.body.reason ?? a.body.detail])));
    assert.deepEqual(statuses.filter((s) => s !== 200), [409, 409, 409, 409, 409]);
    assert.equal(await orderModel(rt.ctx.connection).countDocuments({ tenantId: tenant(), quoteId: new Types.ObjectId(q.id) }), 1);
    assert.equal(await quoteDecisionModel(rt.ctx.connection).countDocuments({ tenantId: tenant(), quoteId: new Types.ObjectId(q.id) }), 1);
  });

  it('should refuse blacklisted accounts by name, hold orders over the available credit, and enforce the negative-profit rule', async () => {
    const blacklisted = await account({ name: 'Blocked Ltd', finance: { currency: 'EUR', blacklisted: true } });
    const refused = await rt.request().post('/v1/orders').set(auth(admin)).send({ accountId: blacklisted, lines: [line] });
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail, /Blocked Ltd/);
    assert.equal(refused.body.accountId, blacklisted);
    const q = await sentQuote(blacklisted);
    const byPhone = await rt.request().post(`/v1/quotes/${q.id}/accept`).set(auth(admin)).send({});
    assert.equal(byPhone.status, 409);
    assert.equal((await quoteModel(rt.ctx.connection).findOne({ tenantId: tenant(), _id: new Types.ObjectId(q.id) }).lean())!.status, 'sent', 'a refused acceptance changes nothing');
    assert.equal(await quoteDecisionModel(rt.ctx.connection).countDocuments({ tenantId: tenant(), quoteId: new Types.ObjectId(q.id) }), 0);

    // 250.00 EUR of credit: an open invoice of 100.00, then an order of 100.00 fits, the next of 100.00 does not.
    const limited = await account({ finance: { currency: 'EUR', creditLimit: 250 } });
    assert.equal((await rt.request().post('/v1/invoices').set(auth(admin)).send({ accountId: limited, lines: [line] })).status, 201);
    const fits = await rt.request().post('/v1/orders').set(auth(admin)).send({ accountId: limited, lines: [line] });
    assert.equal(fits.status, 201, JSON.stringify(fits.body));
    assert.equal(fits.body.status, 'open');
    const held = await rt.request().post('/v1/orders').set(auth(admin)).send({ accountId: limited, lines: [line] });
    assert.equal(held.status, 201);
    assert.equal(held.body.status, 'pending_approval');
    assert.match(held.body.hold, /50 EUR available, the order is 100 EUR/);
    const approved = await rt.request().post(`/v1/orders/${held.body.id}/transition`).set(auth(admin)).send({ to: 'open' });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.status, 'open');
    assert.equal((await rt.request().post(`/v1/orders/${fits.body.id}/transition`).set(auth(admin)).send({ to: 'cancelled' })).body.status, 'cancelled');

    const noLoss = await account();
    const loss = await rt.request().post('/v1/orders').set(auth(admin)).send({ accountId: noLoss, lines: [{ ...line, unitCost: 12_000 }] });
    assert.equal(loss.status, 409);
    assert.equal(loss.body.errors[0].field, 'lines.0.unitCost');
    assert.equal((await rt.request().post('/v1/orders').set(auth(admin)).send({ accountId: noLoss, lines: [{ ...line, unitCost: 9_000 }] })).status, 201);
    const allowed = await account({ finance: { currency: 'EUR', allowNegativeProfit: true } });
    const taken = await rt.request().post('/v1/orders').set(auth(admin)).send({ accountId: allowed, lines: [{ ...line, unitCost: 12_000 }] });
    assert.equal(taken.status, 201, JSON.stringify(taken.body));
    assert.equal(taken.body.lines[0].unitCost, 12_000);
  });

  it('should require a PO where the account does, keep one order per PO, and invoice per PO right away', async () => {
    const strict = await account({ billingUnits: [{ name: 'HQ', poRequired: true }] });
    const missing = await rt.request().post('/v1/orders').set(auth(admin)).send({ accountId: strict, lines: [line] });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.errors[0].field, 'poNumber');
    const perPo = await account({ finance: { currency: 'EUR', invoicingOption: 'perPo' } });
    const first = await rt.request().post('/v1/orders').set(auth(admin)).send({ accountId: perPo, poNumber: 'PO-9', lines: [line] });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.ok(first.body.invoiceId, 'invoiced at once');
    const invoice = await rt.request().get(`/v1/invoices/${first.body.invoiceId}`).set(auth(admin));
    assert.equal(invoice.status, 200);
    assert.equal(invoice.body.total, first.body.total);
    const shared = await rt.request().post('/v1/orders').set(auth(admin)).send({ accountId: perPo, poNumber: 'PO-9', lines: [line] });
    assert.equal(shared.status, 400);
    assert.equal(shared.body.errors[0].field, 'poNumber');
    const later = await rt.request().post('/v1/orders').set(auth(admin)).send({ accountId: perPo, lines: [line] });
    assert.equal(later.body.invoiceId, null, 'no PO, no invoice yet');
    const stale = await rt.request().put(`/v1/orders/${later.body.id}/po`).set(auth(admin)).set('If-Match', `"${later.body.version + 5}"`).send({ poNumber: 'PO-10' });
    assert.equal(stale.status, 412);
    const withPo = await rt.request().put(`/v1/orders/${later.body.id}/po`).set(auth(admin)).set('If-Match', `"${later.body.version}"`).send({ poNumber: 'PO-10' });
    assert.equal(withPo.status, 200, JSON.stringify(withPo.body));
    assert.ok(withPo.body.invoiceId);
    const list = await rt.request().get('/v1/orders').query({ accountId: perPo }).set(auth(admin));
    assert.deepEqual(list.body.data.map((o: { id: string }) => o.id), [later.body.id, first.body.id]);
  });

  it('should invoice a per-PO order at the lines and totals it was accepted at, though the price book changed since', async () => {
    const spec = { name: 'Senior hour', unit: 'hour' };
    const made = await rt.request().post('/v1/price-books').set(auth(admin)).send({ name: unique('Book'), services: [{ name: 'Consulting', specs: [{ ...spec, prices: [{ currency: 'EUR', unitPrice: 10_000 }] }] }] });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const own = { serviceId: made.body.services[0].id, specId: made.body.services[0].specs[0].id, quantity: 3, taxRatePercent: 19 };
    const perPo = await account({ finance: { currency: 'EUR', invoicingOption: 'perPo', priceBookId: made.body.id } });
    const quote = await rt.request().post('/v1/opportunities').set(auth(admin)).send({ name: unique('Deal'), customerId: perPo, currency: 'EUR', amount: 300 });
    const q = await rt.request().post('/v1/quotes').set(auth(admin)).send({ opportunityId: quote.body.id, validUntil: inDays(30), lines: [own] });
    assert.equal(q.status, 201, JSON.stringify(q.body));
    await send(q.body.id);
    const accepted = await rt.request().post(`/v1/quotes/${q.body.id}/accept`).set(auth(admin)).set('Idempotency-Key', unique('accept')).send({});
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const order = accepted.body.order;
    assert.equal(order.total, 35_700, '3 h at 100.00 plus 19 %');
    assert.equal(order.invoiceId, null, 'no PO yet');
    const raised = await rt.request().put(`/v1/price-books/${made.body.id}`).set(auth(admin)).send({ name: made.body.name, services: [{ id: own.serviceId, name: 'Consulting', specs: [{ id: own.specId, ...spec, prices: [{ currency: 'EUR', unitPrice: 12_500 }] }] }] });
    assert.equal(raised.status, 200, JSON.stringify(raised.body));
    const withPo = await rt.request().put(`/v1/orders/${order.id}/po`).set(auth(admin)).set('If-Match', `"${order.version}"`).send({ poNumber: unique('PO') });
    assert.equal(withPo.status, 200, JSON.stringify(withPo.body));
    assert.ok(withPo.body.invoiceId, 'invoiced when the PO arrives');
    const invoice = (await rt.request().get(`/v1/invoices/${withPo.body.invoiceId}`).set(auth(admin))).body;
    assert.equal(invoice.total, 35_700, 'the accepted total, not the new price');
    assert.deepEqual({ subtotal: invoice.subtotal, taxTotal: invoice.taxTotal }, { subtotal: order.subtotal, taxTotal: order.taxTotal });
    assert.deepEqual(invoice.lines.map((l: { unitPrice: number; quantityMilli: number; net: number }) => [l.unitPrice, l.quantityMilli, l.net]), [[10_000, 3_000, 30_000]]);
    assert.equal(invoice.orderId, order.id);
  });

  it('should number 20 orders made at once 1 apart, without gaps or repeats', async () => {
    const accountId = await account();
    const made = await Promise.all(Array.from({ length: 20 }, () => rt.request().post('/v1/orders').set(auth(admin)).send({ accountId, lines: [line] })));
    assert.deepEqual([...new Set(made.map((m) => m.status))], [201]);
    const numbers = made.map((m) => m.body.number as number).sort((a, b) => a - b);
    const all = (await orderModel(rt.ctx.connection).find({ tenantId: new Types.ObjectId(agency.tenantId) }).select('number').lean()).map((o) => o.number!).sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: all.length }, (_, i) => i + 1), 'every order of the agency: 1…n');
    assert.equal(new Set(numbers).size, 20);
    assert.equal(numbers[19]! - numbers[0]!, 19);
  });
});
