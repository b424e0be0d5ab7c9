import { Types, type Connection } from 'mongoose';
import { createWriteStampedCache, writeStampModel } from '../db/write-stamps.js';
import { walkRows, type RowPage, type RowWalk } from './list-walk.js';
import { walkNames, type NameWalk } from './list-name-walk.js';

/**
 * List pages kept in the process under a per-(agency, kind) list stamp (platform/db/write-stamps.ts):
 * `{ _id: '<tenantId>:<kind>', tenantId, v }`, `v` a fresh random token per write of a list row of that
 * kind (list-rows.ts: `syncListRow` and `removeListRow` after the write; `writeListRows`, the backfill and the
 * item rewrite once before and once after a batch). A warm page then costs one stamp read by `_id`
 * (shared by the reads of the same moment) instead of FerretDB decoding the ~55 rows a page needs
 * (docs/database.md, "Lists").
 *
 * - An answer is named by everything the walk depends on: the filter it was given (the access module's
 *   visibility filter for the caller combined with the list filters, serialised with sorted keys and typed
 *   values), the order and direction, the page size and the cursor. Callers whose visibility filter differs
 *   never share an answer; callers whose filters are the same object share it (the same rows, by definition).
 * - Kept raw: the walk's page (rows with their items); callers pick fields per request.
 * - A cold page probes the kind's newest block afresh (list-blocks.ts `newestBlock` with `since`): a block
 *   claimed by another process's write, that moved the stamp this page saw, is read.
 * - Bounded as the calendar's and the inbox's caches: answers, rows, and an age after which a page is read again.
 */
export const LIST_STAMPS = 'list_row_stamps';

export interface ListPageCacheLimits {
  /** Pages kept at most, over every agency and kind (least recently read dropped first). */
  maxPages: number;
  /** Rows kept at most, over every page. */
  maxRows: number;
  /** A kept page is read again after this long even when its stamp did not move (a lost stamp write). */
  maxAgeMs: number;
}

const DEFAULT_LIMITS: ListPageCacheLimits = { maxPages: 5_000, maxRows: 50_000, maxAgeMs: 60_000 };

/** The stamps' model, registered while the app is built (registerListedKind), so their collection and `_id` index exist from start. */
export const listStampModel = (connection: Connection) => writeStampModel(connection, LIST_STAMPS);

/** A filter as text that names it exactly: object keys sorted, ObjectIds, dates and patterns tagged (never equal to a string of the same text). */
export function stableFilterKey(value: unknown): string {
  if (value === undefined) return 'u';
  if (value === null) return 'n';
  if (value instanceof Types.ObjectId) return `o${value.toHexString()}`;
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value instanceof RegExp) return `r${JSON.stringify([value.source, value.flags])}`;
  if (Array.isArray(value)) return `[${value.map(stableFilterKey).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableFilterKey((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value}:${String(value)}`;
}

/** The variant of a walk: every input its answer depends on besides the rows. */
export const walkVariant = (walk: RowWalk) => `${walk.order}|${walk.direction}|${walk.limit}|${walk.cursor ?? ''}|${stableFilterKey(walk.filter)}`;

/** The variant of a name walk: its sort and direction, besides what a block walk's names. */
export const nameWalkVariant = (walk: NameWalk) => `n:${walk.sort}|${walk.direction}|${walk.limit}|${walk.cursor ?? ''}|${stableFilterKey(walk.filter)}`;

export function createListPageCache(connection: Connection, limits: Partial<ListPageCacheLimits> = {}) {
  const { maxPages, maxRows, maxAgeMs } = { ...DEFAULT_LIMITS, ...limits };
  const cache = createWriteStampedCache<RowPage>(connection, LIST_STAMPS, (page) => page.rows.length, { maxAnswers: maxPages, maxRows, maxAgeMs });
  return {
    /** The page `walk` as of a moment at or after `asOf` (performance.now() when the request asked); kept pages are shared, not to be changed. */
    page: (walk: RowWalk, asOf: number): Promise<RowPage> =>
      cache.get(walk.tenantId, walk.kind, walkVariant(walk), asOf, () => walkRows(connection, { ...walk, headSince: performance.now() })),
    /** The page of a name walk (list-name-walk.ts), kept the same way; its variant names the sort. */
    namePage: (walk: NameWalk, asOf: number): Promise<RowPage> => cache.get(walk.tenantId, walk.kind, nameWalkVariant(walk), asOf, () => walkNames(connection, walk)),
    /** Drops this process's pages of the agency's `kinds` and moves their stamps (after a row write; around a batch). */
    touch: (tenantId: Types.ObjectId, kinds: Iterable<string>): Promise<void> => cache.touch(tenantId, kinds),
    /** What is kept now (tests). */
    stats: () => {
      const { answers, rows } = cache.stats();
      return { pages: answers, rows };
    },
  };
}

