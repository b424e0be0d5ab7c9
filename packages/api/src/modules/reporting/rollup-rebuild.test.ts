import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser } from '../../testing/index.js';
import { commandsDuring, connectionCommandEvents } from '../../testing/commands.js';
import { EventBus } from '../../platform/events.js';
import { BULK_UPDATE_LIMIT } from '../../platform/db/bulk-writes.js';
import { activityModel } from '../activities/activity.model.js';
import { toActivityDto } from '../activities/activities.service.js';
import { opportunityModel } from '../opportunities/opportunity.model.js';
import { toOpportunityDto } from '../opportunities/opportunities.service.js';
import { servesIdsInOneRead } from '../../platform/records/records-by-id.js';
import { contributionEntries, packEntries, rollupApplierModel, rollupContributionModel, rollupModel, rollupOutboxModel, unpackEntries, type RollupPlan } from './reporting.model.js';
import { contributionsOf, countedPart } from './metrics.js';
import type { DomainEvent } from '../../platform/events.js';
import { createRollups } from './rollups.service.js';
import { claimModel } from '../../platform/db/claim-once.js';
import { LEASE_MS, leaseClaimKey } from './rollup-applier.js';

describe('reporting: contribution entries packed into one string', () => {
  it('should give back every entry exactly, whatever its bucket id holds', () => {
    const entries = [
      { b: 'deals.created|month|2026-12-01|all|all', v: 1 },
      { b: 'deals.created|month|2026-12-01|owner|64b7f0c2a1b2c3d4e5f60718', v: 1 },
      { b: 'deals.lost|day|2026-12-03|lostReason|zu teuer = "price" | Preis', v: -2.5 },
      { b: 'deals.lost|day|2026-12-03|lostReason|zu teuer = "price" | Preis', v: 0.1 + 0.2 },
      { b: 'leads.created|year|2026-01-01|source|\u{1F600}a\n[1,2]', v: 12345678.91 },
      { b: 'leads.created|year|2026-01-01|source|\u{1F601}b', v: Number.POSITIVE_INFINITY },
      { b: '', v: 0 },
    ];
    assert.deepEqual(unpackEntries(packEntries(entries)), entries);
    assert.deepEqual(unpackEntries(packEntries([])), []);
    assert.deepEqual(unpackEntries(''), [], 'a tombstone');
    // The shared prefixes are written once: the second id costs its owner key, not its metric and period again.
    assert.deepEqual(JSON.parse(packEntries(entries.slice(0, 2))), [0, 'deals.created|month|2026-12-01|all|all', 1, 31, 'owner|64b7f0c2a1b2c3d4e5f60718', 1]);
    assert.deepEqual(contributionEntries({ entries: entries.slice(0, 2) }), entries.slice(0, 2), 'the earlier form');
    assert.deepEqual(contributionEntries({ packed: packEntries(entries.slice(0, 2)), entries: [] }), entries.slice(0, 2));
  });
});

const DEALS = 24;
const ACTIVITIES = 24;
const RECORDS = DEALS + ACTIVITIES;

/**
 * The rebuild writes in batches (rollups.service.ts `writeWhole`): what it leaves must be what the
 * applier leaves after applying the same records one by one, in a number of commands that does not grow
 * with the records one for one.
 */
