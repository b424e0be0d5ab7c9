import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import type { Connection, Types } from 'mongoose';
import type { Logger } from 'pino';
import { bulkWriteBounded } from '../../platform/db/bulk-writes.js';
import { MAX_WEEKS, rangeWeeks, weekBuckets, weekOf } from '../../platform/db/time-buckets.js';
import { taskFiling } from '../tasks/task-filing.js';
import { moveBucketStamps } from './calendar-bucket-cache.js';
import { taskModel } from '../tasks/task.model.js';
import { calendarEntryModel, type CalendarEntry, type OccurrenceOverride } from './calendar.model.js';

/** An open series is filed under this many years from its start (edited again, it is filed again). */
const OPEN_SERIES_YEARS = 50;

const span = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/**
 * The buckets an entry is filed under (see `CalendarEntry.buckets`); a series' overridden occurrences
 * add the weeks they were moved to, so one moved past the series' last year is still read.
 */
export function entryBuckets(e: Pick<CalendarEntry, 'startAt' | 'endAt' | 'seriesEndAt' | 'recurrence'> & { overrides?: Pick<OccurrenceOverride, 'startAt' | 'endAt'>[] }): string[] {
  if (e.recurrence && e.overrides?.length) {
    const weeks = e.overrides.flatMap((o) => span(weekOf(o.startAt.getTime()), weekOf(Math.max(o.startAt.getTime(), o.endAt.getTime() - 1))).map((w) => `w${w}`));
    return [...new Set([...entryBuckets({ ...e, overrides: [] }), ...weeks])];
  }
  const start = e.startAt.getTime();
  if (!e.recurrence) {
    const first = weekOf(start);
    const last = weekOf(Math.max(start, e.endAt.getTime() - 1));
    if (last - first < MAX_WEEKS) return weekBuckets(e.startAt, e.endAt);
  }
  const firstYear = e.startAt.getUTCFullYear();
  const lastYear = Math.min(new Date(Math.max(start, e.seriesEndAt.getTime() - 1)).getUTCFullYear(), firstYear + OPEN_SERIES_YEARS - 1);
  return span(firstYear, lastYear).map((y) => `y${y}`);
}

/** The buckets a read of [from, to) asks: each week it touches, and each year (series and long entries). */
export function rangeBuckets(from: Date, to: Date): string[] {
  const last = to.getTime() - 1;
  return [...rangeWeeks(from, to), ...span(from.getUTCFullYear(), new Date(last).getUTCFullYear()).map((y) => `y${y}`)];
}

/**
 * Files documents stored before derived fields existed: streams the collection once (no filter, no sort)
 * and sets what `compute` answers on each document `unfiled` says lacks it; recorded as done in `list_backfill` under
 * `key`, so later starts skip it (a stopped run starts again and skips what it filed).
 */
async function fileOnce(
  collection: Collection,
  key: string,
  projection: Record<string, 1>,
  unfiled: (doc: Record<string, unknown>) => boolean,
  compute: (doc: Record<string, unknown>) => Record<string, unknown>,
  afterFlush?: (written: { tenantId: unknown; set: Record<string, unknown> }[]) => Promise<void>,
): Promise<number> {
  const state = collection.db.collection<{ _id: string; done: boolean; at: Date }>('list_backfill');
  if ((await state.findOne({ _id: key }))?.done) return 0;
  const cursor = collection.find({}, { batchSize: 1000, projection: { ...projection, tenantId: 1 } });
  let batch: AnyBulkWriteOperation[] = [];
  let written: { tenantId: unknown; set: Record<string, unknown> }[] = [];
  let filed = 0;
  const flush = async () => {
    // Bounded: one command of hundreds of updates wedges FerretDB's pool (platform/db/bulk-writes.ts).
    await bulkWriteBounded(collection, batch, { ordered: false });
    filed += batch.length;
    batch = [];
    if (written.length) await afterFlush?.(written);
    written = [];
  };
  try {
    for await (const doc of cursor) {
      if (!unfiled(doc)) continue;
      const set = compute(doc);
      batch.push({ updateOne: { filter: { tenantId: doc.tenantId, _id: doc._id }, update: { $set: set } } });
      written.push({ tenantId: doc.tenantId, set });
      if (batch.length >= 500) await flush();
    }
    await flush();
  } finally {
    await cursor.close();
  }
  await state.updateOne({ _id: key }, { $set: { done: true, at: new Date() } }, { upsert: true });
  return filed;
}

/** Files entries stored before buckets existed (once, see `fileOnce`). */
export async function backfillCalendarBuckets(connection: Connection, logger?: Pick<Logger, 'info'>): Promise<number> {
  const filed = await fileOnce(
    connection.db!.collection(calendarEntryModel(connection).collection.collectionName),
    'calendar_entries:buckets',
    { startAt: 1, endAt: 1, seriesEndAt: 1, recurrence: 1, buckets: 1 },
    (doc) => !Array.isArray(doc.buckets) || !doc.buckets.length,
    (doc) => ({ buckets: entryBuckets(doc as unknown as CalendarEntry) }),
    // The buckets now hold entries they did not: their kept copies (calendar-bucket-cache.ts) are read again.
    async (written) => {
      const byTenant = new Map<string, { tenantId: Types.ObjectId; buckets: Set<string> }>();
      for (const { tenantId, set } of written) {
        const at = byTenant.get(String(tenantId)) ?? byTenant.set(String(tenantId), { tenantId: tenantId as Types.ObjectId, buckets: new Set() }).get(String(tenantId))!;
        for (const bucket of set.buckets as string[]) at.buckets.add(bucket);
      }
      for (const { tenantId, buckets } of byTenant.values()) await moveBucketStamps(connection, tenantId, buckets);
    },
  );
  if (filed) logger?.info(`calendar: ${filed} entries filed in range buckets`);
  return filed;
}

/** Files tasks stored before `calendarWeeks` and `dueHour` existed (once, see `fileOnce`). */
export async function backfillTaskWeeks(connection: Connection, logger?: Pick<Logger, 'info'>): Promise<number> {
  const filed = await fileOnce(
    connection.db!.collection(taskModel(connection).collection.collectionName),
    'tasks:calendarWeeks',
    { dueAt: 1, chosenSlot: 1, calendarWeeks: 1, dueHour: 1 },
    (doc) => !Array.isArray(doc.calendarWeeks) || doc.dueHour === undefined,
    (doc) => ({ ...taskFiling(doc as Parameters<typeof taskFiling>[0]) }),
  );
  if (filed) logger?.info(`calendar: ${filed} tasks filed in week buckets`);
  return filed;
}
