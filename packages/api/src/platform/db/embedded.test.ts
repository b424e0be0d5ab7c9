import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import mongoose from 'mongoose';
import { loadConfig } from '../config.js';
import { startEmbeddedDatabase } from './embedded.js';
import { installFerretDB, startFerretDB } from './ferretdb.js';
import { restoreSymlinks } from './postgres.js';
import { nodeScriptArgs } from '../../testing/node-script.js';

// The embedded default for real: PostgreSQL from the npm package, FerretDB's PostgreSQL handler on it,
// each test in a folder of its own (as a fresh clone's .data/ would be).
const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
const binary = installFerretDB(config.TOOLS_DIR);
const folders: string[] = [];

function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'crm-embedded-'));
  chmodSync(dir, 0o755); // as .data/ is: the postgres user must reach its folder inside
  folders.push(dir);
  return dir;
}

async function withConnection<T>(uri: string, dbName: string, run: (c: mongoose.Connection) => Promise<T>): Promise<T> {
  const connection = await mongoose.createConnection(uri, { dbName }).asPromise();
  try {
    return await run(connection);
  } finally {
    await connection.close();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the embedded database: FerretDB on an embedded PostgreSQL', () => {
  after(() => {
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  it('should initialise a fresh data folder, keep its data across a restart, and stop both servers', async () => {
    const dataDir = dataFolder();
    const first = await startEmbeddedDatabase({ binary, dataDir, handler: 'postgresql', durability: 'test' });
    try {
      assert.equal(first.kind, 'ferretdb-postgresql');
      assert.match(first.postgresUrl ?? '', /^postgres:\/\/[^@]+@127\.0\.0\.1:\d+\/ferretdb$/);
      assert.ok(existsSync(join(dataDir, 'postgres', 'PG_VERSION')), 'the cluster lives under the data folder');
      assert.equal(readFileSync(join(dataDir, 'postgres', 'PG_VERSION'), 'utf8').trim(), '18');
      await withConnection(first.uri, 'crm', (c) => c.collection('contacts').insertMany([{ n: 1 }, { n: 2 }, { n: 3 }]));
    } finally {
      await first.stop();
    }
    assert.ok(!existsSync(join(dataDir, 'postgres', 'postmaster.pid')), 'PostgreSQL stopped cleanly');

    const second = await startEmbeddedDatabase({ binary, dataDir, handler: 'postgresql', durability: 'test' });
    try {
      assert.equal(second.kind, 'ferretdb-postgresql');
      const found = await withConnection(second.uri, 'crm', (c) => c.collection('contacts').find({}, { sort: { n: 1 } }).toArray());
      assert.deepEqual(found.map((d) => d.n), [1, 2, 3], 'the restart found the data');
    } finally {
      await second.stop();
    }
  });

  it('should leave no server running when the API process is killed outright (SIGKILL)', async () => {
    const dataDir = dataFolder();
    const fixture = new URL('./embedded.fixture.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, nodeScriptArgs(fixture, dataDir), { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
    });
    const started = JSON.parse(line) as { uri: string; servers: { pid: number; command: string }[] };
    assert.deepEqual(started.servers.map((s) => s.command).sort(), ['ferretdb', 'postgres'], line);
    await withConnection(started.uri, 'crm', (c) => c.collection('x').insertOne({ ok: 1 }));
    child.kill('SIGKILL');
    await until(() => started.servers.every((s) => !alive(s.pid)), 20_000, `servers ${JSON.stringify(started.servers)} to end`);
    // And the folder starts again afterwards, with its data.
    const again = await startEmbeddedDatabase({ binary, dataDir, handler: 'postgresql', durability: 'test' });
    try {
      assert.equal(await withConnection(again.uri, 'crm', (c) => c.collection('x').countDocuments({})), 1);
    } finally {
      await again.stop();
    }
  });

  it('should move the old default’s SQLite data over once, verified by counts, keeping the old folder', async () => {
    const dataDir = dataFolder();
    // The old default: FerretDB on SQLite in DATA_DIR/ferretdb, two databases, an index, a capped-free mix.
    const old = await startFerretDB({ binary, dataDir, handler: 'sqlite' });
    try {
      await withConnection(old.uri, 'crm', async (c) => {
        await c.collection('contacts').insertMany(Array.from({ length: 2500 }, (_, i) => ({ i, email: `p${i}@example.test`, tags: ['a', String(i % 7)], at: new Date(2026, 0, 1 + (i % 28)) })));
        await c.collection('contacts').createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
        await c.collection('users').insertOne({ email: 'admin@example.test', nested: { deep: { value: 42 } } });
      });
      await withConnection(old.uri, 'crm_other', (c) => c.collection('notes').insertMany([{ text: 'one' }, { text: 'two' }]));
    } finally {
      await old.stop();
    }
    assert.ok(readdirSync(join(dataDir, 'ferretdb')).some((f) => f.endsWith('.sqlite')));

    const lines: string[] = [];
    const server = await startEmbeddedDatabase({ binary, dataDir, handler: 'postgresql', durability: 'test', log: (l) => lines.push(l) });
    try {
      await withConnection(server.uri, 'crm', async (c) => {
        assert.equal(await c.collection('contacts').countDocuments({}), 2500);
        const one = await c.collection('contacts').findOne({ i: 1234 });
        assert.equal(one?.email, 'p1234@example.test');
        assert.deepEqual(one?.tags, ['a', String(1234 % 7)]);
        assert.ok(one?.at instanceof Date);
        assert.equal((await c.collection('users').findOne({}))?.nested?.deep?.value, 42);
        const indexes = await c.collection('contacts').indexes();
        assert.ok(indexes.some((ix) => ix.name === 'email_unique' && ix.unique), JSON.stringify(indexes));
        await assert.rejects(c.collection('contacts').insertOne({ email: 'p1@example.test' }), /E11000|duplicate/i, 'the unique index came along');
      });
      assert.equal(await withConnection(server.uri, 'crm_other', (c) => c.collection('notes').countDocuments({})), 2);
    } finally {
      await server.stop();
    }
    assert.ok(!existsSync(join(dataDir, 'ferretdb')), 'the old folder is renamed');
    const kept = readdirSync(dataDir).filter((f) => f.startsWith('ferretdb-sqlite-moved-'));
    assert.equal(kept.length, 1, readdirSync(dataDir).join(', '));
    assert.ok(readdirSync(join(dataDir, kept[0]!)).some((f) => f === 'crm.sqlite'), 'and kept, not deleted');
    assert.equal(lines.filter((l) => /^moved the old SQLite data/.test(l)).length, 1, lines.join('\n'));
    assert.match(lines.join('\n'), /3 collections, 2503 documents, every count checked/);

    // Once: the next start moves nothing again.
    const lines2: string[] = [];
    const next = await startEmbeddedDatabase({ binary, dataDir, handler: 'postgresql', durability: 'test', log: (l) => lines2.push(l) });
    try {
      assert.equal(await withConnection(next.uri, 'crm', (c) => c.collection('contacts').countDocuments({})), 2500);
      assert.deepEqual(lines2, []);
    } finally {
      await next.stop();
    }
  });

  it('should fall back to the SQLite handler with one line saying so and what it costs where PostgreSQL cannot run', async () => {
    const dataDir = dataFolder();
    // Binaries that exist but cannot run PostgreSQL here (a wrong platform's build would fail the same way).
    const lines: string[] = [];
    const server = await startEmbeddedDatabase({
      binary,
      dataDir,
      handler: 'postgresql',
      postgresBinaries: { postgres: '/bin/false', initdb: '/bin/false', version: '0' },
      log: (l) => lines.push(l),
    });
    try {
      assert.equal(server.kind, 'ferretdb-sqlite');
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0]!, /^embedded PostgreSQL cannot run here \(initdb failed .*\); using FerretDB's SQLite handler instead: every filter but a lone _id is then a scan/);
      assert.equal(await withConnection(server.uri, 'crm', async (c) => (await c.collection('x').insertOne({ a: 1 }), c.collection('x').countDocuments({}))), 1);
    } finally {
      await server.stop();
    }
  });

  it('should restore the shared-library links the binary package’s postinstall would have made', () => {
    const dir = dataFolder();
    mkdirSync(join(dir, 'native', 'lib'), { recursive: true });
    writeFileSync(join(dir, 'native', 'lib', 'libicuuc.so.60.2'), 'library');
    writeFileSync(join(dir, 'native', 'pg-symlinks.json'), JSON.stringify([
      { source: 'native/lib/libicuuc.so.60.2', target: 'native/lib/libicuuc.so.60' },
      { source: 'native/lib/libicuuc.so.60.2', target: 'native/lib/libicuuc.so' },
    ]));
    assert.equal(restoreSymlinks(dir), 2);
    assert.equal(readlinkSync(join(dir, 'native', 'lib', 'libicuuc.so.60')), 'libicuuc.so.60.2', 'relative, as the package makes them');
    assert.equal(readFileSync(join(dir, 'native', 'lib', 'libicuuc.so'), 'utf8'), 'library');
    assert.equal(restoreSymlinks(dir), 0, 'links that exist are left alone');
  });
});
