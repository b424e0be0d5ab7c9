import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { commandsDuring, findFiltersDuring } from '../../testing/commands.js';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { contactModel, type Contact } from '../../modules/contacts/contact.model.js';
import { contactDefinition } from '../../modules/contacts/contacts.service.js';
import { backfillNameFields, forgetNamesReady, NAME_FIELDS } from './list-backfill.js';
import { listRowModel } from './list-row.model.js';
import { writeListRows } from './list-rows.js';
import { nameBucket, nameKey, nameLabel, nameScope } from './list-names.js';
import { MAX_ROUNDS } from './list-name-walk.js';

const NAMES = ['Émile', 'emile', 'Zoë', 'zoe', 'Ångström', 'angstrom', 'Müller', 'mueller', 'Mull', "O'Brien", 'obrien', 'de la Cruz', 'De Vries', 'van Dyke', 'Øst', 'Ost', '123abc', 'Ćosić', 'Cosic', 'ALMEIDA', 'almeida', 'Ab', 'a', '[x]', 'Straße', 'strasse'];

describe('list rows in name order', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  const auth = (token = agency.adminToken) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    await rt.listBackfill;
  });
  after(() => rt.close());

  /** Every page of a list, following the cursors, as [id, lastName] pairs. */
  async function allPages(token: string, query: Record<string, string>): Promise<Array<[string, string]>> {
    const seen: Array<[string, string]> = [];
    let cursor: string | undefined;
    for (let page = 0; page < 300; page += 1) {
      const res = await rt.request().get('/v1/contacts').query({ ...query, ...(cursor ? { cursor } : {}) }).set(auth(token));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      seen.push(...res.body.data.map((c: { id: string; lastName: string }) => [c.id, c.lastName] as [string, string]));
      if (!res.body.hasMore) return seen;
      cursor = res.body.nextCursor;
    }
    throw new Error('more than 300 pages');
  }

  /** The order a name walk must give: by normalised key, then id. */
  const expected = (pairs: Array<[string, string]>, direction: 1 | -1) =>
    [...pairs].sort(([ia, a], [ib, b]) => {
      const [ka, kb] = [nameKey(a), nameKey(b)];
      return (ka < kb ? -1 : ka > kb ? 1 : ia < ib ? -1 : ia > ib ? 1 : 0) * direction;
    });

  async function importContacts(tenant: TestAgency, count: number, shape: (i: number) => Partial<Contact>): Promise<Contact[]> {
    const tenantId = new Types.ObjectId(tenant.tenantId);
    const docs = Array.from({ length: count }, (_, i) => ({ tenantId, firstName: `P${i}`, lastName: 'Import', status: 'new', tags: [], custom: {}, ownerId: null, ...shape(i) }));
    const stored = (await contactModel(rt.ctx.connection).insertMany(docs)).map((d) => d.toObject() as Contact);
    await writeListRows(rt.ctx.connection, contactDefinition(rt.ctx.connection), stored, { perBlock: 8 });
    return stored;
  }

  it('should page in exact alphabetical order, accents and case folded, both directions, each record once', async () => {
    const made: Array<[string, string]> = [];
    for (const lastName of NAMES) made.push([(await rt.request().post('/v1/contacts').set(auth()).send({ firstName: 'N', lastName, tags: ['names'] }).expect(201)).body.id, lastName]);
    const row = await listRowModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(made[0]![0]) }).lean();
    assert.equal(row!.nk_lastName, 'emile', 'the key is lower-cased with accents folded');
    assert.ok((row!.n3 as string[]).includes(nameBucket(nameScope(new Types.ObjectId(agency.tenantId), 'contact', 'lastName'), 'emi')), 'with its prefix buckets');
    for (const limit of ['1', '3', '50']) {
      const up = await allPages(agency.adminToken, { tag: 'names', sort: 'lastName', limit });
      assert.deepEqual(up, expected(made, 1), `ascending, pages of ${limit}`);
      const down = await allPages(agency.adminToken, { tag: 'names', sort: '-lastName', limit });
      assert.deepEqual(down, expected(made, -1), `descending, pages of ${limit}`);
    }
    const first = (await allPages(agency.adminToken, { tag: 'names', sort: 'lastName', limit: '50' })).map(([, n]) => n);
    assert.deepEqual(first.slice(0, 4), ['123abc', '[x]', 'a', 'Ab'], 'digits, then other characters between 9 and a, then letters');
    const bad = await rt.request().get('/v1/contacts').query({ sort: '-lastName', cursor: (await rt.request().get('/v1/contacts').query({ sort: 'lastName', limit: 1 }).set(auth())).body.nextCursor }).set(auth());
    assert.equal(bad.status, 400, 'a cursor of the other direction is refused');
    assert.equal(bad.body.errors[0].field, 'query.cursor');
  });

  it('should move a renamed record and apply filters and a sales person visibility', async () => {
    const other = await makeAgency(rt);
    const seller = await makeUser(rt, other, { role: 'SALES_PERSON' });
    const token = await signIn(rt, seller.email);
    const stored = await importContacts(other, 150, (i) => ({ lastName: `${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i * 7) % 26))}son ${i}`, ownerId: i % 3 === 0 ? seller.id : null, status: i % 2 ? 'hot' : 'new' }));
    const pairs = stored.map((c) => [String(c._id), c.lastName] as [string, string]);
    const visible = (await allPages(token, { status: 'hot', limit: '100' })).map(([id]) => id);
    assert.ok(visible.length > 0 && visible.length < 75, 'the seller sees some of the hot contacts');
    const mine = expected(pairs.filter(([id]) => visible.includes(id)), 1);
    assert.deepEqual(await allPages(token, { status: 'hot', sort: 'lastName', limit: '4' }), mine, 'the seller pages through their own hot contacts, in name order');
    assert.deepEqual(await allPages(token, { status: 'hot', sort: '-lastName', limit: '7' }), [...mine].reverse());
    const admin = other.adminToken;
    assert.deepEqual(await allPages(admin, { status: 'new', sort: 'lastName', limit: '9' }), expected(pairs.filter((_, i) => i % 2 === 0), 1), 'a filter for the admin');

    const last = (await allPages(admin, { sort: '-lastName', limit: '1' }))[0]!;
    const current = (await rt.request().get(`/v1/contacts/${last[0]}`).set(auth(admin)).expect(200)).body;
    await rt.request().patch(`/v1/contacts/${last[0]}`).set(auth(admin)).send({ lastName: 'Aaberg', version: current.version }).expect(200);
    const firstPage = (await rt.request().get('/v1/contacts').query({ sort: 'lastName', limit: 1 }).set(auth(admin)).expect(200)).body.data;
    assert.deepEqual(firstPage.map((c: { id: string }) => c.id), [last[0]], 'the renamed record moves to the front');
    const renamed = pairs.map(([id, n]) => [id, id === last[0] ? 'Aaberg' : n] as [string, string]);
    const listed = await allPages(admin, { sort: 'lastName', limit: '20' });
    assert.deepEqual(listed.map(([id, n]) => `${id} ${n}`).join('\n'), expected(renamed, 1).map(([id, n]) => `${id} ${n}`).join('\n'), 'and is listed once');
  });

  it('should bound the reads of a page and resume a page cut short', async () => {
    const third = await makeAgency(rt);
    // 400 contacts over ~200 labels, 3 of them tagged: most buckets hold no match.
    const stored = await importContacts(third, 400, (i) => ({ lastName: `${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + (Math.floor(i / 26) % 26))}${String.fromCharCode(97 + ((i * 5) % 26))}x`, tags: i % 150 === 7 ? ['rare'] : [] }));
    const rare = stored.filter((c) => c.tags.includes('rare')).map((c) => [String(c._id), c.lastName] as [string, string]);
    assert.equal(rare.length, 3);
    let cursor: string | undefined;
    const seen: string[] = [];
    let pages = 0;
    let short = 0;
    for (; pages < 100; pages += 1) {
      let body: { data: Array<{ id: string }>; hasMore: boolean; nextCursor: string | null } | undefined;
      const filters = await findFiltersDuring(rt, 'list_rows', async () => {
        body = (await rt.request().get('/v1/contacts').query({ tag: 'rare', sort: 'lastName', limit: 2, ...(cursor ? { cursor } : {}) }).set(auth(third.adminToken)).expect(200)).body;
      });
      assert.ok(filters.length <= MAX_ROUNDS * 4, `at most ${MAX_ROUNDS} rounds of 4 reads (${filters.length})`);
      for (const filter of filters) assert.ok(['n1', 'n2', 'n3'].some((f) => typeof filter[f] === 'string'), `every read is one prefix bucket: ${JSON.stringify(filter)}`);
      seen.push(...body!.data.map((c) => c.id));
      if (body!.hasMore && body!.data.length < 2) short += 1;
      if (!body!.hasMore) break;
      cursor = body!.nextCursor!;
    }
    assert.deepEqual(seen, expected(rare, 1).map(([id]) => id), 'every rare record once, in order');
    assert.ok(short > 0, 'some page was cut short by the read cap and resumed');
    // A broad page of 50 from many small labels reads a few wide buckets, not one per label.
    const commands = await commandsDuring(rt, () => rt.request().get('/v1/contacts').query({ sort: 'lastName', limit: 50 }).set(auth(third.adminToken)).expect(200));
    const rowReads = commands.filter(([name, c]) => name === 'find' && c === 'list_rows').length;
    assert.ok(rowReads <= 1 + MAX_ROUNDS * 4, `row reads ${rowReads}`);
    const warm = await commandsDuring(rt, () => rt.request().get('/v1/contacts').query({ sort: 'lastName', limit: 50 }).set(auth(third.adminToken)).expect(200));
    assert.equal(warm.filter(([, c]) => c === 'list_rows' || c === 'list_name_labels').length, 0, 'the same page again is kept under the list stamp');
  });

  it('should backfill rows made before the name fields, and list from records meanwhile', async () => {
    const fourth = await makeAgency(rt);
    const tenantId = new Types.ObjectId(fourth.tenantId);
    const stored = await importContacts(fourth, 30, (i) => ({ lastName: NAMES[i % NAMES.length]! }));
    const rows = listRowModel(rt.ctx.connection);
    await rows.updateMany({ tenantId }, { $unset: { nk_lastName: 1, nk_companyName: 1, n1: 1, n2: 1, n3: 1 } });
    const state = rt.ctx.connection.db!.collection<{ _id: string }>('list_backfill');
    await state.deleteOne({ _id: NAME_FIELDS });
    forgetNamesReady(rt.ctx.connection);
    const meanwhile = await allPages(fourth.adminToken, { sort: 'lastName', limit: '50' });
    assert.equal(meanwhile.length, 30, 'while the backfill has not run, the list is read from the records');
    const written = await backfillNameFields(rt.ctx.connection);
    assert.ok(written !== null && written >= 30, `rows given their fields: ${written}`);
    const row = await rows.findOne({ tenantId, _id: stored[0]!._id }).lean();
    assert.equal(row!.nk_lastName, nameKey(stored[0]!.lastName));
    assert.ok((row!.n1 as string[]).includes(nameBucket(nameScope(tenantId, 'contact', 'lastName'), nameLabel(nameKey(stored[0]!.lastName), 1))));
    forgetNamesReady(rt.ctx.connection);
    const filters = await findFiltersDuring(rt, 'list_rows', async () => {
      const after = await allPages(fourth.adminToken, { sort: 'lastName', limit: '7' });
      assert.deepEqual(after, expected(stored.map((c) => [String(c._id), c.lastName] as [string, string]), 1));
    });
    assert.ok(filters.length > 0, 'read from rows once backfilled');
    assert.equal(await backfillNameFields(rt.ctx.connection), 0, 'done once');
  });
});
