import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { mongo } from 'mongoose';
import * as tar from 'tar';

type Db = mongo.Db;
const { BSON } = mongo;

/** The archive format this code writes and reads (manifest.json's `format`). */
export const BACKUP_FORMAT = 'crm-backup/1';

/** Folders of DATA_DIR that are the embedded database itself (copied through the dump, never as files). */
const DATABASE_DIRS = new Set(['postgres', 'ferretdb', 'ferretdb-state', 'mongodb']);
/** Files of DATA_DIR never put into a backup: the development key file (a backup must not carry its own key) and the API's pid file. */
const SKIPPED_FILES = new Set(['dev-secrets.json', 'api.pid']);

export interface CollectionManifest {
  count: number;
  /** SHA-256 over the sorted SHA-256s of every document's BSON bytes: equal whatever order the documents are read in. */
  sha256: string;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  database: string;
  collections: Record<string, CollectionManifest>;
  /** DATA_DIR files (uploads), by path relative to it: size and SHA-256. */
  files: Record<string, { bytes: number; sha256: string }>;
}

/** Collections of the database that a backup copies: all but the server's own (`system.*`). */
async function collectionNames(db: Db): Promise<string[]> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => !n.startsWith('system.'));
  return names.sort();
}

function combine(hashes: string[]): string {
  const all = createHash('sha256');
  for (const h of hashes.sort()) all.update(h);
  return all.digest('hex');
}

/** Counts and content hashes of every collection, read as raw BSON (what the manifest of a backup holds). */
export async function databaseFingerprint(db: Db): Promise<Record<string, CollectionManifest>> {
  const out: Record<string, CollectionManifest> = {};
  for (const name of await collectionNames(db)) {
    const hashes: string[] = [];
    for await (const raw of db.collection(name).find({}, { raw: true, batchSize: 1000 })) hashes.push(createHash('sha256').update(raw as unknown as Buffer).digest('hex'));
    out[name] = { count: hashes.length, sha256: combine(hashes) };
  }
  return out;
}

function listFiles(root: string, dir = root): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(root, path);
    if (dir === root && ((entry.isDirectory() && DATABASE_DIRS.has(entry.name)) || SKIPPED_FILES.has(entry.name))) continue;
    if (entry.isDirectory()) out.push(...listFiles(root, path));
    else if (entry.isFile()) out.push(rel.split(sep).join('/'));
  }
  return out.sort();
}

function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Writes a gzip-compressed tar of the database and the files of `dataDir`:
 * `dump/<database>/<collection>.bson` and `.metadata.json` (the layout `mongorestore --dir dump` reads),
 * `files/...` (DATA_DIR's uploads, without the embedded database's own folders and the development key
 * file) and `manifest.json` with counts and content hashes. Consistency is the caller's: `npm run backup`
 * holds the data folder, so no API writes while it reads (docs/backup.md says why).
 */
