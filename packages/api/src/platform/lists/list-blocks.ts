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

interface Head {
  n: number;
  /** Date.now() when `n` was last probed (for the TTL). */
  at: number;
  /** performance.now() when the probe that gave `n` started (for `since`). */
  startedAt?: number;
  probing?: Promise<number>;
  probingStartedAt?: number;
  /** A probe queued behind the running one, shared by the callers that need one started after it. */
  waiting?: Promise<number>;
}

interface Blocks {
  open: Map<string, OpenBlock>;
  claiming: Map<string, Promise<OpenBlock>>;
  heads: Map<string, Head>;
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
 * (at most a second old, or its own newest claim); a list walk starts there. With `since`
 * (performance.now()), from a probe that started at or after it, shared by the callers of about the
 * same moment (a kept list page read again after another process's write: list-page-cache.ts).
 */
export async function newestBlock(connection: Connection, tenantId: Types.ObjectId, kind: string, since?: number): Promise<number> {
  const s = state(connection);
  const scope = scopeOf(tenantId, kind);
  let head = s.heads.get(scope);
  if (since === undefined) {
    if (head && Date.now() - head.at < HEAD_TTL_MS) return head.n;
    if (head?.probing) return head.probing;
  } else {
    if (head && (head.startedAt ?? -Infinity) >= since) return head.n;
    if (head?.probing && (head.probingStartedAt ?? -Infinity) >= since) return head.probing;
  }
  if (!head) {
    head = { n: -1, at: 0 };
    s.heads.set(scope, head);
  }
  const entry = head;
  const probe = (): Promise<number> => {
    const startedAt = performance.now();
    const running: Promise<number> = probeHead(connection, scope, entry.n).then(
      (n) => {
        entry.n = Math.max(entry.n, n);
        entry.at = Date.now();
        entry.startedAt = Math.max(entry.startedAt ?? -Infinity, startedAt);
        if (entry.probing === running) delete entry.probing;
        return entry.n;
      },
      (error: unknown) => {
        if (entry.probing === running) delete entry.probing;
        throw error;
      },
    );
    entry.probing = running;
    entry.probingStartedAt = startedAt;
    return running;
  };
  if (!entry.probing) return probe();
  // A probe runs that started before `since`: the next one, after it, is shared by everyone who needs it.
  entry.waiting ??= entry.probing
    .then(
      () => undefined,
      () => undefined,
    )
    .then(() => {
      delete entry.waiting;
      return probe();
    });
  return entry.waiting;
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
