import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type mongoose from 'mongoose';
import { Schema, Types } from 'mongoose';
import { postgresTestConnection } from '../../testing/test-database.js';
import { ensureIndexes } from './indexes.js';
import { ensurePushdownIndexes, postgresClient } from './pushdown-indexes.js';
import { searchedWithoutPendingList } from './pushdown-options.js';

// FerretDB's PostgreSQL handler on the embedded PostgreSQL (the default), or on EMBEDDED_DB_POSTGRES_URL
// when that is set; a database of its own, removed at the end.
describe('PostgreSQL indexes for FerretDB pushdown', () => {
  let db: Awaited<ReturnType<typeof postgresTestConnection>>;
  let connection: mongoose.Connection;
  let pgUrl: string;

  before(async () => {
    db = await postgresTestConnection(`crm_pushdown_${process.pid}`);
    ({ connection, pgUrl } = db);
    const schema = new Schema({ tenantId: Schema.Types.ObjectId, status: String, searchTokens: [String], company: { name: String } }, { autoIndex: false });
    schema.index({ tenantId: 1, status: 1 });
    schema.index({ tenantId: 1, searchTokens: 1 });
    schema.index({ 'company.name': 1 });
    connection.model('Thing', schema, 'things');
    await ensureIndexes(connection);
  });

  after(async () => {
    await db?.close();
  });

  it('should add one GIN index per indexed top-level field, once, and PostgreSQL should use them for FerretDB’s own SQL', async () => {
    const created = await ensurePushdownIndexes(connection, pgUrl);
    assert.deepEqual(created.map((c) => c.field).sort(), ['_id', 'searchTokens', 'status', 'tenantId'], 'dotted paths are not pushed down, so they get none');
    assert.deepEqual(await ensurePushdownIndexes(connection, pgUrl), [], 'a second start adds nothing');

    const tenantId = new Types.ObjectId();
    const docs = Array.from({ length: 3000 }, (_, i) => ({ tenantId, status: ['new', 'hot', 'cold'][i % 3], searchTokens: [`w${i % 500}`, 'all'] }));
    await connection.collection('things').insertMany(docs);

    // FerretDB's explain reports PostgreSQL's plan for the SQL it sends: the GIN indexes serve it.
    const explained = await connection.db!.command({ explain: { find: 'things', filter: { tenantId, status: 'hot', searchTokens: 'w7' } } });
    assert.equal(explained.filterPushdown, true, 'FerretDB pushes the three top-level equalities down');
    assert.equal(explained.sortPushdown, false);
    const plan = JSON.stringify(explained.queryPlanner);
    assert.match(plan, /_jsonb -> 'status'::text\) @> '\\"hot\\"'::jsonb/, 'the containment FerretDB generates');
    assert.match(plan, /Bitmap Index Scan/, plan);
    assert.match(plan, /_pd_searchtokens/, 'the array field is served by its GIN index (containment of one element)');

    const withoutTheirs = await connection.db!.command({ explain: { find: 'things', filter: { tenantId, $and: [{ status: 'hot' }] } } });
    assert.doesNotMatch(JSON.stringify(withoutTheirs.queryPlanner), /'status'/, 'an equality under $and is not pushed down: list-query keeps them at the top level');

    const found = await connection.collection('things').countDocuments({ tenantId, status: 'hot', searchTokens: 'w7' });
    assert.equal(found, docs.filter((d) => d.status === 'hot' && d.searchTokens.includes('w7')).length, 'the same answers as without the indexes');
  });

  it('should keep a marked collection’s GIN indexes without a pending list, also ones made before it was marked', async () => {
    /** The reloptions of each pushdown index of a collection's table, by field. */
    const options = async (collection: string) => {
      const client = postgresClient(pgUrl);
      await client.connect();
      try {
        const { rows } = await client.query<{ indexname: string; reloptions: string[] | null }>(
          `SELECT c.relname AS indexname, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind = 'i' AND c.relname LIKE $2 || '%_pd_%'`,
          [connection.db!.databaseName, collection],
        );
        return Object.fromEntries(rows.map((r) => [r.indexname.slice(r.indexname.indexOf('_pd_') + 4), r.reloptions ?? []]));
      } finally {
        await client.end();
      }
    };
    const before = new Schema({ tenantId: Schema.Types.ObjectId, line: String }, { autoIndex: false });
    before.index({ line: 1 });
    // Only the new collections are made (ensureIndexes again would send the existing `things` indexes too).
    await connection.model('Earlier', before, 'earlier').createCollection();
    assert.deepEqual((await ensurePushdownIndexes(connection, pgUrl)).map((c) => c.field).sort(), ['_id', 'line']);
    await connection.collection('earlier').insertMany(Array.from({ length: 200 }, (_, i) => ({ tenantId: new Types.ObjectId(), line: `l${i}` })));
    assert.deepEqual(await options('earlier'), { _id: [], line: [] }, 'PostgreSQL’s default: a pending list');

    searchedWithoutPendingList(before);
    const marked = new Schema({ tenantId: Schema.Types.ObjectId, slice: String }, { autoIndex: false });
    marked.index({ slice: 1 });
    searchedWithoutPendingList(marked);
    await connection.model('Marked', marked, 'marked').createCollection();
    assert.deepEqual((await ensurePushdownIndexes(connection, pgUrl)).map((c) => c.field).sort(), ['_id', 'slice'], 'the new collection’s indexes only');
    assert.deepEqual(await options('marked'), { _id: ['fastupdate=off'], slice: ['fastupdate=off'] });
    assert.deepEqual(await options('earlier'), { _id: ['fastupdate=off'], line: ['fastupdate=off'] }, 'switched at the next start');
    assert.deepEqual(await options('things'), { _id: [], searchtokens: [], status: [], tenantid: [] }, 'unmarked collections keep the default');
    assert.equal((await connection.collection('earlier').find({ line: 'l7' }).toArray()).length, 1);
  });
  it('should leave plain indexes to their GIN twins on FerretDB: none made through FerretDB, earlier ones dropped, unique ones kept, reads still served', async () => {
    const indexNames = async (collection: string) => (await connection.collection(collection).listIndexes().toArray()).map((i) => String(i.name)).sort();
    const entries = new Schema({ tenantId: Schema.Types.ObjectId, key: String, code: String }, { autoIndex: false });
    entries.index({ key: 1 });
    entries.index({ code: 1 }, { unique: true });
    // An earlier version made them all through FerretDB (btree indexes on PostgreSQL).
    const Entry = connection.model('Entry', entries, 'entries');
    await Entry.collection.createIndexes([{ key: { key: 1 } }, { key: { code: 1 }, unique: true }]);
    assert.deepEqual(await indexNames('entries'), ['_id_', 'code_1', 'key_1']);

    await ensureIndexes(connection, { pushdownOnly: true });
    assert.deepEqual(await indexNames('entries'), ['_id_', 'code_1'], 'the plain one dropped, the unique one kept (it enforces)');
    await ensureIndexes(connection, { pushdownOnly: true });
    assert.deepEqual(await indexNames('entries'), ['_id_', 'code_1'], 'a restart changes nothing');
    await assert.rejects(Entry.collection.insertMany([{ code: 'x' }, { code: 'x' }]), /E11000|duplicate/i);

    assert.ok((await ensurePushdownIndexes(connection, pgUrl)).some((c) => c.collection === 'entries' && c.field === 'key'), 'its GIN twin');
    await Entry.collection.insertMany(Array.from({ length: 2000 }, (_, i) => ({ tenantId: new Types.ObjectId(), key: `k${i % 400}`, code: `c${i}` })));
    const explained = await connection.db!.command({ explain: { find: 'entries', filter: { key: 'k7' } } });
    assert.match(JSON.stringify(explained.queryPlanner), /_pd_key/, 'the lookup is served by the GIN index');
    assert.equal(await Entry.collection.countDocuments({ key: 'k7' }), 5);
  });
});