export async function writeBackup(options: { db: Db; out: string; dataDir?: string; now?: Date; log?: (line: string) => void }): Promise<BackupManifest> {
  const { db, out } = options;
  const log = options.log ?? (() => {});
  const work = mkdtempSync(join(tmpdir(), 'crm-backup-'));
  try {
    const dumpDir = join(work, 'dump', db.databaseName);
    mkdirSync(dumpDir, { recursive: true });
    const manifest: BackupManifest = { format: BACKUP_FORMAT, createdAt: (options.now ?? new Date()).toISOString(), database: db.databaseName, collections: {}, files: {} };
    for (const name of await collectionNames(db)) {
      const stream = createWriteStream(join(dumpDir, `${name}.bson`));
      const hashes: string[] = [];
      for await (const raw of db.collection(name).find({}, { raw: true, batchSize: 1000 })) {
        const bytes = raw as unknown as Buffer;
        hashes.push(createHash('sha256').update(bytes).digest('hex'));
        if (!stream.write(bytes)) await once(stream, 'drain');
      }
      stream.end();
      await once(stream, 'finish');
      const indexes = await db.collection(name).listIndexes().toArray();
      writeFileSync(join(dumpDir, `${name}.metadata.json`), JSON.stringify({ options: {}, indexes, collectionName: name }));
      manifest.collections[name] = { count: hashes.length, sha256: combine(hashes) };
      log(`${name}: ${hashes.length} documents`);
    }
    if (options.dataDir) {
      for (const rel of listFiles(options.dataDir)) {
        const from = join(options.dataDir, rel);
        const to = join(work, 'files', rel);
        mkdirSync(dirname(to), { recursive: true });
        cpSync(from, to);
        manifest.files[rel] = { bytes: statSync(from).size, sha256: fileHash(from) };
      }
      log(`files: ${Object.keys(manifest.files).length}`);
    }
    writeFileSync(join(work, 'manifest.json'), JSON.stringify(manifest, null, 2));
    mkdirSync(dirname(out), { recursive: true });
    await tar.create({ gzip: true, file: out, cwd: work, portable: true }, ['manifest.json', 'dump', ...(existsSync(join(work, 'files')) ? ['files'] : [])]);
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export class RestoreError extends Error {}

/** The documents of a `.bson` file (concatenated BSON documents, each led by its int32 length). */
function* bsonDocuments(bytes: Buffer): Generator<Buffer> {
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) throw new RestoreError('a truncated BSON file');
    const size = bytes.readInt32LE(at);
    if (size < 5 || at + size > bytes.length) throw new RestoreError('a truncated BSON file');
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

/** Reads only the manifest of a backup file. */
export async function readManifest(file: string): Promise<BackupManifest> {
  let text = '';
  await tar.list({ file, onReadEntry: (entry) => {
    if (entry.path === 'manifest.json') entry.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    else entry.resume();
  } });
  if (!text) throw new RestoreError(`${file} holds no manifest.json: not a CRM backup`);
  const manifest = JSON.parse(text) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT) throw new RestoreError(`${file} is of format ${String(manifest.format)}, this version reads ${BACKUP_FORMAT}`);
  return manifest;
}

/**
 * Restores a backup into an EMPTY database (it refuses one that holds documents) and `dataDir`: checks
 * every collection's file against the manifest before writing, inserts in batches, re-creates the
 * indexes, then reads the database back and compares counts and hashes with the manifest. Answers the
 * manifest; throws a RestoreError naming the first difference.
 */
export async function restoreBackup(options: { db: Db; file: string; dataDir?: string; log?: (line: string) => void }): Promise<BackupManifest> {
  const { db, file } = options;
  const log = options.log ?? (() => {});
  const manifest = await readManifest(file);
  for (const name of await collectionNames(db)) {
    if ((await db.collection(name).estimatedDocumentCount()) > 0) throw new RestoreError(`the database ${db.databaseName} is not empty (${name} holds documents): restore into an empty database`);
  }
  const work = mkdtempSync(join(tmpdir(), 'crm-restore-'));
  try {
    await tar.extract({ file, cwd: work, strict: true });
    const dumpDir = join(work, 'dump', manifest.database);
    // Check everything before writing anything.
    for (const [name, expected] of Object.entries(manifest.collections)) {
      const path = join(dumpDir, `${name}.bson`);
      if (!existsSync(path)) throw new RestoreError(`the backup lacks ${name}.bson`);
      const hashes = [...bsonDocuments(readFileSync(path))].map((d) => createHash('sha256').update(d).digest('hex'));
      if (hashes.length !== expected.count || combine(hashes) !== expected.sha256) throw new RestoreError(`${name}.bson does not match the manifest (${hashes.length} documents, ${expected.count} expected)`);
    }
    for (const [rel, expected] of Object.entries(manifest.files)) {
      const path = join(work, 'files', rel);
      if (!existsSync(path) || fileHash(path) !== expected.sha256) throw new RestoreError(`the file ${rel} does not match the manifest`);
    }
    for (const name of Object.keys(manifest.collections)) {
      const collection = db.collection(name);
      const metadata = JSON.parse(readFileSync(join(dumpDir, `${name}.metadata.json`), 'utf8')) as { indexes: Array<Record<string, unknown> & { key: Record<string, 1 | -1>; name: string }> };
      await db.createCollection(name).catch((error: { codeName?: string }) => {
        if (error.codeName !== 'NamespaceExists') throw error;
      });
      let batch: Record<string, unknown>[] = [];
      const flush = async () => {
        if (batch.length) await collection.insertMany(batch, { ordered: false, checkKeys: false } as mongo.BulkWriteOptions);
        batch = [];
      };
      for (const raw of bsonDocuments(readFileSync(join(dumpDir, `${name}.bson`)))) {
        batch.push(BSON.deserialize(raw, { promoteValues: false, promoteBuffers: false, promoteLongs: false, bsonRegExp: true }));
        if (batch.length >= 1000) await flush();
      }
      await flush();
      for (const index of metadata.indexes) {
        if (index.name === '_id_') continue;
        const { key, v: _v, ns: _ns, ...rest } = index;
        await collection.createIndex(key, rest as mongo.CreateIndexesOptions);
      }
      log(`${name}: ${manifest.collections[name]!.count} documents`);
    }
    const restored = await databaseFingerprint(db);
    for (const [name, expected] of Object.entries(manifest.collections)) {
      const got = restored[name] ?? { count: 0, sha256: '' };
      if (got.count !== expected.count) throw new RestoreError(`${name}: ${got.count} documents restored, the manifest says ${expected.count}`);
      if (got.sha256 !== expected.sha256) throw new RestoreError(`${name}: the restored documents' hash differs from the manifest's`);
    }
    if (options.dataDir && existsSync(join(work, 'files'))) {
      mkdirSync(options.dataDir, { recursive: true });
      cpSync(join(work, 'files'), options.dataDir, { recursive: true });
    }
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
