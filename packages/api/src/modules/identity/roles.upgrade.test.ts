import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { roleModel } from './role.model.js';
import { defaultRoles } from './roles.defaults.js';
import { firstReleaseDefaults } from './roles.first-release.js';
import { appliedDefaultsOf, upgradeBuiltInRoles } from './roles.upgrade.js';

describe('built-in roles keep up with the release, and keep what an admin took away', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let old: TestAgency;
  let fresh: TestAgency;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const Roles = () => roleModel(rt.ctx.connection);
  const grants = async (agency: TestAgency, key: string) => {
    const role = await Roles().findOne({ tenantId: new Types.ObjectId(agency.tenantId), key }).lean();
    return { permissions: Object.fromEntries(role!.permissions.map((p) => [p.resource, [...p.actions].sort()])), visibility: Object.fromEntries(role!.visibility.map((v) => [v.resource, v.scope])) };
  };

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    old = await makeAgency(rt);
    fresh = await makeAgency(rt);
    // The first release's Sales Head and Customer Support, as an agency made then holds them: no price-book
    // edits, invoices or portal users; no tickets. Its admin has also taken contact export away from Sales Head.
    const tenantId = new Types.ObjectId(old.tenantId);
    const asStored = (key: string) => {
      const first = firstReleaseDefaults[key]!;
      return {
        permissions: Object.entries(first.permissions).map(([resource, actions]) => ({ resource, actions: key === 'SALES_HEAD' && resource === 'contact' ? actions!.filter((a) => a !== 'export') : actions })),
        visibility: Object.entries(first.visibility).map(([resource, scope]) => ({ resource, scope })),
      };
    };
    for (const key of ['SALES_HEAD', 'SUPPORT']) await Roles().updateOne({ tenantId, key }, { $set: { ...asStored(key), appliedDefaults: null, defaultsHash: null } });
  });
  after(() => rt.close());

  it("should give an agency of the first release its Sales Head's invoices and Support's tickets, but not the export its admin removed", async () => {
    const head = await makeUser(rt, old, { role: 'SALES_HEAD' });
    const token = await signIn(rt, head.email);
    assert.equal((await rt.request().get('/v1/price-books').set(auth(token))).status, 403, 'the first release had no price books for Sales Head');

    const result = await upgradeBuiltInRoles(rt.ctx.connection);
    assert.ok(result.upgraded >= 2, JSON.stringify(result));

    const salesHead = await grants(old, 'SALES_HEAD');
    assert.deepEqual(salesHead.permissions.invoice, ['create', 'read', 'update']);
    assert.deepEqual(salesHead.permissions.priceBook, ['create', 'read', 'update']);
    assert.deepEqual(salesHead.permissions.customerUser, ['create', 'read', 'update']);
    assert.deepEqual(salesHead.permissions.order, ['create', 'read', 'update']);
    assert.ok(!salesHead.permissions.contact!.includes('export'), 'a grant of the first release that the admin removed stays removed');
    const support = await grants(old, 'SUPPORT');
    assert.deepEqual(support.permissions.ticket, ['assign', 'create', 'read', 'transition', 'update']);
    assert.equal(support.visibility.ticket, 'team');

    // The role's change reaches the signed-in user's next request (the access stamp moved).
    const listed = await rt.request().get('/v1/price-books').set(auth(token));
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
  });

  it('should change nothing on a second run, nor for an agency made by this release', async () => {
    const before = await grants(fresh, 'SALES_HEAD');
    const again = await upgradeBuiltInRoles(rt.ctx.connection);
    assert.deepEqual(again, { checked: 0, upgraded: 0 });
    assert.deepEqual(await grants(fresh, 'SALES_HEAD'), before);
  });

  it('should add only what a later release adds, over what the role was last given', async () => {
    // As if this agency's Sales Head was last upgraded by a release without invoices, and its admin then
    // took price-book updates away: the upgrade adds invoices and leaves price books as the admin set them.
    const tenantId = new Types.ObjectId(fresh.tenantId);
    const template = defaultRoles.find((r) => r.key === 'SALES_HEAD')!;
    const { invoice: _invoice, ...withoutInvoices } = template.permissions;
    const current = await grants(fresh, 'SALES_HEAD');
    const edited = Object.entries(current.permissions)
      .filter(([resource]) => resource !== 'invoice')
      .map(([resource, actions]) => ({ resource, actions: resource === 'priceBook' ? actions.filter((a) => a !== 'update') : actions }));
    await Roles().updateOne({ tenantId, key: 'SALES_HEAD' }, { $set: { permissions: edited, appliedDefaults: appliedDefaultsOf({ permissions: withoutInvoices, visibility: template.visibility }), defaultsHash: 'an-older-release' } });

    const result = await upgradeBuiltInRoles(rt.ctx.connection);
    assert.deepEqual(result, { checked: 1, upgraded: 1 });
    const after = await grants(fresh, 'SALES_HEAD');
    assert.deepEqual(after.permissions.invoice, ['create', 'read', 'update']);
    assert.deepEqual(after.permissions.priceBook, ['create', 'read']);
  });
});
