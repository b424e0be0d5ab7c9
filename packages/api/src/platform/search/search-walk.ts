import { Types, type Connection } from 'mongoose';
import { matchesFilter } from '../access/access.js';
import { ACCESS_FIELDS, SEARCH_SHARDS, searchEntryModel, searchKey, searchShardKey, shardOf, type SearchEntry } from './search-entry.model.js';
import { ENTRIES_PER_TOKEN, pushableAccess, type SearchCandidate } from './search-index.js';

/**
 * The candidates of a one-token search (`marti`, `lisbon`, an email address), read a bounded part at a
 * time instead of every match. The order is: whole-word matches (`exact`), then prefix matches; inside
 * each, for a token the caller sees on more than `WHOLE_READ_MAX` records, shard by shard (a sixty-fourth
 * of the records each, by id) and newest first inside a shard; for a rarer token, newest first over all.
 *
 * Which of the two a class is read as is decided once, on the first page, from shard 0 (read anyway):
 * its count times the number of shards estimates the token's frequency. The cursor carries the
 * decision (`m`), so every page of one search walks the same order and nothing is skipped or repeated.
 */

/** A class estimated at up to this many visible entries is read whole (one lookup by `key`, true newest-first order). */
export const WHOLE_READ_MAX = 160;
/** Shards of one class read at once while walking. */
const SHARDS_PER_ROUND = 8;

/** How each class is read: `g` whole (by `key`), `w` walked a shard at a time (by `sk`). Exact class first. */
export type WalkModes = `${'g' | 'w'}${'g' | 'w'}`;

/** Where the previous page stopped: the class (score 1 exact, 0 prefix) and id of its last record. */
export interface WalkPosition {
  score: number;
  id: Types.ObjectId;
  /** Absent in a cursor issued before shards existed: decided again. */
  modes?: WalkModes | undefined;
}

export interface WalkCandidate extends SearchCandidate {
  modes: WalkModes;
}

/** Reads candidates in order; `next` answers fewer than `count` only when none are left. */
export interface CandidateWalk {
  /** The next `count` candidates; `need` (at least `count`) is how many the caller expects to use, so a walk reads enough shards at once. */
  next(count: number, need?: number): Promise<WalkCandidate[]>;
  /** Entry lookups sent so far (for tests and the bench). */
  lookups(): number;
}

export function isWalkModes(value: unknown): value is WalkModes {
  return typeof value === 'string' && /^[gw]{2}$/.test(value);
}