describe('reporting: the batched roll-up rebuild', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let tenantId: Types.ObjectId;
  let rollups: ReturnType<typeof createRollups>;
  const dealIds: Types.ObjectId[] = [];

  /** Every non-zero bucket of the agency, by id. */
  const buckets = async () => {
    const out: Record<string, number> = {};
    for (const r of await rollupModel(rt.ctx.connection).find({ tenantId }).lean()) if (Math.round(r.value * 100) !== 0) out[r._id] = Math.round(r.value * 100) / 100;
    return out;
  };
  /** Every contribution of the agency: what each record adds (entries in bucket order), its version, and whether it is a tombstone. */
  const contributions = async () => {
    const out: Record<string, { deleted: boolean; recordVersion: number; entries: string[] }> = {};
    for (const c of await rollupContributionModel(rt.ctx.connection).find({ tenantId }).lean()) {
      out[c._id] = { deleted: Boolean(c.deleted), recordVersion: c.recordVersion, entries: contributionEntries(c).map((e) => `${e.b}=${e.v}`).sort() };
    }
    return out;
  };
  /** The writes the rebuild sends, per command and collection (`update rollups: 2`). */
  const writesOf = async (run: () => Promise<unknown>) => {
    const out: Record<string, number> = {};
    const all = await commandsDuring(rt, run);
    for (const [name, collection] of all) if (['insert', 'update', 'delete'].includes(name) && ['rollups', 'rollup_contributions'].includes(collection)) out[`${name} ${collection}`] = (out[`${name} ${collection}`] ?? 0) + 1;
    return { writes: out, total: all.length };
  };
  const rebuild = () => rollups.rebuild(tenantId);

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    const agency = await makeAgency(rt);
    tenantId = new Types.ObjectId(agency.tenantId);
    const rep = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const owners = [new Types.ObjectId(String(rep.id)), new Types.ObjectId()];
    const pipelineId = new Types.ObjectId();
    const stages = [
      { key: 'prospecting', kind: 'open', probability: 10 },
      { key: 'proposal', kind: 'open', probability: 60 },
      { key: 'won', kind: 'won', probability: 100 },
      { key: 'lost', kind: 'lost', probability: 0 },
    ] as const;
    // Written straight into the collections (as an import or a seed does): no events, so only the rebuild or the queue below counts them.
    const deals = Array.from({ length: DEALS }, (_, i) => {
      const stage = stages[i % stages.length]!;
      const at = new Date(Date.UTC(2026, i % 12, 1 + (i % 27), 10));
      const amount = 1000 + 250 * i;
      return {
        _id: new Types.ObjectId(), tenantId, name: `Deal ${i}`, amount, currency: 'EUR', probability: stage.probability, weightedAmount: (amount * stage.probability) / 100,
        pipelineId, stage: stage.key, stageKind: stage.kind, rank: i, expectedCloseDate: new Date(at.getTime() + 20 * 86_400_000), ownerId: owners[i % 2],
        outcome: stage.kind === 'won' ? 'won' : stage.kind === 'lost' ? 'lost' : null, lostReason: stage.kind === 'lost' ? 'price' : null, closedAt: stage.kind === 'open' ? null : at,
        leadSource: i % 3 ? 'web' : 'referral', version: 0, createdAt: at, updatedAt: at,
      };
    });
    const subject = new Types.ObjectId();
    const activities = Array.from({ length: ACTIVITIES }, (_, i) => {
      const at = new Date(Date.UTC(2026, (i * 5) % 12, 2 + (i % 25), 9));
      return { _id: new Types.ObjectId(), tenantId, type: (['email', 'call', 'meeting', 'note'] as const)[i % 4], title: `Touch ${i}`, subject: { type: 'contact', id: subject }, subjectType: 'contact', subjectId: subject, occurredAt: at, durationMinutes: i % 4 === 1 ? 5 + i : undefined, outcome: i % 8 === 1 ? 'answered' : undefined, ownerId: owners[i % 2], version: 0, createdAt: at, updatedAt: at };
    });
    await opportunityModel(rt.ctx.connection).collection.insertMany(deals as never[]);
    await activityModel(rt.ctx.connection).collection.insertMany(activities as never[]);
    dealIds.push(...deals.map((d) => d._id));
    // The per-record result: each record queued as its event would queue it and applied by the applier.
    rollups = createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}), autoApply: false });
    for (const doc of await opportunityModel(rt.ctx.connection).find({ tenantId }).lean()) await rollups.onEvent({ type: 'opportunity.created', tenantId, resource: 'opportunity', resourceId: String(doc._id), actor: null, record: toOpportunityDto(doc as never), at: new Date() });
    for (const doc of await activityModel(rt.ctx.connection).find({ tenantId }).lean()) await rollups.onEvent({ type: 'activity.created', tenantId, resource: 'activity', resourceId: String(doc._id), actor: null, record: toActivityDto(doc as never), at: new Date() });
    assert.equal(await rollups.applier.drainOnce(tenantId), true);
  });
  after(() => rt.close());

  it('should leave what the applier left record by record, writing only what changed, 16 replaces a command', async () => {
    const perRecord = await buckets();
    const perRecordContributions = await contributions();
    assert.equal(Object.keys(perRecordContributions).length, RECORDS);
    assert.ok(Object.keys(perRecord).some((id) => id.includes('|deals.won.amount|month|')) && Object.keys(perRecord).some((id) => id.includes('|calls.minutes|')), 'deals and calls were counted');

    // Everything is there already: every contribution is replaced (16 to a command), no bucket changes.
    const again = await writesOf(rebuild);
    assert.deepEqual(again.writes, { 'update rollup_contributions': Math.ceil(RECORDS / BULK_UPDATE_LIMIT) });
    assert.deepEqual(await buckets(), perRecord);
    assert.deepEqual(await contributions(), perRecordContributions);

    // A fresh agency (a seed, an import): one insert for the contributions, one for the buckets.
    await rollupContributionModel(rt.ctx.connection).deleteMany({ tenantId });
    await rollupModel(rt.ctx.connection).deleteMany({ tenantId });
    const fresh = await writesOf(rebuild);
    assert.deepEqual(fresh.writes, { 'insert rollup_contributions': 1, 'insert rollups': 1 });
    assert.ok(fresh.total < RECORDS, `${fresh.total} commands for ${RECORDS} records`);
    assert.deepEqual(await buckets(), perRecord);
    assert.deepEqual(await contributions(), perRecordContributions);
  });

  it('should drop what a record gone without an event added, repair a bucket that drifted and delete one nothing adds to', async () => {
    const before = await buckets();
    const goneId = `${String(tenantId)}|opportunity|${String(dealIds[2])}`;
    const gone = (await contributions())[goneId]!;
    assert.ok(gone.entries.some((e) => e.startsWith('deals.won|')), 'the deal removed was won');
    await opportunityModel(rt.ctx.connection).collection.deleteOne({ _id: dealIds[2], tenantId });
    // What the applier's records say without that deal: every bucket less its share.
    const expected = { ...before };
    for (const entry of gone.entries) {
      const [bucket, value] = [entry.slice(0, entry.lastIndexOf('=')), Number(entry.slice(entry.lastIndexOf('=') + 1))];
      const id = `${String(tenantId)}|${bucket}`;
      expected[id] = Math.round(((expected[id] ?? 0) - value) * 100) / 100;
      if (expected[id] === 0) delete expected[id];
    }
    const Rollups = rollupModel(rt.ctx.connection);
    const drifted = Object.keys(before).find((id) => id.includes('|activities.emails|year|'))!;
    await Rollups.updateOne({ _id: drifted, tenantId }, { $inc: { value: 7 } });
    const strayId = `${String(tenantId)}|deals.created|day|2020-01-01|all|all`;
    await Rollups.collection.insertOne({ _id: strayId, tenantId, metric: 'deals.created', period: 'day', periodStart: '2020-01-01', dimension: 'all', key: 'all', year: 2020, line: 'x', slice: 'x', value: 3, seq: 0 } as never);

    const changedBuckets = Object.keys(expected).filter((id) => expected[id] !== before[id]).length + 1;
    const removedBuckets = Object.keys(before).filter((id) => !(id in expected)).length + 1;
    const run = await writesOf(rebuild);
    assert.deepEqual(run.writes, {
      'update rollup_contributions': Math.ceil((RECORDS - 1) / BULK_UPDATE_LIMIT) + 1,
      'update rollups': Math.ceil(changedBuckets / BULK_UPDATE_LIMIT),
      'delete rollups': Math.ceil(removedBuckets / BULK_UPDATE_LIMIT),
    });
    assert.deepEqual(await buckets(), expected);
    const after = await contributions();
    assert.deepEqual(after[goneId], { deleted: true, recordVersion: Number.MAX_SAFE_INTEGER, entries: [] }, 'a late event of the deleted deal changes nothing');
    assert.equal(Object.values(after).filter((c) => !c.deleted).length, RECORDS - 1);
  });

  it('should clear a backlog from the queue by `_id` on FerretDB, never by a `$in` matched over the whole queue, and what is left after it by one `$in`', async () => {
    // Queued again as later versions of each deal would be (nothing changes in the buckets): ten versions of
    // 23 deals, 230 entries, more than one batch (200) takes, then drained.
    const before = await buckets();
    const deals = await opportunityModel(rt.ctx.connection).find({ tenantId }).lean();
    assert.ok(deals.length > BULK_UPDATE_LIMIT && deals.length * 10 > 200 && deals.length * 10 < 400, 'a full batch, then a short one');
    for (let version = 1; version <= 10; version += 1) {
      for (const doc of deals) await rollups.onEvent({ type: 'opportunity.updated', tenantId, resource: 'opportunity', resourceId: String(doc._id), actor: null, record: toOpportunityDto({ ...doc, version } as never), at: new Date() });
    }
    assert.equal(await rollupOutboxModel(rt.ctx.connection).countDocuments({ tenantId }), deals.length * 10);
    const events = await connectionCommandEvents(rt.ctx.connection, () => rollups.applier.drainOnce(tenantId));
    const deleteCommands = events.filter((e) => e.commandName === 'delete' && e.command.delete === 'rollup_outbox');
    const deletes = deleteCommands.flatMap((e) => e.command.deletes as { q: Record<string, unknown>; limit: number }[]);
    assert.equal(await rollupOutboxModel(rt.ctx.connection).countDocuments({ tenantId }), 0, 'the queue is empty');
    const byIn = deletes.filter((d) => typeof d.q._id === 'object' && d.q._id !== null && '$in' in d.q._id);
    if (await servesIdsInOneRead(rt.ctx.connection)) assert.deepEqual([deletes.length, byIn.length], [2, 2], 'MongoDB: one delete by $in a batch');
    else {
      // The full batch: one statement per entry, 16 to a command (the queue behind it may be long).
      const byId = deletes.filter((d) => typeof d.q._id === 'string' && d.limit === 1);
      assert.equal(byId.length, 200, 'one statement per entry of the full batch');
      assert.equal(deleteCommands.length, Math.ceil(200 / BULK_UPDATE_LIMIT) + 1, '16 to a command, then one');
      // The short batch took everything queued: one `$in` of its ids.
      assert.equal(byIn.length, 1);
      assert.equal((byIn[0]!.q._id as { $in: string[] }).$in.length, deals.length * 10 - 200);
    }
    assert.deepEqual(await buckets(), before);
    // The contributions back at the records' own versions, for the tests after this one.
    await rebuild();
    assert.deepEqual(await buckets(), before);
  });

  it('should apply contributions, queue entries and a plan stored in the earlier forms, and the rebuild rewrites them packed', async () => {
    const Contributions = rollupContributionModel(rt.ctx.connection);
    const Deals = opportunityModel(rt.ctx.connection);
    const contributionId = (deal: Types.ObjectId) => `${String(tenantId)}|opportunity|${String(deal)}`;
    /** A contribution as it was stored before the packed form: `entries` as an array of `{ b, v }`. */
    const unpack = async (deal: Types.ObjectId) => {
      const doc = (await Contributions.collection.findOne({ _id: contributionId(deal) as never, tenantId }))!;
      await Contributions.collection.updateOne({ _id: contributionId(deal) as never, tenantId }, { $set: { entries: contributionEntries(doc as never) }, $unset: { packed: '' } });
    };
    const raw = (deal: Types.ObjectId) => Contributions.collection.findOne({ _id: contributionId(deal) as never, tenantId });
    /** A new amount on the deal's record (as a write would leave it), answered as its event carries it. */
    const changeAmount = async (deal: Types.ObjectId, amount: number) => {
      const doc = (await Deals.findOneAndUpdate({ _id: deal, tenantId }, { $set: { amount, weightedAmount: amount / 2 }, $inc: { version: 5 } }, { returnDocument: 'after' }).lean())!;
      return toOpportunityDto(doc as never);
    };
    const [a, b, c] = [dealIds[0]!, dealIds[1]!, dealIds[4]!];
    await Promise.all([unpack(a), unpack(b), unpack(c)]);
    assert.ok(Array.isArray((await raw(a))?.entries) && (await raw(a))?.packed === undefined, 'stored in the earlier form');

    // Deal a: applied by a process that dies before clearing its plan; the plan is put back in its earlier form (an object, entries unpacked).
    const dying = createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}), autoApply: false, beforePlanCleared: async () => {
      throw new Error('process killed');
    } });
    const dtoA = await changeAmount(a, 77_000);
    await dying.onEvent({ type: 'opportunity.updated', tenantId, resource: 'opportunity', resourceId: String(a), actor: null, record: dtoA, at: new Date() });
    await assert.rejects(dying.applier.drainOnce(tenantId), /process killed/);
    const Appliers = rollupApplierModel(rt.ctx.connection);
    const left = (await Appliers.findOne({ _id: String(tenantId), tenantId }).lean())!;
    assert.equal(typeof left.plan, 'string', 'a plan is written as one string');
    const plan = JSON.parse(left.plan as string) as RollupPlan;
    const earlierPlan = { ...plan, contributions: plan.contributions.map(({ packed, ...rest }) => ({ ...rest, entries: unpackEntries(packed!) })) };
    await Appliers.collection.updateOne({ _id: String(tenantId) as never, tenantId }, { $set: { plan: earlierPlan } });
    // The dead batch wrote a's contribution packed; put back in the earlier form, the plan's replay writes it whole again.
    await unpack(a);

    // Deal b: queued in the earlier form (the record as an object), against its contribution in the earlier form.
    const dtoB = await changeAmount(b, 55_000);
    await rollupOutboxModel(rt.ctx.connection).collection.insertOne({ _id: `${String(tenantId)}|opportunity|${String(b)}|${dtoB.version}`, tenantId, resource: 'opportunity', recordId: String(b), recordVersion: Number(dtoB.version), deleted: false, record: countedPart(dtoB), queuedAt: new Date() } as never);

    const restarted = createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}), autoApply: false });
    assert.equal(await restarted.applier.drainOnce(tenantId), true);
    assert.equal(await rollupOutboxModel(rt.ctx.connection).countDocuments({ tenantId }), 0);
    for (const deal of [a, b]) {
      const doc = (await raw(deal))!;
      assert.equal(typeof doc.packed, 'string', 'rewritten packed');
      assert.equal(doc.entries, undefined);
    }
    const applied = await buckets();
    const entriesOf = (all: Awaited<ReturnType<typeof contributions>>) => Object.fromEntries(Object.entries(all).map(([id, c]) => [id, c.entries]));
    const appliedContributions = entriesOf(await contributions());
    assert.ok(Object.entries(applied).some(([id, v]) => id.endsWith('|deals.created|year|2026-01-01|all|all') && v === DEALS - 1), 'the deals are all counted');

    // The rebuild from the records leaves the same buckets, and writes c (still in the earlier form) packed.
    await rebuild();
    assert.deepEqual(await buckets(), applied);
    assert.deepEqual(entriesOf(await contributions()), appliedContributions);
    const docC = (await raw(c))!;
    assert.equal(typeof docC.packed, 'string');
    assert.equal(docC.entries, undefined);
  });

  it('should apply a record again without reading its contribution only while nobody else has written the agency since', async () => {
    const tenant = new Types.ObjectId();
    const ownerId = String(new Types.ObjectId());
    const recordId = String(new Types.ObjectId());
    const deal = (version: number, amount: number) => ({ id: recordId, version, ownerId, amount, weightedAmount: amount / 2, stage: 'proposal', stageKind: 'open', createdAt: '2026-05-04T10:00:00.000Z', expectedCloseDate: '2026-06-10T00:00:00.000Z' });
    const event = (record: Record<string, unknown>): DomainEvent => ({ type: 'opportunity.updated', tenantId: tenant, resource: 'opportunity', resourceId: recordId, actor: null, record, at: new Date() });
    const [a, b] = [0, 1].map(() => createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}), autoApply: false })) as [ReturnType<typeof createRollups>, ReturnType<typeof createRollups>];
    /** The agency's buckets, and whether applying read the record's contribution. */
    const apply = async (by: ReturnType<typeof createRollups>, record: Record<string, unknown>) => {
      await by.onEvent(event(record));
      let drained = false;
      const commands = await commandsDuring(rt, async () => (drained = await by.applier.drainOnce(tenant)));
      assert.equal(drained, true);
      const out: Record<string, number> = {};
      for (const r of await rollupModel(rt.ctx.connection).find({ tenantId: tenant }).lean()) if (Math.round(r.value * 100) !== 0) out[r._id.slice(r._id.indexOf('|') + 1)] = r.value;
      return { buckets: out, readContribution: commands.some(([name, collection]) => name === 'find' && collection === 'rollup_contributions') };
    };
    const shareOf = (record: Record<string, unknown>) => Object.fromEntries([...contributionsOf('opportunity', record, () => [])].map(([id, c]) => [id, c.value]));

    assert.deepEqual(await apply(a, deal(1, 1000)), { buckets: shareOf(deal(1, 1000)), readContribution: true });
    // a applied it last and nobody wrote since: its memory answers.
    assert.deepEqual(await apply(a, deal(2, 2000)), { buckets: shareOf(deal(2, 2000)), readContribution: false });
    // Another process applies the next version; a's memory (version 2) is stale and must not be used.
    assert.deepEqual(await apply(b, deal(3, 3000)), { buckets: shareOf(deal(3, 3000)), readContribution: true });
    assert.deepEqual(await apply(a, deal(4, 4000)), { buckets: shareOf(deal(4, 4000)), readContribution: true });
    assert.deepEqual(await apply(a, deal(5, 5000)), { buckets: shareOf(deal(5, 5000)), readContribution: false });
    // An older version delivered late changes nothing, also when answered from memory.
    assert.deepEqual(await apply(a, deal(4, 4000)), { buckets: shareOf(deal(5, 5000)), readContribution: false });
    // A rebuild (here by b, of an agency whose record is gone: its contribution becomes a tombstone) moves the stamp: a reads again.
    await b.rebuild(tenant);
    assert.deepEqual(await apply(a, deal(6, 6000)), { buckets: {}, readContribution: true }, 'the record stays deleted');
    // A batch that fails halfway leaves a plan and forgets what it knew: the next drain reads again.
    const dying = createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}), autoApply: false, beforePlanCleared: async () => {
      throw new Error('process killed');
    } });
    const other = String(new Types.ObjectId());
    await dying.onEvent({ ...event({ ...deal(1, 700), id: other }), resourceId: other });
    await assert.rejects(dying.applier.drainOnce(tenant), /process killed/);
    assert.equal((await apply(a, deal(7, 7000))).readContribution, true);
  });

  it('should apply a record made after its memory began without a read, and read once it was forgotten or another process wrote', async () => {
    const tenant = new Types.ObjectId();
    const ownerId = String(new Types.ObjectId());
    const deal = (id: string, version: number, amount: number) => ({ id, version, ownerId, amount, weightedAmount: amount / 2, stage: 'proposal', stageKind: 'open', createdAt: '2026-05-04T10:00:00.000Z', expectedCloseDate: '2026-06-10T00:00:00.000Z' });
    // No clock margin and a memory of two contributions, so a record made a second after the memory began counts as new.
    const [a, b] = [0, 1].map(() => createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}), autoApply: false, memory: { contributions: 2, clockMarginMs: 0 } })) as [ReturnType<typeof createRollups>, ReturnType<typeof createRollups>];
    const share: Record<string, number> = {};
    const shares = new Map<string, Record<string, unknown>>();
    /** Applies one version of a deal by `by`; answers whether it read the deal's stored contribution, and checks every bucket against the deals' latest shares. */
    const apply = async (by: ReturnType<typeof createRollups>, record: Record<string, unknown>) => {
      await by.onEvent({ type: 'opportunity.updated', tenantId: tenant, resource: 'opportunity', resourceId: String(record.id), actor: null, record, at: new Date() });
      let drained = false;
      const commands = await commandsDuring(rt, async () => (drained = await by.applier.drainOnce(tenant)));
      assert.equal(drained, true);
      shares.set(String(record.id), record);
      for (const key of Object.keys(share)) delete share[key];
      for (const r of shares.values()) for (const [id, c] of contributionsOf('opportunity', r, () => [])) share[id] = Math.round(((share[id] ?? 0) + c.value) * 100) / 100;
      const stored: Record<string, number> = {};
      for (const r of await rollupModel(rt.ctx.connection).find({ tenantId: tenant }).lean()) if (Math.round(r.value * 100) !== 0) stored[r._id.slice(r._id.indexOf('|') + 1)] = r.value;
      assert.deepEqual(stored, Object.fromEntries(Object.entries(share).filter(([, v]) => v !== 0)), 'every bucket counts each deal once, at its latest version');
      return commands.some(([name, collection]) => name === 'find' && collection === 'rollup_contributions');
    };
    // Made before a's memory of the agency began: read.
    const old = String(new Types.ObjectId());
    assert.equal(await apply(a, deal(old, 1, 100)), true);
    // Ids carry their second: wait for the next one, so these deals are made after a's memory began.
    await new Promise((r) => setTimeout(r, 1100 - (Date.now() % 1000)));
    const [x, y, z] = [0, 1, 2].map(() => String(new Types.ObjectId())) as [string, string, string];
    assert.equal(await apply(a, deal(x, 1, 1000)), false, 'new, and nobody else wrote: known to have none');
    assert.equal(await apply(a, deal(x, 2, 2000)), false, 'remembered');
    // b's memory began after x was made: it reads (and counts x once).
    assert.equal(await apply(b, deal(x, 3, 3000)), true);
    // b wrote the agency: a's memory is not trusted, and a record made before a's new memory began is read.
    assert.equal(await apply(a, deal(x, 4, 4000)), true);
    assert.equal(await apply(a, deal(y, 1, 500)), true, 'made before a began again');
    await new Promise((r) => setTimeout(r, 1100 - (Date.now() % 1000)));
    const fresh = [0, 1, 2].map(() => String(new Types.ObjectId())) as [string, string, string];
    assert.equal(await apply(a, deal(fresh[0], 1, 10)), false);
    // A memory of two: applying two more forgets fresh[0], whose second is then no longer known to be empty.
    assert.equal(await apply(a, deal(fresh[1], 1, 20)), false);
    assert.equal(await apply(a, deal(fresh[2], 1, 30)), false);
    assert.equal(await apply(a, deal(fresh[0], 2, 11)), true, 'forgotten: read');
    assert.equal(await apply(a, deal(z, 1, 40)), true, 'made before what was forgotten: read');
  });

  it('should give an agency\'s lease to one taker of many at one moment, also once it ran out, and again after a taker died between its claim and its write', async () => {
    const tenant = new Types.ObjectId();
    const appliers = Array.from({ length: 8 }, () => createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}), autoApply: false }).applier);
    const takeAll = async () => (await Promise.all(appliers.map(async (a, i) => ((await a.acquire(tenant)) ? i : -1)))).filter((i) => i >= 0);
    // The first take makes the agency's state; then, twenty times over, a lease given back and one that ran out.
    for (let round = 0; round < 21; round += 1) {
      const winners = await takeAll();
      assert.equal(winners.length, 1, `round ${round}: exactly one taker holds the lease (${winners.join(', ')})`);
      const state = await rollupApplierModel(rt.ctx.connection).findOne({ _id: String(tenant), tenantId: tenant }).lean();
      assert.ok(state?.holder, 'the winner is the holder');
      assert.deepEqual(await takeAll(), [], 'nobody takes a lease that is held');
      if (round % 2) await rollupApplierModel(rt.ctx.connection).updateOne({ _id: String(tenant), tenantId: tenant }, { $set: { leaseUntil: new Date(Date.now() - 1) } });
      else assert.ok(await appliers[winners[0]!]!.release(tenant));
    }
    // A taker that claimed the lease's turn and died before writing it: the turn stays claimed, so the lease is
    // taken again once that claim is a lease old (LEASE_MS), not before, and by one taker.
    const { turn } = (await rollupApplierModel(rt.ctx.connection).findOne({ _id: String(tenant), tenantId: tenant }).lean())!;
    await rollupApplierModel(rt.ctx.connection).updateOne({ _id: String(tenant), tenantId: tenant }, { $set: { leaseUntil: new Date(Date.now() - 1) } });
    await claimModel(rt.ctx.connection).create({ _id: leaseClaimKey(String(tenant), turn ?? null, 0), at: new Date(), sweepDay: null });
    assert.deepEqual(await takeAll(), [], 'a turn claimed just now is being taken');
    await claimModel(rt.ctx.connection).updateOne({ _id: leaseClaimKey(String(tenant), turn ?? null, 0) }, { $set: { at: new Date(Date.now() - LEASE_MS - 1) } });
    assert.equal((await takeAll()).length, 1, 'a claim older than a lease was left by a taker that died');
  });

  it('should gather the writes that arrive while a batch is applied into one batch a second later, each counted once', async () => {
    const tenant = new Types.ObjectId();
    const ownerId = String(new Types.ObjectId());
    const deal = (id: string, amount: number) => ({ id, version: 1, ownerId, amount, weightedAmount: amount / 2, stage: 'proposal', stageKind: 'open', createdAt: '2026-05-04T10:00:00.000Z', expectedCloseDate: '2026-06-10T00:00:00.000Z' });
    const queue = (id: string, amount: number) => rollups.onEvent({ type: 'opportunity.created', tenantId: tenant, resource: 'opportunity', resourceId: id, actor: null, record: deal(id, amount), at: new Date() });
    const amounts = [100, 200, 300, 400, 500, 600, 700];
    const ids = amounts.map(() => String(new Types.ObjectId()));
    let batches = 0;
    // Applies as the API does (autoApply); while the first batch is written, three more deals arrive, and three more soon after.
    const rollups = createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}), beforePlanCleared: async () => {
      batches += 1;
      if (batches === 1) for (const k of [1, 2, 3]) await queue(ids[k]!, amounts[k]!);
    } });
    await queue(ids[0]!, amounts[0]!);
    await new Promise((r) => setTimeout(r, 50));
    while (batches === 0) await new Promise((r) => setTimeout(r, 10));
    for (const k of [4, 5, 6]) await queue(ids[k]!, amounts[k]!);
    await rollups.applier.settled(tenant);
    assert.equal(batches, 2, 'the six deals queued during and after the first batch are one batch');
    const total = await rollupModel(rt.ctx.connection).findOne({ tenantId: tenant, _id: `${String(tenant)}|pipeline.weighted|year|2026-01-01|all|all` }).lean();
    assert.equal(total?.value, amounts.reduce((sum, a) => sum + a / 2, 0), 'each deal counted once');
    assert.equal(await rollupOutboxModel(rt.ctx.connection).countDocuments({ tenantId: tenant }), 0);
  });
});
