/**
 * What a list row's item costs through FerretDB v1.24.1 on PostgreSQL in each stored form (run by hand,
 * not part of the tests; issue 15): the item as a nested document (`item`, what rows stored before), as
 * one JSON string (`itemJson`) and as one BSON binary (`itemBin`). Each collection holds `--docs` rows
 * shaped as contact list rows (the same top-level filter, access and bucket fields), every one in one
 * bucket; the read is the walk's `{c0: <bucket>}` equality (pushed down), all rows returned, best of 5.
 * Reported per row: wall µs, CPU µs of FerretDB and of the PostgreSQL backend, and the API's decode of
 * the item (the driver's BSON decode of the reply is in the wall time; then JSON.parse or BSON.deserialize).
 *
 *   node --import tsx bench/item-forms.ts --docs 5000      (a fresh database on the local PostgreSQL, dropped after)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { BSON } from 'mongodb';
import { ferretdbBinary, startFerretDB } from '../packages/api/src/platform/db/ferretdb.js';
import { postgresClient } from '../packages/api/src/platform/db/pushdown-indexes.js';
import { compactListItems } from '../packages/api/src/platform/lists/list-backfill.js';
import { CLOCK_TICKS, cpuOfTree } from './cpu.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const docs = Number(option('docs', '5000'));
const root = new URL('..', import.meta.url).pathname;
const tenantId = new mongoose.Types.ObjectId('6750a1b2c3d4e5f601234567');

/** A contact's list item as the API answers it (toContactDto of a seeded bench contact). */
function item(i: number) {
  const id = new mongoose.Types.ObjectId();
  const email = `maria.${i}@northwind-logistics.example.com`;
  return {
    id: String(id), firstName: `Maria${i}`, middleName: null, lastName: 'Martinez-Gonzalez', fullName: `Maria${i} Martinez-Gonzalez`, jobTitle: null, language: null, pictureUrl: null,
    emails: [{ label: 'work', value: email, primary: true }], phones: [{ label: 'work', value: `+351 21 ${String(1000000 + i).slice(-7)}`, primary: true }],
    addresses: [{ label: 'work', city: 'Lisbon', country: 'Portugal', primary: true }], company: { name: 'Acme Lisbon', industry: 'Events' }, customerId: null, leadSource: null,
    tags: ['vip'], notes: null, consent: null, subscriptions: [], status: 'hot', statusChangedAt: null, ownerId: String(tenantId), teamId: null, productId: null, departmentId: null,
    custom: {}, version: 0, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
  };
}

