import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type mongoose from 'mongoose';
import { Types } from 'mongoose';
import { createTestRuntime } from '../../testing/index.js';
import { postgresTestConnection } from '../../testing/test-database.js';
import { ensureIndexes } from '../../platform/db/indexes.js';
import { ensurePushdownIndexes, postgresClient } from '../../platform/db/pushdown-indexes.js';
import { conversationMemberModel } from './conversation.model.js';
import { inboxDayModel } from './inbox-days.js';

describe('the inbox collections’ indexes', () => {
  it('should make the span markers’ index at start (the model is registered while the app is built, not on first use)', async () => {
    const rt = await createTestRuntime({ file: import.meta.filename });
    try {
      assert.ok(rt.ctx.connection.models.ConversationInboxDay, 'registered by the conversations module');
      const names = (await rt.ctx.connection.collection('conversation_inbox_days').listIndexes().toArray()).map((i) => String(i.name));
      assert.ok(names.includes('tenantId_1_under_1'), names.join(', '));
    } finally {
      await rt.close();
    }
  });

  describe('on FerretDB’s PostgreSQL handler', () => {
    let db: Awaited<ReturnType<typeof postgresTestConnection>>;
    let connection: mongoose.Connection;

    before(async () => {
      db = await postgresTestConnection(`crm_inbox_indexes_${process.pid}`);
      ({ connection } = db);
    });
    after(async () => {
      await db?.close();
    });

    it('should leave member rows and span markers to their GIN indexes (no btree twin but the unique ones), and read both by them', async () => {
      conversationMemberModel(connection);
      inboxDayModel(connection);
      // As an earlier version left them: FerretDB's btree indexes on every declared field.
      await conversationMemberModel(connection).collection.createIndexes([{ key: { ih: 1 } }, { key: { ib0: 1 } }, { key: { userId: 1 } }]);
      await ensureIndexes(connection, { pushdownOnly: true });
      await ensurePushdownIndexes(connection, db.pgUrl);
      const client = postgresClient(db.pgUrl);
      await client.connect();
      const schemaName = connection.db!.databaseName;
      const indexesOf = async (collection: string) =>
        (
          await client.query<{ indexname: string; indexdef: string }>(
            `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = (SELECT _jsonb->>'table' FROM "${schemaName}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = $2)`,
            [schemaName, collection],
          )
        ).rows;
      try {
        for (const collection of ['conversation_members', 'conversation_inbox_days']) {
          const all = await indexesOf(collection);
          const btree = all.filter((i) => / USING btree /.test(i.indexdef));
          assert.ok(btree.every((i) => /UNIQUE/.test(i.indexdef)), `${collection}: ${btree.map((i) => i.indexdef).join('\n')}`);
          assert.ok(all.some((i) => i.indexname.endsWith(collection === 'conversation_members' ? '_pd_ih' : '_pd_under')), all.map((i) => i.indexname).join(', '));
        }
        assert.equal((await indexesOf('conversation_members')).filter((i) => / USING btree /.test(i.indexdef)).length, 2, '_id and { tenantId, key }');

        const tenantId = new Types.ObjectId();
        const userId = new Types.ObjectId();
        await inboxDayModel(connection).collection.insertMany(Array.from({ length: 3000 }, (_, i) => ({ _id: `${String(userId)}:h:${i}`, tenantId, under: `${String(userId)}:0:${Math.floor(i / 24)}` })) as never[]);
        await conversationMemberModel(connection).collection.insertMany(Array.from({ length: 3000 }, (_, i) => ({ tenantId, key: `k${i}`, userId, ih: `${String(userId)}:h:${Math.floor(i / 10)}` })) as never[]);
        await client.query(`ANALYZE "${schemaName}"._ferretdb_database_metadata`);
        for (const collection of ['conversation_members', 'conversation_inbox_days']) {
          const table = (await client.query<{ t: string }>(`SELECT _jsonb->>'table' AS t FROM "${schemaName}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = $1`, [collection])).rows[0]!.t;
          await client.query(`ANALYZE "${schemaName}"."${table}"`);
        }
      } finally {
        await client.end();
      }
      const { tenantId, userId } = (await conversationMemberModel(connection).collection.findOne({}))!;
      for (const [collection, filter, index] of [
        ['conversation_inbox_days', { tenantId, under: `${String(userId)}:0:3` }, /_pd_under/],
        ['conversation_members', { tenantId, ih: `${String(userId)}:h:7` }, /_pd_ih/],
      ] as const) {
        const plan = JSON.stringify((await connection.db!.command({ explain: { find: collection, filter } })).queryPlanner);
        assert.match(plan, index, plan);
        assert.doesNotMatch(plan, /Seq Scan/, plan);
      }
      assert.equal(await inboxDayModel(connection).countDocuments({ tenantId, under: `${String(userId)}:0:3` }), 24);
      assert.equal(await conversationMemberModel(connection).countDocuments({ tenantId, ih: `${String(userId)}:h:7` }), 10);
    });
  });
});
