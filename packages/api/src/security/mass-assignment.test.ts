import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { makeAgency, type TestAgency } from '../testing/index.js';
import { roleModel } from '../modules/identity/role.model.js';
import { userModel } from '../modules/identity/user.model.js';
import { createAccessHarness, ORIGIN, type Answer, type SignedInCaller } from './access-walk.js';
import { bodyFields, exampleValue, fillPath, isPortalRoute, operations, type Operation } from './operations.js';

/**
 * Mass assignment, walked over every write operation of the OpenAPI document: server-owned fields
 * (`tenantId`, `_id`, `ownerId`, `role`, `createdAt`, `version`...) sent in a body are ignored or refused
 * with a 400 naming them, prototype keys (`__proto__`, `constructor`) are refused, and the database shows
 * that nothing forged made it in.
 */
describe('security: mass assignment over every write operation', () => {
  let h: Awaited<ReturnType<typeof createAccessHarness>>;
  let other: TestAgency;
  let se: SignedInCaller & { id: Types.ObjectId };
  let customerToken: string;
  const ops = operations().filter((op) => ['post', 'put', 'patch'].includes(op.method) && op.body);
  // Values no honest request would carry, so finding one in the database proves a forged field was kept.
  const forgedId = new Types.ObjectId().toHexString();
  const forgedUser = new Types.ObjectId().toHexString();
  const forgedDate = '2001-02-03T04:05:06.000Z';
  const forgedVersion = 987654;

  /** Every server-owned field the operation does not itself declare. */
  function forgedFields(op: Operation): Record<string, unknown> {
    const declared = new Set(bodyFields(op));
    const candidates: Record<string, unknown> = {
      tenantId: other.tenantId,
      _id: forgedId,
      id: forgedId,
      ownerId: forgedUser,
      createdBy: forgedUser,
      role: 'ADMIN',
      isAdmin: true,
      permissions: [{ resource: 'apiKey', actions: ['create'] }],
      createdAt: forgedDate,
      updatedAt: forgedDate,
      version: forgedVersion,
      __v: forgedVersion,
    };
    return Object.fromEntries(Object.entries(candidates).filter(([key]) => !declared.has(key)));
  }

  /** Calls a write operation as whoever may reach it: the admin, anyone on public routes, a publishable key on widget routes, a signed-in customer on portal routes. */
  function write(op: Operation, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const path = fillPath(op, h.adminPool);
    if (op.path.startsWith('/v1/public/')) return h.send(h.publishable.key, op.method, path, body, { Origin: ORIGIN, ...headers });
    if (isPortalRoute(op)) return h.send(customerToken, op.method, path, body, headers);
    return h.send(op.access === 'public' ? null : h.agency.adminToken, op.method, path, body, headers);
  }

  /** All documents of every collection, as JSON, with the count of the other agency's documents per collection. */
  async function scan(): Promise<{ text: string; otherTenant: Record<string, number> }> {
    const db = h.rt.ctx.connection.db!;
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => !n.startsWith('system.'));
    let text = '';
    const otherTenant: Record<string, number> = {};
    for (const name of names.sort()) {
      const docs = await db.collection(name).find({}).toArray();
      text += `${name}:${JSON.stringify(docs)}\n`;
      otherTenant[name] = docs.filter((d) => String(d.tenantId) === other.tenantId || String(d._id) === other.tenantId).length;
    }
    return { text, otherTenant };
  }

  before(async () => {
    h = await createAccessHarness(import.meta.filename, { users: ['SE'] });
    se = h.users.get('SE')!;
    other = await makeAgency(h.rt);
    customerToken = await h.signInCustomer();
  });
  after(() => h.rt.close());

  it('should ignore or refuse server-owned fields on every write route, and store none of them', async () => {
    const before = await scan();
    let accepted = 0;
    const problems: string[] = [];
    for (const op of ops) {
      const base = exampleValue(op.body!, { pool: h.adminPool, marker: 'ma', field: 'body' });
      if (!base || typeof base !== 'object' || Array.isArray(base)) continue;
      const forged = forgedFields(op);
      const res = await write(op, { ...(base as object), ...forged });
      const what = `${op.method.toUpperCase()} ${op.path}: ${res.status} ${res.text.slice(0, 200)}`;
      if (res.status >= 500) problems.push(what);
      else if (res.status < 300) accepted += 1;
      else if (res.status === 400) {
        const named = (res.body.errors as { field: string }[] | undefined)?.some((e) => e.field.split('.')[0]! in forged);
        if (!named) {
          // Refused for another reason: then the same body without the forged fields must be refused too.
          const plain = await write(op, base);
          if (plain.status < 300) problems.push(`${what} (refused with the forged fields, without naming one, but accepted without them)`);
        }
      }
      assert.ok(!res.text.includes(forgedId) && !res.text.includes(forgedDate), `${what} echoed a forged value`);
    }
    assert.deepEqual(problems, []);
    assert.ok(accepted >= 25, `only ${accepted} write routes accepted a body with forged fields, too few to prove anything`);

    const after = await scan();
    for (const [marker, label] of [
      [forgedId, 'a forged _id'],
      [forgedUser, 'a forged owner or creator'],
      [forgedDate, 'a forged createdAt/updatedAt'],
      [`:${forgedVersion}`, 'a forged version'],
    ] as const) {
      const line = after.text.split('\n').find((l) => l.includes(marker));
      assert.equal(line, undefined, `the database holds ${label}: ${line?.slice(0, 300)}`);
    }
    assert.deepEqual(after.otherTenant, { ...Object.fromEntries(Object.keys(after.otherTenant).map((k) => [k, 0])), ...before.otherTenant }, "a write landed in the other agency's tenant");
  });

  it('should refuse __proto__ and constructor keys on every write route with a 400 naming them, and pollute nothing', async () => {
    const problems: string[] = [];
    for (const op of ops) {
      const base = exampleValue(op.body!, { pool: h.adminPool, marker: 'proto', field: 'body' });
      if (!base || typeof base !== 'object' || Array.isArray(base)) continue;
      // Raw JSON: an object literal would set the prototype instead of sending the key.
      const raw = `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},${JSON.stringify(base).slice(1)}`.replace(',}', '}');
      const res = await write(op, raw, { 'Content-Type': 'application/json' });
      const fields = new Set(((res.body.errors as { field: string }[] | undefined) ?? []).map((e) => e.field));
      if (res.status !== 400 || !fields.has('__proto__') || !fields.has('constructor')) problems.push(`${op.method.toUpperCase()} ${op.path}: ${res.status} ${res.text.slice(0, 200)}`);
    }
    assert.deepEqual(problems, []);
    // Nested too: a custom attribute or a setting cannot carry one either.
    const nested = await h.send(h.agency.adminToken, 'post', '/v1/contacts', '{"firstName":"N","lastName":"P","custom":{"__proto__":{"polluted":"yes"}}}', { 'Content-Type': 'application/json' });
    assert.equal(nested.status, 400);
    assert.ok((nested.body.errors as { field: string }[]).some((e) => e.field === 'custom.__proto__'));

    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
    assert.ok(!(await scan()).text.includes('polluted'), 'a prototype key reached the database');
  });

  it("should not let SE give a record to someone else, at create or by update", async () => {
    const me = await h.send(h.agency.adminToken, 'get', '/v1/me');
    const adminId = (me.body.user as { id: string }).id;
    let probed = 0;
    for (const op of ops.filter((o) => o.method === 'post' && !o.pathParams.length && bodyFields(o).includes('ownerId') && se.grants.has(o.access))) {
      const base = exampleValue(op.body!, { pool: h.adminPool, marker: 'own', field: 'body' }) as Record<string, unknown>;
      const res = await h.send(se.credential, 'post', op.path, { ...base, productId: h.productId(), ownerId: adminId });
      probed += 1;
      if (res.status === 201) assert.equal((res.body as { ownerId?: string }).ownerId, String(se.id), `${op.path} let SE create a record owned by the admin`);
      else assert.ok([400, 403].includes(res.status), `${op.path}: ${res.status} ${res.text.slice(0, 200)}`);
    }
    assert.ok(probed >= 4, `only ${probed} creates declare ownerId`);

    const own = await h.send(se.credential, 'post', '/v1/contacts', { firstName: 'Mine', lastName: 'Only', productId: h.productId() });
    assert.equal(own.status, 201, own.text);
    const give = await h.send(se.credential, 'patch', `/v1/contacts/${own.body.id}`, { ownerId: adminId });
    assert.equal(give.status, 403);
    const stored = await h.rt.ctx.connection.db!.collection('contacts').findOne({ _id: new Types.ObjectId(String(own.body.id)) });
    assert.equal(String(stored!.ownerId), String(se.id));
  });

  it('should keep tenant, id, version and creation time when SE updates its own contact with forged ones', async () => {
    const own = await h.send(se.credential, 'post', '/v1/contacts', { firstName: 'Forge', lastName: 'Proof', productId: h.productId() });
    const res = await h.send(se.credential, 'patch', `/v1/contacts/${own.body.id}`, { firstName: 'Changed', tenantId: other.tenantId, _id: forgedId, version: forgedVersion, createdAt: forgedDate });
    assert.equal(res.status, 200, res.text);
    const stored = await h.rt.ctx.connection.db!.collection('contacts').findOne({ _id: new Types.ObjectId(String(own.body.id)) });
    assert.equal(stored!.firstName, 'Changed');
    assert.equal(String(stored!.tenantId), h.agency.tenantId);
    assert.notEqual(stored!.version, forgedVersion);
    assert.notEqual(new Date(stored!.createdAt).toISOString(), forgedDate);
    assert.equal(await h.rt.ctx.connection.db!.collection('contacts').countDocuments({ _id: new Types.ObjectId(forgedId) }), 0);
  });

  it('should not let SE make itself an admin, move agency or change its email through its profile', async () => {
    const adminRole = await roleModel(h.rt.ctx.connection).findOne({ tenantId: h.tenantId, key: 'ADMIN' }).lean();
    const before = await userModel(h.rt.ctx.connection).findOne({ tenantId: h.tenantId, _id: se.id }).lean();
    const res = await h.send(se.credential, 'patch', '/v1/me', {
      name: 'Still SE',
      role: 'ADMIN',
      roleId: String(adminRole!._id),
      isAdmin: true,
      tenantId: other.tenantId,
      email: 'taken-over@example.test',
      status: 'active',
      permissions: [{ resource: 'role', actions: ['create', 'update'] }],
    });
    assert.equal(res.status, 200, res.text);
    const stored = await userModel(h.rt.ctx.connection).findOne({ tenantId: h.tenantId, _id: se.id }).lean();
    assert.equal(stored!.name, 'Still SE');
    assert.equal(String(stored!.roleId), String(before!.roleId));
    assert.equal(String(stored!.tenantId), h.agency.tenantId);
    assert.equal(stored!.email, before!.email);
    const me = await h.send(se.credential, 'get', '/v1/me');
    assert.equal((me.body.role as { key: string }).key, 'SE');
    assert.equal((await h.send(se.credential, 'get', '/v1/roles')).status, 403);
  });
});
