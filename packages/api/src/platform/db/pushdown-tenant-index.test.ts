import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type mongoose from 'mongoose';
import { Schema, Types } from 'mongoose';
import { postgresTestConnection } from '../../testing/test-database.js';
import { calendarEntryModel } from '../../modules/calendar/calendar.model.js';
import { conversationMemberModel } from '../../modules/conversations/conversation.model.js';
import { inboxDayModel } from '../../modules/conversations/inbox-days.js';
import { eventRegistrationModel } from '../../modules/sales-events/sales-event.model.js';
import { listRowModel } from '../lists/list-row.model.js';
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

  // The collaboration lists' collections (issue 23): each is read by its own keys (week bucket, event block,
  // member and inbox-span keys, list-row bucket) and never by the agency alone, so none has a tenantId GIN
  // index; a read pairs the agency with its key, and the plan uses the key's index only.
  it('should give the collaboration lists no GIN index on tenantId, and read each by its own key', async () => {
    const models = [calendarEntryModel(connection), eventRegistrationModel(connection), conversationMemberModel(connection), inboxDayModel(connection), listRowModel(connection)];
    const tenantId = new Types.ObjectId();
    const eventId = new Types.ObjectId();
    await calendarEntryModel(connection).collection.insertMany(Array.from({ length: 2000 }, (_, i) => ({ tenantId, title: `e${i}`, buckets: [`w${2900 + Math.floor(i / 100)}`], ownerId: tenantId })));
    await eventRegistrationModel(connection).collection.insertMany(Array.from({ length: 2000 }, (_, i) => ({ tenantId, eventId: i < 1000 ? eventId : new Types.ObjectId(), emailKey: `k${i}`, ob: Math.floor(i / 64), ob0: `${String(eventId)}:0:${Math.floor(i / 64)}` })));
    for (const model of models) await connection.db!.createCollection(model.collection.collectionName).catch(() => {});
    await ensurePushdownIndexes(connection, pgUrl);
    const client = postgresClient(pgUrl);
    await client.connect();
    try {
      const schemaName = connection.db!.databaseName;
      for (const model of models) {
        const { rows } = await client.query<{ indexname: string }>(
          `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = (SELECT _jsonb->>'table' FROM "${schemaName}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = $2)`,
          [schemaName, model.collection.collectionName],
        );
        assert.ok(rows.length > 1, `${model.collection.collectionName} has its key indexes`);
        assert.ok(!rows.some((r) => r.indexname.endsWith('_pd_tenantid')), `${model.collection.collectionName}: ${rows.map((r) => r.indexname).join(', ')}`);
      }
    } finally {
      await client.end();
    }
    const reads: [string, Record<string, unknown>, RegExp][] = [
      ['calendar_entries', { tenantId, buckets: 'w2905' }, /_pd_buckets/],
      ['sales_event_registrations', { tenantId, eventId }, /_pd_eventid/],
      ['sales_event_registrations', { tenantId, ob0: `${String(eventId)}:0:3` }, /_pd_ob0/],
    ];
    for (const [collection, filter, index] of reads) {
      const plan = JSON.stringify((await connection.db!.command({ explain: { find: collection, filter } })).queryPlanner);
      assert.match(plan, index, plan);
      assert.doesNotMatch(plan, /_pd_tenantid|BitmapAnd/, plan);
    }
    assert.equal(await calendarEntryModel(connection).countDocuments({ tenantId, buckets: 'w2905' }), 100);
    assert.equal(await eventRegistrationModel(connection).countDocuments({ tenantId: new Types.ObjectId(), eventId }), 0, 'another tenant finds nothing');
  });
});
