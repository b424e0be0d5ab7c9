import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime } from '../../testing/index.js';
import { matchFilter } from './match-filter.js';

describe('matchFilter', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  const tenantId = new Types.ObjectId();
  const owners = [new Types.ObjectId(), new Types.ObjectId()];
  const docs = [
    { _id: new Types.ObjectId(), tenantId, status: 'hot', ownerId: owners[0], teamId: null, tags: ['vip', 'press'], addresses: [{ city: 'Lisbon' }, { city: 'Porto' }], company: { industry: 'Finance' }, amount: 10, createdAt: new Date('2026-01-01'), custom: { tier: 'gold', seats: 3 } },
    { _id: new Types.ObjectId(), tenantId, status: 'cold', ownerId: owners[1], teamId: new Types.ObjectId(), tags: [], addresses: [], company: null, amount: 50, createdAt: new Date('2026-06-01'), custom: {} },
    { _id: new Types.ObjectId(), tenantId, status: 'hot', ownerId: null, tags: ['vip'], addresses: [{ city: 'Madrid' }], company: { industry: 'Retail' }, amount: 99, createdAt: new Date('2026-12-01'), custom: { tier: 'silver' } },
  ];

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    await rt.ctx.connection.db!.collection('match_filter_things').insertMany(docs.map((d) => ({ ...d })));
  });
  after(() => rt.close());

  const filters: Record<string, unknown>[] = [
    { tenantId },
    { tenantId, status: 'hot' },
    { tenantId: new Types.ObjectId() },
    { ownerId: { $in: [owners[0]] } },
    { ownerId: null },
    { teamId: null },
    { ownerId: { $nin: [owners[0]] } },
    { ownerId: { $ne: null } },
    { tags: 'vip' },
    { tags: { $in: ['press', 'nothing'] } },
    { 'addresses.city': 'Porto' },
    { 'addresses.city': { $in: ['Madrid', 'Oslo'] } },
    { 'company.industry': 'Finance' },
    { 'company.industry': null },
    { amount: { $gte: 50 } },
    { amount: { $gt: 10, $lt: 99 } },
    { createdAt: { $lte: new Date('2026-06-01') } },
    { 'custom.tier': 'gold' },
    { 'custom.seats': 3 },
    { 'custom.tier': { $exists: false } },
    { $or: [{ ownerId: { $in: [owners[1]] } }, { tags: 'press' }] },
    { tenantId, $and: [{ $or: [{ ownerId: { $in: owners } }, { teamId: { $in: [new Types.ObjectId()] } }] }, { status: 'hot' }] },
  ];

  it('should answer every filter shape the API builds exactly as the database does', async () => {
    for (const filter of filters) {
      const fromDb = (await rt.ctx.connection.db!.collection('match_filter_things').find(filter).toArray()).map((d) => String(d._id)).sort();
      const inMemory = docs.filter((d) => matchFilter(d as Record<string, unknown>, filter)).map((d) => String(d._id)).sort();
      assert.deepEqual(inMemory, fromDb, JSON.stringify(filter));
    }
  });

  it('should refuse an operator it does not know instead of guessing', () => {
    assert.throws(() => matchFilter(docs[0] as Record<string, unknown>, { status: { $regex: 'h' } }), /not supported/);
    assert.throws(() => matchFilter(docs[0] as Record<string, unknown>, { $where: 'true' }), /not supported/);
  });
});
