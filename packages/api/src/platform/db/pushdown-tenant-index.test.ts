import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type mongoose from 'mongoose';
import { Schema, Types } from 'mongoose';
import { postgresTestConnection } from '../../testing/test-database.js';
import { ensurePushdownIndexes, postgresClient, readWithoutTenantIndex } from './pushdown-indexes.js';

// FerretDB's PostgreSQL handler, as in pushdown-indexes.test.ts: the run's database when it is on PostgreSQL, else one of our own.
describe('a collection read without a GIN index on tenantId', () => {
  let db: Awaited<ReturnType<typeof postgresTestConnection>>;
  let connection: mongoose.Connection;
  let pgUrl: string;

  before(async () => {
    db = await postgresTestConnection(`crm_pushdown_tenant_${process.pid}`);
    ({ connection, pgUrl } = db);
  });

  after(async () => {
    await db?.close();
  });

  it('should get no GIN index on tenantId (one made before is dropped), and read by its own key alone, checking the tenant on the rows', async () => {
    const tenantId = new Types.ObjectId();
    const docs = Array.from({ length: 3000 }, (_, i) => ({ tenantId, userKey: `u${i % 300}` }));
    await connection.collection('rows').insertMany(docs);
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
    const [{ table }] = await sql<{ table: string }>(`SELECT _jsonb->>'table' AS table FROM "${schemaName}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'rows'`) as [{ table: string }];
    // As an earlier version made it, before the collection was marked.
    await sql(`CREATE INDEX "${table}_pd_tenantid" ON "${schemaName}"."${table}" USING gin ((_jsonb -> 'tenantId'))`);

    const schema = new Schema({ tenantId: { type: Schema.Types.ObjectId, index: true }, userKey: String }, { autoIndex: false });
    schema.index({ tenantId: 1, userKey: 1 });
    readWithoutTenantIndex(schema);
    connection.model('Row', schema, 'rows');
    const created = await ensurePushdownIndexes(connection, pgUrl);
    assert.deepEqual(created.map((c) => c.field).sort(), ['_id', 'userKey']);
    const indexes = (await sql<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2', [schemaName, table])).map((r) => r.indexname);
    assert.ok(!indexes.some((name) => name.endsWith('_pd_tenantid')), indexes.join(', '));

    await sql(`ANALYZE "${schemaName}"."${table}"`);
    const explained = await connection.db!.command({ explain: { find: 'rows', filter: { tenantId, userKey: 'u7' } } });
    const plan = JSON.stringify(explained.queryPlanner);
    assert.match(plan, /_pd_userkey/, plan);
    assert.doesNotMatch(plan, /_pd_tenantid|BitmapAnd/, plan);
    assert.equal(await connection.collection('rows').countDocuments({ tenantId, userKey: 'u7' }), 10);
    assert.equal(await connection.collection('rows').countDocuments({ tenantId: new Types.ObjectId(), userKey: 'u7' }), 0, 'another tenant finds nothing');
  });
});
