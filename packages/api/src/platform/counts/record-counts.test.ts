import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { commandEventsDuring, commandsDuring } from '../../testing/commands.js';
import { contactModel } from '../../modules/contacts/contact.model.js';
import { op } from '../db/operators.js';
import { countFromCounters } from './count-query.js';
import { countCreated, countedKindOfCollection, counterKey, countWrite, foldAllCounters, readCounter, rebuildCounters } from './record-counts.js';
import { recordCountDeltaModel } from './record-count.model.js';

describe('record counters', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let tenantId: Types.ObjectId;
  let seller: { id: Types.ObjectId; token: string };
  const auth = (token = agency.adminToken) => ({ Authorization: `Bearer ${token}` });
  const contacts = () => contactModel(rt.ctx.connection);
  const kind = () => countedKindOfCollection(rt.ctx.connection, contacts().collection.collectionName)!;
  const counter = (equalities: Record<string, unknown>) => readCounter(rt.ctx.connection, tenantId, counterKey(tenantId, 'contact', equalities));

  /** What the counters must say, counted from the records themselves. */
  async function assertCountersExact(): Promise<void> {
    const all = await contacts().find({ tenantId }).select({ status: 1, ownerId: 1 }).lean();
    assert.equal(await counter({}), all.length, 'total');
    for (const status of new Set(all.map((c) => c.status))) assert.equal(await counter({ status }), all.filter((c) => c.status === status).length, `status ${status}`);
    for (const owner of new Set(all.map((c) => String(c.ownerId)))) {
      const ownerId = owner === 'null' ? null : new Types.ObjectId(owner);
      assert.equal(await counter({ ownerId }), all.filter((c) => String(c.ownerId) === owner).length, `owner ${owner}`);
      assert.equal(await counter({ ownerId, status: 'hot' }), all.filter((c) => String(c.ownerId) === owner && c.status === 'hot').length, `owner ${owner} hot`);
    }
  }

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    tenantId = new Types.ObjectId(agency.tenantId);
    const user = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    seller = { id: user.id, token: await signIn(rt, user.email) };
  });
  after(() => rt.close());

  it('should stay exact under concurrent creates, transitions, updates and deletes', async () => {
    const created = await Promise.all(
      Array.from({ length: 16 }, (_, i) => rt.request().post('/v1/contacts').set(auth(i % 2 ? seller.token : agency.adminToken)).send({ firstName: `C${i}`, lastName: 'Counted' }).expect(201)),
    );
    const ids = created.map((r) => r.body.id as string);
    await assertCountersExact();
    // The same records moved by several writers at once: only one write per version wins, and only it counts.
    await Promise.all(
      ids.slice(0, 8).flatMap((id) => [
        rt.request().post(`/v1/contacts/${id}/transitions`).set(auth()).send({ to: 'hot' }),
        rt.request().post(`/v1/contacts/${id}/transitions`).set(auth()).send({ to: 'cold' }),
        rt.request().patch(`/v1/contacts/${id}`).set(auth()).send({ ownerId: String(seller.id) }),
      ]),
    );
    await Promise.all(ids.slice(8, 12).map((id) => rt.request().delete(`/v1/contacts/${id}`).set(auth()).expect(204)));
    await assertCountersExact();
    assert.equal(await counter({}), 12);
  });

  it('should count a retried write once, and keep counts through folds that crash half-way', async () => {
    const res = await rt.request().post('/v1/contacts').set(auth()).send({ firstName: 'Retried', lastName: 'Write' }).expect(201);
    const doc = (await contacts().findOne({ tenantId, _id: new Types.ObjectId(res.body.id) }).lean())!;
    const total = await counter({});
    // The create's counting run again (a retry after a crash): refused by the deltas' ids.
    await countWrite(rt.ctx.connection, kind(), null, doc as never, 'v0');
    assert.equal(await counter({}), total);
    // A fold that stopped after marking deltas (its id never reached the base) changes no count.
    await recordCountDeltaModel(rt.ctx.connection).updateMany({ tenantId, key: counterKey(tenantId, 'contact', {}) }, { $set: { fold: 'crashed-fold' } });
    assert.equal(await counter({}), total);
    await foldAllCounters(rt.ctx.connection);
    assert.equal(await counter({}), total);
    await rt.request().post('/v1/contacts').set(auth()).send({ firstName: 'After', lastName: 'Fold' }).expect(201);
    const folding = await commandEventsDuring(rt, async () => {
      await foldAllCounters(rt.ctx.connection);
      await foldAllCounters(rt.ctx.connection);
    });
    await assertCountersExact();
    // A fold drops the deltas of the fold before the last by equality on the counter and that fold's mark
    // (pushed down): one statement per counter, not one per delta (deleteManyBounded keeps each under
    // FerretDB's 65,535 parameters).
    const deletes = folding.filter((e) => e.commandName === 'delete');
    assert.ok(deletes.length > 0, 'the first fold\'s deltas are deleted');
    for (const e of deletes) {
      const statements = e.command.deletes as { q: Record<string, unknown> }[];
      assert.equal(statements.length, 1, `${statements.length} statements in one delete`);
      assert.deepEqual(Object.keys(statements[0]!.q).sort(), ['fold', 'key', 'tenantId'], `a delete by counter and fold mark, not ${JSON.stringify(statements[0]!.q)}`);
    }
    // Marks go by equality on the counter and the mark (pushed down), never by a list of ids (`$in`, matched
    // in Go against every pending delta).
    const marks = folding.filter((e) => e.commandName === 'update' && e.command.update === recordCountDeltaModel(rt.ctx.connection).collection.collectionName);
    assert.ok(marks.length > 0, 'the folds marked deltas');
    for (const e of marks) for (const u of e.command.updates as { q: Record<string, unknown> }[]) assert.ok(!JSON.stringify(u.q).includes('$in'), `a mark by equality, not ${JSON.stringify(u.q)}`);
    // Folded twice, the first fold's deltas are gone: a counter reads its base and the few deltas since.
    assert.ok((await recordCountDeltaModel(rt.ctx.connection).countDocuments({ tenantId, key: counterKey(tenantId, 'contact', {}) })) <= 1);
  });

  it('should count a batch of creates with one delta per counter, once when the batch runs again after a crash', async () => {
    const owners = [seller.id, null];
    const statuses = ['new', 'hot', 'cold'];
    const docs = Array.from({ length: 60 }, (_, i) => ({ _id: new Types.ObjectId(), tenantId, firstName: `Bulk${i}`, lastName: 'Batch', status: statuses[i % 3]!, ownerId: owners[i % 2]!, custom: {}, version: 0 }));
    await contacts().collection.insertMany(docs as never[]);
    const Deltas = recordCountDeltaModel(rt.ctx.connection);
    await foldAllCounters(rt.ctx.connection);
    await foldAllCounters(rt.ctx.connection);
    const pendingBefore = await Deltas.countDocuments({ tenantId });
    await countCreated(rt.ctx.connection, kind(), docs as never);
    // One delta per counter the batch touches (total, 3 statuses, 2 owners, 6 pairs), each with its net count.
    const written = (await Deltas.find({ tenantId }).lean()).filter((d) => d._id.startsWith('created:'));
    assert.equal((await Deltas.countDocuments({ tenantId })) - pendingBefore, 12);
    assert.equal(written.find((d) => d.key === counterKey(tenantId, 'contact', {}))?.d, 60);
    await assertCountersExact();
    // A crash half-way through the batch's deltas: some counters were written, the others not.
    const lost = written.filter((d, i) => i % 2 || d.key === counterKey(tenantId, 'contact', {})).map((d) => d._id);
    for (const _id of lost) await Deltas.deleteOne({ tenantId, _id });
    assert.notEqual(await counter({}), await contacts().countDocuments({ tenantId }));
    // The batch run again (its records keep their ids): the missing counters are written, the others refused.
    await countCreated(rt.ctx.connection, kind(), [...docs].reverse() as never);
    await countCreated(rt.ctx.connection, kind(), docs as never);
    await assertCountersExact();
    await foldAllCounters(rt.ctx.connection);
    await countCreated(rt.ctx.connection, kind(), docs as never);
    await foldAllCounters(rt.ctx.connection);
    await assertCountersExact();
  });

  it('should recount from the records when counters went wrong (the rebuild job)', async () => {
    // A write that went past the counters: a record inserted directly.
    await contacts().collection.insertOne({ tenantId, firstName: 'Direct', lastName: 'Insert', status: 'hot', ownerId: null, custom: {}, version: 0 });
    assert.notEqual(await counter({}), await contacts().countDocuments({ tenantId }));
    await rebuildCounters(rt.ctx.connection, tenantId, contacts().collection.collectionName);
    await assertCountersExact();
  });

  it('should answer covered counts from counters only, for the agency and for owner-scoped roles', async () => {
    const visibility = { tenantId, ownerId: op({ $in: [seller.id] }) };
    const truth = await contacts().countDocuments({ tenantId, ownerId: seller.id, status: 'hot' });
    let counted: number | null = null;
    const seen = await commandsDuring(rt, async () => {
      counted = await countFromCounters(rt.ctx.connection, kind(), tenantId, visibility, { status: 'hot' });
    });
    assert.equal(counted, truth);
    assert.ok(seen.every(([, collection]: [string, string]) => collection.startsWith('record_count')), JSON.stringify(seen));
    assert.equal(await countFromCounters(rt.ctx.connection, kind(), tenantId, visibility, { ownerId: new Types.ObjectId() }), 0);
    assert.equal(await countFromCounters(rt.ctx.connection, kind(), tenantId, { tenantId, teamId: new Types.ObjectId() }, {}), null);
    assert.equal(await countFromCounters(rt.ctx.connection, kind(), tenantId, { tenantId }, { tags: 'vip' }), null);
  });

  it('should answer segment counts with capped: false from counters and a bounded count otherwise', async () => {
    const byStatus = await rt.request().post('/v1/segments').set(auth()).send({ name: 'Hot contacts', resource: 'contact', filters: { status: 'hot' }, sharing: 'agency' }).expect(201);
    const count = await rt.request().get(`/v1/segments/${byStatus.body.id}/count`).set(auth()).expect(200);
    assert.deepEqual({ count: count.body.count, capped: count.body.capped }, { count: await contacts().countDocuments({ tenantId, status: 'hot' }), capped: false });
    const byTag = await rt.request().post('/v1/segments').set(auth()).send({ name: 'Counted by tag', resource: 'contact', filters: { tag: 'none-such' }, sharing: 'agency' }).expect(201);
    const tagged = await rt.request().get(`/v1/segments/${byTag.body.id}/count`).set(auth()).expect(200);
    assert.deepEqual({ count: tagged.body.count, capped: tagged.body.capped }, { count: 0, capped: false });
  });
});
