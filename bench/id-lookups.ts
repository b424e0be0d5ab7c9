/**
 * What one read or write by `_id` costs on FerretDB v1.24.1's PostgreSQL handler, with and without the GIN
 * index the API adds per field at start (packages/api/src/platform/db/pushdown-indexes.ts). Run by hand,
 * not part of the tests.
 *
 * FerretDB turns each top-level equality into `(_jsonb->'field') @> '<value>'`; its own `_id` index is a
 * btree on `(_jsonb->'_id')`, which cannot serve `@>`. Without the GIN index every lookup by `_id` is a
 * sequential scan of the collection. This seeds N documents in a fresh database, then times 100 of each
 * operation one at a time and reads PostgreSQL's index and sequential scan counters around each phase.
 *
 *   node --import tsx bench/id-lookups.ts --docs 20000            (FerretDB's indexes only)
 *   node --import tsx bench/id-lookups.ts --docs 20000 --gin 1    (plus the API's GIN indexes on _id and tenantId)
 *
 * The scan counters are PostgreSQL's statistics, flushed about every 0.5 s: each phase waits before reading them.
 */
import { cpus, loadavg } from 'node:os';
import { MongoClient, ObjectId } from 'mongodb';
import { postgresClient } from '../packages/api/src/platform/db/pushdown-indexes.js';
import { startTestDatabase } from '../packages/api/src/testing/test-database.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const docs = Number(option('docs', '20000'));
const gin = option('gin', '0') === '1';
const runs = 100;

const server = await startTestDatabase(() => {});
if (!server.postgresUrl) throw new Error('this bench needs the PostgreSQL handler (EMBEDDED_DB_HANDLER=postgresql, the default)');
const client = await MongoClient.connect(server.uri);
const pg = postgresClient(server.postgresUrl);
await pg.connect();
try {
  const schema = 'idlookups';
  const col = client.db(schema).collection('things');
  const tenantId = new ObjectId();
  const all = Array.from({ length: docs }, (_, n) => ({ _id: new ObjectId(), tenantId, n, pad: 'x'.repeat(200) }));
  for (let i = 0; i < all.length; i += 1000) await col.insertMany(all.slice(i, i + 1000));
  const table = (await pg.query<{ t: string }>(`SELECT _jsonb->>'table' AS t FROM ${schema}._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'things'`)).rows[0]!.t;
  if (gin) {
    for (const field of ['_id', 'tenantId']) await pg.query(`CREATE INDEX ON ${schema}.${table} USING gin ((_jsonb -> '${field}'))`);
    await pg.query(`ANALYZE ${schema}.${table}`);
  }
  const counters = async () => (await pg.query<{ idx: number; seq: number }>(`SELECT coalesce(idx_scan, 0)::int AS idx, seq_scan::int AS seq FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2`, [schema, table])).rows[0]!;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 800));
  const ids = all.slice(0, runs).map((d) => d._id);
  const phases: [string, (_id: ObjectId) => Promise<unknown>][] = [
    ['findOne({ _id })', (_id) => col.findOne({ _id })],
    ['findOne({ tenantId, _id })', (_id) => col.findOne({ tenantId, _id })],
    ['updateOne({ tenantId, _id }, $set)', (_id) => col.updateOne({ tenantId, _id }, { $set: { touched: 1 } })],
    ['updateOne({ tenantId, _id }, $set + $inc)', (_id) => col.updateOne({ tenantId, _id }, { $set: { touched: 2 }, $inc: { version: 1 } })],
    ['deleteOne({ tenantId, _id })', (_id) => col.deleteOne({ tenantId, _id })],
  ];
  console.log(`${docs} documents, GIN indexes: ${gin ? 'yes' : 'no'}; ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
  console.log('| operation (100 one at a time) | mean ms | index scans | sequential scans |\n|---|---|---|---|');
  await settle();
  for (const [name, run] of phases) {
    const before = await counters();
    const started = performance.now();
    for (const _id of ids) await run(_id);
    const mean = (performance.now() - started) / ids.length;
    await settle();
    const after = await counters();
    console.log(`| ${name} | ${mean.toFixed(2)} | ${after.idx - before.idx} | ${after.seq - before.seq} |`);
  }
} finally {
  await pg.end();
  await client.close();
  await server.stop();
}
