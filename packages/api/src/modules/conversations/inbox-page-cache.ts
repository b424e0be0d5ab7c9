import type { Connection, Types } from 'mongoose';
import { createWriteStampedCache, moveWriteStamps, writeStampModel } from '../../platform/db/write-stamps.js';
import type { InboxRow } from './inbox-walk.js';

/** One stamp per user's inbox: `{ _id: '<tenantId>:<userId>', tenantId, v }`, `v` a fresh random token per write of their member rows (platform/db/write-stamps.ts). */
export const INBOX_STAMPS = 'conversation_inbox_stamps';

export interface InboxPage {
  rows: InboxRow[];
  hasMore: boolean;
  nextCursor: string | null;
}

export interface InboxCacheLimits {
  /** Pages kept at most, over every user (least recently read dropped first). */
  maxPages: number;
  /** Rows kept at most, over every page. */
  maxRows: number;
  /** A kept page is read again after this long even when its stamp did not move (a lost stamp write). */
  maxAgeMs: number;
}

const DEFAULT_LIMITS: InboxCacheLimits = { maxPages: 5_000, maxRows: 100_000, maxAgeMs: 60_000 };

/** The stamps' model, registered while the app is built (the conversations module), so their collection and `_id` index exist from start. */
export const inboxStampModel = (connection: Connection) => writeStampModel(connection, INBOX_STAMPS);

/** Sets each user's inbox stamp to a fresh random token: every process's kept pages of theirs are read again. */
export async function moveInboxStamps(connection: Connection, tenantId: Types.ObjectId, userIds: Iterable<Types.ObjectId>): Promise<void> {
  await moveWriteStamps(connection, INBOX_STAMPS, tenantId, [...userIds].map(String));
}

/**
 * A user's inbox pages kept in the process under the user's inbox stamp (platform/db/write-stamps.ts), so a warm
 * page costs one stamp read (a document by `_id`) instead of the walk's marker and member-row reads, every one of
 * which FerretDB decodes whole (about 140 documents for a first page of 50, two thirds of a page's CPU:
 * bench/RESULTS.md, 2026-12-06 22:00).
 *
 * - Writes: every write of a user's member rows (inbox.ts `touchMembers`, the service's `ensureMember`) moves the
 *   stamps of the users whose rows it writes, before the write and again after it. Any API process sees it.
 * - Kept raw: what the caller may read of the record threads is decided per request (inbox-list.ts).
 */
export function createInboxPageCache(connection: Connection, limits: Partial<InboxCacheLimits> = {}) {
  const { maxPages, maxRows, maxAgeMs } = { ...DEFAULT_LIMITS, ...limits };
  const cache = createWriteStampedCache<InboxPage>(connection, INBOX_STAMPS, (page) => page.rows.length, { maxAnswers: maxPages, maxRows, maxAgeMs });
  return {
    /** The page `query` (limit, kind, cursor) of the user's inbox as of a moment at or after `asOf` (performance.now()); `walk` reads it. */
    page: (tenantId: Types.ObjectId, userId: Types.ObjectId, query: string, asOf: number, walk: () => Promise<InboxPage>): Promise<InboxPage> => cache.get(tenantId, String(userId), query, asOf, walk),
    /** What is kept now (tests). */
    stats(): { pages: number; rows: number } {
      const { answers, rows } = cache.stats();
      return { pages: answers, rows };
    },
  };
}

export type InboxPageCache = ReturnType<typeof createInboxPageCache>;
const caches = new WeakMap<Connection, InboxPageCache>();

/** The process's cache of `connection`'s inbox pages. */
export function inboxPageCache(connection: Connection): InboxPageCache {
  let cache = caches.get(connection);
  if (!cache) {
    cache = createInboxPageCache(connection);
    caches.set(connection, cache);
  }
  return cache;
}
