import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mongoose, { Schema } from 'mongoose';
import { startTestDatabase } from '../../testing/test-database.js';
import type { DatabaseServer } from './embedded.js';
// The app's mongoose settings (autoIndex and autoCreate off), as every runtime has them.
import './connection.js';
import { ensureIndexes } from './indexes.js';
import { connectionCommandEvents } from '../../testing/commands.js';

/** The commands a connection sends while `run` runs, as [command, collection] pairs. */
const commandsOf = async (connection: mongoose.Connection, run: () => Promise<unknown>) =>
  (await connectionCommandEvents(connection, run)).map((event): [string, string] => [event.commandName, String(event.command[event.commandName])]);

describe('ensureIndexes: a new database, a restart, a new index', () => {
  let server: DatabaseServer | undefined;
  let connection: mongoose.Connection;
  const models = () => {
    for (const name of connection.modelNames()) connection.deleteModel(name);
    const things = new Schema({ tenantId: Schema.Types.ObjectId, status: String, key: String }, { autoIndex: false });
    things.index({ tenantId: 1, status: 1 });
    things.index({ tenantId: 1, key: 1 }, { unique: true });
    connection.model('Thing', things, 'things');
    connection.model('Plain', new Schema({ name: String }, { autoIndex: false }), 'plains');
    return things;
  };

  before(async () => {
    let uri = process.env.TEST_MONGODB_URI;
    if (!uri) {
      server = await startTestDatabase(() => {});
      uri = server.uri;
    }
    connection = await mongoose.createConnection(uri, { dbName: `crm_indexes_${process.pid}`, monitorCommands: true }).asPromise();
  });

  after(async () => {
    await connection?.dropDatabase().catch(() => {});
    await connection?.close();
    await server?.stop();
  });

  it('should make a new collection with all its indexes in one command, and a collection without indexes', async () => {
    models();
    const sent = await commandsOf(connection, () => ensureIndexes(connection));
    assert.deepEqual(sent.filter(([name]) => name !== 'listCollections'), [['createIndexes', 'things'], ['create', 'plains']]);
    const names = (await connection.collection('things').listIndexes().toArray()).map((i) => i.name).sort();
    assert.deepEqual(names, ['_id_', 'tenantId_1_key_1', 'tenantId_1_status_1']);
    const unique = (await connection.collection('things').listIndexes().toArray()).find((i) => i.name === 'tenantId_1_key_1');
    assert.equal(unique?.unique, true);
  });

  it('should make nothing on a restart (FerretDB drops the connection when one command repeats several existing indexes)', async () => {
    models();
    const sent = await commandsOf(connection, () => ensureIndexes(connection));
    assert.deepEqual(sent.filter(([name]) => name === 'createIndexes' || name === 'create'), []);
    // The connection is still usable: a dropped one would fail here.
    assert.equal(await connection.collection('things').countDocuments({}), 0);
  });

  it('should add only an index declared since the last start', async () => {
    const things = models();
    things.index({ status: 1 });
    connection.deleteModel('Thing');
    connection.model('Thing', things, 'things');
    const sent = await commandsOf(connection, () => ensureIndexes(connection));
    assert.deepEqual(sent.filter(([name]) => name === 'createIndexes'), [['createIndexes', 'things']]);
    const names = (await connection.collection('things').listIndexes().toArray()).map((i) => i.name).sort();
    assert.deepEqual(names, ['_id_', 'status_1', 'tenantId_1_key_1', 'tenantId_1_status_1']);
  });
});
