import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime } from '../../testing/index.js';
import { userModel } from '../../modules/identity/user.model.js';
import { findByIdInTenant, MissingTenantScopeError } from './tenancy.plugin.js';

describe('the tenant-scope plugin', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
  });
  after(() => rt.close());

  it('should refuse reads, counts, updates, deletes and aggregations without a tenant', async () => {
    const User = userModel(rt.ctx.connection);
    const attempts: Array<() => Promise<unknown>> = [
      () => User.find({ name: 'x' }).exec(),
      () => User.findOne({}).exec(),
      () => User.countDocuments({}).exec(),
      () => User.updateMany({}, { $set: { name: 'y' } }).exec(),
      () => User.deleteOne({ name: 'x' }).exec(),
      () => User.aggregate([{ $group: { _id: null, n: { $sum: 1 } } }]).exec(),
      () => User.find({ tenantId: { $ne: null } }).exec(),
    ];
    for (const attempt of attempts) await assert.rejects(attempt(), MissingTenantScopeError);
  });

  it('should allow a query scoped to one tenant', async () => {
    const count = await userModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId() });
    assert.equal(count, 0);
  });

  it('should find a document by id only within its own tenant', async () => {
    const User = userModel(rt.ctx.connection);
    const mine = new Types.ObjectId();
    const theirs = new Types.ObjectId();
    const created = await User.create({ tenantId: mine, email: 'byid@x.test', emailNormalized: `byid-${mine}@x.test`, name: 'By Id', roleId: new Types.ObjectId() });
    assert.equal((await findByIdInTenant(User, mine, created._id))?.name, 'By Id');
    assert.equal(await findByIdInTenant(User, theirs, created._id), null, 'another tenant finds nothing');
    assert.equal(await findByIdInTenant(User, mine, new Types.ObjectId()), null);
  });

  it('should neutralise operators that arrive as values (sanitizeFilter)', async () => {
    const tenantId = new Types.ObjectId();
    await userModel(rt.ctx.connection).create({ tenantId, email: 'a@x.test', emailNormalized: `a-${tenantId}@x.test`, name: 'A', roleId: new Types.ObjectId() });
    const hostile = JSON.parse('{"$ne": null}');
    // Wrapped into {$eq: {$ne: null}}, it can only ever mean "the literal object", which a string path refuses.
    await assert.rejects(userModel(rt.ctx.connection).find({ tenantId, name: hostile }).lean(), { name: 'CastError' });
    const viaRaw = await userModel(rt.ctx.connection).find({ tenantId, email: { $eq: hostile } }).lean().catch(() => []);
    assert.equal(viaRaw.length, 0);
  });
});
