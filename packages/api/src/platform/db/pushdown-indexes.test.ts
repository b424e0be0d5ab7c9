import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mongoose, { Schema, Types } from 'mongoose';
import pg from 'pg';
import { loadConfig } from '../config.js';
import { installFerretDB, startFerretDB, type RunningFerretDB } from './ferretdb.js';
import { ensureIndexes } from './indexes.js';
import { ensurePushdownIndexes, postgresClient } from './pushdown-indexes.js';

// FerretDB's PostgreSQL handler on the machine's PostgreSQL (PG_TEST_URL, default the local server with
// trust auth, as .ci/run leaves it), in a database of its own that the test drops at the end.
const adminUrl = process.env.PG_TEST_URL ?? 'postgres://127.0.0.1:5432/postgres';
const pgDatabase = `crm_pushdown_${process.pid}`;
const pgUrl = adminUrl.replace(/\/[^/]*$/, `/${pgDatabase}`);

describe('PostgreSQL indexes for FerretDB pushdown', () => {
  let server: RunningFerretDB;
  let connection: mongoose.Connection;
  let dataDir: string;
  const admin = () => postgresClient(adminUrl);

  before(async () => {
    const client = admin();
    await client.connect();
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(pgDatabase)}`);
    await client.end();
    dataDir = mkdtempSync(join(tmpdir(), 'crm-pushdown-'));
    const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
    server = await startFerretDB({ binary: installFerretDB(config.TOOLS_DIR), dataDir, handler: 'postgresql', postgresUrl: pgUrl });
    connection = await mongoose.createConnection(server.uri, { dbName: 'crm_pushdown' }).asPromise();
    const schema = new Schema({ tenantId: Schema.Types.ObjectId, status: String, searchTokens: [String], company: { name: String } }, { autoIndex: false });
    schema.index({ tenantId: 1, status: 1 });
    schema.index({ tenantId: 1, searchTokens: 1 });
    schema.index({ 'company.name': 1 });
    connection.model('Thing', schema, 'things');
    await ensureIndexes(connection);
  });

  after(async () => {
    await connection?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    const client = admin();
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(pgDatabase)}`);
    await client.end();
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
});
