import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { EventBus, type DomainEvent } from '../../platform/events.js';
import { contributionsOf, localDate, periodStart, periodStarts } from './metrics.js';
import { dashboardModel, rollupApplierModel, rollupContributionModel, rollupModel, rollupOutboxModel, type RollupPlan } from './reporting.model.js';
import { waitUntilApplied } from './rollup-applier.js';
import { createRollups } from './rollups.service.js';
import { ROLLUP_REBUILD_JOB } from './reporting.module.js';
import { JOBS_COLLECTION } from '../../platform/jobs/jobs.js';
import { client, listen } from '../../platform/realtime/test-support.js';

/** A small seeded random source, so a failing sequence can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]! };
}

describe('reporting: roll-ups, metrics, targets and dashboards', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    tenantId = new Types.ObjectId(agency.tenantId);
  });
  after(() => rt.close());

  /** Every non-zero bucket of a tenant, by id. */
  const snapshot = async (tenant: Types.ObjectId) => {
    const out: Record<string, number> = {};
    for (const r of await rollupModel(rt.ctx.connection).find({ tenantId: tenant }).lean()) if (Math.round(r.value * 100) !== 0) out[r._id] = Math.round(r.value * 100) / 100;
    return out;
  };

  it('should count each record once whatever order, duplication and concurrency its events arrive in (property, many seeds)', async () => {
    for (const seed of [1, 7, 42]) {
      const tenant = new Types.ObjectId();
      const rollups = createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}) });
      const rand = random(seed);
      const owners = [String(new Types.ObjectId()), String(new Types.ObjectId())];
      const stages = [['prospecting', 'open'], ['proposal', 'open'], ['won', 'won'], ['lost', 'lost']] as const;
      const final = new Map<string, Record<string, unknown> | null>();
      const history = new Map<string, DomainEvent[]>();
      const emit = (event: DomainEvent) => {
        history.set(event.resourceId!, [...(history.get(event.resourceId!) ?? []), event]);
        return rollups.onEvent(event);
      };
      for (let step = 0; step < 50; step += 1) {
        const ids = [...final.keys()];
        const live = ids.filter((id) => final.get(id));
        const roll = rand.next();
        if (roll < 0.25 || live.length === 0) {
          const id = String(new Types.ObjectId());
          const [stage, stageKind] = rand.pick(stages);
          const record = { id, version: 0, ownerId: rand.pick(owners), amount: 100 * (1 + rand.int(50)), weightedAmount: 10 * rand.int(40), stage, stageKind, pipelineId: 'p1', leadSource: rand.pick(['web', 'linkedin', null]), createdAt: `2026-0${1 + rand.int(9)}-1${rand.int(9)}T10:00:00.000Z`, closedAt: stageKind === 'open' ? null : '2026-10-05T09:00:00.000Z', expectedCloseDate: '2026-11-20T00:00:00.000Z' };
          final.set(id, record);
          await emit({ type: 'opportunity.created', tenantId: tenant, resource: 'opportunity', resourceId: id, actor: null, record, at: new Date() });
        } else if (roll < 0.6) {
          const id = rand.pick(live);
          const before = final.get(id)!;
          const [stage, stageKind] = rand.pick(stages);
          const record = { ...before, version: Number(before.version) + 1, ownerId: rand.next() < 0.3 ? rand.pick(owners) : before.ownerId, amount: rand.next() < 0.5 ? 100 * (1 + rand.int(50)) : before.amount, stage, stageKind, closedAt: stageKind === 'open' ? null : `2026-1${rand.int(3)}-0${1 + rand.int(8)}T09:00:00.000Z` };
          final.set(id, record);
          await emit({ type: rand.pick(['opportunity.updated', 'opportunity.moved']), tenantId: tenant, resource: 'opportunity', resourceId: id, actor: null, record, at: new Date() });
        } else if (roll < 0.7) {
          const id = rand.pick(live);
          const record = final.get(id)!;
          final.set(id, null);
          await emit({ type: 'opportunity.deleted', tenantId: tenant, resource: 'opportunity', resourceId: id, actor: null, record, at: new Date() });
        } else {
          // Retries: old events again, some of them at the same moment (two processes delivering one event).
          const id = rand.pick(ids);
          const events = history.get(id)!;
          const replays = Array.from({ length: 1 + rand.int(3) }, () => rand.pick(events));
          await Promise.all(replays.map((event) => rollups.onEvent(event)));
        }
      }
      await rollups.settled(tenant);
      const expected: Record<string, number> = {};
      for (const record of final.values()) {
        if (!record) continue;
        for (const [bucket, c] of contributionsOf('opportunity', record, () => [])) {
          const id = `${String(tenant)}|${bucket}`;
          expected[id] = Math.round(((expected[id] ?? 0) + c.value) * 100) / 100;
        }
      }
      for (const id of Object.keys(expected)) if (expected[id] === 0) delete expected[id];
      assert.deepEqual(await snapshot(tenant), expected, `seed ${seed}`);
    }
  });

  it('should turn days, weeks, months, quarters and years at midnight in the agency’s time zone, across daylight saving and the new year', () => {
    const at = (iso: string) => new Date(iso);
    // Berlin leaves summer time on 25 October 2026 (03:00 CEST -> 02:00 CET): 23:30 UTC is already Monday the 26th.
    assert.equal(periodStart('day', at('2026-10-25T22:30:00Z'), 'Europe/Berlin'), '2026-10-25');
    assert.equal(periodStart('day', at('2026-10-25T23:30:00Z'), 'Europe/Berlin'), '2026-10-26');
    assert.equal(periodStart('week', at('2026-10-25T22:59:59Z'), 'Europe/Berlin'), '2026-10-19');
    assert.equal(periodStart('week', at('2026-10-25T23:00:00Z'), 'Europe/Berlin'), '2026-10-26');
    // It enters summer time on 29 March: midnight of Monday the 30th is 22:00 UTC.
    assert.equal(periodStart('week', at('2026-03-29T21:59:59Z'), 'Europe/Berlin'), '2026-03-23');
    assert.equal(periodStart('week', at('2026-03-29T22:00:00Z'), 'Europe/Berlin'), '2026-03-30');
    assert.equal(periodStart('month', at('2026-03-31T22:00:00Z'), 'Europe/Berlin'), '2026-04-01');
    assert.equal(periodStart('month', at('2026-03-31T22:00:00Z')), '2026-03-01', 'UTC without a zone');
    // New year: still 2026 in New York, already 2027 in Auckland, at the same instant.
    const eve = at('2027-01-01T03:00:00Z');
    assert.deepEqual((['day', 'week', 'month', 'quarter', 'year'] as const).map((p) => periodStart(p, eve, 'America/New_York')), ['2026-12-31', '2026-12-28', '2026-12-01', '2026-10-01', '2026-01-01']);
    assert.deepEqual((['day', 'week', 'month', 'quarter', 'year'] as const).map((p) => periodStart(p, eve, 'Pacific/Auckland')), ['2027-01-01', '2026-12-28', '2027-01-01', '2027-01-01', '2027-01-01']);
    assert.deepEqual(periodStarts('week', '2026-12-30', '2027-01-12'), ['2026-12-28', '2027-01-04', '2027-01-11'], 'an ISO week spans the new year');
    // A record counts where the agency's calendar puts it; an expected close date is a calendar date, read as such.
    const deal = { id: 'd1', version: 0, ownerId: 'u1', amount: 100, weightedAmount: 40, stage: 'won', stageKind: 'won', createdAt: '2026-12-31T23:30:00.000Z', closedAt: '2026-12-31T23:30:00.000Z' };
    const buckets = [...contributionsOf('opportunity', deal, () => [], 'Europe/Berlin').keys()];
    assert.ok(buckets.includes('deals.won.amount|year|2027-01-01|all|all') && !buckets.some((b) => b.includes('|year|2026-')), 'half past midnight in Berlin is 2027');
    const open = { ...deal, stage: 'proposal', stageKind: 'open', closedAt: null, expectedCloseDate: '2027-02-01T00:00:00.000Z' };
    assert.ok([...contributionsOf('opportunity', open, () => [], 'America/New_York').keys()].includes('pipeline.weighted|month|2027-02-01|all|all'));
    // The forecast: an open deal's weighted amount by expected close month, in its category (from the stage's probability).
    const categories = (probability: number) => [...contributionsOf('opportunity', { ...open, probability }, () => []).keys()].filter((b) => b.startsWith('pipeline.weighted|month|') && b.includes('|forecast|'));
    assert.deepEqual([categories(95), categories(60), categories(10)], [['pipeline.weighted|month|2027-02-01|forecast|commit'], ['pipeline.weighted|month|2027-02-01|forecast|bestcase'], ['pipeline.weighted|month|2027-02-01|forecast|pipeline']]);
    assert.ok(![...contributionsOf('opportunity', deal, () => []).keys()].some((b) => b.includes('|forecast|')), 'only open deals are forecast');
  });

  it('should count an agency’s records on its own calendar, answer its current period by default, and rebuild when its time zone changes', async () => {
    const far = await makeAgency(rt);
    const farTenant = new Types.ObjectId(far.tenantId);
    const zone = 'Pacific/Kiritimati'; // UTC+14: its day differs from UTC's for 14 hours of every 24
    const changed = await rt.request().patch('/v1/tenant').set(auth(far.adminToken)).send({ timeZone: zone });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const rebuilds = await rt.ctx.connection.collection(JOBS_COLLECTION).find({ name: ROLLUP_REBUILD_JOB, 'data.tenantId': far.tenantId }).toArray();
    assert.equal(rebuilds.length, 1, 'a new time zone moves every bucket, so the agency is rebuilt');
    const ticket = await rt.request().post('/v1/tickets').set(auth(far.adminToken)).send({ subject: 'Late', priority: 'normal' });
    assert.equal(ticket.status, 201, JSON.stringify(ticket.body));
    await waitUntilApplied(rt.ctx.connection, farTenant);
    const day = localDate(new Date(ticket.body.createdAt), zone);
    const stored = await rollupModel(rt.ctx.connection).findOne({ _id: `${far.tenantId}|tickets.opened|day|${day}|all|all`, tenantId: farTenant }).lean();
    assert.equal(stored?.value, 1, `the ticket counts on ${day} in ${zone}`);
    const today = await rt.request().get('/v1/metrics').set(auth(far.adminToken)).query({ metric: 'tickets.opened', period: 'day' });
    assert.equal(today.status, 200, JSON.stringify(today.body));
    assert.equal(today.body.from, localDate(new Date(), zone));
    // (Unless the agency's day turned between the write and the read.)
    if (day === today.body.to) assert.equal(today.body.series[0].points.at(-1).value, 1);
    const quarter = await rt.request().get('/v1/metrics').set(auth(far.adminToken)).query({ metric: 'tickets.opened', period: 'week', since: 'quarter' });
    assert.equal(quarter.body.from, periodStart('quarter', new Date(), zone));
  });

  it('should count a batch once when the applier dies after writing it and the next holder replays it', async () => {
    const tenant = new Types.ObjectId();
    let dies = true;
    const events = new EventBus(() => {});
    const dying = createRollups({ connection: rt.ctx.connection, events, autoApply: false, beforePlanCleared: async () => {
      if (dies) throw new Error('process killed');
    } });
    const record = { id: String(new Types.ObjectId()), version: 2, ownerId: String(new Types.ObjectId()), amount: 900, stage: 'won', stageKind: 'won', createdAt: '2026-03-02T10:00:00.000Z', closedAt: '2026-03-20T10:00:00.000Z' };
    const event: DomainEvent = { type: 'opportunity.moved', tenantId: tenant, resource: 'opportunity', resourceId: record.id, actor: null, record, at: new Date() };
    // The same event delivered twice is queued once (the entry's id is the record's version).
    await dying.onEvent(event);
    await dying.onEvent(event);
    assert.equal(await rollupOutboxModel(rt.ctx.connection).countDocuments({ tenantId: tenant }), 1);
    assert.deepEqual(await snapshot(tenant), {}, 'queued, not yet applied');
    // Every write of the batch is done, then the process dies before it clears its plan.
    await assert.rejects(dying.applier.drainOnce(tenant), /process killed/);
    const left = await rollupApplierModel(rt.ctx.connection).findOne({ _id: String(tenant), tenantId: tenant }).lean();
    assert.ok(left?.plan, 'the plan stays for the next holder');
    // The record was never counted: its contribution is inserted (no upsert's find), and the replay's insert meets it.
    assert.deepEqual((JSON.parse(left.plan as string) as RollupPlan).contributions.map((c) => c.absent), [true]);
    const stored = () => rollupContributionModel(rt.ctx.connection).find({ tenantId: tenant }).lean();
    assert.deepEqual((await stored()).map((c) => [c._id, c.recordVersion]), [[`${String(tenant)}|opportunity|${record.id}`, 2]]);
    const expected: Record<string, number> = {};
    for (const [bucket, c] of contributionsOf('opportunity', record, () => [])) expected[`${String(tenant)}|${bucket}`] = c.value;
    assert.deepEqual(await snapshot(tenant), expected, 'the dead batch wrote its buckets');

    // A restarted process replays the plan (the drain job at start): every bucket refuses it a second time.
    dies = false;
    const restarted = createRollups({ connection: rt.ctx.connection, events, autoApply: false });
    assert.ok((await restarted.applier.drainAll()) >= 1);
    assert.deepEqual(await snapshot(tenant), expected, 'applied twice, counted once');
    assert.deepEqual((await stored()).map((c) => [c._id, c.recordVersion, c.rev]), [[`${String(tenant)}|opportunity|${record.id}`, 2, 1]], 'one contribution, written again whole');
    assert.equal((await rollupApplierModel(rt.ctx.connection).findOne({ _id: String(tenant), tenantId: tenant }).lean())?.plan, null);
    assert.equal(await rollupOutboxModel(rt.ctx.connection).countDocuments({ tenantId: tenant }), 0);
    // The event delivered again after it was applied, and an older version: queued, applied, nothing moves.
    await restarted.onEvent(event);
    await restarted.onEvent({ ...event, record: { ...record, version: 1, amount: 5 } });
    assert.equal(await restarted.applier.drainOnce(tenant), true);
    assert.deepEqual(await snapshot(tenant), expected);
    // A process that died holding the lease blocks the agency only until the lease runs out.
    await dying.applier.acquire(tenant);
    await restarted.onEvent({ ...event, record: { ...record, version: 3, amount: 1000 } });
    assert.equal(await restarted.applier.drainOnce(tenant), false, 'the lease is held');
    await rollupApplierModel(rt.ctx.connection).updateOne({ _id: String(tenant), tenantId: tenant }, { $set: { leaseUntil: new Date(Date.now() - 1) } });
    assert.equal(await restarted.applier.drainOnce(tenant), true);
    assert.equal((await snapshot(tenant))[`${String(tenant)}|deals.won.amount|month|2026-03-01|all|all`], 1000);
  });

  it('should equal a rebuild from the records after random creates, updates, stage moves, deletions and duplicated events through the API', async () => {
    const captured: DomainEvent[] = [];
    const off = rt.ctx.events.subscribe('*', (event) => {
      if (String(event.tenantId) === String(tenantId) && ['opportunity', 'lead', 'activity', 'ticket', 'campaign'].includes(event.resource)) captured.push(event);
    });
    const rep = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const contact = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Ana', lastName: 'Silva' });
    assert.equal(contact.status, 201, JSON.stringify(contact.body));
    const rand = random(19);
    const deals: { id: string; version: number }[] = [];
    const tickets: string[] = [];
    // Campaigns whose cost changes and whose deals are won (campaigns.cost and campaigns.revenue), and leads touched by channel.
    const campaigns: { id: string; version: number }[] = [];
    for (const title of ['Fair', 'Mailing']) {
      const res = await rt.request().post('/v1/campaigns').set(auth(admin)).send({ title, code: `P${new Types.ObjectId().toHexString().slice(-8)}`, type: 'promotion', cost: 100, startAt: '2026-11-02T09:00:00.000Z' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      campaigns.push({ id: res.body.id, version: res.body.version });
    }
    const leads: string[] = [];
    for (let step = 0; step < 40; step += 1) {
      const roll = rand.next();
      if (roll < 0.2 || deals.length === 0) {
        const res = await rt.request().post('/v1/opportunities').set(auth(admin)).send({ name: `Deal ${step}`, amount: 500 * (1 + rand.int(20)), ownerId: rand.next() < 0.5 ? String(rep.id) : undefined, expectedCloseDate: `2026-1${rand.int(3)}-15T00:00:00.000Z`, leadSource: rand.pick(['web', 'referral']), campaignId: rand.next() < 0.4 ? rand.pick(campaigns).id : undefined });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        deals.push({ id: res.body.id, version: res.body.version });
      } else if (roll < 0.4) {
        const deal = rand.pick(deals);
        const stage = rand.pick(['qualification', 'proposal', 'won', 'lost', 'prospecting']);
        const res = await rt.request().post(`/v1/opportunities/${deal.id}/move`).set(auth(admin)).send({ stage, version: deal.version, ...(stage === 'lost' ? { lostReason: rand.pick(['price', 'timing']) } : {}) });
        if (res.status === 200) deal.version = res.body.version;
        else assert.ok([404, 409].includes(res.status), JSON.stringify(res.body));
      } else if (roll < 0.5) {
        const deal = rand.pick(deals);
        const res = await rt.request().patch(`/v1/opportunities/${deal.id}`).set(auth(admin)).send({ amount: 250 * (1 + rand.int(30)), ownerId: rand.next() < 0.5 ? String(rep.id) : undefined });
        if (res.status === 200) deal.version = res.body.version;
      } else if (roll < 0.58) {
        const deal = deals.splice(rand.int(deals.length), 1)[0]!;
        assert.equal((await rt.request().delete(`/v1/opportunities/${deal.id}`).set(auth(admin))).status, 204);
      } else if (roll < 0.68) {
        const res = await rt.request().post('/v1/leads').set(auth(admin)).send({ firstName: 'Lead', lastName: String(step), source: rand.pick(['linkedin', 'web']) });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        leads.push(res.body.id);
      } else if (roll < 0.78) {
        const subject = leads.length && rand.next() < 0.6 ? { type: 'lead', id: rand.pick(leads) } : { type: 'contact', id: contact.body.id };
        const res = await rt.request().post('/v1/activities').set(auth(admin)).send({ type: rand.pick(['call', 'email', 'meeting', 'note']), title: `Touch ${step}`, subject, direction: rand.pick(['inbound', 'outbound']), tags: rand.next() < 0.5 ? ['linkedin'] : [] });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        if (rand.next() < 0.3) {
          const campaign = rand.pick(campaigns);
          const patched = await rt.request().patch(`/v1/campaigns/${campaign.id}`).set(auth(admin)).send({ cost: 50 * (1 + rand.int(10)) });
          assert.equal(patched.status, 200, JSON.stringify(patched.body));
          campaign.version = patched.body.version;
        }
      } else if (roll < 0.86) {
        const res = await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: `Case ${step}`, priority: 'normal' });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        tickets.push(res.body.id);
      } else if (roll < 0.9 && tickets.length) {
        const id = rand.pick(tickets);
        for (const to of ['open', 'resolved']) await rt.request().post(`/v1/tickets/${id}/transitions`).set(auth(admin)).send({ to });
      } else if (captured.length) {
        // A retried delivery of an earlier event (the bus, or a second process, handing it over again).
        await rt.ctx.events.publish(rand.pick(captured));
      }
    }
    // At least one touch of a lead by us, whatever the sequence drew.
    const touched = await rt.request().post('/v1/leads').set(auth(admin)).send({ firstName: 'Touched', lastName: 'Lead' });
    assert.equal(touched.status, 201, JSON.stringify(touched.body));
    assert.equal((await rt.request().post('/v1/activities').set(auth(admin)).send({ type: 'email', title: 'Hello', subject: { type: 'lead', id: touched.body.id }, direction: 'outbound' })).status, 201);
    off();
    // An import of leads writes them without events: its end schedules the rebuild job for the agency, once.
    for (let i = 0; i < 2; i += 1) await rt.ctx.events.publish({ type: 'import.completed', tenantId, resource: 'import', resourceId: String(new Types.ObjectId()), actor: null, data: { kind: 'lead' } });
    const rebuilds = await rt.ctx.connection.collection(JOBS_COLLECTION).find({ name: ROLLUP_REBUILD_JOB, 'data.tenantId': String(tenantId) }).toArray();
    assert.equal(rebuilds.length, 1);
    await waitUntilApplied(rt.ctx.connection, tenantId);
    const incremental = await snapshot(tenantId);
    assert.ok(Object.keys(incremental).some((id) => id.includes('|deals.created|')), 'the writes were counted');
    for (const metric of ['|deals.lost|', '|leads.contacted|', '|campaigns.cost|']) assert.ok(Object.keys(incremental).some((id) => id.includes(metric)), `${metric} was counted`);
    await createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}) }).rebuild(tenantId);
    assert.deepEqual(await snapshot(tenantId), incremental);
  });

  it('should answer a sales person only their own figures and a team lead the team’s, and refuse splits they cannot see', async () => {
    // Phone sales roles outside a department, so their deals need no product.
    const lead = await makeUser(rt, agency, { role: 'STM', name: 'Tom Lead', departmentKey: '' });
    const member = await makeUser(rt, agency, { role: 'SE', name: 'Eve Member', departmentKey: '' });
    // A seller of another chain: not in the team and not below the lead in the role tree.
    const outsider = await makeUser(rt, agency, { role: 'SALES_PERSON', name: 'Olga Outsider' });
    const made = await rt.request().post('/v1/org/teams').set(auth(admin)).send({ name: 'Phone Team', memberIds: [String(member.id)], leadId: String(lead.id) });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const team = { _id: made.body.id as string };
    const [memberToken, leadToken, outsiderToken] = await Promise.all([signIn(rt, member.email), signIn(rt, lead.email), signIn(rt, outsider.email)]);
    const day = new Date().toISOString().slice(0, 10);
    const win = async (token: string, amount: number) => {
      const deal = await rt.request().post('/v1/opportunities').set(auth(token)).send({ name: 'Won deal', amount });
      assert.equal(deal.status, 201, JSON.stringify(deal.body));
      const moved = await rt.request().post(`/v1/opportunities/${deal.body.id}/move`).set(auth(token)).send({ stage: 'won', version: deal.body.version });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
    };
    await win(memberToken, 1000);
    await win(outsiderToken, 7000);
    await win(leadToken, 300);
    await waitUntilApplied(rt.ctx.connection, tenantId);
    const query = (token: string, extra: Record<string, string>) => rt.request().get('/v1/metrics').set(auth(token)).query({ metric: 'deals.won.amount', period: 'month', from: day, to: day, ...extra });
    const mine = await query(memberToken, { dimension: 'all' });
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.deepEqual(mine.body.series.map((s: { key: string; points: { value: number }[] }) => [s.key, s.points[0]!.value]), [['all', 1000]]);
    const byOwner = await query(memberToken, { dimension: 'owner' });
    assert.deepEqual(byOwner.body.series.map((s: { label: string }) => s.label), ['Eve Member']);
    assert.equal((await query(memberToken, { dimension: 'owner', key: String(outsider.id) })).status, 404);
    assert.equal((await query(memberToken, { dimension: 'stage' })).status, 403);
    const teamTotal = await query(leadToken, { dimension: 'all' });
    assert.equal(teamTotal.body.series[0].points[0].value, 1300, 'the lead and the member, not the outsider');
    const teams = await query(leadToken, { dimension: 'team' });
    assert.deepEqual(teams.body.series.map((s: { key: string; label: string; points: { value: number }[] }) => [s.key, s.label, s.points[0]!.value]), [[String(team._id), 'Phone Team', 1300]]);
    // The forecast by close month: open deals' weighted amounts by category, from this month on (the head sees it; a member may not split by it).
    const open = await rt.request().post('/v1/opportunities').set(auth(admin)).send({ name: 'Forecast deal', amount: 10_000, expectedCloseDate: new Date(Date.now() + 40 * 86_400_000).toISOString() });
    assert.equal(open.status, 201, JSON.stringify(open.body));
    assert.ok(open.body.weightedAmount > 0, 'the first stage weighs something');
    await waitUntilApplied(rt.ctx.connection, tenantId);
    const ahead = new Date(Date.now() + 120 * 86_400_000).toISOString().slice(0, 10);
    const forecast = await rt.request().get('/v1/metrics').set(auth(admin)).query({ metric: 'pipeline.weighted', period: 'month', dimension: 'forecast', to: ahead });
    assert.equal(forecast.status, 200, JSON.stringify(forecast.body));
    const category = open.body.probability >= 90 ? 'Commit' : open.body.probability >= 50 ? 'Best case' : 'Pipeline';
    const series = forecast.body.series.find((s: { label: string }) => s.label === category);
    assert.ok(series?.points.some((p: { value: number }) => p.value >= open.body.weightedAmount), JSON.stringify(forecast.body));
    assert.equal((await query(memberToken, { metric: 'pipeline.weighted', dimension: 'forecast' })).status, 403);
    const everyone = await query(admin, { dimension: 'owner' });
    assert.ok(everyone.body.series.some((s: { key: string }) => s.key === String(outsider.id)), 'the admin sees every owner');
    const injected = await rt.request().get('/v1/metrics').set(auth(admin)).query({ metric: 'deals.won.amount', period: 'month', from: day, to: day, 'key[$ne]': 'x' });
    assert.equal(injected.status, 400);
    const tooLong = await query(admin, { period: 'day', from: '2020-01-01', to: '2026-12-31' } as never);
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.errors[0].field, 'to');

    // One request for several widgets: the same answers as the single requests, within the same visibility.
    const batch = (token: string, queries: unknown[]) => rt.request().post('/v1/metrics/batch').set(auth(token)).send({ queries });
    const asked = { metric: 'deals.won.amount', period: 'month', from: day, to: day };
    const together = await batch(memberToken, [
      { kind: 'metric', ...asked, dimension: 'all' },
      { kind: 'metric', ...asked, dimension: 'owner' },
      { kind: 'metric', ...asked, dimension: 'stage' },
      { kind: 'attainment', metric: 'deals.won.amount', period: 'month' },
      { kind: 'metric', ...asked, dimension: 'owner', key: String(outsider.id) },
    ]);
    assert.equal(together.status, 200, JSON.stringify(together.body));
    assert.deepEqual(together.body.results.map((r: { kind: string }) => r.kind), ['metric', 'metric', 'problem', 'attainment', 'problem']);
    assert.deepEqual(together.body.results[0].metric, mine.body, 'equal to GET /v1/metrics');
    assert.deepEqual(together.body.results[1].metric, byOwner.body);
    assert.equal(together.body.results[2].problem.status, 403);
    const ownAttainment = await rt.request().get('/v1/targets/attainment').set(auth(memberToken)).query({ metric: 'deals.won.amount', period: 'month' });
    assert.deepEqual(together.body.results[3].attainment, ownAttainment.body, 'equal to GET /v1/targets/attainment');
    assert.equal(together.body.results[4].problem.status, 404, 'another seller’s key is not the member’s');
    const leadTogether = await batch(leadToken, [{ kind: 'metric', ...asked, dimension: 'all' }]);
    assert.deepEqual(leadTogether.body.results[0].metric, teamTotal.body);
    const bad = await batch(memberToken, [{ kind: 'metric', ...asked }, { kind: 'metric', ...asked }, { kind: 'metric', ...asked }, { kind: 'metric', ...asked, metric: 'deals.nope' }]);
    assert.equal(bad.status, 400);
    assert.equal(bad.headers['content-type']?.split(';')[0], 'application/problem+json');
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field), ['queries.3.metric']);
    assert.equal(bad.body.results, undefined, 'nothing else is answered');
    const badSpan = await batch(memberToken, [{ kind: 'metric', ...asked }, { kind: 'metric', ...asked, period: 'day', from: '2020-01-01', to: '2026-12-31' }]);
    assert.equal(badSpan.status, 400);
    assert.equal(badSpan.body.errors[0].field, 'queries.1.to');
    assert.equal((await batch(memberToken, [{ kind: 'sum', ...asked }])).body.errors[0].field, 'queries.0.kind');
    assert.equal((await batch(memberToken, [{ kind: 'metric', ...asked, 'key': { $ne: 'x' } }])).status, 400);
    assert.equal((await batch(memberToken, [])).status, 400);
    const fifty = await batch(memberToken, Array.from({ length: 50 }, () => ({ kind: 'metric', ...asked })));
    assert.equal(fifty.status, 200);
    assert.equal(fifty.body.results.length, 50);
    const tooMany = await batch(memberToken, Array.from({ length: 51 }, () => ({ kind: 'metric', ...asked })));
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.errors[0].field, 'queries');

    // Targets: the lead sets the member's; nobody sets their own; attainment and team share follow the roll-ups.
    const month = periodStart('month', new Date());
    const body = { metric: 'deals.won.amount', period: 'month', periodStart: month, dimension: 'owner', key: String(member.id), value: 4000 };
    assert.equal((await rt.request().post('/v1/targets').set(auth(memberToken)).send(body)).status, 403);
    assert.equal((await rt.request().post('/v1/targets').set(auth(outsiderToken)).send(body)).status, 403);
    const set = await rt.request().post('/v1/targets').set(auth(leadToken)).send(body);
    assert.equal(set.status, 201, JSON.stringify(set.body));
    assert.equal((await rt.request().post('/v1/targets').set(auth(leadToken)).send(body)).status, 409);
    const wrongStart = await rt.request().post('/v1/targets').set(auth(leadToken)).send({ ...body, periodStart: `${month.slice(0, 8)}15` });
    assert.equal(wrongStart.body.errors?.[0]?.field, 'periodStart');
    const attainment = await rt.request().get('/v1/targets/attainment').set(auth(memberToken)).query({ metric: 'deals.won.amount', period: 'month', periodStart: month, dimension: 'owner', key: String(member.id) });
    assert.deepEqual(attainment.body, { periodStart: month, target: 4000, actual: 1000, attainment: 0.25, teamShare: Math.round((1000 / 1300) * 10_000) / 10_000 });
    // No period start: the current period, as the API's calendar has it (the element sends none).
    const ownAll = await rt.request().get('/v1/targets/attainment').set(auth(leadToken)).query({ metric: 'deals.won.amount', period: 'month' });
    assert.deepEqual(ownAll.body, { periodStart: month, target: null, actual: 1300, attainment: null, teamShare: null }, 'a lead’s `all` is what the lead sees');
    assert.equal((await rt.request().get('/v1/targets/attainment').set(auth(outsiderToken)).query({ metric: 'deals.won.amount', period: 'month', periodStart: month, dimension: 'owner', key: String(member.id) })).status, 404);
    assert.deepEqual((await rt.request().get('/v1/targets').set(auth(outsiderToken))).body.data, []);
    assert.equal((await rt.request().get('/v1/targets').set(auth(memberToken))).body.data.length, 1);
    const raised = await rt.request().patch(`/v1/targets/${set.body.id}`).set(auth(leadToken)).set('If-Match', `"${set.body.version}"`).send({ value: 2000 });
    assert.equal(raised.status, 200, JSON.stringify(raised.body));
    assert.equal((await rt.request().patch(`/v1/targets/${set.body.id}`).set(auth(leadToken)).set('If-Match', `"${set.body.version}"`).send({ value: 1 })).status, 412);
    assert.equal((await rt.request().delete(`/v1/targets/${set.body.id}`).set(auth(memberToken))).status, 403);
    assert.equal((await rt.request().delete(`/v1/targets/${set.body.id}`).set(auth(leadToken))).status, 204);
  });

  it('should give each role its seeded dashboard, let people keep their own, and keep both to who may see or change them', async () => {
    const rep = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const other = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const [repToken, otherToken] = await Promise.all([signIn(rt, rep.email), signIn(rt, other.email)]);
    const [first, second] = await Promise.all([rt.request().get('/v1/dashboards').set(auth(repToken)), rt.request().get('/v1/dashboards').set(auth(otherToken))]);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.data.length, 1);
    const seeded = first.body.data[0];
    assert.equal(seeded.role, 'SALES_PERSON');
    assert.equal(seeded.editable, false);
    assert.equal(second.body.data[0].id, seeded.id, 'one default per role, however many open it at once');
    assert.equal(await dashboardModel(rt.ctx.connection).countDocuments({ tenantId, role: 'SALES_PERSON' }), 1);
    assert.ok(seeded.widgets.every((w: { dimension: string }) => ['owner', 'all'].includes(w.dimension)), 'a seller’s widgets ask only for what they may see');
    assert.equal((await rt.request().put(`/v1/dashboards/${seeded.id}`).set(auth(repToken)).send({ name: 'Mine now', widgets: [] })).status, 403);

    const made = await rt.request().post('/v1/dashboards').set(auth(repToken)).send({ name: 'My week', widgets: seeded.widgets.slice(0, 2) });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.owner, String(rep.id));
    assert.equal((await rt.request().get(`/v1/dashboards/${made.body.id}`).set(auth(otherToken))).status, 404);
    const foreign = await makeAgency(rt);
    assert.equal((await rt.request().get(`/v1/dashboards/${made.body.id}`).set(auth(foreign.adminToken))).status, 404);
    const clash = await rt.request().put(`/v1/dashboards/${made.body.id}`).set(auth(repToken)).send({ name: 'x', widgets: [seeded.widgets[0], seeded.widgets[0]] });
    assert.equal(clash.status, 400);
    assert.equal(clash.body.errors[0].field, 'widgets.1.id');
    const moved = await rt.request().put(`/v1/dashboards/${made.body.id}`).set(auth(repToken)).set('If-Match', `"${made.body.version}"`).send({ name: 'My week', widgets: [{ ...seeded.widgets[0], x: 8, w: 4 }] });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.widgets[0].x, 8);
    assert.equal((await rt.request().put(`/v1/dashboards/${made.body.id}`).set(auth(repToken)).set('If-Match', `"${made.body.version}"`).send({ name: 'stale', widgets: [] })).status, 412);
    assert.deepEqual((await rt.request().get('/v1/dashboards').set(auth(repToken))).body.data.map((d: { name: string }) => d.name), ['My week', seeded.name]);
    assert.equal((await rt.request().post('/v1/dashboards').set(auth(repToken)).send({ name: 'For everyone', role: 'SALES_PERSON', widgets: [] })).status, 403);
    assert.equal((await rt.request().delete(`/v1/dashboards/${made.body.id}`).set(auth(otherToken))).status, 404);
    assert.equal((await rt.request().delete(`/v1/dashboards/${made.body.id}`).set(auth(repToken))).status, 204);
    const adminList = await rt.request().get('/v1/dashboards').set(auth(admin));
    assert.ok(adminList.body.data.some((d: { role: string; editable: boolean }) => d.role === 'SALES_PERSON' && d.editable), 'an admin manages every role’s default');
  });

  it('should tell the agency’s sockets that may read the record type which metric moved, and nobody else', async () => {
    const http = await listen(rt);
    try {
      const seller = await makeUser(rt, agency, { role: 'SALES_PERSON' });
      const foreign = await makeAgency(rt);
      const [adminSocket, sellerSocket, foreignSocket] = await Promise.all([client(http.url, admin), client(http.url, await signIn(rt, seller.email)), client(http.url, foreign.adminToken)]);
      const heard = (socket: Awaited<ReturnType<typeof client>>) => {
        const got: { metric: string; period: string; periodStart: string }[] = [];
        socket.socket.on('metric.changed', (m: { metric: string; period: string; periodStart: string }) => got.push(m));
        return got;
      };
      const [adminHeard, sellerHeard, foreignHeard] = [heard(adminSocket), heard(sellerSocket), heard(foreignSocket)];
      const ticket = await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: 'Live', priority: 'normal' });
      assert.equal(ticket.status, 201);
      const lead = await rt.request().post('/v1/leads').set(auth(admin)).send({ firstName: 'Live', lastName: 'Lead' });
      assert.equal(lead.status, 201);
      const deadline = Date.now() + 15_000;
      while (!(adminHeard.some((m) => m.metric === 'leads.created') && sellerHeard.some((m) => m.metric === 'leads.created')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      assert.ok(adminHeard.some((m) => m.metric === 'tickets.opened' && m.period === 'month' && m.periodStart === periodStart('month', new Date())));
      assert.ok(sellerHeard.some((m) => m.metric === 'leads.created'), 'a seller reads leads');
      assert.ok(!sellerHeard.some((m) => m.metric === 'tickets.opened'), 'a seller does not read tickets');
      assert.deepEqual(foreignHeard, []);
      for (const s of [adminSocket, sellerSocket, foreignSocket]) s.socket.disconnect();
    } finally {
      await http.close();
    }
  });
});
