import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { contactModel, type Contact } from '../../modules/contacts/contact.model.js';
import { contactDefinition } from '../../modules/contacts/contacts.service.js';
import { backfillListRows, COMPACT_ITEMS, compactListItems } from './list-backfill.js';
import { itemOf, listRowModel } from './list-row.model.js';
import { writeListRows } from './list-rows.js';
import { MAX_ROUNDS, walkRows } from './list-walk.js';
import { writeNextVersion } from '../records/version-claims.js';
import { activityModel } from '../../modules/activities/activity.model.js';

describe('list rows', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  const auth = (token = agency.adminToken) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    await rt.listBackfill;
  });
  after(() => rt.close());

  /** Stores `count` contacts as a bulk import does (records, then rows), `perBlock` rows per block, oldest first. */
  async function importContacts(tenant: TestAgency, count: number, shape: (i: number) => Partial<Contact>, perBlock = 1): Promise<Contact[]> {
    const tenantId = new Types.ObjectId(tenant.tenantId);
    const docs = Array.from({ length: count }, (_, i) => ({ tenantId, firstName: `P${i}`, lastName: 'Import', status: 'new', tags: [], custom: {}, ownerId: null, ...shape(i) }));
    const stored = (await contactModel(rt.ctx.connection).insertMany(docs)).map((d) => d.toObject() as Contact);
    await writeListRows(rt.ctx.connection, contactDefinition(rt.ctx.connection), stored, { perBlock });
    return stored;
  }

  /** Every page of a list, following the cursors; `between` runs after each page. */
  async function allPages(token: string, query: Record<string, string>, between: (page: number) => Promise<void> = async () => {}): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 200; page += 1) {
      const res = await rt.request().get('/v1/contacts').query({ ...query, ...(cursor ? { cursor } : {}) }).set(auth(token));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      ids.push(...res.body.data.map((c: { id: string }) => c.id));
      if (!res.body.hasMore) return ids;
      cursor = res.body.nextCursor;
      await between(page);
    }
    throw new Error('more than 200 pages');
  }

  it('should write, move and remove a row with every write of its record', async () => {
    const rows = listRowModel(rt.ctx.connection);
    const tenantId = new Types.ObjectId(agency.tenantId);
    const created = await rt.request().post('/v1/contacts').set(auth()).send({ firstName: 'Rui', lastName: 'Pato', tags: ['vip'], addresses: [{ label: 'home', city: 'Braga', primary: true }] }).expect(201);
    const id = new Types.ObjectId(created.body.id as string);
    const row = await rows.findOne({ tenantId, _id: id }).lean();
    assert.ok(row, 'a row is written with the record');
    assert.equal(row.kind, 'contact');
    assert.deepEqual(row.tag, ['vip']);
    assert.deepEqual(row.city, ['Braga'], 'a filter on a path through an array is stored flat, under its parameter name');
    assert.equal(String(row.ownerId), created.body.ownerId, 'the access fields are on the row');
    assert.equal(row.cb, row.ub);
    assert.equal(typeof row.itemJson, 'string', 'the list item is one field of JSON text');
    assert.equal(row.item, undefined, 'not a nested document');
    assert.deepEqual(itemOf(row), created.body, 'the row holds the list item');

    const updated = await rt.request().patch(`/v1/contacts/${id}`).set(auth()).send({ firstName: 'Ruy', tags: ['press'] }).expect(200);
    const moved = await rows.findOne({ tenantId, _id: id }).lean();
    assert.deepEqual(itemOf(moved!), updated.body);
    assert.deepEqual(moved!.tag, ['press']);
    assert.equal(moved!.cb, row.cb, 'the creation block never changes');
    assert.ok(moved!.us > row.us, 'the update order key moves on');
    const listed = await rt.request().get('/v1/contacts').query({ tag: 'press' }).set(auth()).expect(200);
    assert.deepEqual(listed.body.data.map((c: { id: string }) => c.id), [String(id)]);

    await rt.request().delete(`/v1/contacts/${id}`).set(auth()).expect(204);
    assert.equal(await rows.countDocuments({ tenantId, _id: id }), 0, 'the row goes with the record');
    assert.equal((await rt.request().get('/v1/contacts').query({ tag: 'press' }).set(auth()).expect(200)).body.data.length, 0);
  });

  it('should page through buckets of every level, in order, each record once, while contacts are added', async () => {
    const other = await makeAgency(rt);
    // 600 blocks of one row: level-0 buckets, 16-block and 256-block buckets, and the whole kind.
    const stored = await importContacts(other, 600, (i) => ({ status: i % 7 === 0 ? 'hot' : 'new', tags: [i === 3 || i === 250 || i === 520 ? 'rare' : 'common'] }));
    const newestFirst = stored.map((c) => String(c._id)).reverse();
    let added = 0;
    const addOne = async (page: number) => {
      if (page % 4 !== 0) return;
      await rt.request().post('/v1/contacts').set(auth(other.adminToken)).send({ firstName: `New${added++}`, lastName: 'Concurrent' }).expect(201);
    };
    const all = await allPages(other.adminToken, { limit: '45' }, addOne);
    assert.ok(added >= 3);
    const seen = all.filter((id) => newestFirst.includes(id));
    assert.deepEqual(seen, newestFirst, 'every imported contact once, newest first, none skipped or repeated');
    assert.equal(new Set(all).size, all.length, 'no contact twice, added ones included');

    const hot = await allPages(other.adminToken, { status: 'hot', limit: '7' });
    assert.deepEqual(hot, newestFirst.filter((_, i) => (599 - i) % 7 === 0), 'a filtered walk, in order');
    const oldestFirst = await allPages(other.adminToken, { status: 'hot', sort: 'createdAt', limit: '9' });
    assert.deepEqual(oldestFirst, [...newestFirst].reverse().filter((_, i) => i % 7 === 0), 'ascending, in order');
    const rare = await allPages(other.adminToken, { tag: 'rare', limit: '2' });
    assert.deepEqual(rare, [520, 250, 3].map((i) => String(stored[i]!._id)), 'a selective filter finds matches far apart');
  });

  it('should bound the reads of a page, and answer a short page that resumes when a filter is rare', async () => {
    const other = await makeAgency(rt);
    const stored = await importContacts(other, 600, (i) => ({ tags: [i === 0 || i === 1 ? 'oldest' : 'common'] }));
    const tenantId = new Types.ObjectId(other.tenantId);
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await walkRows(rt.ctx.connection, { tenantId, kind: 'contact', order: 'c', direction: -1, filter: { tenantId, tag: 'oldest' }, limit: 5, cursor });
      assert.ok(page.rounds <= MAX_ROUNDS && page.reads <= 2 * MAX_ROUNDS, `at most ${MAX_ROUNDS} rounds of two reads per page (was ${page.rounds}, ${page.reads})`);
      ids.push(...page.rows.map((r) => String(r._id)));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 20);
    assert.deepEqual(ids, [String(stored[1]!._id), String(stored[0]!._id)]);
    const bad = await rt.request().get('/v1/contacts').query({ cursor: 'r.bm9wZQ' }).set(auth(other.adminToken));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'query.cursor');
  });

  it('should apply the caller visibility to rows: a sales person pages through their own contacts only', async () => {
    const other = await makeAgency(rt);
    const seller = await makeUser(rt, other, { role: 'SALES_PERSON' });
    const token = await signIn(rt, seller.email);
    const stored = await importContacts(other, 120, (i) => ({ ownerId: i % 4 === 0 ? seller.id : null }), 8);
    const mine = stored.filter((c) => String(c.ownerId) === String(seller.id)).map((c) => String(c._id)).reverse();
    assert.deepEqual(await allPages(token, { limit: '4' }), mine);
    assert.deepEqual(await allPages(token, { limit: '4', sort: '-updatedAt' }), mine, 'the update order too');
    const someoneElses = stored.find((c) => !c.ownerId)!;
    await rt.request().get(`/v1/contacts/${someoneElses._id}`).set(auth(token)).expect(404);
  });

  it('should keep an opportunity row in step with a stage move, which bypasses the record service', async () => {
    const deal = (await rt.request().post('/v1/opportunities').set(auth()).send({ name: 'Initech - rows', amount: 1000 }).expect(201)).body;
    const inStage = async (stage: string) => (await rt.request().get('/v1/opportunities').query({ stage }).set(auth()).expect(200)).body.data.map((d: { id: string }) => d.id);
    assert.ok((await inStage(deal.stage)).includes(deal.id));
    const moved = (await rt.request().post(`/v1/opportunities/${deal.id}/move`).set(auth()).send({ stage: 'negotiation', version: deal.version }).expect(200)).body;
    assert.ok((await inStage('negotiation')).includes(deal.id), 'listed under its new stage');
    assert.ok(!(await inStage(deal.stage)).includes(deal.id), 'and no longer under its old one');
    const row = await listRowModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(deal.id as string) }).lean();
    assert.deepEqual(itemOf(row!), moved, 'the row holds the moved deal');
  });

  it('should move the row with a versioned write made outside the record service (a public form, a schedule)', async () => {
    const created = (await rt.request().post('/v1/contacts').set(auth()).send({ firstName: 'Ines', lastName: 'Outside' }).expect(201)).body;
    const tenantId = new Types.ObjectId(agency.tenantId);
    const id = new Types.ObjectId(created.id as string);
    const before = (await listRowModel(rt.ctx.connection).findOne({ tenantId, _id: id }).lean())!;
    const from = await writeNextVersion(contactModel(rt.ctx.connection), tenantId, id, () => ({ $set: { status: 'hot', updatedAt: new Date() } }));
    assert.equal(from?.version, created.version);
    const row = (await listRowModel(rt.ctx.connection).findOne({ tenantId, _id: id }).lean())!;
    assert.equal(row.status, 'hot');
    assert.equal(row.version, created.version + 1);
    assert.equal((itemOf(row) as { status: string }).status, 'hot');
    assert.ok(row.us > before.us, 'filed as a new write');
    const hot = (await rt.request().get('/v1/contacts').query({ status: 'hot', limit: '100' }).set(auth()).expect(200)).body.data.map((c: { id: string }) => c.id);
    assert.ok(hot.includes(created.id), 'listed under its new status at once');
  });

  it('should follow a stage whose kind changed in every deal row of that stage', async () => {
    const pipeline = (await rt.request().post('/v1/pipelines').set(auth()).send({ name: 'Rows kinds', stages: [{ key: 'a', name: 'A', probability: 10 }, { key: 'b', name: 'B', probability: 90 }] }).expect(201)).body;
    const deals = await Promise.all([1, 2, 3].map(async (n) => (await rt.request().post('/v1/opportunities').set(auth()).send({ name: `Kinds ${n}`, amount: n, pipelineId: pipeline.id, stage: 'b' }).expect(201)).body));
    const won = async () => (await rt.request().get('/v1/opportunities').query({ pipelineId: pipeline.id, stageKind: 'won' }).set(auth()).expect(200)).body.data.map((d: { id: string }) => d.id).sort();
    assert.deepEqual(await won(), []);
    await rt.request().patch(`/v1/pipelines/${pipeline.id}`).set(auth()).send({ stages: [pipeline.stages[0], { ...pipeline.stages[1], kind: 'won' }] }).expect(200);
    assert.deepEqual(await won(), deals.map((d) => d.id).sort(), 'every deal of the stage is listed with the new kind');
    const stored = await rt.request().get(`/v1/opportunities/${deals[0].id}`).set(auth()).expect(200);
    assert.equal(stored.body.version, deals[0].version + 1, 'each deal took the change as a version of its own');
  });

  it('should leave a kind with no records not done, and give records that arrive later without rows theirs at the next run', async () => {
    const state = rt.ctx.connection.db!.collection<{ _id: string; done: boolean; rows: number }>('list_backfill');
    const Activities = activityModel(rt.ctx.connection);
    assert.equal(await Activities.collection.countDocuments({}), 0, 'no activity in this database yet');
    await state.deleteMany({});
    await backfillListRows(rt.ctx.connection);
    assert.equal((await state.findOne({ _id: 'activity' }))?.done, false, 'an empty kind is not marked done');
    assert.equal((await state.findOne({ _id: 'contact' }))?.done, true);

    // Records restored (or written by a process without rows) after that start.
    const other = await makeAgency(rt);
    const tenantId = new Types.ObjectId(other.tenantId);
    const subject = { type: 'contact', id: new Types.ObjectId() };
    const stored = (await Activities.insertMany(Array.from({ length: 5 }, (_, i) => ({ tenantId, type: 'note', title: `Restored ${i}`, subject, subjectType: 'contact', subjectId: subject.id, occurredAt: new Date() })))).map((a) => String(a._id));
    const list = async () => (await rt.request().get('/v1/activities').set(auth(other.adminToken)).expect(200)).body.data.map((a: { id: string }) => a.id);
    assert.deepEqual(await list(), [], 'no rows yet');
    assert.equal(await backfillListRows(rt.ctx.connection), 5, 'only the records without rows are written');
    assert.deepEqual(await list(), [...stored].reverse(), 'listed from rows, newest first');
    assert.equal((await state.findOne({ _id: 'activity' }))?.done, true);
    const blocks = await rt.ctx.connection.db!.collection('list_blocks').countDocuments({ _id: { $regex: `^${other.tenantId}:activity:` } } as never);
    assert.equal(blocks, 1, 'one block for five rows, none for records that had theirs');
  });

  it('should list customers, leads, tasks and activities from rows, and keep a moved subtree in step', async () => {
    const mk = async (path: string, body: Record<string, unknown>) => (await rt.request().post(path).set(auth()).send(body).expect(201)).body as { id: string; version: number };
    const tenantId = new Types.ObjectId(agency.tenantId);
    const rowOfId = (id: string) => listRowModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(id) }).lean();
    const root = await mk('/v1/customers', { name: 'Rows Holding' });
    const other = await mk('/v1/customers', { name: 'Rows Other' });
    const mid = await mk('/v1/customers', { name: 'Rows Mid', parentId: root.id });
    const leaf = await mk('/v1/customers', { name: 'Rows Leaf', parentId: mid.id });
    const under = async (id: string) => (await rt.request().get('/v1/customers').query({ ancestorId: id }).set(auth()).expect(200)).body.data.map((c: { id: string }) => c.id);
    assert.deepEqual(await under(root.id), [leaf.id, mid.id]);
    await rt.request().post(`/v1/customers/${mid.id}/move`).set(auth()).send({ parentId: other.id }).expect(200);
    assert.deepEqual(await under(other.id), [leaf.id, mid.id], 'the moved account and its descendant are listed under the new root');
    assert.deepEqual(await under(root.id), []);
    assert.equal((itemOf((await rowOfId(leaf.id))!) as { depth: number }).depth, 2);

    const lead = await mk('/v1/leads', { firstName: 'Lia', lastName: 'Rows', tags: ['rows-lead'] });
    const task = await mk('/v1/tasks', { kind: 'todo', title: 'Rows task', tags: ['rows-task'] });
    const activity = await mk('/v1/activities', { type: 'note', title: 'Rows note', subject: { type: 'customer', id: root.id }, tags: ['rows-activity'] });
    for (const [path, id, tag] of [['/v1/leads', lead.id, 'rows-lead'], ['/v1/tasks', task.id, 'rows-task'], ['/v1/activities', activity.id, 'rows-activity']] as const) {
      assert.ok(await rowOfId(id), `${path}: a row is written with the record`);
      const listed = await rt.request().get(path).query({ tag }).set(auth()).expect(200);
      assert.deepEqual(listed.body.data.map((r: { id: string }) => r.id), [id]);
    }
    const leadKind = (await rt.request().get(`/v1/leads/${lead.id}`).set(auth()).expect(200)).body.kind as string;
    const byKind = await rt.request().get('/v1/leads').query({ kind: leadKind, tag: 'rows-lead' }).set(auth()).expect(200);
    assert.deepEqual(byKind.body.data.map((l: { id: string }) => l.id), [lead.id], 'a filter named like a row field (kind) is kept under its own row field');
    assert.equal((await rowOfId(lead.id))!.kind, 'lead');
    const done = await rt.request().post(`/v1/tasks/${task.id}/transitions`).set(auth()).send({ to: 'done', version: task.version });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal((await rowOfId(task.id))!.status, 'done', 'a transition moves the row');
    // Paging through rows with keyset cursors: every task once.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await rt.request().get('/v1/tasks').query({ limit: '1', ...(cursor ? { cursor } : {}) }).set(auth()).expect(200);
      seen.push(...page.body.data.map((t: { id: string }) => t.id));
      cursor = page.body.hasMore ? page.body.nextCursor : undefined;
      if (cursor) assert.ok(cursor.startsWith('r.'), 'a list-row cursor');
    } while (cursor && seen.length < 100);
    assert.ok(seen.includes(task.id));
    assert.equal(new Set(seen).size, seen.length);
  });

  it('should backfill rows for contacts stored before list rows existed, once', async () => {
    const other = await makeAgency(rt);
    const tenantId = new Types.ObjectId(other.tenantId);
    const docs = Array.from({ length: 30 }, (_, i) => ({ tenantId, firstName: `Old${i}`, lastName: 'Record', status: i % 2 ? 'new' : 'hot', tags: [], custom: {}, ownerId: null }));
    const stored = await contactModel(rt.ctx.connection).insertMany(docs);
    assert.equal((await rt.request().get('/v1/contacts').set(auth(other.adminToken)).expect(200)).body.data.length, 0, 'no rows yet');
    await rt.ctx.connection.db!.collection('list_backfill').deleteMany({});
    assert.ok((await backfillListRows(rt.ctx.connection)) >= 30);
    const hot = await allPages(other.adminToken, { status: 'hot', limit: '4' });
    assert.deepEqual(hot.sort(), stored.filter((_, i) => i % 2 === 0).map((c) => String(c._id)).sort());
    assert.equal(await backfillListRows(rt.ctx.connection), 0, 'a finished backfill is not run again');
    await rt.ctx.connection.db!.collection('list_backfill').deleteMany({});
    const rows = await listRowModel(rt.ctx.connection).countDocuments({ tenantId });
    await backfillListRows(rt.ctx.connection);
    assert.equal(await listRowModel(rt.ctx.connection).countDocuments({ tenantId }), rows, 'run again, it keeps the rows there are and adds none twice');
  });

  it('should answer rows written with a nested item as before, and rewrite them to JSON text once', async () => {
    const other = await makeAgency(rt);
    const tenantId = new Types.ObjectId(other.tenantId);
    const Rows = listRowModel(rt.ctx.connection).collection;
    const stored = await importContacts(other, 6, (i) => ({ firstName: `Nested${i}`, status: i % 2 ? 'new' : 'hot', tags: ['nested'] }), 64);
    const ids = stored.map((c) => c._id);
    const listed = async (query: Record<string, string> = {}) => (await rt.request().get('/v1/contacts').query(query).set(auth(other.adminToken)).expect(200)).body.data as Array<Record<string, unknown>>;
    const expected = await listed();
    assert.deepEqual(expected.map((c) => c.id), ids.map(String).reverse());
    // Rows as written before `itemJson`: the item as a nested document.
    for (const id of ids.slice(0, 4)) {
      const row = (await Rows.findOne({ _id: id }))!;
      await Rows.updateOne({ _id: id }, { $set: { item: JSON.parse(row.itemJson as string) }, $unset: { itemJson: 1 } });
    }
    assert.equal(await Rows.countDocuments({ tenantId, item: { $exists: true } }), 4);
    assert.deepEqual(await listed(), expected, 'old and new rows are answered alike');
    assert.deepEqual((await listed({ status: 'hot', limit: '2' })).map((c) => c.id), [ids[4], ids[2]].map(String), 'filters apply to old rows unchanged');

    // A write of an old row's record moves it to the new form.
    const patched = await rt.request().patch(`/v1/contacts/${String(ids[0])}`).set(auth(other.adminToken)).send({ lastName: 'Rewritten' }).expect(200);
    const written = (await Rows.findOne({ _id: ids[0] }))!;
    assert.equal(written.item, undefined, 'the nested item is removed by a write');
    assert.deepEqual(JSON.parse(written.itemJson as string), patched.body);

    // The one-time rewrite converts the rest and is recorded.
    await rt.ctx.connection.db!.collection('list_backfill').deleteOne({ _id: COMPACT_ITEMS } as never);
    assert.equal(await compactListItems(rt.ctx.connection), 3);
    assert.equal(await Rows.countDocuments({ tenantId, item: { $exists: true } }), 0);
    assert.equal(await Rows.countDocuments({ tenantId, itemJson: { $type: 'string' } }), 6);
    assert.deepEqual((await listed()).map((c) => (c.id === patched.body.id ? patched.body : c)), expected.map((c) => (c.id === patched.body.id ? patched.body : c)), 'answered the same after the rewrite');
    assert.equal(await compactListItems(rt.ctx.connection), 0, 'done once');
  });
});
