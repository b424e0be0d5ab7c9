/**
 * Time buckets that the database matches by equality (FerretDB 1.24 pushes down top-level equalities,
 * never ranges; docs/database.md): UTC weeks from Monday as `w<n>`, hours and minutes as ISO prefixes.
 */

const MINUTE_MS = 60_000;
const WEEK_MS = 7 * 86_400_000;
/** Monday 1970-01-05 00:00 UTC: week 0. */
const WEEK_ZERO = Date.UTC(1970, 0, 5);
/** The most weeks one span is filed under (two years): longer spans are the caller's to file otherwise. */
export const MAX_WEEKS = 104;

/** The number of the UTC week (from Monday) that holds the instant `t`. */
export const weekOf = (t: number) => Math.floor((t - WEEK_ZERO) / WEEK_MS);

const span = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** The `w<n>` keys of the weeks [start, end) touches, at most MAX_WEEKS from its start; an empty span is filed under its start's week. */
export function weekBuckets(start: Date, end: Date): string[] {
  const first = weekOf(start.getTime());
  const last = weekOf(Math.max(start.getTime(), end.getTime() - 1));
  return span(first, Math.min(last, first + MAX_WEEKS - 1)).map((w) => `w${w}`);
}

/** The `w<n>` keys a read of [from, to) asks: each week it touches. */
export function rangeWeeks(from: Date, to: Date): string[] {
  return span(weekOf(from.getTime()), weekOf(to.getTime() - 1)).map((w) => `w${w}`);
}

/** A UTC minute as `YYYY-MM-DDTHH:MM`. */
export const minuteKey = (t: number) => new Date(Math.floor(t / MINUTE_MS) * MINUTE_MS).toISOString().slice(0, 16);

/** A UTC hour as `YYYY-MM-DDTHH`. */
export const hourKey = (t: number) => minuteKey(t).slice(0, 13);
