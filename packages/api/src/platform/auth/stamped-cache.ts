import type { Connection, Types } from 'mongoose';
import { ACCESS_CACHE_MS, accessEpoch } from '../access/access-epoch.js';
import { accessChannelOf } from './access-channel.js';
import { lastReadAccessVersion } from './principal-cache.js';

/**
 * Per-agency data that every API process may cache as long as the agency's access stamp stands
 * (workflows, custom field definitions): their models carry the `invalidatesAccess` plugin, so a change
 * moves this process's access epoch, the stored counter and, with Redis, every process's stamp.
 *
 * The stamp checked: with Redis live, this process's (moved by every process's change); otherwise what
 * this process's most recently *started* read of the stored counter returned. A request signed in by
 * session read it just before its handler ran, so no change made before the request is missed, and no
 * round trip is spent here. Callers whose request read nothing (a secret key, a public form) reuse that
 * read for ACCESS_CACHE_MS at most, as their principals are reused; past it, the value is loaded.
 */
export function createStampedCache<T>(connection: Connection, maxEntries = 10_000) {
  const entries = new Map<string, { stamp: string; value: T }>();

  function stampOf(tenantId: Types.ObjectId): string | undefined {
    const live = accessChannelOf(connection)?.version(tenantId);
    if (live !== undefined) return `${accessEpoch()}:r:${live}`;
    const read = lastReadAccessVersion(connection, tenantId);
    if (read && Date.now() - read.startedAt < ACCESS_CACHE_MS) return `${accessEpoch()}:d:${read.value}`;
    return undefined;
  }

  return {
    /** The value cached for the agency's `key` while its stamp stands, else `load()` (kept at the stamp known before it ran). */
    async get(tenantId: Types.ObjectId, key: string, load: () => Promise<T>): Promise<T> {
      const id = `${String(tenantId)}:${key}`;
      const stamp = stampOf(tenantId);
      const hit = entries.get(id);
      if (hit && stamp !== undefined && hit.stamp === stamp) return hit.value;
      const value = await load();
      if (stamp !== undefined) {
        // A change made while loading moved the stamp: the next use loads again.
        entries.delete(id);
        entries.set(id, { stamp, value });
        if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      }
      return value;
    },
  };
}
