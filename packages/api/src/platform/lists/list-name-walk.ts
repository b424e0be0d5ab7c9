import type { Connection, Types } from 'mongoose';
import { AppError } from '../errors.js';
import { itemOf, listRowModel, type ListRow } from './list-row.model.js';
import { NAME_KEY_MAX, nameBucket, nameKeyField, nameLabel, nameScope, readNameLabels } from './list-names.js';
import type { RowPage } from './list-walk.js';

/**
 * A page of list rows in a name order (list-names.ts), read by equality only: first the scope's level-3
 * labels (`list_name_labels`), then, from the cursor's label on, in the walk's direction, each round the
 * smallest buckets that the matches seen so far per label say will fill the page: up to `PARALLEL`
 * consecutive buckets of one level (3: one label; 2 and 1: the labels sharing their first 2 or 1
 * characters), read at once. Rows come back sorted by (key, id) in the walk's direction; a bucket's rows
 * at or before the cursor are dropped, so none is skipped or repeated. At most `MAX_ROUNDS` rounds: past
 * that the page is answered short, with a cursor that resumes at the first label not read. A bucket is at
 * most every row under one first character (level 1, chosen only when labels hold few matches each); a
 * page never reads every row of the kind. The filter (visibility and list filters) is applied by the
 * database with the bucket, as in the block walk.
 */
export const MAX_ROUNDS = 4;
const PARALLEL = 4;
const BUCKET_BATCH = 10_000;

export interface NameWalk {
  tenantId: Types.ObjectId;
  kind: string;
  /** The name sort (list-names.ts `NAME_SORTS`). */
  sort: string;
  direction: 1 | -1;
  filter: Record<string, unknown>;
  limit: number;
  cursor?: string | undefined;
}

/** Where a name walk stopped: after the row (k, i), or (page cut short by the read cap) at the start of label `a`; `r` matches per label seen. */
interface NameCursor {
  s: string;
  d: 1 | -1;
  k?: string;
  i?: string;
  a?: string;
  r: number;
}

export function encodeNameCursor(position: NameCursor): string {
  return `n.${Buffer.from(JSON.stringify(position)).toString('base64url')}`;
}