export type ListPageCache = ReturnType<typeof createListPageCache>;
const caches = new WeakMap<Connection, ListPageCache>();

/** The process's cache of `connection`'s list pages. */
export function listPageCache(connection: Connection): ListPageCache {
  let cache = caches.get(connection);
  if (!cache) {
    cache = createListPageCache(connection);
    caches.set(connection, cache);
  }
  return cache;
}

/** Replaces the process's cache of `connection`'s list pages by one with these limits (tests; the benchmark's `--list-cache 0`, every page cold). */
export function setListPageCacheLimits(connection: Connection, limits: Partial<ListPageCacheLimits>): ListPageCache {
  const cache = createListPageCache(connection, limits);
  caches.set(connection, cache);
  return cache;
}

/** Moves the list stamps of the agency's `kinds` (and drops this process's pages of them): call after a list row write (and before a batch of them). */
export function moveListStamps(connection: Connection, tenantId: Types.ObjectId, kinds: Iterable<string>): Promise<void> {
  return listPageCache(connection).touch(tenantId, kinds);
}

/** A page of list rows, kept under the kind's list stamp: what list endpoints call (walkRows reads it uncached). */
export function keptRowPage(connection: Connection, walk: RowWalk, asOf: number = performance.now()): Promise<RowPage> {
  return listPageCache(connection).page(walk, asOf);
}

/** A page of list rows in a name order, kept under the kind's list stamp as `keptRowPage`'s. */
export function keptNamePage(connection: Connection, walk: NameWalk, asOf: number = performance.now()): Promise<RowPage> {
  return listPageCache(connection).namePage(walk, asOf);
}

/**
 * Records of listed kinds as stored (lean documents), kept in the process under the same per-(agency, kind)
 * list stamps as the pages, for reads only: `GET /v1/contacts/{id}` (the record service's visibility check
 * runs on the kept document, as it runs on a read one), `visibleIds`, and a search page's candidates. Every
 * write of a record of a listed kind syncs its list row after the record, which moves the stamp
 * (list-rows.ts), so a kept record is answered only while no record of its kind in the agency has been
 * written since it was read. Writes never read through it (their checks read the record). Kept records are
 * shared: plain objects and arrays in them are frozen; nothing may change one.
 */
const RECORD_LIMITS = { maxAnswers: 20_000, maxRows: 20_000, maxAgeMs: 60_000 };
const recordCaches = new WeakMap<Connection, ReturnType<typeof createWriteStampedCache<unknown>>>();

/** The record `id` of `kind` in the agency, kept under the kind's list stamp as of a moment at or after `asOf`; `load` reads it (null: none). */
export function keptRecord<Doc>(connection: Connection, tenantId: Types.ObjectId, kind: string, id: Types.ObjectId, asOf: number, load: () => Promise<Doc | null>): Promise<Doc | null> {
  let cache = recordCaches.get(connection);
  if (!cache) recordCaches.set(connection, (cache = createWriteStampedCache<unknown>(connection, LIST_STAMPS, () => 1, RECORD_LIMITS)));
  return cache.get(tenantId, kind, `r|${id.toHexString()}`, asOf, async () => freezePlain(await load())) as Promise<Doc | null>;
}

/** Freezes plain objects and arrays, deeply; ObjectIds, dates and buffers are left as they are (a typed array cannot be frozen). */
function freezePlain<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  Object.freeze(value);
  for (const child of Object.values(value as Record<string, unknown>)) freezePlain(child);
  return value;
}
