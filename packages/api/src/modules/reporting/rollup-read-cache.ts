import { Types } from 'mongoose';
import { createFreshRead } from '../../platform/fresh-read.js';

/** Rows kept at most, over every agency (a slice read is at most a few hundred small rows). */
const MAX_ROWS = 200_000;

/**
 * Answers of roll-up reads kept in the process, each under the agency's applied `stamp` read before it
 * (rollup-applier.ts moves the stamp on when a batch's buckets are written, before `metric.changed` goes
 * out, and when a rebuild gives the lease back). A read first reads the stamp (one document, by `_id`)
 * and answers from memory while the stamp is the one its answer was read under, so a dashboard read
 * costs the stamp, not its roll-up reads, until something is applied.
 *
 * Fresh: a read waits for a stamp read that started after it was asked (`asOf`), never one already in
 * flight before, so a read that follows an announcement sees the change. Reads asked while a stamp read
 * runs share the next one: at most one stamp read in flight and one waiting per agency, however many
 * requests come at once (platform/fresh-read.ts).
 */
export function createRollupReadCache(readStamp: (tenantId: Types.ObjectId) => Promise<string>) {
  const readFresh = createFreshRead((key) => readStamp(new Types.ObjectId(key)));
  const answers = new Map<string, { stamp: string; rows: number; value: unknown }>();
  let rows = 0;

  /** The agency's stamp, read at or after `asOf` (performance.now()). */
  function stampOf(tenantId: Types.ObjectId, asOf: number): Promise<string> {
    return readFresh(String(tenantId), asOf);
  }

  function keep(key: string, stamp: string, value: unknown, size: number): void {
    const old = answers.get(key);
    if (old) {
      rows -= old.rows;
      answers.delete(key);
    }
    answers.set(key, { stamp, rows: size, value });
    rows += size;
    // Oldest first (a hit is moved to the end).
    for (const [k, entry] of answers) {
      if (rows <= MAX_ROWS) break;
      answers.delete(k);
      rows -= entry.rows;
    }
  }

  return {
    /** The agency's applied stamp, read at or after `asOf` (shared with the reads of the same moment). */
    stamp: stampOf,
    /**
     * `load()`'s answer for `key` in the agency, from memory while the agency's stamp (read at or after
     * `asOf`) is the one it was read under; else read and kept. The answer is shared: callers do not change it.
     */
    async get<T>(tenantId: Types.ObjectId, key: string, asOf: number, load: () => Promise<T>, size: (value: T) => number): Promise<T> {
      const stamp = await stampOf(tenantId, asOf);
      const id = `${String(tenantId)}|${key}`;
      const hit = answers.get(id);
      if (hit && hit.stamp === stamp) {
        answers.delete(id);
        answers.set(id, hit);
        return hit.value as T;
      }
      const value = await load();
      keep(id, stamp, value, Math.max(1, size(value)));
      return value;
    },
    /** Forgets every answer (tests). */
    clear(): void {
      answers.clear();
      rows = 0;
    },
  };
}

export type RollupReadCache = ReturnType<typeof createRollupReadCache>;
