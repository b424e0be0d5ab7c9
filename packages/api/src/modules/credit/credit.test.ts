import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { randomIp } from '../../testing/factories.js';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { orderModel } from '../orders/order.model.js';
import { calculateLimit, DEFAULT_RULE, type CreditRuleInput } from './credit.service.js';
import { accountCreditModel } from './credit.model.js';
import { recalculateAll } from './credit.jobs.js';
import { createCreditService } from './credit.service.js';

type Runtime = Awaited<ReturnType<typeof createTestRuntime>>;
const auth = (token: string) => ({ Authorization: `Bearer ${token}`, 'X-Forwarded-For': randomIp() });
const DAY = 86_400_000;
let seq = 0;
const unique = (name: string) => `${name}-${Date.now().toString(36)}-${(seq += 1)}`;

const rule = (over: Partial<CreditRuleInput> = {}): CreditRuleInput => ({
  enabled: true,
  baseMinor: 100_000,
  spendShareBp: 2_500,
  windowDays: 365,
  bands: [
    { maxAverageDaysLate: 0, multiplierBp: 12_000, capMinor: null },
    { maxAverageDaysLate: 10, multiplierBp: 10_000, capMinor: 500_000 },
    { maxAverageDaysLate: 30, multiplierBp: 5_000, capMinor: null },
  ],
  lateMultiplierBp: 0,
  overdueMultiplierBp: 5_000,
  floorMinor: 10_000,
  ceilingMinor: 2_000_000,
  ...over,
});
const facts = { currency: 'EUR', spendMinor: 0, averageDaysLate: 0, maxDaysLate: 0, paidCount: 0, openOverdueCount: 0 };

