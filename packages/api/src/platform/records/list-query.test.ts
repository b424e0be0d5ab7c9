import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Types } from 'mongoose';
import { combine } from './list-query.js';

describe('list query shapes', () => {
  const tenantId = new Types.ObjectId();

  it('should put every free equality at the top level, where FerretDB pushes it down to SQL', () => {
    const ownerId = new Types.ObjectId();
    const filter = combine({ tenantId }, { status: 'hot', ownerId }, [{ stage: 'won' }, { stage: 'lost' }]);
    assert.deepEqual(Object.keys(filter).sort(), ['$and', 'ownerId', 'stage', 'status', 'tenantId']);
    assert.equal(filter.stage, 'won', 'the first equality on a free field goes to the top level');
    assert.deepEqual(filter.$and, [{ stage: 'lost' }], 'a second equality on the same field stays under $and');
  });

  it('should keep conditions that are not plain equalities, and equalities on taken fields, under $and', () => {
    const visibility = { tenantId, ownerId: new Types.ObjectId() };
    const other = new Types.ObjectId();
    const range = { amount: { $gte: 10 } };
    const filter = combine(visibility, { ownerId: other }, [range, { 'company.name': 'Acme' }, { parentId: null }]);
    assert.equal(filter.ownerId, visibility.ownerId, 'visibility keeps its place');
    assert.deepEqual(filter.$and, [{ ownerId: other }, range, { 'company.name': 'Acme' }, { parentId: null }]);
  });

  it('should leave a visibility $and in front of the new conditions', () => {
    const scope = { $or: [{ ownerId: new Types.ObjectId() }, { teamId: new Types.ObjectId() }] };
    const filter = combine({ tenantId, $and: [scope] }, {}, [{ stage: 'new' }]);
    assert.deepEqual(filter, { tenantId, stage: 'new', $and: [scope] });
  });
});
