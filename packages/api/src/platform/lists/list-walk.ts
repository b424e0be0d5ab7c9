import type { Connection, Types } from 'mongoose';
import { decodeRowCursor, encodeRowCursor } from '../records/cursor.js';
import { bucketKey, itemOf, listRowModel, LEVEL_SPANS, type AnsweredListRow, type ListRow } from './list-row.model.js';
import { newestBlock } from './list-blocks.js';

/**
 * A page of list rows in block order, read by equality only (what FerretDB 1.24 pushes down to
 * PostgreSQL): from the cursor's block, one bucket at a time, each bucket the rows of one block, of 16
 * or of 256 (`c0`/`c1`/`c2` or `u0`/`u1`/`u2`), never the whole kind. The first read is the start
 * block (and the one before it, at once, since the newest block is usually part-filled); then each
 * read takes the smallest bucket that the matches seen so far per block say will fill the page,
 * widening at most one level per round (and reading the next bucket of that level at the same time
 * when what is left of the current one will not fill the page). Only rows matching the filter are
 * decoded, so a broad filter fills a page from a block or two and a selective one decodes about a page
 * per level. Rows come back sorted by (block, in-block key) in the walk's direction; a bucket's rows
 * past the cursor are kept, so no row is skipped or repeated. At most `MAX_ROUNDS` rounds of at most two
 * parallel reads per page: past that the page is answered short, with a cursor that resumes where the
 * walk stopped (never an unbounded read).
 */
export const MAX_ROUNDS = 4;
/** At most this many single blocks are read at once in place of a 16-block bucket. */
const FEW_BLOCKS = 4;
const BUCKET_BATCH = 10_000;

export interface RowWalk {
  tenantId: Types.ObjectId;
  kind: string;
  order: 'c' | 'u';
  direction: 1 | -1;
  /** The visibility filter and the list filters, on row fields. */
  filter: Record<string, unknown>;
  limit: number;
  cursor?: string | undefined;
  /** Start from the newest block as probed at or after this moment (performance.now()), not as this process last saw it: a kept page read again (list-page-cache.ts). */
  headSince?: number | undefined;
}

/** What a walk reads of a row: its place in both orders and its list item (either form); the filter fields stay in the database's reply only as far as FerretDB needs them. */
const ANSWERED_FIELDS = { _id: 1, cb: 1, ub: 1, us: 1, itemJson: 1, item: 1 } as const;

export interface RowPage {
  /** The page's rows, each with its list item decoded (`item`), whichever form it was stored in. */
  rows: AnsweredListRow[];
  hasMore: boolean;
  nextCursor: string | null;
  /** Rounds of reads (sequential), reads (database commands) and rows decoded (for the benchmark's notes). */
  rounds: number;
  reads: number;
  decoded: number;
}

const blockOf = (row: ListRow, order: 'c' | 'u') => (order === 'c' ? row.cb : row.ub);
const keyOf = (row: ListRow, order: 'c' | 'u') => (order === 'c' ? row._id.toHexString() : row.us);

