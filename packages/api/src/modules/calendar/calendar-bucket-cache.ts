import { randomBytes } from 'node:crypto';
import type { AnyBulkWriteOperation } from 'mongodb';
import type { Connection, Types } from 'mongoose';
import { bulkWriteBounded } from '../../platform/db/bulk-writes.js';
import { createFreshRead } from '../../platform/fresh-read.js';

/** One stamp per agency and range bucket: `{ _id: '<tenantId>:<bucket>', tenantId, v }`, `v` a fresh random token per write. */
export const CALENDAR_BUCKET_STAMPS = 'calendar_bucket_stamps';

export interface BucketCacheLimits {
  /** Buckets kept at most, over every agency (least recently read dropped first). */
  maxBuckets: number;
  /** Entries kept at most, over every bucket; a bucket larger than this is never kept. */
  maxEntries: number;
  /** A kept bucket is read again after this long even when its stamp did not move (a lost stamp write). */
  maxAgeMs: number;
}

const DEFAULT_LIMITS: BucketCacheLimits = { maxBuckets: 5_000, maxEntries: 100_000, maxAgeMs: 60_000 };

type Stamp = { _id: string; tenantId: Types.ObjectId; v: string };
const keyOf = (tenantId: Types.ObjectId, bucket: string) => `${String(tenantId)}:${bucket}`;

/** Sets each bucket's stamp to a fresh random token: every process's kept copy of those buckets is read again. */
export async function moveBucketStamps(connection: Connection, tenantId: Types.ObjectId, buckets: Iterable<string>): Promise<void> {
  const ops: AnyBulkWriteOperation<Stamp>[] = [...new Set(buckets)].map((bucket) => ({
    updateOne: { filter: { _id: keyOf(tenantId, bucket) }, update: { $set: { tenantId, v: randomBytes(12).toString('base64url') } }, upsert: true },
  }));
  await bulkWriteBounded(connection.collection<Stamp>(CALENDAR_BUCKET_STAMPS), ops, { ordered: false });
}

/**
 * The raw entries of a calendar range bucket (a week `w…` or a year `y…`, calendar-buckets.ts) kept in the
 * process under the bucket's write stamp, so a warm week read costs one stamp read per bucket (a document by
 * `_id`, pushed down by every engine) instead of FerretDB decoding every entry of the week.
 *
 * - Writes: every write of an entry calls `touch` with each bucket the entry was filed in and is filed in now,
 *   before the write and again after it; each sets the bucket's stamp to a fresh random token (never an $inc:
 *   FerretDB does not apply concurrent updates of one document atomically). Any API process sees the change.
 * - Reads: the stamp is read first (a read started at or after `asOf`, shared by the reads of the same moment,
 *   platform/fresh-read.ts), then the bucket from memory while the stamp is the one it was read under, else from
 *   the database. A write finished before `asOf` moved the stamp before the stamp read, so its entry is seen.
 * - Kept raw, before visibility: the caller filters each request's entries through the access module.
 * - Bounded: an LRU over buckets and entries; a failed read keeps nothing; at most `maxAgeMs` old, a safety net
 *   for a process stopped between an entry write and its stamp write.
 *
 * The cached arrays and entries are shared between requests: callers must not change them.
 */
export function createCalendarBucketCache<T>(connection: Connection, load: (tenantId: Types.ObjectId, bucket: string) => Promise<T[]>, limits: Partial<BucketCacheLimits> = {}) {
  const { maxBuckets, maxEntries, maxAgeMs } = { ...DEFAULT_LIMITS, ...limits };
  const stamps = connection.collection<Stamp>(CALENDAR_BUCKET_STAMPS);
  const readStamp = createFreshRead(async (key) => {
    const doc = await stamps.findOne({ _id: key }, { projection: { v: 1 } });
    return doc?.v ?? '';
  });
  const kept = new Map<string, { stamp: string; entries: readonly T[]; until: number }>();
  const loading = new Map<string, Promise<readonly T[]>>();
  let keptEntries = 0;

  function forget(key: string): void {
    const old = kept.get(key);
    if (!old) return;
    kept.delete(key);
    keptEntries -= old.entries.length;
  }

  function keep(key: string, stamp: string, entries: readonly T[], until: number): void {
    forget(key);
    if (entries.length > maxEntries) return;
    kept.set(key, { stamp, entries, until });
    keptEntries += entries.length;
    // Least recently read first (a hit is moved to the end).
    for (const [k] of kept) {
      if (kept.size <= maxBuckets && keptEntries <= maxEntries) break;
      forget(k);
    }
  }

  return {
    /** The bucket's entries as of a moment at or after `asOf` (performance.now() when the request asked). */
    async entries(tenantId: Types.ObjectId, bucket: string, asOf: number): Promise<readonly T[]> {
      const key = keyOf(tenantId, bucket);
      const stamp = await readStamp(key, asOf);
      const hit = kept.get(key);
      if (hit && hit.stamp === stamp && Date.now() < hit.until) {
        kept.delete(key);
        kept.set(key, hit);
        return hit.entries;
      }
      // Reads of the same bucket under the same stamp share one database read: as fresh as a hit would be.
      const id = `${key}|${stamp}`;
      let pending = loading.get(id);
      if (!pending) {
        const until = Date.now() + maxAgeMs;
        pending = load(tenantId, bucket)
          .then((entries) => {
            keep(key, stamp, entries, until);
            return entries;
          })
          .finally(() => loading.delete(id));
        loading.set(id, pending);
      }
      return pending;
    },

    /** Moves the stamps of `buckets` on (call before an entry write and again after it). */
    async touch(tenantId: Types.ObjectId, buckets: Iterable<string>): Promise<void> {
      const keys = [...new Set(buckets)];
      for (const bucket of keys) forget(keyOf(tenantId, bucket));
      await moveBucketStamps(connection, tenantId, keys);
    },

    /** What is kept now (tests). */
    stats(): { buckets: number; entries: number } {
      return { buckets: kept.size, entries: keptEntries };
    },
  };
}

export type CalendarBucketCache<T> = ReturnType<typeof createCalendarBucketCache<T>>;
