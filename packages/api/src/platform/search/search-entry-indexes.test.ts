import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type mongoose from 'mongoose';
import { Types } from 'mongoose';
import { postgresTestConnection } from '../../testing/test-database.js';
import { ensurePushdownIndexes, postgresClient } from '../db/pushdown-indexes.js';
import { searchEntryModel, searchKey } from './search-entry.model.js';

// FerretDB's PostgreSQL handler: the search entries (about 31 per imported contact, issue 20) keep up only
// the indexes their reads use: GIN on `key`, `sk` and `recordId`, none on `_id` (no read names it).
describe('search entry indexes on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof postgresTestConnection>>;
  let connection: mongoose.Connection;
  let pgUrl: string;

  before(async () => {
    db = await postgresTestConnection(`crm_search_entry_indexes_${process.pid}`);
    ({ connection, pgUrl } = db);
  });
  after(async () => {
    await db?.close();
  });

  it('should make no GIN index on _id (dropping one an earlier version made), and still find entries by key', async () => {
    const tenantId = new Types.ObjectId();
    const recordId = new Types.ObjectId();
    await connection.collection('search_entries').insertOne({ tenantId, kind: 'contact', token: 'ada', key: searchKey(tenantId, 'contact', 'ada'), sk: 'x', recordId, exact: true });
    const sql = async <T extends object>(text: string, params: unknown[] = []) => {
      const client = postgresClient(pgUrl);
      await client.connect();
      try {
        return (await client.query<T>(text, params)).rows;
      } finally {
        await client.end();
      }
    };
    const schemaName = connection.db!.databaseName;
    const [{ table }] = (await sql<{ table: string }>(`SELECT _jsonb->>'table' AS table FROM "${schemaName}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'search_entries'`)) as [{ table: string }];
    // As an earlier version made it.
    await sql(`CREATE INDEX "${table}_pd__id" ON "${schemaName}"."${table}" USING gin ((_jsonb -> '_id'))`);
    searchEntryModel(connection);
    const created = await ensurePushdownIndexes(connection, pgUrl);
    assert.deepEqual(created.map((c) => c.field).sort(), ['key', 'recordId', 'sk']);
    const indexes = (await sql<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2', [schemaName, table])).map((r) => r.indexname);
    assert.ok(!indexes.some((name) => name.endsWith('_pd__id')), indexes.join(', '));
    assert.equal((await searchEntryModel(connection).find({ key: searchKey(tenantId, 'contact', 'ada'), tenantId }).lean()).length, 1);
  });
});
