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
import { rollupContributionModel, rollupModel, rollupOutboxModel } from './reporting.model.js';
import { createRollups } from './rollups.service.js';

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
      out[c._id] = { deleted: Boolean(c.deleted), recordVersion: c.recordVersion, entries: c.entries.map((e) => `${e.b}=${e.v}`).sort() };
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

  it('should clear a drained batch from the queue by `_id` on FerretDB, never by a `$in` matched over the whole queue', async () => {
    // Queued again as a later version of each deal would be (nothing changes in the buckets), then drained.
    const before = await buckets();
    const deals = await opportunityModel(rt.ctx.connection).find({ tenantId }).lean();
    assert.ok(deals.length > BULK_UPDATE_LIMIT, 'more entries than one command holds');
    for (const doc of deals) await rollups.onEvent({ type: 'opportunity.updated', tenantId, resource: 'opportunity', resourceId: String(doc._id), actor: null, record: toOpportunityDto({ ...doc, version: 1 } as never), at: new Date() });
    const queued = await rollupOutboxModel(rt.ctx.connection).countDocuments({ tenantId });
    assert.equal(queued, deals.length);
    const events = await connectionCommandEvents(rt.ctx.connection, () => rollups.applier.drainOnce(tenantId));
    const deletes = events.filter((e) => e.commandName === 'delete' && e.command.delete === 'rollup_outbox').flatMap((e) => (e.command.deletes as { q: Record<string, unknown>; limit: number }[]));
    assert.equal(await rollupOutboxModel(rt.ctx.connection).countDocuments({ tenantId }), 0, 'the queue is empty');
    if (await servesIdsInOneRead(rt.ctx.connection)) assert.equal(deletes.length, 1, 'MongoDB: one delete by $in');
    else {
      assert.equal(deletes.length, deals.length, 'one statement per entry');
      for (const d of deletes) assert.ok(typeof d.q._id === 'string' && d.limit === 1, JSON.stringify(d));
      assert.equal(events.filter((e) => e.commandName === 'delete' && e.command.delete === 'rollup_outbox').length, Math.ceil(deals.length / BULK_UPDATE_LIMIT), '16 to a command');
    }
    assert.deepEqual(await buckets(), before);
  });
});