export function decodeNameCursor(cursor: string, sort: string, direction: 1 | -1): NameCursor {
  try {
    if (!cursor.startsWith('n.')) throw new Error('kind');
    const p = JSON.parse(Buffer.from(cursor.slice(2), 'base64url').toString('utf8')) as NameCursor;
    if (typeof p !== 'object' || p === null || p.s !== sort || p.d !== direction) throw new Error('order');
    if (typeof p.r !== 'number' || !(p.r >= 0)) throw new Error('shape');
    const atRow = typeof p.k === 'string' && p.k.length <= NAME_KEY_MAX && typeof p.i === 'string' && /^[a-f0-9]{24}$/.test(p.i);
    const atLabel = typeof p.a === 'string' && p.a.length <= 3;
    if (atRow === atLabel) throw new Error('shape');
    return p;
  } catch {
    throw AppError.invalidField('query.cursor', 'is not a cursor this API issued for this list and sort', 'invalid_cursor');
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Reads one page of rows in name order (see above). */
export async function walkNames(connection: Connection, walk: NameWalk): Promise<RowPage> {
  const Rows = listRowModel(connection);
  const { direction, sort } = walk;
  const field = nameKeyField(sort);
  const scope = nameScope(walk.tenantId, walk.kind, sort);
  const cursor = walk.cursor ? decodeNameCursor(walk.cursor, sort, direction) : null;
  let reads = 1;
  const ascending = await readNameLabels(connection, scope);
  const labels = direction === 1 ? ascending : ascending.reverse();
  // Rows at or before the bound (in walk order) were answered already.
  const bound = cursor?.k !== undefined ? { k: cursor.k, i: cursor.i! } : null;
  const order = (x: { k: string; i: string }, y: { k: string; i: string }) => (compare(x.k, y.k) || compare(x.i, y.i)) * direction;
  const placeOf = (row: ListRow) => ({ k: typeof row[field] === 'string' ? (row[field] as string) : '', i: row._id.toHexString() });
  // The first label to read: the one holding the bound (its rows past it are kept), or the cursor's label.
  let next = 0;
  const from = cursor ? (cursor.a ?? nameLabel(cursor.k!, 3)) : null;
  if (from !== null) while (next < labels.length && compare(labels[next]!, from) * direction < 0) next += 1;
  // A bucket of level 2 or 1 also holds labels before the one it is read from (read before, or before the cursor): only rows from that label on are kept.
  const unread = (row: ListRow, fromLabel: string) => {
    const place = placeOf(row);
    if (bound && order(place, bound) <= 0) return false;
    return compare(nameLabel(place.k, 3), fromLabel) * direction >= 0;
  };
  const want = walk.limit + 1;
  const found: ListRow[] = [];
  let labelsSeen = 0;
  let matchesSeen = 0;
  let rounds = 0;
  let decoded = 0;
  // The level read last (a cursor's walk may start at any level: its rate is known).
  let lastLevel = cursor ? 2 : 3;

  // The labels (from `at`) that share the bucket of `at` at `level`.
  const span = (at: number, level: number) => {
    const prefix = labels[at]!.slice(0, level);
    let end = at;
    while (end < labels.length && labels[end]!.slice(0, level) === prefix) end += 1;
    return { prefix, end };
  };

  while (found.length < want && next < labels.length && rounds < MAX_ROUNDS) {
    rounds += 1;
    const need = want - found.length;
    const rate = labelsSeen ? matchesSeen / labelsSeen : (cursor?.r ?? 0);
    // The smallest level whose next PARALLEL buckets are expected to fill the page (level 3 at first: nothing is known yet).
    let chosen: Array<{ level: number; prefix: string; at: number; end: number }> = [];
    // Widening one level a round at most (as the block walk does): a rare filter costs rounds, not a wide read at once.
    const levels = rounds === 1 && !cursor ? [3] : [3, 2, 1].filter((level) => level >= lastLevel - 1);
    for (const level of levels) {
      // The first read of a walk knows nothing of the filter: one label.
      const most = rounds === 1 && !cursor ? 1 : PARALLEL;
      const buckets: typeof chosen = [];
      let expected = 0;
      for (let at = next; at < labels.length && buckets.length < most && (buckets.length === 0 || expected < need); ) {
        const { prefix, end } = span(at, level);
        buckets.push({ level, prefix, at, end });
        expected += rate * (end - at);
        at = end;
      }
      chosen = buckets;
      if (expected >= need) break;
    }
    const results = await Promise.all(
      chosen.map(async ({ level, prefix }) => {
        reads += 1;
        // The kind too: a bucket value is named by a short tag of the scope (list-names.ts `scopeTag`); the filter holds the tenant.
        const rows = await Rows.find({ ...walk.filter, kind: walk.kind, [`n${level}`]: nameBucket(scope, prefix) } as never)
          .select({ _id: 1, itemJson: 1, item: 1, [field]: 1 })
          .batchSize(BUCKET_BATCH)
          .lean<ListRow[]>();
        decoded += rows.length;
        return rows;
      }),
    );
    const end = chosen[chosen.length - 1]!.end;
    lastLevel = chosen[0]!.level;
    results.forEach((rows, b) => {
      for (const row of rows) if (unread(row, labels[chosen[b]!.at]!)) found.push(row);
    });
    labelsSeen += end - next;
    matchesSeen += results.reduce((n, rows) => n + rows.length, 0);
    next = end;
  }

  found.sort((x, y) => order(placeOf(x), placeOf(y)));
  const r = Math.round((labelsSeen ? matchesSeen / labelsSeen : (cursor?.r ?? 0)) * 100) / 100;
  const page = found.slice(0, walk.limit).map((row) => ({ ...row, item: itemOf(row) }));
  if (found.length > walk.limit) {
    const last = placeOf(page[page.length - 1]!);
    return { rows: page, hasMore: true, nextCursor: encodeNameCursor({ s: sort, d: direction, k: last.k, i: last.i, r }), rounds, reads, decoded };
  }
  if (next >= labels.length) return { rows: page, hasMore: false, nextCursor: null, rounds, reads, decoded };
  // Stopped by the read cap: every label before `next` was read whole; resume with label `next`.
  return { rows: page, hasMore: true, nextCursor: encodeNameCursor({ s: sort, d: direction, a: labels[next]!, r }), rounds, reads, decoded };
}
