import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mongo, Types } from 'mongoose';
import { createTestRuntime, makeAgency } from '../../testing/index.js';
import { TEST_PASSWORD } from '../../testing/factories.js';
import { databaseFingerprint, readManifest, restoreBackup, RestoreError, writeBackup } from './backup.js';

describe('backup and restore', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let work: string;
  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    work = mkdtempSync(join(tmpdir(), 'crm-backup-test-'));
  });
  after(async () => {
    await rt?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('backs up, wipes, restores: counts, hashes, indexes and files equal', async () => {
    const agency = await makeAgency(rt);
    const db = rt.ctx.connection.db!;
    // Every BSON type the application stores, in bulk.
    await db.collection('backup_probe').insertMany(
      Array.from({ length: 500 }, (_, i) => ({
        _id: new Types.ObjectId(),
        tenantId: new Types.ObjectId(agency.tenantId),
        n: i,
        price: new mongo.Double(i + 0.5),
        whole: new mongo.Double(2),
        big: mongo.Long.fromNumber(2 ** 40 + i),
        at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
        text: `Zeile ${i} äöü 😀`,
        tags: ['a', { deep: [i, null, true] }],
        bytes: new mongo.Binary(Buffer.from([i % 256, 1, 2])),
        none: null,
      })),
    );
    await db.collection('backup_probe').createIndex({ tenantId: 1, n: -1 }, { name: 'tenant_n', unique: true });
    await db.collection('backup_strings').insertMany([{ _id: 'a:1', v: 1 } as never, { _id: 'b:2', v: 2 } as never]);
    const dataDir = join(work, 'data');
    mkdirSync(join(dataDir, 'uploads', 'x'), { recursive: true });
    mkdirSync(join(dataDir, 'postgres'), { recursive: true });
    writeFileSync(join(dataDir, 'uploads', 'x', 'list.csv'), 'email\na@example.com\n');
    writeFileSync(join(dataDir, 'postgres', 'PG_VERSION'), '18');
    writeFileSync(join(dataDir, 'dev-secrets.json'), '{"encryptionKey":"secret"}');

    const before = await databaseFingerprint(db);
    const file = join(work, 'crm.tar.gz');
    const manifest = await writeBackup({ db, out: file, dataDir });
    assert.deepEqual(manifest.collections, before);
    assert.equal(manifest.collections.backup_probe!.count, 500);
    assert.deepEqual(Object.keys(manifest.files), ['uploads/x/list.csv'], 'the database folder and the key file stay out');
    assert.deepEqual((await readManifest(file)).collections, before);

    // Wipe: a restore into a database that holds documents is refused.
    await assert.rejects(restoreBackup({ db, file }), RestoreError);
    await db.dropDatabase();
    const restoredDir = join(work, 'restored');
    await restoreBackup({ db, file, dataDir: restoredDir });
    const after = await databaseFingerprint(db);
    assert.deepEqual(after, before);
    assert.equal(readFileSync(join(restoredDir, 'uploads', 'x', 'list.csv'), 'utf8'), 'email\na@example.com\n');
    const indexes = await db.collection('backup_probe').listIndexes().toArray();
    assert.ok(indexes.some((i) => i.name === 'tenant_n' && i.unique === true));
    const one = await db.collection('backup_probe').findOne({ n: 7 });
    assert.ok(one!.price instanceof mongo.Double || typeof one!.price === 'number');
    assert.equal(one!.text, 'Zeile 7 äöü 😀');
    // The restored API answers from the restored data.
    const res = await rt.request().post('/v1/auth/login').set('X-Forwarded-For', '10.9.8.7').send({ email: agency.adminEmail, password: TEST_PASSWORD });
    assert.equal(res.status, 200);
  });

  it('refuses an archive whose content does not match its manifest', async () => {
    const db = rt.ctx.connection.getClient().db(`${rt.dbName}_tamper`);
    await db.collection('c').insertMany([{ v: 1 }, { v: 2 }]);
    const file = join(work, 'tamper.tar.gz');
    await writeBackup({ db, out: file });
    // Rewrite the archive with one document changed.
    const tar = await import('tar');
    const dir = join(work, 'tamper');
    mkdirSync(dir);
    await tar.extract({ file, cwd: dir });
    const bson = readFileSync(join(dir, 'dump', db.databaseName, 'c.bson'));
    bson[bson.length - 2] = bson[bson.length - 2]! ^ 1;
    writeFileSync(join(dir, 'dump', db.databaseName, 'c.bson'), bson);
    await tar.create({ gzip: true, file, cwd: dir }, ['manifest.json', 'dump']);
    await db.dropDatabase();
    await assert.rejects(restoreBackup({ db, file }), /does not match the manifest/);
    assert.equal((await db.listCollections().toArray()).length, 0, 'nothing was written');
  });
});
