import type { Connection, Types } from 'mongoose';
import { createWriteStampedCache, moveWriteStamps, writeStampModel } from '../../platform/db/write-stamps.js';

/** One stamp per agency and range bucket: `{ _id: '<tenantId>:<bucket>', tenantId, v }`, `v` a fresh random token per write (platform/db/write-stamps.ts). */
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

/** The stamps' model, registered while the app is built (the calendar module), so their collection and `_id` index exist from start. */
export const calendarBucketStampModel = (connection: Connection) => writeStampModel(connection, CALENDAR_BUCKET_STAMPS);

/** Sets each bucket's stamp to a fresh random token: every process's kept copy of those buckets is read again. */
export async function moveBucketStamps(connection: Connection, tenantId: Types.ObjectId, buckets: Iterable<string>): Promise<void> {
  await moveWriteStamps(connection, CALENDAR_BUCKET_STAMPS, tenantId, buckets);
}

/**
 * The raw entries of a calendar range bucket (a week `w…` or a year `y…`, calendar-buckets.ts) kept in the
 * process under the bucket's write stamp (platform/db/write-stamps.ts), so a warm week read costs one stamp
 * read per bucket instead of FerretDB decoding every entry of the week.
 *
 * - Writes: every write of an entry calls `touch` with each bucket the entry was filed in and is filed in now,
 *   before the write and again after it. Any API process sees the change.
 * - Kept raw, before visibility: the caller filters each request's entries through the access module.
 */
export function createCalendarBucketCache<T>(connection: Connection, load: (tenantId: Types.ObjectId, bucket: string) => Promise<T[]>, limits: Partial<BucketCacheLimits> = {}) {
  const { maxBuckets, maxEntries, maxAgeMs } = { ...DEFAULT_LIMITS, ...limits };
  const cache = createWriteStampedCache<readonly T[]>(connection, CALENDAR_BUCKET_STAMPS, (entries) => entries.length, { maxAnswers: maxBuckets, maxRows: maxEntries, maxAgeMs });
  return {
    /** The bucket's entries as of a moment at or after `asOf` (performance.now() when the request asked). */
    entries: (tenantId: Types.ObjectId, bucket: string, asOf: number): Promise<readonly T[]> => cache.get(tenantId, bucket, '', asOf, () => load(tenantId, bucket)),
    /** Moves the stamps of `buckets` on (call before an entry write and again after it). */
    touch: (tenantId: Types.ObjectId, buckets: Iterable<string>): Promise<void> => cache.touch(tenantId, buckets),
    /** What is kept now (tests). */
    stats(): { buckets: number; entries: number } {
      const { answers, rows } = cache.stats();
      return { buckets: answers, entries: rows };
    },
  };
}

export type CalendarBucketCache<T> = ReturnType<typeof createCalendarBucketCache<T>>;
