/**
 * Search entry inserts (issue 20) with and without FerretDB's btree indexes on `search_entries`, on the
 * embedded default (FerretDB on an embedded PostgreSQL). Two databases on one server (`index-layouts.ts`),
 * each made as the runtime makes it: `btree` as before
 * (FerretDB's btree indexes on `key`, `sk` and `recordId` beside the GIN ones), `gin-only` as now
 * (`ensureIndexes` with `pushdownOnly`, as for every collection since 2026-12-07). Each gets the entries of N generated contacts, in unordered inserts of
 * 5,000 entries, one at a time, the two databases taking turns per insert so that load from elsewhere on
 * the machine falls on both alike. Then one lookup by `key` in each, to show it is still an index read.
 *
 *   node --import tsx bench/search-entry-inserts.ts [--contacts 5000]
 *
 * Prints JSON; the figures go to bench/RESULTS.md by hand, with the command and the load.
 */
import { parseArgs } from 'node:util';
import { Types } from 'mongoose';
import { searchEntryModel, searchKey, searchShardKey, shardOf } from '../packages/api/src/platform/search/search-entry.model.js';
import { indexTokens } from '../packages/api/src/platform/search/search-tokens.js';
import { indexLayouts, layouts as variants, load } from './index-layouts.js';

const { values } = parseArgs({ options: { contacts: { type: 'string', default: '5000' } } });
const contacts = Number(values.contacts);
const INSERT = 5000;
const loadBefore = load();
const { connections, close } = await indexLayouts('bench_entries', (connection) => void searchEntryModel(connection));

// The import bench's contacts: names, an address, company, city and tags.
const tenantId = new Types.ObjectId();
const entries = [];
for (let i = 0; i < contacts; i += 1) {
  const recordId = new Types.ObjectId();
  const fields = [`Maria`, `Lovelace ${i}`, `person${i}@bench.example`, `Firma ${i % 997}`, `Stadt ${i % 101}`, 'import', 'bench'];
  for (const { token, exact } of indexTokens(fields)) {
    const key = searchKey(tenantId, 'contact', token);
    entries.push({ tenantId, kind: 'contact', token, key, sk: searchShardKey(key, shardOf(recordId)), recordId, exact, ownerId: tenantId });
  }
}

const ms = variants.map(() => 0);
for (let i = 0; i < entries.length; i += INSERT) {
  const chunk = entries.slice(i, i + INSERT);
  for (const [v, connection] of connections.entries()) {
    const started = performance.now();
    await connection.collection('search_entries').insertMany(chunk.map((e) => ({ ...e })), { ordered: false });
    ms[v]! += performance.now() - started;
  }
}

const result: Record<string, unknown> = { contacts, entries: entries.length, entriesPerContact: Math.round((entries.length / contacts) * 10) / 10 };
for (const [v, variant] of variants.entries()) {
  const connection = connections[v]!;
  const indexes = (await connection.collection('search_entries').listIndexes().toArray()).map((x) => String(x.name));
  const explained = await connection.db!.command({ explain: { find: 'search_entries', filter: { key: entries[7]!.key } } });
  result[variant.name] = {
    ferretdbIndexes: indexes,
    seconds: Math.round(ms[v]!) / 1000,
    entriesPerSecond: Math.round(entries.length / (ms[v]! / 1000)),
    lookupIndexes: [...JSON.stringify(explained.queryPlanner).matchAll(/"Index Name":"([^"]+)"/g)].map((m) => m[1]),
  };
}
result.load = { before: loadBefore, after: load() };
console.log(JSON.stringify(result, null, 2));
await close();
process.exit(0);
