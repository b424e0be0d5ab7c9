import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commandEventsDuring } from '../../testing/commands.js';
import { createTestRuntime } from '../../testing/index.js';
import { BULK_UPDATE_LIMIT, bulkWriteBounded, deleteManyBounded } from './bulk-writes.js';

describe('bulk writes bounded for FerretDB: at most 16 updates per command, inserts together, unordered goes on past an error', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  const things = () => rt.ctx.connection.collection<{ _id: number; n: number }>('bulk_things');
  /** The statements per `update` / `insert` command sent to the collection while `run` runs. */
  const commands = async (run: () => Promise<unknown>) =>
    (await commandEventsDuring(rt, run))
      .filter((event) => event.command[event.commandName] === 'bulk_things')
      .map((event) => [event.commandName, ((event.command.updates ?? event.command.documents ?? event.command.deletes ?? []) as unknown[]).length] as [string, number]);

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
  });
  after(async () => {
    await rt.close();
  });

  it('should send 100 inserts as one command and 40 updates as commands of at most 16, and apply every one', async () => {
    const inserts = Array.from({ length: 100 }, (_, i) => ({ insertOne: { document: { _id: i, n: 0 } } }));
    assert.deepEqual(await commands(() => bulkWriteBounded(things(), inserts, { ordered: false })), [['insert', 100]]);
    const updates = Array.from({ length: 40 }, (_, i) => ({ updateOne: { filter: { _id: i }, update: { $set: { n: i + 1 } } } }));
    const sent = await commands(() => bulkWriteBounded(things(), updates, { ordered: false }));
    assert.deepEqual(sent, [['update', 16], ['update', 16], ['update', 8]]);
    assert.ok(sent.every(([, n]) => n <= BULK_UPDATE_LIMIT));
    assert.equal(await things().countDocuments({ n: { $gt: 0 } }), 40);
  });

  it('should keep the order of an ordered write (inserts, then updates of what they inserted) and stop at the first error', async () => {
    const ops = [
      { insertOne: { document: { _id: 1000, n: 0 } } },
      ...Array.from({ length: 20 }, () => ({ updateOne: { filter: { _id: 1000 }, update: { $inc: { n: 1 } } } })),
      { insertOne: { document: { _id: 1001, n: 0 } } },
      { insertOne: { document: { _id: 1000, n: 0 } } }, // a duplicate: stops here
      { updateOne: { filter: { _id: 1001 }, update: { $set: { n: 99 } } } },
    ];
    const sent = await commands(() => assert.rejects(bulkWriteBounded(things(), ops), (error: { code?: number }) => error.code === 11000));
    assert.deepEqual(sent, [['insert', 1], ['update', 16], ['update', 4], ['insert', 2]]);
    assert.equal((await things().findOne({ _id: 1000 }))!.n, 20);
    assert.equal((await things().findOne({ _id: 1001 }))!.n, 0, 'nothing after the error');
  });

  it('should delete a match larger than one statement may hold in rounds of at most that many, and nothing else', async () => {
    const docs = Array.from({ length: 23 }, (_, i) => ({ _id: 5000 + i, n: -1 }));
    await things().insertMany([...docs, { _id: 6000, n: -2 }]);
    const sent = await commands(async () => assert.equal(await deleteManyBounded(things(), { n: -1 }, 10), 23));
    const deletes = sent.filter(([name]) => name === 'delete');
    assert.equal(deletes.length, 3, 'rounds of 10, 10 and 3');
    assert.equal(await things().countDocuments({ n: -1 }), 0);
    assert.equal(await things().countDocuments({ _id: 6000 }), 1, 'what the filter does not match stays');
    // A small match is one delete by the filter itself.
    await things().insertMany(docs.slice(0, 4));
    assert.deepEqual((await commands(() => deleteManyBounded(things(), { n: -1 }, 10))).filter(([name]) => name === 'delete').length, 1);
    assert.equal(await things().countDocuments({ n: -1 }), 0);
    await assert.rejects(deleteManyBounded(things(), { _id: 6000 }), /must not name _id/);
  });

  it('should send every command of an unordered write even when one fails, then throw the first error', async () => {
    const ops = [
      { insertOne: { document: { _id: 2000, n: 0 } } },
      { insertOne: { document: { _id: 0, n: 0 } } }, // exists: a duplicate
      ...Array.from({ length: 18 }, (_, i) => ({ updateOne: { filter: { _id: 2000 + (i % 2) }, update: { $set: { n: 7 } }, upsert: true } })),
    ];
    await assert.rejects(bulkWriteBounded(things(), ops, { ordered: false }), (error: { code?: number }) => error.code === 11000);
    assert.equal((await things().findOne({ _id: 2000 }))!.n, 7);
    assert.equal((await things().findOne({ _id: 2001 }))!.n, 7, 'the updates after the failed insert went out');
  });
});
