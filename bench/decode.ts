/**
 * Why a sorted page costs what it costs on FerretDB v1.24.1 (run by hand, not part of the tests).
 *
 * FerretDB v1 never pushes a sort down, and pushes a limit down only without filter and sort, so a
 * sorted first page of N matching documents decodes all N in Go before it sorts. This measures that
 * decode directly, without the API in the way: N contact-shaped documents, with and without the
 * `searchTokens` array contacts carried before the search index moved into its own collection, queried as `{ status, version: { $gt: 0 } }` sorted by
 * `createdAt` with a limit of 50 (every document matches). The figures are the best of three runs.
 *
 *   node --import tsx bench/decode.ts --handler sqlite --docs 5000
 *   node --import tsx bench/decode.ts --handler postgresql --docs 5000   (a fresh database, dropped after)
 *
 * `--record 0` prints without appending to bench/RESULTS.md.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { ferretdbBinary, startFerretDB } from '../packages/api/src/platform/db/ferretdb.js';
import { indexTokens } from '../packages/api/src/platform/search/search-tokens.js';

/** The token array records carried before the search index (kept here to measure what it cost). */
const searchTokens = (values: string[]) => indexTokens(values).map((t) => t.token);

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const handler = option('handler', 'sqlite') as 'sqlite' | 'postgresql';
const docs = Number(option('docs', '5000'));
const record = option('record', '1') !== '0';
const root = new URL('..', import.meta.url).pathname;

function contact(i: number, withTokens: boolean) {
  const doc = {
    tenantId: new mongoose.Types.ObjectId('6750a1b2c3d4e5f601234567'),
    firstName: `Maria${i}`,
    lastName: 'Martinez-Gonzalez',
    status: 'hot',
    emails: [{ label: 'work', value: `maria.${i}@northwind-logistics.example.com`, primary: true }],
    phones: [{ label: 'work', value: `+44 20 7946 ${String(i).padStart(4, '0')}`, primary: true }],
    company: { name: 'Northwind Logistics Ltd', industry: 'Logistics' },
    addresses: [{ label: 'work', city: 'Lisbon', country: 'Portugal', primary: true }],
    tags: ['vip', 'event'],
    createdAt: new Date(Date.now() - i * 1000),
    updatedAt: new Date(),
    version: 1,
  };
  if (!withTokens) return doc;
  return { ...doc, searchTokens: searchTokens([doc.firstName, doc.lastName, doc.company.name, doc.emails[0]!.value, doc.phones[0]!.value]) };
}

const dataDir = mkdtempSync(join(tmpdir(), 'crm-decode-'));
const pgDb = `crm_decode_${process.pid}`;
if (handler === 'postgresql') execFileSync('createdb', ['-h', '127.0.0.1', '-U', 'postgres', pgDb]);
const server = await startFerretDB({ binary: ferretdbBinary(join(root, '.tools')), dataDir, handler, postgresUrl: `postgres://postgres@127.0.0.1:5432/${pgDb}` });
const client = await mongoose.mongo.MongoClient.connect(`${server.uri}decode`);
const rows: string[] = [];
try {
  const db = client.db('decode');
  for (const [name, withTokens] of [['without searchTokens', false], ['with searchTokens', true]] as const) {
    const collection = db.collection(name.replace(/\s+/g, '_'));
    for (let start = 0; start < docs; start += 1000) {
      await collection.insertMany(Array.from({ length: Math.min(1000, docs - start) }, (_, k) => contact(start + k, withTokens)));
    }
    const tokens = (contact(1, withTokens) as { searchTokens?: string[] }).searchTokens?.length ?? 0;
    let best = Infinity;
    for (let run = 0; run < 3; run += 1) {
      const started = performance.now();
      const page = await collection.find({ status: 'hot', version: { $gt: 0 } }).sort({ createdAt: -1 }).limit(50).toArray();
      best = Math.min(best, performance.now() - started);
      if (page.length !== 50) throw new Error(`expected a page of 50, got ${page.length}`);
    }
    rows.push(`| ${handler} | ${name} (${tokens} tokens) | ${docs.toLocaleString('en')} | ${best.toFixed(0)} | ${((best * 1000) / docs).toFixed(0)} |`);
    process.stdout.write(`${rows[rows.length - 1]}\n`);
  }
} finally {
  await client.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  if (handler === 'postgresql') execFileSync('dropdb', ['-h', '127.0.0.1', '-U', 'postgres', pgDb]);
}

if (record) {
  const [one, five] = loadavg();
  appendFileSync(
    new URL('./RESULTS.md', import.meta.url),
    [
      '',
      `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — what one sorted page decodes (FerretDB v1.24.1, ${handler})`,
      '',
      `- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${one!.toFixed(1)} / ${five!.toFixed(1)} at the end`,
      `- command: \`node --import tsx bench/decode.ts --handler ${handler} --docs ${docs}\``,
      '- query: `{ status: "hot", version: { $gt: 0 } }`, sort `createdAt` descending, limit 50, every document matching; best of 3',
      '',
      '| handler | documents | how many (all match) | page ms | µs per document |',
      '|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}
