import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type mongoose from 'mongoose';
import { Types } from 'mongoose';
import { createTestRuntime } from '../../testing/index.js';
import { postgresTestConnection } from '../../testing/test-database.js';
import { ensureIndexes } from './indexes.js';
import { ensurePushdownIndexes, postgresClient } from './pushdown-indexes.js';
import { createWriteStampedCache, moveWriteStamps, writeStampModel } from './write-stamps.js';
import { accessVersionModel } from '../auth/principal-cache.js';

const STAMP_COLLECTIONS = ['access_versions', 'calendar_bucket_stamps', 'conversation_inbox_stamps'];

describe('write stamps', () => {
  it('should have every stamp collection registered while the app is built, so it exists from start', async () => {
    const rt = await createTestRuntime({ file: import.meta.filename });
    try {
      const registered = new Set(Object.values(rt.ctx.connection.models).map((m) => m.collection.collectionName));
      for (const collection of STAMP_COLLECTIONS) assert.ok(registered.has(collection), `${collection} has a model`);
      const existing = new Set((await rt.ctx.connection.db!.listCollections().toArray()).map((c) => c.name));
      for (const collection of STAMP_COLLECTIONS) assert.ok(existing.has(collection), `${collection} made at start`);
    } finally {
      await rt.close();
    }
  });

  describe('kept answers', () => {
    let rt: Awaited<ReturnType<typeof createTestRuntime>>;
    before(async () => {
      rt = await createTestRuntime({ file: import.meta.filename });
    });
    after(async () => {
      await rt?.close();
    });

    it('should move a new stamp from many writers at once without refusing any (the first upserts race on its _id)', async () => {
      const collection = 'list_row_stamps';
      for (let round = 0; round < 5; round += 1) {
        const tenantId = new Types.ObjectId();
        const keys = ['contacts', 'tasks'];
        const moves = await Promise.allSettled(Array.from({ length: 12 }, () => moveWriteStamps(rt.ctx.connection, collection, tenantId, keys)));
        assert.deepEqual(moves.filter((m) => m.status === 'rejected').map((m) => String((m as PromiseRejectedResult).reason)), [], `round ${round}`);
        assert.equal(await rt.ctx.connection.collection(collection).countDocuments({ tenantId }), 2, 'one stamp per key');
      }
    });

    it('should answer from memory while the stamp stands, and load again once any writer moved it', async () => {
      const collection = 'conversation_inbox_stamps';
      const tenantId = new Types.ObjectId();
      const cache = createWriteStampedCache<string[]>(rt.ctx.connection, collection, (rows) => rows.length, { maxAnswers: 10, maxRows: 100, maxAgeMs: 60_000 });
      let loads = 0;
      const load = (value: string) => async () => {
        loads += 1;
        return [value];
      };
      assert.deepEqual(await cache.get(tenantId, 'k', '', performance.now(), load('a')), ['a']);
      assert.deepEqual(await cache.get(tenantId, 'k', '', performance.now(), load('b')), ['a'], 'kept under the same stamp');
      assert.equal(loads, 1);
      // Another process's write: only the stored stamp moves, this process's copy is untouched.
      await moveWriteStamps(rt.ctx.connection, collection, tenantId, ['k']);
      assert.deepEqual(await cache.get(tenantId, 'k', '', performance.now(), load('c')), ['c'], 'a stamp moved elsewhere is seen');
      await cache.touch(tenantId, ['k']);
      assert.deepEqual(await cache.get(tenantId, 'k', '', performance.now(), load('d')), ['d'], 'a write through this cache is seen');
      // Another agency's same key is its own stamp.
      assert.deepEqual(await cache.get(new Types.ObjectId(), 'k', '', performance.now(), load('e')), ['e']);
      assert.equal(loads, 4);
    });

    it('should keep nothing for a failed load, keep variants apart, and stay within its bounds', async () => {
      const tenantId = new Types.ObjectId();
      const cache = createWriteStampedCache<string[]>(rt.ctx.connection, 'calendar_bucket_stamps', (rows) => rows.length, { maxAnswers: 2, maxRows: 3, maxAgeMs: 60_000 });
      await assert.rejects(cache.get(tenantId, 'w1', '', performance.now(), () => Promise.reject(new Error('down'))), /down/);
      assert.equal(cache.stats().answers, 0);
      await cache.get(tenantId, 'w1', 'p1', performance.now(), async () => ['a']);
      await cache.get(tenantId, 'w1', 'p2', performance.now(), async () => ['b']);
      assert.deepEqual(await cache.get(tenantId, 'w1', 'p1', performance.now(), async () => ['x']), ['a']);
      await cache.get(tenantId, 'w2', '', performance.now(), async () => ['c']);
      assert.deepEqual(cache.stats(), { answers: 2, rows: 2 }, 'the least recently read answer dropped');
      await cache.get(tenantId, 'w3', '', performance.now(), async () => ['d', 'e', 'f', 'g']);
      assert.deepEqual(cache.stats(), { answers: 2, rows: 2 }, 'an answer over the row bound is never kept');
      await cache.touch(tenantId, ['w1']);
      assert.deepEqual(cache.stats(), { answers: 1, rows: 1 }, 'touch drops every variant under the stamp');
    });
  });

  describe('on FerretDB’s PostgreSQL handler', () => {
    let db: Awaited<ReturnType<typeof postgresTestConnection>>;
    let connection: mongoose.Connection;
    before(async () => {
      db = await postgresTestConnection(`crm_write_stamps_${process.pid}`);
      ({ connection } = db);
    });
    after(async () => {
      await db?.close();
    });

    it('should read a stamp by its _id through a GIN index without a pending list, not by scanning every agency’s stamps', async () => {
      accessVersionModel(connection);
      writeStampModel(connection, 'calendar_bucket_stamps');
      writeStampModel(connection, 'conversation_inbox_stamps');
      await ensureIndexes(connection, { pushdownOnly: true });
      await ensurePushdownIndexes(connection, db.pgUrl);
      const tenants = Array.from({ length: 1000 }, () => new Types.ObjectId());
      await connection.collection('calendar_bucket_stamps').insertMany(tenants.flatMap((tenantId) => ['w1', 'w2', 'w3'].map((w) => ({ _id: `${String(tenantId)}:${w}`, tenantId, v: 'x' }))) as never[]);
      await moveWriteStamps(connection, 'calendar_bucket_stamps', tenants[7]!, ['w2']);
      const client = postgresClient(db.pgUrl);
      await client.connect();
      const schemaName = connection.db!.databaseName;
      try {
        for (const collection of STAMP_COLLECTIONS) {
          const table = (await client.query<{ t: string }>(`SELECT _jsonb->>'table' AS t FROM "${schemaName}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = $1`, [collection])).rows[0]!.t;
          const index = await client.query<{ indexdef: string; reloptions: string[] | null }>(
            `SELECT i.indexdef, c.reloptions FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname WHERE i.schemaname = $1 AND i.tablename = $2 AND i.indexname LIKE '%\\_pd\\_\\_id'`,
            [schemaName, table],
          );
          assert.equal(index.rows.length, 1, `${collection}: the GIN index on _id`);
          assert.match(index.rows[0]!.indexdef, /USING gin/);
          assert.deepEqual(index.rows[0]!.reloptions, ['fastupdate=off'], collection);
          await client.query(`ANALYZE "${schemaName}"."${table}"`);
        }
      } finally {
        await client.end();
      }
      const plan = JSON.stringify((await connection.db!.command({ explain: { find: 'calendar_bucket_stamps', filter: { _id: `${String(tenants[7])}:w2` } } })).queryPlanner);
      assert.doesNotMatch(plan, /Seq Scan/, plan);
      assert.equal((await connection.collection<{ _id: string }>('calendar_bucket_stamps').findOne({ _id: `${String(tenants[7])}:w2` }))?._id, `${String(tenants[7])}:w2`);
    });
  });
});