function row(i: number, form: 'item' | 'itemJson' | 'itemBin') {
  const it = item(i);
  const stored = form === 'item' ? it : form === 'itemJson' ? JSON.stringify(it) : new mongoose.mongo.Binary(BSON.serialize(it));
  return {
    tenantId, kind: 'contact', cb: 1, ub: 1, c0: 'b:c0:1', c1: 'b:c1:0', c2: 'b:c2:0', u0: 'b:u0:1', u1: 'b:u1:0', u2: 'b:u2:0', us: `${Date.now()}${i}`, version: 0,
    [form]: stored, custom: {}, ownerId: tenantId, teamId: null, productId: null, departmentId: null, status: 'hot', tag: ['vip'], city: ['Lisbon'], email: [`maria.${i}@x.example`], companyName: 'Acme Lisbon',
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'crm-item-forms-'));
const pgDb = `crm_item_forms_${process.pid}`;
execFileSync('createdb', ['-h', '127.0.0.1', '-p', '5432', pgDb]);
const server = await startFerretDB({ binary: ferretdbBinary(join(root, '.tools')), dataDir, handler: 'postgresql', postgresUrl: `postgres://127.0.0.1:5432/${pgDb}` });
const client = await mongoose.mongo.MongoClient.connect(`${server.uri}forms`, { maxPoolSize: 1 });
const pgUrl = `postgres://127.0.0.1:5432/${pgDb}`;
/** The GIN indexes the API makes at start (pushdown-indexes.ts), without the pending list (list-row.model.ts). */
async function ginIndexes(collection: string, fields: string[]) {
  const pg = postgresClient(pgUrl);
  await pg.connect();
  try {
    const { rows } = await pg.query<{ table: string }>(`SELECT _jsonb->>'table' AS table FROM forms._ferretdb_database_metadata WHERE _jsonb->>'_id' = $1`, [collection]);
    for (const field of fields) await pg.query(`CREATE INDEX ON forms."${rows[0]!.table}" USING gin ((_jsonb -> '${field}')) WITH (fastupdate = off)`);
    await pg.query(`ANALYZE forms."${rows[0]!.table}"`);
  } finally {
    await pg.end();
  }
}
try {
  const db = client.db('forms');
  process.stdout.write(`| form | rows | wall µs/row | FerretDB CPU µs/row | PostgreSQL CPU µs/row | API item decode µs/row |\n|---|---|---|---|---|---|\n`);
  for (const form of ['item', 'itemJson', 'itemBin'] as const) {
    const collection = db.collection(form);
    for (let start = 0; start < docs; start += 1000) await collection.insertMany(Array.from({ length: Math.min(1000, docs - start) }, (_, k) => row(start + k, form)));
    await ginIndexes(form, ['_id', 'c0']);
    let best = { wall: Infinity, ferretdb: 0, postgres: 0, decode: 0 };
    for (let run = 0; run < 5; run += 1) {
      const cpu0 = cpuOfTree({ postgresDatabase: pgDb });
      const started = performance.now();
      const found = await collection.find({ c0: 'b:c0:1' }, { batchSize: 100_000 }).toArray();
      const wall = performance.now() - started;
      const cpu1 = cpuOfTree({ postgresDatabase: pgDb });
      const d0 = performance.now();
      for (const r of found) {
        if (form === 'itemJson') JSON.parse(r.itemJson as string);
        else if (form === 'itemBin') BSON.deserialize((r.itemBin as mongoose.mongo.Binary).buffer);
      }
      const decode = performance.now() - d0;
      if (found.length !== docs) throw new Error(`expected ${docs}, got ${found.length}`);
      if (wall < best.wall) best = { wall, ferretdb: ((cpu1.ferretdb! - cpu0.ferretdb!) / CLOCK_TICKS) * 1e6, postgres: ((cpu1.postgres! - cpu0.postgres!) / CLOCK_TICKS) * 1e6, decode: decode * 1000 };
    }
    const per = (n: number) => (n / docs).toFixed(1);
    process.stdout.write(`| ${form} | ${docs} | ${per(best.wall * 1000)} | ${per(best.ferretdb)} | ${per(best.postgres)} | ${per(best.decode)} |\n`);
  }
  // The fixed cost of a command: a pushed-down equality that matches nothing, one at a time.
  {
    const collection = db.collection('itemJson');
    const n = 500;
    const cpu0 = cpuOfTree({ postgresDatabase: pgDb });
    const started = performance.now();
    for (let i = 0; i < n; i += 1) await collection.find({ tenantId, status: 'hot', c0: `none:${i}` }).toArray();
    const wall = performance.now() - started;
    const cpu1 = cpuOfTree({ postgresDatabase: pgDb });
    const per = (ticks: number) => (((ticks / CLOCK_TICKS) * 1e6) / n).toFixed(0);
    process.stdout.write(`| a find matching nothing (per command) | ${n} | ${((wall * 1000) / n).toFixed(0)} | ${per(cpu1.ferretdb! - cpu0.ferretdb!)} | ${per(cpu1.postgres! - cpu0.postgres!)} | ${per(cpu1.api! - cpu0.api!)} (API CPU) |\n`);
  }
  // The one-time rewrite of nested items (list-backfill.ts) over the `item` rows, as the API runs it at start.
  {
    await db.collection('item').rename('list_rows');
    const connection = mongoose.createConnection(`${server.uri}forms`);
    await connection.asPromise();
    const cpu0 = cpuOfTree({ postgresDatabase: pgDb });
    const started = performance.now();
    const rewritten = await compactListItems(connection);
    const wall = performance.now() - started;
    const cpu1 = cpuOfTree({ postgresDatabase: pgDb });
    await connection.close();
    const per = (ticks: number) => (((ticks / CLOCK_TICKS) * 1e6) / Math.max(1, rewritten ?? 0)).toFixed(0);
    process.stdout.write(`| the one-time rewrite of a nested item (per row) | ${rewritten} | ${((wall * 1000) / Math.max(1, rewritten ?? 0)).toFixed(0)} | ${per(cpu1.ferretdb! - cpu0.ferretdb!)} | ${per(cpu1.postgres! - cpu0.postgres!)} | ${per(cpu1.api! - cpu0.api!)} (API CPU) |\n`);
  }
  process.stdout.write(`machine: ${cpus().length} × ${cpus()[0]?.model}, load ${loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end\n`);
} finally {
  await client.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  execFileSync('dropdb', ['-h', '127.0.0.1', '-p', '5432', '--if-exists', pgDb]);
}
