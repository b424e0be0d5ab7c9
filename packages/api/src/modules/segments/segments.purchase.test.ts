import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { accountCreditModel } from '../credit/credit.model.js';

const DAY = 86_400_000;
const month = (back: number) => { const n = new Date(); return new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth() - back, 1)).toISOString().slice(0, 7); };

describe('segments on purchase history', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const ids: Record<string, string> = {};
  const p1 = new Types.ObjectId();
  const p2 = new Types.ObjectId();

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    for (const name of ['Both', 'OnlyOne', 'Old', 'Never']) ids[name] = (await rt.request().post('/v1/customers').set(auth(admin)).send({ name, industry: name === 'Old' ? 'Retail' : 'Fintech' }).expect(201)).body.id;
    const tenantId = new Types.ObjectId(agency.tenantId);
    const now = Date.now();
    // Purchase summaries as order writes and the nightly run keep them, in one bulk insert.
    await accountCreditModel(rt.ctx.connection).insertMany([
      { tenantId, accountId: new Types.ObjectId(ids.Both), productIds: [p1, p2], lastOrderAt: new Date(now - 3 * DAY), orderCount: 4, revenue: [{ month: month(0), currency: 'EUR', amount: 500_000 }, { month: month(2), currency: 'EUR', amount: 300_000 }] },
      { tenantId, accountId: new Types.ObjectId(ids.OnlyOne), productIds: [p1], lastOrderAt: new Date(now - 40 * DAY), orderCount: 1, revenue: [{ month: month(1), currency: 'EUR', amount: 90_000 }, { month: month(1), currency: 'USD', amount: 900_000 }] },
      { tenantId, accountId: new Types.ObjectId(ids.Old), productIds: [p2], lastOrderAt: new Date(now - 400 * DAY), orderCount: 1, revenue: [{ month: month(13), currency: 'EUR', amount: 2_000_000 }] },
    ]);
  });
  after(() => rt.close());

  async function members(purchase: Record<string, unknown>, filters: Record<string, string> = {}) {
    const seg = await rt.request().post('/v1/segments').set(auth(admin)).send({ name: 'P', resource: 'customer', filters, purchase, sharing: 'agency' });
    assert.equal(seg.status, 201, JSON.stringify(seg.body));
    const list = await rt.request().get(`/v1/segments/${seg.body.id}/members`).set(auth(admin));
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const count = await rt.request().get(`/v1/segments/${seg.body.id}/count`).set(auth(admin));
    assert.equal(count.body.count, list.body.data.length);
    return (list.body.data as { name: string }[]).map((c) => c.name).sort();
  }

  it('should match ordered products (any, all), revenue over months (>=, <=, by currency) and the last order date', async () => {
    assert.deepEqual(await members({ products: { mode: 'any', ids: [String(p1)] } }), ['Both', 'OnlyOne']);
    assert.deepEqual(await members({ products: { mode: 'all', ids: [String(p1), String(p2)] } }), ['Both']);
    assert.deepEqual(await members({ revenue: { op: 'gte', amount: 800_000, currency: 'EUR', months: 3 } }), ['Both']);
    assert.deepEqual(await members({ revenue: { op: 'gte', amount: 800_000, currency: 'EUR', months: 2 } }), [], 'two months hold 500 000');
    assert.deepEqual(await members({ revenue: { op: 'lte', amount: 100_000, currency: 'EUR', months: 12 } }), ['Old', 'OnlyOne'], 'Old invoiced nothing in 12 months');
    assert.deepEqual(await members({ lastOrder: { op: 'within', days: 30 } }), ['Both']);
    const cut = new Date(Date.now() - 100 * DAY).toISOString().slice(0, 10);
    assert.deepEqual(await members({ lastOrder: { op: 'before', date: cut } }), ['Old']);
    assert.deepEqual(await members({ lastOrder: { op: 'after', date: cut } }), ['Both', 'OnlyOne']);
    assert.deepEqual(await members({ products: { mode: 'any', ids: [String(p2)] } }, { industry: 'Fintech' }), ['Both'], 'with the list filters');
  });

  it('should validate purchase conditions by field, only on customer segments, and apply the caller’s visibility', async () => {
    const contact = await rt.request().post('/v1/segments').set(auth(admin)).send({ name: 'C', resource: 'contact', purchase: { lastOrder: { op: 'within', days: 5 } } });
    assert.equal(contact.status, 400);
    assert.equal(contact.body.errors[0].field, 'purchase');
    const missing = await rt.request().post('/v1/segments').set(auth(admin)).send({ name: 'M', resource: 'customer', purchase: { lastOrder: { op: 'before' } } });
    assert.equal(missing.body.errors[0].field, 'purchase.lastOrder.date');
    const sp = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const token = await signIn(rt, sp.email);
    const seg = await rt.request().post('/v1/segments').set(auth(admin)).send({ name: 'Any', resource: 'customer', purchase: { products: { mode: 'any', ids: [String(p1), String(p2)] } }, sharing: 'agency' });
    assert.equal((await rt.request().get(`/v1/segments/${seg.body.id}/members`).set(auth(token))).body.data.length, 0, 'a sales person sees only their own accounts');
    const page = await rt.request().get(`/v1/segments/${seg.body.id}/members`).query({ limit: 2 }).set(auth(admin));
    assert.equal(page.body.hasMore, true);
    const rest = await rt.request().get(`/v1/segments/${seg.body.id}/members`).query({ limit: 2, cursor: page.body.nextCursor }).set(auth(admin));
    assert.equal(page.body.data.length + rest.body.data.length, 3);
    assert.equal(rest.body.hasMore, false);
  });
});
