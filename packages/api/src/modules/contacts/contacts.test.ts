import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { commandsDuring } from '../../testing/commands.js';
import { customFieldModel } from '../../platform/custom-fields/custom-field.model.js';
import { productModel } from '../products/product.model.js';
import { contactModel } from './contact.model.js';
import { itemOf } from '../../platform/lists/list-row.model.js';

describe('contacts', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
  });
  after(() => rt.close());

  const newContact = (extra: Record<string, unknown> = {}) => ({
    firstName: 'Zoë',
    lastName: 'Ångström',
    jobTitle: 'CFO',
    emails: [{ label: 'work', value: 'Zoe.Angstrom@Example.com', primary: true }],
    phones: [{ label: 'mobile', value: '+44 20 7946 0958' }],
    company: { name: 'Nordic Fintech AB', industry: 'Finance' },
    addresses: [{ label: 'work', city: 'Stockholm', country: 'Sweden' }],
    tags: ['vip'],
    ...extra,
  });

  it('should create a contact in status new, owned by the caller, and store it', async () => {
    const res = await rt.request().post('/v1/contacts').set(auth(admin)).send(newContact());
    assert.equal(res.status, 201);
    assert.equal(res.body.status, 'new');
    assert.equal(res.body.fullName, 'Zoë Ångström');
    assert.equal(res.body.version, 0);
    const stored = await contactModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(res.body.id) }).lean();
    assert.equal(stored?.primaryEmail, 'zoe.angstrom@example.com');
    assert.equal(String(stored?.ownerId), res.body.ownerId);
  });

  it('should refuse a contact without first and last name, naming both fields, and store nothing', async () => {
    const before = await contactModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId) });
    const res = await rt.request().post('/v1/contacts').set(auth(admin)).send({ emails: [{ value: 'not-an-email' }] });
    assert.equal(res.status, 400);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    assert.deepEqual(fields, ['emails.0.value', 'firstName', 'lastName']);
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId) }), before);
  });

  it('should find contacts by accent-insensitive name prefix, email and phone digits', async () => {
    for (const q of ['zoe', 'angs', 'ZOË ÅNG', 'zoe.angstrom@example.com', '442079460958', 'nordic']) {
      const res = await rt.request().get('/v1/contacts').query({ q }).set(auth(admin));
      assert.equal(res.status, 200, q);
      assert.ok(res.body.data.some((c: { lastName: string }) => c.lastName === 'Ångström'), `search "${q}"`);
    }
    const miss = await rt.request().get('/v1/contacts').query({ q: 'zzzz' }).set(auth(admin));
    assert.equal(miss.body.data.length, 0);
  });

  it('should treat regex characters in search text as text', async () => {
    const res = await rt.request().get('/v1/contacts').query({ q: '.*' }).set(auth(admin));
    assert.equal(res.status, 400);
    const res2 = await rt.request().get('/v1/contacts').query({ q: 'zo.*e' }).set(auth(admin));
    assert.equal(res2.status, 200);
  });

  it('should page through every contact exactly once with cursors, in any sort', async () => {
    const local = await makeAgency(rt);
    for (let i = 0; i < 23; i += 1) {
      const res = await rt.request().post('/v1/contacts').set(auth(local.adminToken)).send({ firstName: `P${i}`, lastName: `Person ${String(i % 5)}` });
      assert.equal(res.status, 201);
    }
    for (const sort of [undefined, 'lastName', '-lastName', 'createdAt']) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 10; guard += 1) {
        const res = await rt.request().get('/v1/contacts').query({ limit: 5, ...(sort ? { sort } : {}), ...(cursor ? { cursor } : {}) }).set(auth(local.adminToken));
        assert.equal(res.status, 200);
        seen.push(...res.body.data.map((c: { id: string }) => c.id));
        if (!res.body.hasMore) break;
        cursor = res.body.nextCursor;
      }
      assert.equal(seen.length, 23, `sort ${sort}`);
      assert.equal(new Set(seen).size, 23, `sort ${sort}`);
    }
    const bad = await rt.request().get('/v1/contacts').query({ cursor: 'garbage' }).set(auth(local.adminToken));
    assert.equal(bad.status, 400);
  });

  it('should filter by status, tag and country, and select fields', async () => {
    const res = await rt.request().get('/v1/contacts').query({ status: 'new', tag: 'vip', country: 'Sweden', fields: 'firstName' }).set(auth(admin));
    assert.equal(res.status, 200);
    assert.ok(res.body.data.length >= 1);
    assert.deepEqual(Object.keys(res.body.data[0]).sort(), ['firstName', 'id', 'version']);
  });

  it('should update with If-Match and answer 412 with the current record when the version is stale', async () => {
    const created = (await rt.request().post('/v1/contacts').set(auth(admin)).send(newContact())).body;
    const ok = await rt.request().patch(`/v1/contacts/${created.id}`).set(auth(admin)).set('If-Match', '0').send({ jobTitle: 'CEO' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.version, 1);
    const stale = await rt.request().patch(`/v1/contacts/${created.id}`).set(auth(admin)).set('If-Match', '0').send({ jobTitle: 'CTO' });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.code, 'precondition_failed');
    assert.equal(stale.body.current.jobTitle, 'CEO');
    const stored = await contactModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(created.id) }).lean();
    assert.equal(stored?.jobTitle, 'CEO');
  });

  it('should read the contact once before an update and once after its derived writes, and write its new row and entries', async () => {
    const created = (await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Single', lastName: 'Read' })).body;
    const commands = await commandsDuring(rt, async () => {
      const res = await rt.request().patch(`/v1/contacts/${created.id}`).set(auth(admin)).set('If-Match', '"0"').send({ lastName: 'Written' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.version, 1);
      assert.equal(res.body.lastName, 'Written');
    });
    const onContacts = commands.filter(([, c]) => c === 'contacts').map(([name]) => name);
    assert.deepEqual(onContacts, ['find', 'findAndModify', 'find'], `the stored contact comes back with the write (${JSON.stringify(commands)})`);
    const row = await rt.ctx.connection.collection('list_rows').findOne({ _id: new Types.ObjectId(created.id as string) });
    assert.equal((itemOf(row as never) as { lastName?: string }).lastName, 'Written');
    const found = await rt.request().get('/v1/contacts?q=written').set(auth(admin));
    assert.deepEqual(found.body.data.map((c: { id: string }) => c.id), [created.id]);
    assert.equal((await rt.request().get('/v1/contacts?q=single%20read').set(auth(admin))).body.data.length, 0, 'the old name is no longer found');
  });

  it('should leave the list row and search entries on the last version when writers race', async () => {
    const created = (await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Racing', lastName: 'Start' })).body;
    const names = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot'].map((n) => `${n}racer`);
    // Each writer retries its 409 until its change is in: one version after another, each write's row and
    // entries being written while the next write lands.
    const results = await Promise.all(
      names.map(async (lastName) => {
        for (let attempt = 0; attempt < 30; attempt += 1) {
          const res = await rt.request().patch(`/v1/contacts/${created.id}`).set(auth(admin)).send({ lastName });
          if (res.status !== 409) return res.status;
        }
        return 409;
      }),
    );
    assert.deepEqual(results, names.map(() => 200));
    const stored = await contactModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(created.id as string) }).lean();
    const row = await rt.ctx.connection.collection('list_rows').findOne({ _id: new Types.ObjectId(created.id as string) });
    assert.equal((itemOf(row as never) as { lastName?: string }).lastName, stored!.lastName, 'the row shows the stored contact');
    assert.equal(stored!.version, names.length);
    assert.equal(row?.version, stored!.version);
    for (const name of names) {
      const hits = (await rt.request().get(`/v1/contacts?q=${name.toLowerCase()}`).set(auth(admin))).body.data.map((c: { id: string }) => c.id);
      assert.deepEqual(hits, name === stored!.lastName ? [created.id] : [], `search for ${name} (stored: ${stored!.lastName})`);
    }
  });

  it('should move through the workflow, record history, and refuse an illegal transition with the allowed ones', async () => {
    const created = (await rt.request().post('/v1/contacts').set(auth(admin)).send(newContact())).body;
    const hot = await rt.request().post(`/v1/contacts/${created.id}/transitions`).set(auth(admin)).send({ to: 'hot' });
    assert.equal(hot.status, 200);
    assert.equal(hot.body.status, 'hot');
    const converted = await rt.request().post(`/v1/contacts/${created.id}/transitions`).set(auth(admin)).send({ to: 'converted' });
    assert.equal(converted.status, 200);
    const back = await rt.request().post(`/v1/contacts/${created.id}/transitions`).set(auth(admin)).send({ to: 'cold' });
    assert.equal(back.status, 409);
    assert.equal(back.body.code, 'invalid_transition');
    assert.deepEqual(back.body.allowed, []);
    const unknown = await rt.request().post(`/v1/contacts/${created.id}/transitions`).set(auth(admin)).send({ to: 'sold' });
    assert.equal(unknown.status, 400);
    const history = await rt.request().get(`/v1/contacts/${created.id}/transitions`).set(auth(admin));
    assert.deepEqual(history.body.data.map((h: { to: string }) => h.to), ['new', 'hot', 'converted']);
  });

  it('should create once for a retried Idempotency-Key and refuse the key with another body', async () => {
    const key = `key-${Date.now()}`;
    const first = await rt.request().post('/v1/contacts').set(auth(admin)).set('Idempotency-Key', key).send(newContact({ firstName: 'Once' }));
    const again = await rt.request().post('/v1/contacts').set(auth(admin)).set('Idempotency-Key', key).send(newContact({ firstName: 'Once' }));
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    assert.equal(again.body.id, first.body.id);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId), firstName: 'Once' }), 1);
    const other = await rt.request().post('/v1/contacts').set(auth(admin)).set('Idempotency-Key', key).send(newContact({ firstName: 'Other' }));
    assert.equal(other.status, 409);
  });

  it('should show a sales executive only their own contacts and answer 404 for the rest', async () => {
    const se = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const token = await signIn(rt, se.email);
    const mine = (await rt.request().post('/v1/contacts').set(auth(token)).send(newContact({ firstName: 'Mine' }))).body;
    const theirs = (await rt.request().post('/v1/contacts').set(auth(admin)).send(newContact({ firstName: 'Theirs' }))).body;
    const list = await rt.request().get('/v1/contacts').query({ limit: 200 }).set(auth(token));
    assert.deepEqual(list.body.data.map((c: { id: string }) => c.id), [mine.id]);
    assert.equal((await rt.request().get(`/v1/contacts/${theirs.id}`).set(auth(token))).status, 404);
    assert.equal((await rt.request().patch(`/v1/contacts/${theirs.id}`).set(auth(token)).send({ jobTitle: 'x' })).status, 404);
    assert.equal((await rt.request().delete(`/v1/contacts/${mine.id}`).set(auth(token))).status, 403, 'sales persons may not delete');
    const assign = await rt.request().post('/v1/contacts').set(auth(token)).send(newContact({ ownerId: String(new Types.ObjectId()) }));
    assert.equal(assign.status, 403);
  });

  it('should answer 404 for another agency’s contact on every route', async () => {
    const other = await makeAgency(rt);
    const theirs = (await rt.request().post('/v1/contacts').set(auth(other.adminToken)).send(newContact())).body;
    assert.equal((await rt.request().get(`/v1/contacts/${theirs.id}`).set(auth(admin))).status, 404);
    assert.equal((await rt.request().patch(`/v1/contacts/${theirs.id}`).set(auth(admin)).send({ jobTitle: 'x' })).status, 404);
    assert.equal((await rt.request().delete(`/v1/contacts/${theirs.id}`).set(auth(admin))).status, 404);
    assert.equal((await rt.request().post(`/v1/contacts/${theirs.id}/transitions`).set(auth(admin)).send({ to: 'hot' })).status, 404);
    const list = await rt.request().get('/v1/contacts').query({ q: 'zoe', limit: 200 }).set(auth(admin));
    assert.ok(!list.body.data.some((c: { id: string }) => c.id === theirs.id));
  });

  it('should require a product for department users and export only the sales column set', async () => {
    const tenantId = new Types.ObjectId(agency.tenantId);
    const se = await makeUser(rt, agency, { role: 'SE' });
    const token = await signIn(rt, se.email);
    const missing = await rt.request().post('/v1/contacts').set(auth(token)).send(newContact());
    assert.equal(missing.status, 400);
    assert.equal(missing.body.errors[0].field, 'productId');
    const product = await productModel(rt.ctx.connection).create({ tenantId, name: 'Expo', status: 'active' });
    const created = await rt.request().post('/v1/contacts').set(auth(token)).send(newContact({ productId: String(product._id) }));
    assert.equal(created.status, 201);
    const csv = await rt.request().get('/v1/contacts/export').set(auth(token));
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-type']!, /text\/csv/);
    const [header, row] = csv.text.trim().split('\r\n');
    assert.equal(header, 'firstName,lastName,jobTitle,companyName');
    assert.equal(row, 'Zoë,Ångström,CFO,Nordic Fintech AB');
  });

  it('should validate, filter and sort by custom fields', async () => {
    const tenantId = new Types.ObjectId(agency.tenantId);
    await customFieldModel(rt.ctx.connection).create({ tenantId, resource: 'contact', key: 'score', label: 'Score', type: 'number' });
    await customFieldModel(rt.ctx.connection).create({ tenantId, resource: 'contact', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] });
    const bad = await rt.request().post('/v1/contacts').set(auth(admin)).send(newContact({ custom: { score: 'high', nope: 1 } }));
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['custom.nope', 'custom.score']);
    await rt.request().post('/v1/contacts').set(auth(admin)).send(newContact({ firstName: 'Gold', custom: { score: 90, tier: 'gold' } })).expect(201);
    await rt.request().post('/v1/contacts').set(auth(admin)).send(newContact({ firstName: 'Silver', custom: { score: 40, tier: 'silver' } })).expect(201);
    const gold = await rt.request().get('/v1/contacts').query({ 'custom.tier': 'gold' }).set(auth(admin));
    assert.deepEqual(gold.body.data.map((c: { firstName: string }) => c.firstName), ['Gold']);
    const sorted = await rt.request().get('/v1/contacts').query({ sort: '-custom.score', 'custom.score.gte': undefined }).set(auth(admin));
    assert.equal(sorted.body.data[0].firstName, 'Gold');
  });
});
