import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { roleModel } from '../modules/identity/role.model.js';
import { createAccessHarness, ORIGIN, type SignedInCaller } from './access-walk.js';
import type { Operation } from './operations.js';

/**
 * Function-level access, walked over every operation of the OpenAPI document: each route is called
 * by the lowest role (Phone Sales' SE) and must answer exactly what its declared access rule and the
 * role's stored permissions grant; function-level-keys.test.ts walks it anonymously, with a secret key
 * scoped to SE and with a publishable key, function-level-sales-person.test.ts as the plain Sales Person. Concrete facts of the role table are
 * asserted separately, so the walk cannot pass by agreeing with itself.
 */
describe('security: function-level access over every operation', () => {
  let h: Awaited<ReturnType<typeof createAccessHarness>>;
  let se: SignedInCaller & { id: Types.ObjectId };
  let salesPerson: SignedInCaller;
  let seKey: SignedInCaller;

  before(async () => {
    h = await createAccessHarness(import.meta.filename, { users: ['SE', 'SALES_PERSON'], secretKeyRoles: ['SE'], walked: ['SE'] });
    se = h.users.get('SE')!;
    salesPerson = h.users.get('SALES_PERSON')!;
    seKey = h.secretKeys.get('SE')!;
  });
  after(() => h.rt.close());

  // The role table's facts, stated without reading it back, so the walks below are not their own oracle.
  // (They run first: the walks end with the routes that end a session.)
  describe('facts of the role table', () => {
    it('should let SE create, read and list its own contacts, and answer 404 (not 403) for a colleague’s', async () => {
      const created = await h.send(se.credential, 'post', '/v1/contacts', { firstName: 'Own', lastName: 'Contact', productId: h.productId() });
      assert.equal(created.status, 201, created.text);
      assert.equal((await h.send(se.credential, 'get', `/v1/contacts/${created.body.id}`)).status, 200);
      const list = await h.send(se.credential, 'get', '/v1/contacts?limit=200');
      assert.equal(list.status, 200);
      assert.ok(list.body.data!.some((c) => c.id === created.body.id));
      const adminContact = await h.send(h.agency.adminToken, 'post', '/v1/contacts', { firstName: 'Admin', lastName: 'Only' });
      assert.equal(adminContact.status, 201);
      assert.ok(!list.body.data!.some((c) => c.id === adminContact.body.id));
      const foreign = await h.send(se.credential, 'get', `/v1/contacts/${adminContact.body.id}`);
      assert.equal(foreign.status, 404);
      assert.equal((await h.send(se.credential, 'patch', `/v1/contacts/${adminContact.body.id}`, { firstName: 'X' })).status, 404);
    });

    it('should refuse SE deleting contacts, even its own', async () => {
      const own = await h.send(se.credential, 'post', '/v1/contacts', { firstName: 'Keep', lastName: 'Me', productId: h.productId() });
      assert.equal(own.status, 201, own.text);
      const res = await h.send(se.credential, 'delete', `/v1/contacts/${own.body.id}`);
      assert.equal(res.status, 403);
      assert.equal(res.body.code, 'forbidden');
      assert.equal((await h.send(se.credential, 'get', `/v1/contacts/${own.body.id}`)).status, 200, 'the contact is still there');
      assert.equal((await h.send(seKey.credential, 'delete', `/v1/contacts/${own.body.id}`)).status, 403);
    });

    it('should refuse SE managing roles, users, API keys, the agency and reading the audit trail', async () => {
      const anyId = new Types.ObjectId().toHexString();
      const forbidden: [Operation['method'], string, object?][] = [
        ['get', '/v1/roles'],
        ['post', '/v1/roles', { key: 'SNEAKY', name: 'Sneaky' }],
        ['patch', `/v1/roles/${anyId}`, { name: 'x' }],
        ['delete', `/v1/roles/${anyId}`],
        ['post', '/v1/users/invitations', { email: 'friend@example.test', name: 'Friend', roleId: anyId }],
        ['patch', `/v1/users/${String(se.id)}`, { roleId: anyId }],
        ['get', '/v1/api-keys'],
        ['post', '/v1/api-keys', { kind: 'publishable', name: 'mine', allowedOrigins: [ORIGIN] }],
        ['delete', `/v1/api-keys/${anyId}`],
        ['patch', '/v1/tenant', { name: 'Taken over' }],
        ['get', '/v1/audit'],
        ['get', '/v1/audit/verify'],
        ['put', '/v1/workflows/contact', {}],
        ['post', '/v1/custom-fields', { resource: 'contact', key: 'sneaky', label: 'x', type: 'text' }],
      ];
      for (const [method, path, body] of forbidden) {
        for (const caller of [se, salesPerson, seKey]) {
          const res = await h.send(caller.credential, method, path, body);
          assert.equal(res.status, 403, `${caller.roleKey} (${caller.kind}) ${method.toUpperCase()} ${path}: ${res.status} ${res.text.slice(0, 200)}`);
        }
      }
      const roles = await roleModel(h.rt.ctx.connection).countDocuments({ tenantId: h.tenantId, key: 'SNEAKY' });
      assert.equal(roles, 0);
    });

    it('should let SE export its contacts but not the Sales Person, whose role has no export', async () => {
      assert.equal((await h.send(se.credential, 'get', '/v1/contacts/export')).status, 200);
      assert.equal((await h.send(salesPerson.credential, 'get', '/v1/contacts/export')).status, 403);
    });

    it('should let a secret key act with its role on behalf of its creator, and never mint keys', async () => {
      const created = await h.send(seKey.credential, 'post', '/v1/contacts', { firstName: 'Via', lastName: 'Key', productId: h.productId() });
      assert.equal(created.status, 201, created.text);
      assert.equal((created.body as { ownerId?: string }).ownerId, h.adminUserId);
      assert.equal((await h.send(seKey.credential, 'post', '/v1/api-keys', { kind: 'secret', name: 'escalate', roleId: new Types.ObjectId().toHexString() })).status, 403);
    });

    it('should refuse a publishable key on the API, and any other credential on widget routes', async () => {
      for (const path of ['/v1/me', '/v1/contacts', '/v1/auth/sessions']) {
        const res = await h.send(h.publishable.key, 'get', path, undefined, { Origin: ORIGIN });
        assert.equal(res.status, 401, path);
        assert.match(String(res.body.detail), /publishable key can only call \/v1\/public/);
      }
      for (const credential of [h.agency.adminToken, seKey.credential, null]) {
        assert.equal((await h.send(credential, 'get', '/v1/public/ping', undefined, { Origin: ORIGIN })).status, 401);
      }
    });
  });

  it('should give the Sales Executive (SE) exactly what its role grants on every route', async () => {
    const { mismatches, counts } = await h.walk(se);
    assert.deepEqual(mismatches, []);
    assert.ok(counts['403']! > 30 && counts.allowed! > 50, JSON.stringify(counts));
  });
});
