import type { Schema } from 'mongoose';

const withoutPendingList = new WeakSet<Schema>();

/**
 * Marks a collection whose pushed-down equalities must stay fast right after bulk writes: its GIN indexes
 * (pushdown-indexes.ts) are made with `fastupdate = off`. With PostgreSQL's default, new index entries
 * go to a pending list that every search reads in full until (auto)vacuum merges it: after a roll-up
 * rebuild wrote 25,000 buckets, one read by `line` took 6.4 ms (224 buffers) instead of 0.04 ms (3
 * buffers) once the list was merged (bench/RESULTS.md, dashboards, 2026-12-06). Each write then pays
 * its index entries at once, which suits collections read far more often than written.
 */
export function searchedWithoutPendingList(schema: Schema): void {
  withoutPendingList.add(schema);
}

export function isSearchedWithoutPendingList(schema: Schema): boolean {
  return withoutPendingList.has(schema);
}
