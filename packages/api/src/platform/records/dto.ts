/** What every record's DTO does with stored values: dates as ISO 8601 text, ids as hex strings. */

/** A stored date as ISO 8601 text, or null. */
export const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** A stored id (ObjectId or string) as its hex string, or null. */
export const id = (v: unknown): string | null => (v ? String(v) : null);

/** Stored ids as hex strings. */
export const ids = (v: readonly unknown[] | undefined): string[] => (v ?? []).map(String);
