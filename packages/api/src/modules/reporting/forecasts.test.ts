import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { EventBus } from '../../platform/events.js';
import { userModel } from '../identity/user.model.js';
import { dealPillarModel, forecastPlanModel } from './forecast.model.js';
import { contributionsOf } from './metrics.js';
import { rollupModel } from './reporting.model.js';
import { waitUntilApplied } from './rollup-applier.js';
import { createRollups } from './rollups.service.js';

/** Twelve months with `amount` in one month (0-based) and nothing elsewhere. */
const oneMonth = (month: number, amount: number) => Array.from({ length: 12 }, (_, m) => (m === month ? amount : 0));
const flat = (amount: number) => Array.from({ length: 12 }, () => amount);

describe('reporting: the annual forecast in three pillars', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  // Deals are won now, on the agency's (UTC) calendar.
  const year = new Date().getUTCFullYear();
  const month = new Date().getUTCMonth();

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    tenantId = new Types.ObjectId(agency.tenantId);
  });
  after(() => rt.close());

  const snapshot = async () => {
    const out: Record<string, number> = {};
    for (const r of await rollupModel(rt.ctx.connection).find({ tenantId }).lean()) if (Math.round(r.value * 100) !== 0) out[r._id] = Math.round(r.value * 100) / 100;
    return out;
  };
  /** Makes a deal and moves it to won; answers its id. */
  const win = async (token: string, fields: Record<string, unknown>) => {
    const deal = await rt.request().post('/v1/opportunities').set(auth(token)).send({ name: 'Deal', ...fields });
    assert.equal(deal.status, 201, JSON.stringify(deal.body));
    const moved = await rt.request().post(`/v1/opportunities/${deal.body.id}/move`).set(auth(token)).send({ stage: 'won', version: deal.body.version });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    // One at a time, so each is classified against the ones won before it.
    await waitUntilApplied(rt.ctx.connection, tenantId);
    return deal.body.id as string;
  };
  const adminId = async () => String((await userModel(rt.ctx.connection).findOne({ tenantId, emailNormalized: agency.adminEmail.toLowerCase() }).lean())!._id);
  const annual = (token: string, query: Record<string, string | number> = {}) => rt.request().get('/v1/forecasts/annual').set(auth(token)).query({ year, ...query });
  const put = (token: string, body: Record<string, unknown>) => rt.request().put('/v1/forecasts').set(auth(token)).send({ year, ...body });

  it('should count a won deal in its pillar only when it has one (pure), and deals without an account as new', () => {
    const deal = { id: 'd1', version: 1, ownerId: 'u1', amount: 500, stage: 'won', stageKind: 'won', closedAt: '2027-03-10T10:00:00.000Z', createdAt: '2027-03-01T10:00:00.000Z' };
    const buckets = (record: Record<string, unknown>) => [...contributionsOf('opportunity', record, () => []).keys()].filter((b) => b.startsWith('deals.won.amount.') && b.endsWith('|month|2027-03-01|owner|u1'));
    assert.deepEqual(buckets(deal), ['deals.won.amount.new|month|2027-03-01|owner|u1']);
    assert.deepEqual(buckets({ ...deal, customerId: 'c1', pillar: 'upsell' }), ['deals.won.amount.upsell|month|2027-03-01|owner|u1']);
    assert.deepEqual(buckets({ ...deal, customerId: 'c1' }), [], 'an account’s deal waits for its pillar');
    assert.deepEqual(buckets({ ...deal, stage: 'proposal', stageKind: 'open', pillar: 'new' }), [], 'an open deal counts in no pillar');
  });

  it('should refuse a bad forecast naming the field, and enter, replace and guard one with If-Match', async () => {
    const ownerId = await adminId();
    const months = { new: flat(1000), accountManagement: flat(0), upsell: flat(0) };
    const field = async (body: Record<string, unknown>) => {
      const res = await put(admin, { ownerId, months, ...body });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.headers['content-type']?.split(';')[0], 'application/problem+json');
      return res.body.errors[0].field as string;
    };
    assert.equal(await field({ months: { ...months, new: flat(1).slice(0, 11) } }), 'months.new');
    assert.equal(await field({ months: { ...months, upsell: oneMonth(3, -5) } }), 'months.upsell.3');
    assert.equal(await field({ months: { ...months, accountManagement: oneMonth(0, 1.5) } }), 'months.accountManagement.0');
    assert.equal(await field({ year: 1999 }), 'year');
    assert.equal(await field({ ownerId: 'nobody' }), 'ownerId');
    assert.equal(await field({ ownerId: String(new Types.ObjectId()) }), 'ownerId');
    assert.equal(await forecastPlanModel(rt.ctx.connection).countDocuments({ tenantId }), 0, 'nothing was entered');

    const entered = await put(admin, { ownerId, months });
    assert.equal(entered.status, 200, JSON.stringify(entered.body));
    assert.equal(entered.body.accountId, null);
    const replaced = await rt.request().put('/v1/forecasts').set(auth(admin)).set('If-Match', `"${entered.body.version}"`).send({ year, ownerId, months: { ...months, upsell: flat(50) } });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.equal(replaced.body.version, entered.body.version + 1);
    const stale = await rt.request().put('/v1/forecasts').set(auth(admin)).set('If-Match', `"${entered.body.version}"`).send({ year, ownerId, months });
    assert.equal(stale.status, 412);
    const stored = await forecastPlanModel(rt.ctx.connection).find({ tenantId, year }).lean();
    assert.equal(stored.length, 1, 'one entry per year, owner and account');
    assert.deepEqual(stored[0]!.months.upsell, flat(50));
    assert.equal((await rt.request().delete(`/v1/forecasts/${entered.body.id}`).set(auth(admin))).status, 204);
    assert.equal(await forecastPlanModel(rt.ctx.connection).countDocuments({ tenantId }), 0);
  });

  it('should put each won deal of an account in its pillar, sum an account with its children, and equal a rebuild', async () => {
    const [p1, p2] = await Promise.all(['Printer', 'Scanner'].map(async (name) => (await rt.request().post('/v1/products').set(auth(admin)).send({ name, code: `${name}${Date.now()}` })).body.id as string));
    const parent = (await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Holding' })).body.id as string;
    const child = (await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Branch', parentId: parent })).body;
    assert.ok(child.id, JSON.stringify(child));
    const first = await win(admin, { amount: 100, customerId: child.id, productId: p1 });
    const again = await win(admin, { amount: 20, customerId: child.id, productId: p1 });
    const added = await win(admin, { amount: 3, customerId: child.id, productId: p2 });
    const noAccount = await win(admin, { amount: 4000 });
    const parentsOwn = await win(admin, { amount: 500, customerId: parent, productId: p2 });
    const kept = Object.fromEntries((await dealPillarModel(rt.ctx.connection).find({ tenantId }).lean()).map((d) => [d.opportunityId, d.pillar]));
    assert.deepEqual(kept, { [first]: 'new', [again]: 'accountManagement', [added]: 'upsell', [parentsOwn]: 'new' }, 'an account’s first won deal is new, a product it never bought is upsell');
    assert.ok(!(noAccount in kept), 'a deal without an account is new without being kept');

    const ownerId = await adminId();
    assert.equal((await put(admin, { ownerId, accountId: child.id, months: { new: oneMonth(month, 10_000), accountManagement: oneMonth(month, 1000), upsell: flat(0) } })).status, 200);
    assert.equal((await put(admin, { ownerId, accountId: parent, months: { new: flat(0), accountManagement: flat(0), upsell: oneMonth(month, 600) } })).status, 200);

    const tree = await annual(admin, { accountId: parent });
    assert.equal(tree.status, 200, JSON.stringify(tree.body));
    assert.deepEqual(tree.body.scope, { kind: 'account', id: parent });
    assert.equal(tree.body.entries, 2, 'the parent’s and its child’s');
    assert.equal(tree.body.pillars.new.actual[month], 60_000, 'the child’s first deal and the parent’s first, in cents');
    assert.equal(tree.body.pillars.accountManagement.actual[month], 2000);
    assert.equal(tree.body.pillars.upsell.actual[month], 300);
    assert.equal(tree.body.pillars.new.plan[month], 10_000);
    assert.equal(tree.body.pillars.upsell.planTotal, 600);
    assert.equal(tree.body.pillars.upsell.attainment, 0.5);
    assert.equal(tree.body.total.actualTotal, 62_300);
    assert.equal(tree.body.total.planTotal, 11_600);
    const branch = await annual(admin, { accountId: child.id });
    assert.equal(branch.body.pillars.new.actual[month], 10_000, 'a child alone leaves out its parent');
    const agencyWide = await annual(admin);
    assert.equal(agencyWide.body.pillars.new.actual[month], 10_000 + 400_000 + 50_000);

    const incremental = await snapshot();
    assert.ok(Object.keys(incremental).some((b) => b.includes('|deals.won.amount.upsell|month|')));
    await createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}) }).rebuild(tenantId);
    assert.deepEqual(await snapshot(), incremental, 'a rebuild from the records gives the same pillars');
    // A rebuild with nothing kept classifies again from the records, in the same order.
    await dealPillarModel(rt.ctx.connection).deleteMany({ tenantId });
    await createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}) }).rebuild(tenantId);
    assert.deepEqual(await snapshot(), incremental);
  });

  it('should roll the forecast up a team, let the account manager and their lead enter it, and show each role only what it may see', async () => {
    const lead = await makeUser(rt, agency, { role: 'STM', name: 'Tina Lead', departmentKey: '' });
    const member = await makeUser(rt, agency, { role: 'SE', name: 'Sam Member', departmentKey: '' });
    const outsider = await makeUser(rt, agency, { role: 'SALES_PERSON', name: 'Otto Outsider' });
    const team = await rt.request().post('/v1/org/teams').set(auth(admin)).send({ name: 'Forecast Team', memberIds: [String(member.id)], leadId: String(lead.id) });
    assert.equal(team.status, 201, JSON.stringify(team.body));
    const [memberToken, leadToken, outsiderToken] = await Promise.all([signIn(rt, member.email), signIn(rt, lead.email), signIn(rt, outsider.email)]);
    const months = (amount: number) => ({ new: oneMonth(month, amount), accountManagement: flat(0), upsell: flat(0) });

    assert.equal((await put(memberToken, { ownerId: String(member.id), months: months(50_000) })).status, 200, 'an account manager enters their own');
    assert.equal((await put(leadToken, { ownerId: String(lead.id), months: months(30_000) })).status, 200);
    const byLead = await put(leadToken, { ownerId: String(member.id), months: months(80_000) });
    assert.equal(byLead.status, 200, 'their lead may replace it');
    assert.equal(byLead.body.updatedBy, String(lead.id));
    assert.equal((await put(outsiderToken, { ownerId: String(member.id), months: months(1) })).status, 403);
    assert.equal((await put(memberToken, { ownerId: String(lead.id), months: months(1) })).status, 403, 'not the lead’s');
    assert.equal((await put(outsiderToken, { ownerId: String(outsider.id), months: months(5000) })).status, 200);

    await win(memberToken, { amount: 600 });
    await win(leadToken, { amount: 100 });
    await win(outsiderToken, { amount: 9 });

    const teamView = await annual(leadToken, { teamId: team.body.id });
    assert.equal(teamView.status, 200, JSON.stringify(teamView.body));
    assert.equal(teamView.body.pillars.new.plan[month], 110_000, 'the member’s and the lead’s');
    assert.equal(teamView.body.pillars.new.actual[month], 70_000);
    assert.equal(teamView.body.total.attainment, Math.round((70_000 / 110_000) * 10_000) / 10_000);
    const own = await annual(memberToken, { ownerId: String(member.id) });
    assert.deepEqual([own.body.pillars.new.plan[month], own.body.pillars.new.actual[month], own.body.editable], [80_000, 60_000, true]);
    const mine = await annual(memberToken);
    assert.deepEqual([mine.body.scope.kind, mine.body.entries, mine.body.total.actualTotal], ['agency', 1, 60_000], 'a seller’s whole is their own');
    assert.equal((await annual(memberToken, { ownerId: String(outsider.id) })).status, 404);
    assert.equal((await annual(outsiderToken, { teamId: team.body.id })).status, 404);
    assert.equal((await annual(memberToken, { ownerId: String(member.id), teamId: team.body.id })).status, 400);
    const listed = await rt.request().get('/v1/forecasts').set(auth(outsiderToken)).query({ year });
    assert.deepEqual(listed.body.data.map((f: { ownerId: string }) => f.ownerId), [String(outsider.id)]);
    const all = await annual(admin);
    assert.ok(all.body.pillars.new.plan[month] >= 115_000, 'the admin sees every owner');
    assert.equal((await annual(admin, { ownerId: String(member.id) })).body.editable, true);
    const foreign = await makeAgency(rt);
    assert.equal((await annual(foreign.adminToken, { ownerId: String(member.id) })).status, 404);
  });
});
