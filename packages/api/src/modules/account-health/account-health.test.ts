import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { accountSnapshotModel, accountWeekCountModel, addWeeks, weekOf } from './account-health.model.js';

describe('account behaviour tracking', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let other: TestAgency;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const post = (token: string, path: string, body: object) => rt.request().post(`/v1${path}`).set(auth(token)).send(body);
  const get = (token: string, path: string) => rt.request().get(`/v1${path}`).set(auth(token));
  const week = weekOf(new Date());

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    [agency, other] = await Promise.all([makeAgency(rt), makeAgency(rt)]);
  });
  after(async () => {
    await rt.close();
  });

  it('should flag a drop in activity and a late payment to the account manager once, however often the week runs', async () => {
    const tenantId = new Types.ObjectId(agency.tenantId);
    const [quiet, payer, steady] = await Promise.all(['Quiet GmbH', 'Late Payer AG', 'Steady Ltd'].map(async (name) => (await post(agency.adminToken, '/customers', { name })).body.id as string)) as [string, string, string];
    // The writes count: one call on the quiet account this week, through the API.
    const call = await post(agency.adminToken, '/activities', { type: 'call', title: 'Check-in call', subject: { type: 'customer', id: quiet } });
    assert.equal(call.status, 201, JSON.stringify(call.body));
    const counted = await accountWeekCountModel(rt.ctx.connection).findOne({ tenantId, key: `${week}:${quiet}` }).lean();
    assert.equal(counted?.activities, 1);
    // History (bulk-inserted): last week's snapshots, whose window holds four weeks of ten activities.
    const snapshots = accountSnapshotModel(rt.ctx.connection);
    await snapshots.insertMany([quiet, steady].map((accountId) => ({ tenantId, accountId: new Types.ObjectId(accountId), week: addWeeks(week, -1), key: `${addWeeks(week, -1)}:${accountId}`, activities: 10, window: [10, 10, 10, 10], createdAt: new Date() })));
    await accountWeekCountModel(rt.ctx.connection).create({ tenantId, accountId: new Types.ObjectId(steady), week, key: `${week}:${steady}`, activities: 8 });
    // An invoice of the payer, open and ten days past due.
    await rt.ctx.connection.collection('invoices').insertOne({ tenantId, accountId: new Types.ObjectId(payer), status: 'issued', dueDate: new Date(Date.now() - 10 * 86_400_000), total: 1200, amountPaid: 200, numberKey: `late-${Date.now()}` });

    const first = await post(agency.adminToken, '/account-health/runs', { week });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.notified, 2);
    const second = await post(agency.adminToken, '/account-health/runs', { week });
    assert.deepEqual({ written: second.body.written, notified: second.body.notified }, { written: 0, notified: 0 });

    const inbox = await get(agency.adminToken, '/notifications?limit=50');
    const mine = inbox.body.data.filter((n: { category: string }) => n.category.startsWith('account.'));
    assert.deepEqual(mine.map((n: { category: string; resourceId: string }) => `${n.category}:${n.resourceId}`).sort(), [`account.activity_drop:${quiet}`, `account.late_payment:${payer}`].sort());

    const flagged = await get(agency.adminToken, `/account-health?week=${week}&flagged=true`);
    const byAccount = new Map<string, { flags: string[]; trailingActivities: number | null; activities: number; lateAmount: number }>(flagged.body.data.map((s: { accountId: string }) => [s.accountId, s]));
    assert.deepEqual(byAccount.get(quiet)?.flags, ['activity_drop']);
    assert.equal(byAccount.get(quiet)?.trailingActivities, 10);
    assert.deepEqual(byAccount.get(payer)?.flags, ['late_payment']);
    assert.equal(byAccount.get(payer)?.lateAmount, 1000);
    assert.ok(!byAccount.has(steady), 'eight against ten is no drop');
    const history = await get(agency.adminToken, `/customers/${quiet}/health`);
    assert.deepEqual(history.body.data.map((s: { week: string }) => s.week).slice(0, 2), [week, addWeeks(week, -1)]);
  });

  it("should keep each agency to its own accounts and refuse a week that is not a Monday, naming the field", async () => {
    const account = (await post(agency.adminToken, '/customers', { name: 'Private Account' })).body.id as string;
    const theirs = await get(other.adminToken, `/customers/${account}/health`);
    assert.equal(theirs.status, 404);
    const run = await post(other.adminToken, '/account-health/runs', { week });
    assert.equal(run.body.accounts, 0);
    const list = await get(other.adminToken, `/account-health?week=${week}`);
    assert.deepEqual(list.body.data, []);
    const tuesday = await post(agency.adminToken, '/account-health/runs', { week: addWeeks(week, -1).replace(/-(\d\d)$/, (_, d: string) => `-${String(Number(d) + 1).padStart(2, '0')}`) });
    assert.equal(tuesday.status, 400);
    assert.equal(tuesday.body.errors[0].field, 'week');
    assert.equal(String(tuesday.headers['content-type']).split(';')[0], 'application/problem+json');
  });
});
