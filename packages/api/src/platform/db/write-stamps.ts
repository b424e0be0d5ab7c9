import { randomBytes } from 'node:crypto';
import type { AnyBulkWriteOperation } from 'mongodb';
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { isDuplicateKeyError } from '../errors.js';
import { createFreshRead } from '../fresh-read.js';
import { bulkWriteBounded } from './bulk-writes.js';
import { searchedWithoutPendingList } from './pushdown-options.js';

/**
 * Write stamps: one tiny document per key (`{ _id: '<tenantId>:<key>', tenantId, v }`), its `v` set to a fresh
 * random token by every write of what the key covers, and answers kept in each API process under the stamp
 * they were read at. A warm read then costs one stamp read by `_id` instead of reading (on FerretDB: decoding
 * whole) every document of the answer. Used for a calendar's range buckets (modules/calendar) and a user's
 * inbox pages (modules/conversations).
 *
 * - Writes move the stamps of the keys they touch before the write and again after it, so a read that
 *   started after the write ended sees a new stamp, and a process stopped between the two leaves no stale
 *   answer for longer than `maxAgeMs`. A random token, never an `$inc`: FerretDB does not apply concurrent
 *   updates of one document atomically, and any two writes leave a token no reader has kept.
 * - Reads read the stamp first (a read started at or after `asOf`, shared by the reads of the same moment:
 *   platform/fresh-read.ts), then answer from memory while the stamp is the one the answer was read under.
 * - Kept raw: callers apply visibility per request; kept values are shared, callers must not change them.
 * - Bounded: an LRU over answers and their rows; a failed load keeps nothing.
 *
 * Each stamp collection has a model registered while the app is built (`writeStampModel`), so it exists at
 * start with its `_id` index (a GIN index on FerretDB's PostgreSQL handler, platform/db/pushdown-indexes.ts):
 * made by its first write instead, every stamp read would be a sequential scan of every agency's stamps.
 */
export interface WriteStamp {
  _id: string;
  tenantId: Types.ObjectId;
  v: string;
}

/** The model of the stamp collection `collection`; call it while the app is built. */
export function writeStampModel(connection: Connection, collection: string): Model<WriteStamp> {
  const name = `WriteStamp:${collection}`;
  if (connection.models[name]) return connection.models[name] as Model<WriteStamp>;
  const schema = new Schema<WriteStamp>({ _id: { type: String, required: true }, tenantId: { type: Schema.Types.ObjectId, required: true }, v: { type: String, required: true } }, { collection, versionKey: false });
  // Read by `_id` right after writes that move it: no pending list in front of its GIN index.
  searchedWithoutPendingList(schema);
  return connection.model<WriteStamp>(name, schema, collection);
}

export const writeStampKey = (tenantId: Types.ObjectId, key: string) => `${String(tenantId)}:${key}`;

/** Sets the stamps of `keys` (the agency's) to fresh random tokens: every process's answers kept under them are read again. */
export async function moveWriteStamps(connection: Connection, collection: string, tenantId: Types.ObjectId, keys: Iterable<string>): Promise<void> {
  const ops: AnyBulkWriteOperation<WriteStamp>[] = [...new Set(keys)].map((key) => ({
    updateOne: { filter: { _id: writeStampKey(tenantId, key) }, update: { $set: { tenantId, v: randomBytes(12).toString('base64url') } }, upsert: true },
  }));
  for (let attempt = 1; ; attempt += 1) {
    try {
      await bulkWriteBounded(connection.collection<WriteStamp>(collection), ops, { ordered: false });
      return;
    } catch (error) {
      // The first writes of a new stamp race: two upserts of one `_id` both insert and the unique index refuses
      // one. The stamp exists then, so writing again updates it (every op is a fresh token: repeating is harmless).
      if (!isDuplicateKeyError(error) || attempt >= 3) throw error;
    }
  }
}

export interface WriteStampedCacheLimits {
  /** Answers kept at most, over every agency (least recently read dropped first). */
  maxAnswers: number;
  /** Rows kept at most, over every answer; an answer larger than this is never kept. */
  maxRows: number;
  /** A kept answer is read again after this long even when its stamp did not move (a lost stamp write). */
  maxAgeMs: number;
}

/**
 * Answers kept under the stamps of `collection`. `rowsOf` tells how many rows an answer holds (for the bound).
 * An answer is named by its stamp's key and, when one stamp covers several answers (a user's inbox pages), a
 * `variant` of it.
 */
export function createWriteStampedCache<V>(connection: Connection, collection: string, rowsOf: (value: V) => number, limits: WriteStampedCacheLimits) {
  const { maxAnswers, maxRows, maxAgeMs } = limits;
  const stamps = connection.collection<WriteStamp>(collection);
  const readStamp = createFreshRead(async (id) => (await stamps.findOne({ _id: id }, { projection: { v: 1 } }))?.v ?? '');
  const kept = new Map<string, { stampId: string; stamp: string; value: V; rows: number; until: number }>();
  const loading = new Map<string, Promise<V>>();
  let keptRows = 0;

  function forget(id: string): void {
    const old = kept.get(id);
    if (!old) return;
    kept.delete(id);
    keptRows -= old.rows;
  }

  function keep(id: string, stampId: string, stamp: string, value: V, until: number): void {
    forget(id);
    const rows = rowsOf(value);
    if (rows > maxRows) return;
    kept.set(id, { stampId, stamp, value, rows, until });
    keptRows += rows;
    // Least recently read first (a hit is moved to the end).
    for (const [k] of kept) {
      if (kept.size <= maxAnswers && keptRows <= maxRows) break;
      forget(k);
    }
  }

  return {
    /** The answer `variant` under the agency's stamp `key`, as of a moment at or after `asOf` (performance.now() when the request asked); `load` reads it. */
    async get(tenantId: Types.ObjectId, key: string, variant: string, asOf: number, load: () => Promise<V>): Promise<V> {
      const stampId = writeStampKey(tenantId, key);
      const id = variant ? `${stampId}|${variant}` : stampId;
      const stamp = await readStamp(stampId, asOf);
      const hit = kept.get(id);
      if (hit && hit.stamp === stamp && Date.now() < hit.until) {
        kept.delete(id);
        kept.set(id, hit);
        return hit.value;
      }
      // Loads of the same answer under the same stamp share one: as fresh as a hit would be.
      const loadId = `${id}|${stamp}`;
      let pending = loading.get(loadId);
      if (!pending) {
        const until = Date.now() + maxAgeMs;
        pending = load()
          .then((value) => {
            keep(id, stampId, stamp, value, until);
            return value;
          })
          .finally(() => loading.delete(loadId));
        loading.set(loadId, pending);
      }
      return pending;
    },

    /** Drops this process's answers under the agency's stamps `keys` and moves the stamps (call before a write and again after it). */
    async touch(tenantId: Types.ObjectId, keys: Iterable<string>): Promise<void> {
      const unique = [...new Set(keys)];
      const ids = new Set(unique.map((key) => writeStampKey(tenantId, key)));
      for (const [id, answer] of kept) if (ids.has(answer.stampId)) forget(id);
      await moveWriteStamps(connection, collection, tenantId, unique);
    },

    /** What is kept now (tests). */
    stats(): { answers: number; rows: number } {
      return { answers: kept.size, rows: keptRows };
    },
  };
}
