/**
 * Test fixture (embedded.test.ts): starts the embedded database on the folder given as the first
 * argument, prints the database server processes it started (PostgreSQL, FerretDB) as one JSON line,
 * then waits to be killed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadConfig } from '../config.js';
import { startEmbeddedDatabase } from './embedded.js';
import { ferretdbBinary } from './ferretdb.js';

/** Direct children of `pid` with their command names, read from /proc. */
function children(pid: number): { pid: number; command: string }[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const command = /\(([^)]*)\)/.exec(stat)?.[1] ?? '';
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === pid ? [{ pid: Number(name), command }] : [];
      } catch {
        return [];
      }
    });
}

const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
const server = await startEmbeddedDatabase({ binary: ferretdbBinary(config.TOOLS_DIR), dataDir: process.argv[2]!, handler: 'postgresql', durability: 'test' });
const servers = children(process.pid).filter((c) => c.command === 'postgres' || c.command === 'ferretdb');
process.stdout.write(JSON.stringify({ uri: server.uri, kind: server.kind, servers }) + '\n');
setInterval(() => {}, 60_000);
