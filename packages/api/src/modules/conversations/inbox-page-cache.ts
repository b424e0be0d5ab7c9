import { randomBytes } from 'node:crypto';
import type { AnyBulkWriteOperation } from 'mongodb';
import type { Connection, Types } from 'mongoose';
import { bulkWriteBounded } from '../../platform/db/bulk-writes.js';
import { createFreshRead } from '../../platform/fresh-read.js';
import type { InboxRow } from './inbox-walk.js';

/** One stamp per user's inbox: `{ _id: '<tenantId>:<userId>', tenantId, v }`, `v` a fresh random token per write of their member rows. */
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

type Stamp = { _id: string; tenantId: Types.ObjectId; v: string };
const userKey = (tenantId: Types.ObjectId, userId: Types.ObjectId) => `${String(tenantId)}:${String(userId)}`;

/** Sets each user's inbox stamp to a fresh random token: every process's kept pages of theirs are read again. */
export async function moveInboxStamps(connection: Connection, tenantId: Types.ObjectId, userIds: Iterable<Types.ObjectId>): Promise<void> {
  const keys = [...new Set([...userIds].map((u) => userKey(tenantId, u)))];
  const ops: AnyBulkWriteOperation<Stamp>[] = keys.map((_id) => ({ updateOne: { filter: { _id }, update: { $set: { tenantId, v: randomBytes(12).toString('base64url') } }, upsert: true } }));
  await bulkWriteBounded(connection.collection<Stamp>(INBOX_STAMPS), ops, { ordered: false });
}

/**
 * A user's inbox pages kept in the process under the user's inbox stamp, so a warm page costs one stamp read (a
 * document by `_id`) instead of the walk's marker and member-row reads, every one of which FerretDB decodes
 * whole (about 140 documents for a first page of 50, two thirds of a page's CPU: bench/RESULTS.md, 2026-12-06 22:00).
 *
 * - Writes: every write of a user's member rows (inbox.ts `touchMembers`, the service's `ensureMember`) moves the
 *   stamps of the users whose rows it writes, before the write and again after it (a fresh random token, never an
 *   `$inc`: FerretDB does not apply concurrent updates of one document atomically). Any API process sees it.
 * - Reads: the stamp first (a read started at or after `asOf`, shared by the reads of the same moment,
 *   platform/fresh-read.ts), then the page from memory while the stamp is the one it was read under, else the walk.
 *   A write finished before `asOf` moved the stamp before the stamp read, so the page shows it.
 * - Kept raw: what the caller may read of the record threads is decided per request (inbox-list.ts).
 * - Bounded: an LRU over pages and rows; a failed walk keeps nothing; at most `maxAgeMs` old.
 *
 * The kept pages and rows are shared between requests: callers must not change them.
 */
export function createInboxPageCache(connection: Connection, limits: Partial<InboxCacheLimits> = {}) {
  const { maxPages, maxRows, maxAgeMs } = { ...DEFAULT_LIMITS, ...limits };
  const stamps = connection.collection<Stamp>(INBOX_STAMPS);
  const readStamp = createFreshRead(async (key) => {
    const doc = await stamps.findOne({ _id: key }, { projection: { v: 1 } });
    return doc?.v ?? '';
  });
  const kept = new Map<string, { stamp: string; page: InboxPage; until: number }>();
  const loading = new Map<string, Promise<InboxPage>>();
  let keptRows = 0;

  function forget(key: string): void {
    const old = kept.get(key);
    if (!old) return;
    kept.delete(key);
    keptRows -= old.page.rows.length;
  }

  function keep(key: string, stamp: string, page: InboxPage, until: number): void {
    forget(key);
    if (page.rows.length > maxRows) return;
    kept.set(key, { stamp, page, until });
    keptRows += page.rows.length;
    for (const [k] of kept) {
      if (kept.size <= maxPages && keptRows <= maxRows) break;
      forget(k);
    }
  }

  return {
    /** The page `query` (limit, kind, cursor) of the user's inbox as of a moment at or after `asOf` (performance.now()); `walk` reads it. */
    async page(tenantId: Types.ObjectId, userId: Types.ObjectId, query: string, asOf: number, walk: () => Promise<InboxPage>): Promise<InboxPage> {
      const user = userKey(tenantId, userId);
      const key = `${user}|${query}`;
      const stamp = await readStamp(user, asOf);
      const hit = kept.get(key);
      if (hit && hit.stamp === stamp && Date.now() < hit.until) {
        kept.delete(key);
        kept.set(key, hit);
        return hit.page;
      }
      // Walks of the same page under the same stamp share one: as fresh as a hit would be.
      const id = `${key}|${stamp}`;
      let pending = loading.get(id);
      if (!pending) {
        const until = Date.now() + maxAgeMs;
        pending = walk()
          .then((page) => {
            keep(key, stamp, page, until);
            return page;
          })
          .finally(() => loading.delete(id));
        loading.set(id, pending);
      }
      return pending;
    },

    /** What is kept now (tests). */
    stats(): { pages: number; rows: number } {
      return { pages: kept.size, rows: keptRows };
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