describe('credit: the rule as data, calculated limits, the per-account reservation', () => {
  it('should apply base, share of spend, the band, overdue, cap, floor and ceiling in integers', () => {
    assert.equal(calculateLimit(rule(), { ...facts, spendMinor: 400_000 }).limitMinor, (100_000 + 100_000) * 1.2);
    const banded = calculateLimit(rule(), { ...facts, spendMinor: 4_000_000, averageDaysLate: 5 });
    assert.equal(banded.limitMinor, 500_000, 'the second band caps at 5 000.00');
    assert.equal(banded.inputs.band, 1);
    assert.equal(banded.inputs.rawMinor, 1_100_000);
    assert.equal(calculateLimit(rule(), { ...facts, averageDaysLate: 20, openOverdueCount: 1 }).limitMinor, 25_000, '×0.5 band, ×0.5 overdue');
    assert.equal(calculateLimit(rule(), { ...facts, averageDaysLate: 45 }).limitMinor, 10_000, 'later than every band: ×0, then the floor');
    assert.equal(calculateLimit(rule(), { ...facts, spendMinor: 100_000_000 }).limitMinor, 2_000_000, 'the ceiling');
    for (let i = 0; i < 500; i += 1) {
      const f = { ...facts, spendMinor: Math.floor(Math.random() * 1e11), averageDaysLate: Math.floor(Math.random() * 400) / 10, openOverdueCount: i % 3 };
      const { limitMinor } = calculateLimit(rule({ ceilingMinor: null }), f);
      assert.ok(Number.isSafeInteger(limitMinor) && limitMinor >= 10_000, `${limitMinor} for ${JSON.stringify(f)}`);
    }
  });

  describe('over the API', () => {
    let rt: Runtime;
    let agency: TestAgency;
    let admin: string;
    let line: { serviceId: string; specId: string; quantity: number };
    const tenant = () => new Types.ObjectId(agency.tenantId);
    async function account(finance: Record<string, unknown> = {}) {
      const res = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: unique('Account'), finance: { currency: 'EUR', ...finance } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    }
    /** Numbered invoices straight into the collection (one bulk insert): `paidLate` days late, or open and `overdue`. */
    async function invoices(accountId: string, rows: { total: number; daysAgo: number; paidLate?: number; overdue?: boolean }[]) {
      const now = Date.now();
      await rt.ctx.connection.collection('invoices').insertMany(
        rows.map((r, i) => {
          const issueDate = new Date(now - r.daysAgo * DAY);
          const dueDate = new Date(issueDate.getTime() + 14 * DAY);
          const paid = r.paidLate !== undefined;
          return { tenantId: tenant(), accountId: new Types.ObjectId(accountId), number: 90_000 + (seq += 1) + i, numberKey: unique('n'), currency: 'EUR', status: paid ? 'paid' : 'issued', total: r.total, amountPaid: paid ? r.total : 0, issueDate, dueDate, paidAt: paid ? new Date(dueDate.getTime() + r.paidLate! * DAY) : null, lines: [] };
        }),
      );
    }

    before(async () => {
      rt = await createTestRuntime({ file: import.meta.filename });
      agency = await makeAgency(rt);
      admin = agency.adminToken;
      const book = await rt.request().post('/v1/price-books').set(auth(admin)).send({ name: 'Book', isDefault: true, services: [{ name: 'Consulting', specs: [{ name: 'Senior hour', unit: 'hour', prices: [{ currency: 'EUR', unitPrice: 10_000 }] }] }] });
      assert.equal(book.status, 201, JSON.stringify(book.body));
      line = { serviceId: book.body.services[0].id, specId: book.body.services[0].specs[0].id, quantity: 3 };
    });
    after(() => rt.close());

    it('should keep the rule per agency, validate it by field, and let only admins change it', async () => {
      const initial = await rt.request().get('/v1/credit/rule').set(auth(admin));
      assert.equal(initial.status, 200);
      assert.deepEqual({ ...initial.body, version: undefined }, { ...DEFAULT_RULE, version: undefined });
      const bad = await rt.request().put('/v1/credit/rule').set(auth(admin)).send(rule({ floorMinor: 50_000, ceilingMinor: 1_000 }));
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.equal(bad.body.errors[0].field, 'ceilingMinor');
      const head = await makeUser(rt, agency, { role: 'SALES_HEAD' });
      const headToken = await signIn(rt, head.email);
      assert.equal((await rt.request().put('/v1/credit/rule').set(auth(headToken)).send(rule())).status, 403);
      const saved = await rt.request().put('/v1/credit/rule').set(auth(admin)).send(rule());
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.equal(saved.body.enabled, true);
      const other = await makeAgency(rt);
      assert.equal((await rt.request().get('/v1/credit/rule').set(auth(other.adminToken))).body.enabled, false, 'another agency keeps its own');
    });

    it('should calculate each account from its payment behaviour and spend in one nightly pass, show the inputs, and let a manual limit win', async () => {
      await rt.request().put('/v1/credit/rule').set(auth(admin)).send(rule()).expect(200);
      const prompt = await account();
      const late = await account();
      const manual = await account({ creditLimit: 123.45 });
      await invoices(prompt, [{ total: 200_000, daysAgo: 100, paidLate: 0 }, { total: 200_000, daysAgo: 40, paidLate: 0 }, { total: 999_999, daysAgo: 500, paidLate: 0 }]);
      await invoices(late, [{ total: 400_000, daysAgo: 100, paidLate: 20 }, { total: 100_000, daysAgo: 30, overdue: true }]);
      const run = await recalculateAll(rt.ctx.connection, createCreditService(rt.ctx.connection));
      assert.ok(run.accounts >= 3);

      const a = (await rt.request().get(`/v1/customers/${prompt}/credit`).set(auth(admin))).body;
      assert.equal(a.source, 'calculated');
      assert.equal(a.inputs.spendMinor, 400_000, 'only the window counts');
      assert.equal(a.inputs.band, 0);
      assert.equal(a.limitMinor, 240_000);
      assert.equal(a.availableMinor, 240_000);
      assert.equal(a.purchases.revenue.map((r: { amount: number }) => r.amount).reduce((x: number, y: number) => x + y, 0), 1_399_999, 'revenue by month keeps 24 months');

      const b = (await rt.request().get(`/v1/customers/${late}/credit`).set(auth(admin))).body;
      assert.equal(b.inputs.averageDaysLate, 20);
      assert.equal(b.inputs.openOverdueCount, 1);
      assert.equal(b.inputs.multiplierBp, 2_500);
      assert.equal(b.limitMinor, Math.round((100_000 + 125_000) * 0.25));
      assert.equal(b.exposureMinor, 100_000, 'the open invoice is owed');

      const c = (await rt.request().get(`/v1/customers/${manual}/credit`).set(auth(admin))).body;
      assert.equal(c.source, 'override');
      assert.equal(c.limitMinor, 12_345);
      assert.equal(c.calculatedMinor, 100_000 * 1.2, 'the calculated limit is still shown');

      await invoices(prompt, [{ total: 400_000, daysAgo: 1, paidLate: 0 }]);
      const now = (await rt.request().post(`/v1/customers/${prompt}/credit/recalculate`).set(auth(admin))).body;
      assert.equal(now.limitMinor, (100_000 + 200_000) * 1.2, 'on demand for one account');
      const stored = await accountCreditModel(rt.ctx.connection).countDocuments({ tenantId: tenant(), accountId: new Types.ObjectId(prompt) });
      assert.equal(stored, 1);
    });

    it('should give the same rows when the nightly run holds one account at a time (a pass per share of the accounts)', async () => {
      await rt.request().put('/v1/credit/rule').set(auth(admin)).send(rule()).expect(200);
      const late = await account();
      await invoices(late, [{ total: 300_000, daysAgo: 60, paidLate: 9 }, { total: 50_000, daysAgo: 20, overdue: true }]);
      const credit = createCreditService(rt.ctx.connection);
      const Credit = accountCreditModel(rt.ctx.connection);
      const now = new Date();
      const rows = async () => (await Credit.find({ tenantId: tenant() }).lean()).map((c) => ({ _id: String(c._id), accountId: String(c.accountId), calculatedMinor: c.calculatedMinor, inputs: c.inputs, revenue: c.revenue, orderCount: c.orderCount })).sort((x, y) => x.accountId.localeCompare(y.accountId));
      const onePass = await credit.recalculateTenant(tenant(), now);
      const expected = await rows();
      assert.ok(expected.length >= 4, `rows of every account: ${expected.length}`);
      assert.equal(expected.find((c) => c.accountId === late)?.inputs?.averageDaysLate, 9);
      await Credit.updateMany({ tenantId: tenant() }, { $set: { calculatedMinor: -1, revenue: [] } });
      const shares = await credit.recalculateTenant(tenant(), now, 2, 1);
      assert.equal(shares.accounts, onePass.accounts, 'every account once');
      assert.deepEqual(await rows(), expected, 'the same rows (by their _id), none added');
    });

    it('should let exactly the concurrent orders that fit the calculated credit pass and hold the rest', async () => {
      await rt.request().put('/v1/credit/rule').set(auth(admin)).send(rule({ baseMinor: 100_000, spendShareBp: 0, bands: [{ maxAverageDaysLate: 0, multiplierBp: 10_000, capMinor: null }], floorMinor: 0 })).expect(200);
      const id = await account();
      // 1 000.00 available; five orders of 300.00 at once: three fit, two are held.
      const answers = await Promise.all(Array.from({ length: 5 }, () => rt.request().post('/v1/orders').set(auth(admin)).send({ accountId: id, lines: [line] })));
      for (const res of answers) assert.equal(res.status, 201, JSON.stringify(res.body));
      const statuses = answers.map((r) => r.body.status as string).sort();
      assert.deepEqual(statuses, ['open', 'open', 'open', 'pending_approval', 'pending_approval']);
      // A held order still counts against the line until it is approved or cancelled: the second held one sees nothing left.
      assert.deepEqual(answers.filter((r) => r.body.status === 'pending_approval').map((r) => r.body.hold as string).sort(), ['over the credit limit: 0 EUR available, the order is 300 EUR', 'over the credit limit: 100 EUR available, the order is 300 EUR']);
      const orders = await orderModel(rt.ctx.connection).find({ tenantId: tenant(), accountId: new Types.ObjectId(id) }).lean();
      assert.equal(orders.length, 5);
      const credit = (await rt.request().get(`/v1/customers/${id}/credit`).set(auth(admin))).body;
      assert.equal(credit.purchases.orderCount, 5, 'the purchase summary follows order writes');
      assert.deepEqual(credit.purchases.productIds, [line.serviceId]);
      assert.ok(credit.purchases.lastOrderAt);
      assert.equal(await rt.ctx.connection.collection('creditLocks').countDocuments({}), 0, 'every reservation released');
    });

    it('should check orders under their own `order` permission', async () => {
      const id = await account();
      const person = await makeUser(rt, agency, { role: 'SALES_PERSON' });
      const token = await signIn(rt, person.email);
      assert.equal((await rt.request().get('/v1/orders').query({ accountId: id }).set(auth(token))).status, 403);
      const head = await makeUser(rt, agency, { role: 'SALES_HEAD' });
      const headToken = await signIn(rt, head.email);
      assert.equal((await rt.request().get('/v1/orders').query({ accountId: id }).set(auth(headToken))).status, 200);
      assert.equal((await rt.request().get(`/v1/customers/${id}/credit`).set(auth(headToken))).status, 200);
    });
  });
});
