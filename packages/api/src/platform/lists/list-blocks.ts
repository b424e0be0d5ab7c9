import type { Connection, Types } from 'mongoose';

/**
 * Write-order blocks: the numbered buckets list rows are filed in, per tenant and kind. A process
 * claims block `n` by inserting `{_id: "<tenant>:<kind>:<n>"}` into `list_blocks` (a unique `_id`:
 * the one write FerretDB makes atomic, so two processes never share a block), fills it with at most
 * `BLOCK_ROWS` row writes and for at most `BLOCK_MAX_AGE_MS`, then claims the next free number. Numbers
 * are dense (a claim is `newest + 1`, retried on a duplicate), so the newest is found by probing ids.
 * So block order is write order across processes, and exact inside one process.
 */
export const BLOCK_ROWS = 64;
export const BLOCK_MAX_AGE_MS = 60_000;
/** How long a process trusts the newest block number it knows before probing again. */
const HEAD_TTL_MS = 1_000;

interface OpenBlock {
  n: number;
  used: number;
  claimedAt: number;
}

interface Blocks {
  open: Map<string, OpenBlock>;
  claiming: Map<string, Promise<OpenBlock>>;
  heads: Map<string, { n: number; at: number; probing?: Promise<number> }>;
}

const byConnection = new WeakMap<Connection, Blocks>();

function state(connection: Connection): Blocks {
  let s = byConnection.get(connection);
  if (!s) {
    s = { open: new Map(), claiming: new Map(), heads: new Map() };
    byConnection.set(connection, s);
  }
  return s;
}

const scopeOf = (tenantId: Types.ObjectId, kind: string) => `${tenantId.toHexString()}:${kind}`;
const claims = (connection: Connection) => connection.db!.collection<{ _id: string; at: Date }>('list_blocks');

async function exists(connection: Connection, scope: string, n: number): Promise<boolean> {
  return (await claims(connection).findOne({ _id: `${scope}:${n}` }, { projection: { _id: 1 } })) !== null;
}

/** The newest claimed block number at or after `known` (-1 when none): an exponential then binary probe by `_id`. */
async function probeHead(connection: Connection, scope: string, known: number): Promise<number> {
  if (!(await exists(connection, scope, known + 1))) return known;
  let low = known + 1;
  let step = 2;
  while (await exists(connection, scope, low + step)) {
    low += step;
    step *= 2;
  }
  let high = low + step; // missing
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await exists(connection, scope, mid)) low = mid;
    else high = mid;
  }
  return low;
}

/**
 * The newest block number of a kind in a tenant (-1 before the first), as this process last saw it
 * (at most a second old, or its own newest claim); a list walk starts there.
 */
export async function newestBlock(connection: Connection, tenantId: Types.ObjectId, kind: string): Promise<number> {
  const s = state(connection);
  const scope = scopeOf(tenantId, kind);
  const head = s.heads.get(scope);
  if (head && Date.now() - head.at < HEAD_TTL_MS) return head.n;
  if (head?.probing) return head.probing;
  const entry = head ?? { n: -1, at: 0 };
  entry.probing = probeHead(connection, scope, entry.n).then(
    (n) => {
      entry.n = Math.max(entry.n, n);
      entry.at = Date.now();
      delete entry.probing;
      return entry.n;
    },
    (error: unknown) => {
      delete entry.probing;
      throw error;
    },
  );
  s.heads.set(scope, entry);
  return entry.probing;
}

async function claim(connection: Connection, tenantId: Types.ObjectId, kind: string): Promise<number> {
  const s = state(connection);
  const scope = scopeOf(tenantId, kind);
  let n = (await newestBlock(connection, tenantId, kind)) + 1;
  for (;;) {
    try {
      await claims(connection).insertOne({ _id: `${scope}:${n}`, at: new Date() });
      break;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      n += 1;
    }
  }
  const head = s.heads.get(scope);
  if (head) head.n = Math.max(head.n, n);
  else s.heads.set(scope, { n, at: 0 });
  return n;
}

/** The block the next row write of this process goes to (claiming a new one when the open one is full or old). */
export async function writeBlock(connection: Connection, tenantId: Types.ObjectId, kind: string): Promise<number> {
  const s = state(connection);
  const scope = scopeOf(tenantId, kind);
  for (;;) {
    const open = s.open.get(scope);
    if (open && open.used < BLOCK_ROWS && Date.now() - open.claimedAt < BLOCK_MAX_AGE_MS) {
      open.used += 1;
      return open.n;
    }
    let pending = s.claiming.get(scope);
    if (!pending) {
      pending = claim(connection, tenantId, kind).then((n) => ({ n, used: 0, claimedAt: Date.now() }));
      s.claiming.set(scope, pending);
      pending.then(
        (block) => {
          s.open.set(scope, block);
          s.claiming.delete(scope);
        },
        () => s.claiming.delete(scope),
      );
    }
    await pending;
  }
}

/**
 * Fresh blocks for `count` rows written in bulk (a seed, an import, the backfill): whole blocks of their
 * own, in order, `perBlock` rows each (at most `BLOCK_ROWS`; fewer only to make many blocks in tests).
 */
export async function bulkBlocks(connection: Connection, tenantId: Types.ObjectId, kind: string, count: number, perBlock: number = BLOCK_ROWS): Promise<number[]> {
  const size = Math.max(1, Math.min(BLOCK_ROWS, Math.floor(perBlock)));
  const blocks: number[] = [];
  for (let i = 0; i < count; i += size) blocks.push(await claim(connection, tenantId, kind));
  return Array.from({ length: count }, (_, i) => blocks[Math.floor(i / size)]!);
}
