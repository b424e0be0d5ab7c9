import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { commandsDuring } from '../../testing/commands.js';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { contactModel, type Contact } from '../../modules/contacts/contact.model.js';
import { contactDefinition } from '../../modules/contacts/contacts.service.js';
import { writeListRows } from './list-rows.js';
import { createListPageCache, LIST_STAMPS, listPageCache } from './list-page-cache.js';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

describe('list pages kept under the kind’s list stamp, fresh in every process', () => {
  // Two API instances (as two processes would be) on one database; each keeps its own pages.
  let a: TestRuntime;
  let b: TestRuntime;
  let agency: TestAgency;
  let sellerToken: string;
  let headToken: string;

  before(async () => {
    const env = { JWT_SECRET: 'list-page-cache-test-secret-0123456789abcdef' };
    a = await createTestRuntime({ file: import.meta.filename, env });
    b = await createTestRuntime({ dbName: a.dbName, env });
    await Promise.all([a.listBackfill, b.listBackfill]);
    agency = await makeAgency(a);
    const seller = await makeUser(a, agency, { role: 'SALES_PERSON' });
    const head = await makeUser(a, agency, { role: 'SALES_HEAD' });
    sellerToken = await signIn(a, seller.email);
    headToken = await signIn(a, head.email);
  });

  after(async () => {
    await b?.close();
    await a?.close();
  });

  const list = async (rt: TestRuntime, query: Record<string, string>, token = agency.adminToken): Promise<string[]> => {
    const res = await rt.request().get('/v1/contacts').query(query).set('Authorization', `Bearer ${token}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data.map((c: { id: string }) => c.id);
  };
  const create = async (body: Record<string, unknown>, token = agency.adminToken): Promise<{ id: string; version: number }> => {
    const res = await a.request().post('/v1/contacts').set('Authorization', `Bearer ${token}`).send({ lastName: 'Kept', ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  /** Stores contacts as a bulk import does (records, then their rows in one `writeListRows`) through runtime `rt`. */
  const importContacts = async (rt: TestRuntime, tenant: TestAgency, count: number, shape: (i: number) => Partial<Contact>): Promise<string[]> => {
    const tenantId = new Types.ObjectId(tenant.tenantId);
    const docs = Array.from({ length: count }, (_, i) => ({ tenantId, firstName: `Bulk${i}`, lastName: 'Kept', status: 'new', tags: [], custom: {}, ownerId: null, ...shape(i) }));
    const stored = (await contactModel(rt.ctx.connection).insertMany(docs)).map((d) => d.toObject() as Contact);
    await writeListRows(rt.ctx.connection, contactDefinition(rt.ctx.connection), stored);
    return stored.map((c) => String(c._id));
  };
  const listCommands = (commands: [string, string][]) => commands.filter(([, c]) => c === 'list_rows' || c === 'list_blocks' || c === LIST_STAMPS);

  it('should answer a warm page with one command, the stamp read by _id', async () => {
    const made = await create({ firstName: 'Warm', tags: ['kept-warm'] });
    assert.deepEqual(await list(b, { tag: 'kept-warm' }), [made.id], 'cold: read from rows');
    let warmIds: string[] = [];
    const warm = await commandsDuring(b, async () => (warmIds = await list(b, { tag: 'kept-warm' })));
    assert.deepEqual(warmIds, [made.id]);
    // Besides the request's own check of the agency's access stamp (platform/auth), the page is one read: its list stamp.
    assert.deepEqual(warm.filter(([, c]) => c !== 'access_versions'), [['find', LIST_STAMPS]], `warm: only the stamp (${JSON.stringify(warm)})`);
    assert.equal(warm.length, 2, JSON.stringify(warm));
  });

  it('should show a contact created through one instance at the next page of the other, and of its own', async () => {
    const query = { tag: 'kept-created', limit: '10' };
    assert.deepEqual(await list(b, query), []);
    assert.deepEqual(await list(a, query), []);
    const made = await create({ firstName: 'Created', tags: ['kept-created'] });
    assert.deepEqual(await list(b, query), [made.id], 'the other process');
    assert.deepEqual(await list(a, query), [made.id], 'the same process');
  });

  it('should show a contact changed through one instance at the next page of the other', async () => {
    const made = await create({ firstName: 'Changed', tags: ['kept-before'] });
    assert.deepEqual(await list(b, { tag: 'kept-before' }), [made.id]);
    assert.deepEqual(await list(b, { tag: 'kept-after' }), []);
    const patched = await a.request().patch(`/v1/contacts/${made.id}`).set('Authorization', `Bearer ${agency.adminToken}`).send({ tags: ['kept-after'] });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual(await list(b, { tag: 'kept-before' }), [], 'gone from the filter it left');
    assert.deepEqual(await list(b, { tag: 'kept-after' }), [made.id], 'in the one it joined');
  });

  it('should drop a contact deleted through one instance from the next page of the other', async () => {
    const made = await create({ firstName: 'Deleted', tags: ['kept-deleted'] });
    assert.deepEqual(await list(b, { tag: 'kept-deleted' }), [made.id]);
    await a.request().delete(`/v1/contacts/${made.id}`).set('Authorization', `Bearer ${agency.adminToken}`).expect(204);
    assert.deepEqual(await list(b, { tag: 'kept-deleted' }), []);
  });

  it('should show contacts imported in bulk through one instance at the next page of the other', async () => {
    assert.deepEqual(await list(b, { tag: 'kept-imported' }), []);
    const imported = await importContacts(a, agency, 3, () => ({ tags: ['kept-imported'] }));
    assert.deepEqual(await list(b, { tag: 'kept-imported' }), [...imported].reverse());
  });

  it('should never answer a head from a sales person’s kept page, nor a sales person from a head’s', async () => {
    const query = { tag: 'kept-seen' };
    const sellers = await create({ firstName: 'Sellers', tags: ['kept-seen'] }, sellerToken);
    const admins = await create({ firstName: 'Admins', tags: ['kept-seen'] });
    const cache = listPageCache(b.ctx.connection);

    // The seller's page is kept first; the head's request is then read from rows, and sees both.
    assert.deepEqual(await list(b, query, sellerToken), [sellers.id]);
    assert.deepEqual(await list(b, query, sellerToken), [sellers.id], 'the seller again, from memory');
    const pages = cache.stats().pages;
    let headSees: string[] = [];
    const headCommands = await commandsDuring(b, async () => (headSees = await list(b, query, headToken)));
    assert.deepEqual(headSees, [admins.id, sellers.id], 'the head sees every contact');
    assert.ok(headCommands.some(([name, c]) => name === 'find' && c === 'list_rows'), `the head's page is read from rows (${JSON.stringify(headCommands)})`);
    assert.equal(cache.stats().pages, pages + 1, 'kept apart');

    // And the other way round, on a page the head keeps first.
    const query2 = { tag: 'kept-seen', limit: '1' };
    assert.deepEqual(await list(b, query2, headToken), [admins.id]);
    assert.deepEqual(await list(b, query2, headToken), [admins.id]);
    let sellerSees: string[] = [];
    const sellerCommands = await commandsDuring(b, async () => (sellerSees = await list(b, query2, sellerToken)));
    assert.deepEqual(sellerSees, [sellers.id], 'the seller sees their own only');
    assert.ok(sellerCommands.some(([name, c]) => name === 'find' && c === 'list_rows'), `the seller's page is read from rows (${JSON.stringify(sellerCommands)})`);
    assert.deepEqual(await list(b, query2, headToken), [admins.id], 'the head is still answered their own page');

    // Both pages kept: a new contact of the seller's, made through the other instance, is on both next pages.
    const newer = await create({ firstName: 'Newer', tags: ['kept-seen'] }, sellerToken);
    assert.deepEqual(await list(b, query, sellerToken), [newer.id, sellers.id]);
    assert.deepEqual(await list(b, query, headToken), [newer.id, admins.id, sellers.id]);
  });

  const detail = (rt: TestRuntime, id: string, token = agency.adminToken) => rt.request().get(`/v1/contacts/${id}`).set('Authorization', `Bearer ${token}`);

  it('should answer a warm record by id with the stamp read only, and show a change made through the other instance at the next read', async () => {
    const made = await create({ firstName: 'Detail', tags: ['kept-detail'] });
    assert.equal((await detail(b, made.id)).body.firstName, 'Detail', 'cold: read from the record');
    let warm: Awaited<ReturnType<typeof detail>> | undefined;
    const commands = await commandsDuring(b, async () => (warm = await detail(b, made.id)));
    assert.equal(warm!.status, 200);
    assert.equal(warm!.headers.etag, `"${made.version}"`, 'the version still goes out as the ETag');
    assert.deepEqual(commands.filter(([, c]) => c !== 'access_versions'), [['find', LIST_STAMPS]], `warm: only the stamp (${JSON.stringify(commands)})`);

    const patched = await a.request().patch(`/v1/contacts/${made.id}`).set('Authorization', `Bearer ${agency.adminToken}`).send({ firstName: 'Detailed', version: made.version });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const after = await detail(b, made.id);
    assert.equal(after.body.firstName, 'Detailed', 'the other process reads the change');
    assert.equal(after.headers.etag, `"${patched.body.version}"`);
    assert.equal((await detail(a, made.id)).body.firstName, 'Detailed', 'and so does the writing one');

    await a.request().delete(`/v1/contacts/${made.id}`).set('Authorization', `Bearer ${agency.adminToken}`).expect(204);
    assert.equal((await detail(b, made.id)).status, 404, 'a deleted record is not answered from memory');
  });

  it('should never answer a record kept for a head to a sales person who may not see it', async () => {
    const admins = await create({ firstName: 'HeadOnly', tags: ['kept-detail-seen'] });
    const headRead = await detail(b, admins.id, headToken);
    assert.equal(headRead.status, 200, JSON.stringify(headRead.body));
    assert.equal((await detail(b, admins.id, headToken)).status, 200, 'kept for the head');
    assert.equal((await detail(b, admins.id, sellerToken)).status, 404, 'the seller does not see another owner’s contact');
    const sellers = await create({ firstName: 'SellerOwn' }, sellerToken);
    assert.equal((await detail(b, sellers.id, sellerToken)).status, 200);
    assert.equal((await detail(b, sellers.id, sellerToken)).body.firstName, 'SellerOwn', 'the seller’s own, from memory');
  });

  it('should keep at most the pages and rows it is given, least recently read dropped first', async () => {
    const other = await makeAgency(a);
    const tenantId = new Types.ObjectId(other.tenantId);
    await importContacts(a, other, 12, () => ({}));
    const cache = createListPageCache(a.ctx.connection, { maxPages: 2, maxRows: 10, maxAgeMs: 60_000 });
    const walk = (limit: number) => ({ tenantId, kind: 'contact', order: 'c' as const, direction: -1 as const, filter: { tenantId }, limit });
    const rowReads = async (limit: number) => listCommands(await commandsDuring(a, () => cache.page(walk(limit), performance.now()))).filter(([name, c]) => name === 'find' && c === 'list_rows').length;

    assert.ok((await rowReads(1)) > 0, 'cold');
    assert.equal(await rowReads(1), 0, 'kept');
    assert.ok((await rowReads(2)) > 0);
    assert.ok((await rowReads(3)) > 0);
    assert.deepEqual(cache.stats(), { pages: 2, rows: 5 }, 'two pages at most: the first read is dropped');
    assert.equal(await rowReads(3), 0, 'the newest is kept');
    assert.ok((await rowReads(1)) > 0, 'the oldest was dropped');
    assert.ok((await rowReads(11)) > 0);
    assert.ok((await rowReads(11)) > 0, 'a page of more rows than the bound is never kept');
    assert.ok(cache.stats().rows <= 10);
  });
});
