/**
 * What the embedded PostgreSQL of a running bench spends its time on, by sampling: every 5 ms it asks
 * `pg_stat_activity` which statements FerretDB's backends are running (and what each waits on), and at
 * the end prints the most seen, tables' hash suffixes removed. Time-weighted, so the statement seen most
 * is the one PostgreSQL's CPU (or waits) went to. Run beside a bench, by hand:
 *
 *   node --import tsx bench/dashboards.ts ... 2> /tmp/bench.err &
 *   node --import tsx bench/pg-sample.ts --seconds 100 --after /tmp/bench.err --marker rebuilt
 *
 * `--after`/`--marker`: start only once that file holds the marker (here: after the seed and rebuild).
 * Found the roll-up contributions' GIN pending list (bench/RESULTS.md, 2026-12-07 10:30).
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, after: { type: 'string' }, marker: { type: 'string', default: '' }, top: { type: 'string', default: '25' } } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The bench's embedded PostgreSQL (started in a crm-test-db-* folder), found by its command line.
let port = '';
for (let i = 0; i < 600 && !port; i += 1) {
  try {
    port = execSync("ps -eo args | grep 'crm-test-db-.*/postgres -p' | grep -v grep | sed -E 's/.* -p ([0-9]+).*/\\1/' | head -1").toString().trim();
  } catch {
    port = '';
  }
  if (!port) await sleep(500);
}
if (!port) throw new Error('no bench PostgreSQL found');
const holds = () => {
  try {
    return readFileSync(values.after!, 'utf8').includes(values.marker!);
  } catch {
    return false;
  }
};
while (values.after && !holds()) await sleep(200);
const client = new pg.Client({ host: '127.0.0.1', port: Number(port), user: 'postgres', database: 'ferretdb' });
client.on('error', () => {});
await client.connect();
const seen = new Map<string, number>();
let samples = 0;
for (const until = Date.now() + Number(values.seconds) * 1000; Date.now() < until; await sleep(5)) {
  try {
    const { rows } = await client.query<{ query: string; wait_event: string | null }>("SELECT query, wait_event FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()");
    samples += 1;
    for (const row of rows) {
      const key = `${row.query.replace(/\s+/g, ' ').replace(/_[0-9a-f]{8}\b/g, '').slice(0, 160)} ~${row.wait_event ?? 'cpu'}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  } catch {
    break; // the bench stopped its database
  }
}
console.log(`${samples} samples`);
for (const [key, n] of [...seen].sort((x, y) => y[1] - x[1]).slice(0, Number(values.top))) console.log(n, key);
process.exit(0);