export function walkCandidates(
  connection: Connection,
  input: {
    tenantId: Types.ObjectId;
    kind: string;
    token: string;
    visibility: Record<string, unknown>;
    after?: WalkPosition | undefined;
    /** A token almost always rare (an email address, a phone number): read whole first, shard 0 only if it is not. */
    likelyRare?: boolean;
  },
): CandidateWalk {
  const Entries = searchEntryModel(connection);
  const narrowing = pushableAccess(input.visibility);
  const key = searchKey(input.tenantId, input.kind, input.token);
  let sent = 0;

  const read = async (filter: Record<string, unknown>, cap = ENTRIES_PER_TOKEN): Promise<SearchEntry[]> => {
    sent += 1;
    const entries = await Entries.find({ ...filter, tenantId: input.tenantId, ...narrowing } as never)
      .select({ recordId: 1, exact: 1, ...Object.fromEntries(ACCESS_FIELDS.map((f) => [f, 1])) })
      .limit(cap + 1)
      .batchSize(cap + 1)
      .lean<SearchEntry[]>();
    if (entries.length > cap) tooMany = true;
    // A class too common even for one shard is cut at the cap (its first entries as stored); type more letters.
    return entries.slice(0, cap).filter((entry) => matchesFilter({ ...entry, tenantId: input.tenantId } as Record<string, unknown>, input.visibility));
  };

  let modes: WalkModes | null = input.after?.modes ?? null;
  let shardZero: SearchEntry[] | null = null;
  let whole: Promise<SearchEntry[]> | undefined;
  let tooMany = false;
  const seen = new Set<string>();
  const queue: WalkCandidate[] = [];
  // Class 0 is exact (score 1), class 1 prefix only (score 0); a position is (class, shard, id descending).
  let klass = input.after ? (input.after.score >= 1 ? 0 : 1) : 0;
  let shard = 0;
  let started = false;
  let done = false;
  // Entries of the current class per shard read so far: how many shards the rest of the page needs.
  let rate = { entries: 0, shards: 0 };

  async function decide(): Promise<WalkModes> {
    if (input.likelyRare) {
      // One read answers a rare token whole (both classes); only a common one goes on to shard 0.
      tooMany = false;
      const entries = await read({ key }, WHOLE_READ_MAX);
      if (!tooMany) {
        whole = Promise.resolve(entries);
        return 'gg';
      }
    }
    shardZero = await read({ sk: searchShardKey(key, 0) });
    const exact = shardZero.filter((e) => e.exact === true).length;
    const prefix = shardZero.length - exact;
    const mode = (n: number) => (n * SEARCH_SHARDS > WHOLE_READ_MAX ? 'w' : 'g');
    const estimated = `${mode(exact)}${mode(prefix)}` as WalkModes;
    if (estimated !== 'gg' || input.likelyRare) return estimated;
    // Shard 0 says rare, but one shard can miss a common token whose records follow a pattern (ids made in
    // a row fill the shards in turn): a capped whole read checks it, and is the whole read when it is rare.
    tooMany = false;
    const entries = await read({ key }, WHOLE_READ_MAX);
    if (!tooMany) {
      whole = Promise.resolve(entries);
      return 'gg';
    }
    // Common after all: walk a class that holds a good part of the first entries, read the other whole.
    const exactSeen = entries.filter((e) => e.exact === true).length;
    const seen = (n: number) => (n * 4 >= WHOLE_READ_MAX ? 'w' : 'g');
    return `${seen(exactSeen)}${seen(entries.length - exactSeen)}` as WalkModes;
  }

  /** Adds the class's entries of one read (whole or one shard) to the queue, newest first, past the cursor. */
  function enqueue(entries: SearchEntry[], ofClass: number, m: WalkModes, readShard: number | null): void {
    const wanted = entries.filter((e) => (e.exact === true) === (ofClass === 0));
    const ids = [...new Set(wanted.map((e) => e.recordId.toHexString()))].sort().reverse();
    const after = input.after;
    for (const id of ids) {
      if (seen.has(id)) continue;
      if (after && ofClass === klassOf(after)) {
        const afterId = after.id.toHexString();
        if (readShard === null) {
          if (id >= afterId) continue;
        } else if (readShard === shardOf(after.id) && id >= afterId) continue;
      }
      seen.add(id);
      queue.push({ id: new Types.ObjectId(id), score: ofClass === 0 ? 1 : 0, modes: m });
    }
  }

  async function fill(count: number): Promise<void> {
    const m = modes ?? (modes = await decide());
    if (!started) {
      started = true;
      if (input.after && m[klass] === 'w') shard = shardOf(input.after.id);
    }
    while (queue.length < count && !done) {
      if (klass > 1) {
        done = true;
        break;
      }
      if (m[klass] === 'g') {
        // Both classes whole: one read serves both (the exact flag splits them).
        const entries = m === 'gg' ? await (whole ??= read({ key })) : await read({ key, exact: klass === 0 });
        enqueue(entries, klass, m, null);
        klass += 1;
        shard = 0;
        continue;
      }
      if (shard === 0 && shardZero) {
        // Shard 0 was read (both classes) to decide the modes: use it, it is the first shard of either walk.
        enqueue(shardZero, klass, m, 0);
        rate = { entries: shardZero.filter((e) => (e.exact === true) === (klass === 0)).length, shards: 1 };
        shard = 1;
        continue;
      }
      // Walked: one shard first, then as many at once as the rate seen says the page needs (at most 8).
      const perShard = rate.shards ? Math.max(0.5, rate.entries / rate.shards) : Infinity;
      const round = Math.min(SHARDS_PER_ROUND, SEARCH_SHARDS - shard, Math.max(1, Math.ceil((count - queue.length) / perShard)));
      const shards = Array.from({ length: round }, (_, i) => shard + i);
      const reads = await Promise.all(shards.map((s) => read({ sk: searchShardKey(key, s), exact: klass === 0 })));
      reads.forEach((entries, i) => {
        enqueue(entries, klass, m, shards[i]!);
        rate.entries += entries.filter((e) => (e.exact === true) === (klass === 0)).length;
      });
      rate.shards += round;
      shard += round;
      if (shard >= SEARCH_SHARDS) {
        klass += 1;
        shard = 0;
        rate = { entries: 0, shards: 0 };
      }
    }
  }

  return {
    async next(count: number, need = count): Promise<WalkCandidate[]> {
      await fill(Math.max(count, need));
      return queue.splice(0, count);
    },
    lookups: () => sent,
  };
}

function klassOf(position: WalkPosition): number {
  return position.score >= 1 ? 0 : 1;
}