/** Reads one page of rows (see above). */
export async function walkRows(connection: Connection, walk: RowWalk): Promise<RowPage> {
  const Rows = listRowModel(connection);
  const { order, direction } = walk;
  const desc = direction === -1;
  const head = await newestBlock(connection, walk.tenantId, walk.kind, walk.headSince);
  const cursor = walk.cursor ? decodeRowCursor(walk.cursor, order, direction) : null;
  // The bound: rows at or before it (in walk order) were answered already.
  const bound = cursor ? { b: cursor.b, s: cursor.s } : null;
  const beyond = (row: ListRow) => {
    if (!bound) return true;
    const b = blockOf(row, order);
    if (b !== bound.b) return desc ? b < bound.b : b > bound.b;
    const s = keyOf(row, order);
    return desc ? s < bound.s : s > bound.s;
  };
  let next = bound ? bound.b : desc ? head : 0;
  const want = walk.limit + 1;
  const found: ListRow[] = [];
  const perBlock = cursor?.r ?? -1;
  let blocksSeen = 0;
  let matchesSeen = 0;
  let level = 0;
  let rounds = 0;
  let reads = 0;
  let decoded = 0;
  const done = () => (desc ? next < 0 : next > head);

  // One bucket read: the rows of bucket `level` around block `next`, kept when inside [lo, hi] on the walk's unread side.
  const readBucket = async (at: number, lvl: number) => {
    const span = LEVEL_SPANS[lvl]!;
    const lo = Math.floor(at / span) * span;
    const hi = lo + span - 1;
    const bucket = { [`${order}${lvl}`]: bucketKey(walk.tenantId, walk.kind, order, lvl, at) };
    reads += 1;
    // One batch: a bucket's matches come back in the find's reply, with no getMore round trip after 101 rows.
    const rows = await Rows.find({ ...walk.filter, ...bucket } as never).select(ANSWERED_FIELDS).batchSize(BUCKET_BATCH).lean<ListRow[]>();
    decoded += rows.length;
    const from = desc ? lo : at;
    const to = desc ? at : Math.min(hi, head);
    const kept = rows.filter((row) => {
      const b = blockOf(row, order);
      return b >= from && b <= to && beyond(row);
    });
    // The estimate of matches per block counts whole blocks only: not the cursor's, partly answered already.
    const partial = bound && bound.b >= from && bound.b <= to ? 1 : 0;
    const fresh = partial ? kept.filter((row) => blockOf(row, order) !== bound!.b).length : kept.length;
    return { kept, fresh, blocks: Math.max(0, to - from + 1 - partial), nextAt: desc ? lo - 1 : hi + 1 };
  };

  // Keeps a bucket's rows past the cursor and learns its matches per block; the walk goes on after it.
  const take = (result: Awaited<ReturnType<typeof readBucket>>) => {
    found.push(...result.kept);
    blocksSeen += result.blocks;
    matchesSeen += result.fresh;
    next = result.nextAt;
  };

  while (found.length < want && !done() && rounds < MAX_ROUNDS) {
    const need = want - found.length;
    if (rounds > 0 || perBlock >= 0) {
      const estimate = blocksSeen ? matchesSeen / blocksSeen : perBlock;
      let wanted = LEVEL_SPANS.findIndex((span) => estimate * span >= need);
      // The widest level goes on bucket by bucket: a rare filter costs rounds (and a short page), never a read of every row.
      if (wanted === -1) wanted = LEVEL_SPANS.length - 1;
      level = rounds > 0 ? Math.min(wanted, level + 1) : Math.min(wanted, LEVEL_SPANS.length - 1);
    }
    rounds += 1;
    if (rounds === 1 && level === 0 && !bound && desc && next > 0) {
      // The newest block is usually part-filled: read it and the one before it at once.
      const [a, b] = await Promise.all([readBucket(next, 0), readBucket(next - 1, 0)]);
      found.push(...a.kept, ...b.kept);
      blocksSeen += b.blocks;
      matchesSeen += b.fresh;
      next = b.nextAt;
      continue;
    }
    // A few blocks will do (the matches per block seen so far say so): read them one block each, at
    // once, rather than a bucket of 16 blocks that would decode many more rows than the page needs.
    const perBlockNow = blocksSeen ? matchesSeen / blocksSeen : perBlock;
    const fewBlocks = perBlockNow > 0 ? Math.ceil(need / perBlockNow) : Infinity;
    if (level === 1 && fewBlocks <= FEW_BLOCKS) {
      const ats: number[] = [];
      for (let i = 0, at = next; i < fewBlocks && (desc ? at >= 0 : at <= head); i += 1, at += direction) ats.push(at);
      const results = await Promise.all(ats.map((at) => readBucket(at, 0)));
      results.forEach(take);
      level = 0;
      continue;
    }
    // A bucket is aligned, so the cursor may sit near its end: when what is left of it will not fill the
    // page, read the bucket after it too, at once.
    const span = LEVEL_SPANS[level]!;
    const left = desc ? next - Math.floor(next / span) * span + 1 : Math.floor(next / span) * span + span - next;
    const estimate = blocksSeen ? matchesSeen / blocksSeen : Math.max(perBlock, 0);
    const after = desc ? next - left : next + left;
    const both = left * estimate < need && (desc ? after >= 0 : after <= head);
    const results = await Promise.all(both ? [readBucket(next, level), readBucket(after, level)] : [readBucket(next, level)]);
    results.forEach(take);
  }

  found.sort((x, y) => {
    const bx = blockOf(x, order);
    const by = blockOf(y, order);
    if (bx !== by) return (bx - by) * direction;
    const sx = keyOf(x, order);
    const sy = keyOf(y, order);
    return (sx < sy ? -1 : sx > sy ? 1 : 0) * direction;
  });
  const r = Math.round((blocksSeen ? matchesSeen / blocksSeen : Math.max(perBlock, 0)) * 100) / 100;
  // Only the answered rows' items are parsed (a JSON text each; a row written before holds the nested document).
  const page = found.slice(0, walk.limit).map((row) => ({ ...row, item: itemOf(row) }));
  if (found.length > walk.limit) {
    const last = page[page.length - 1]!;
    return { rows: page, hasMore: true, nextCursor: encodeRowCursor({ o: order, d: direction, b: blockOf(last, order), s: keyOf(last, order), r }), rounds, reads, decoded };
  }
  if (done()) return { rows: page, hasMore: false, nextCursor: null, rounds, reads, decoded };
  // Stopped by the read cap: every block before `next` was read; resume with the whole of block `next`.
  return { rows: page, hasMore: true, nextCursor: encodeRowCursor({ o: order, d: direction, b: next, s: desc ? '\uffff' : '', r }), rounds, reads, decoded };
}
