import { Types, type Connection } from 'mongoose';
import { matchesFilter } from '../access/access.js';
import { ACCESS_FIELDS, SEARCH_SHARDS, searchEntryModel, searchKey, searchShardKey, shardOf, type SearchEntry } from './search-entry.model.js';
import { ENTRIES_PER_TOKEN, pushableAccess, type SearchCandidate } from './search-index.js';
import type { QueryWord } from './search-tokens.js';

/**
 * The candidates of a search of several words (or of one word with several tokens, a phone number
 * typed with its trunk `0`), found by intersecting each word's lookups in the search collection,
 * smallest word first, instead of reading every word up to a cap and confirming the rest on records.
 *
 * Every token is first looked up whole with a limit of `WHOLE_WORD_MAX` + 1 (`{key}`, one parallel
 * round; FerretDB stops decoding an unsorted find at its limit): a word that fits is thereby read
 * whole; a larger one is read a shard at a time. When every word is read
 * whole, their record sets are intersected (smallest first) and ranked over all: more typed words that are
 * whole words of the record first, then newest (mode `a`). Otherwise (mode `s`) the walk goes shard by
 * shard: in shard n, the whole-read words' entries of that shard (known without a read) are intersected
 * first, and the common words' shard n is read only when that is not empty; inside a shard the same rank
 * applies. When the intersections seen in 8 shards or more say the page needs more than half of the
 * shards, each
 * common word that fits under the lookup cap (1,000) is read whole once instead (a word over it stays per
 * shard); the order stays the shard order. A shard holds a sixty-fourth of the records, so a page decodes about a sixty-fourth of each
 * common word per shard it needs, never a whole common word.
 *
 * The cursor carries the mode and how each word was read (`m`: `a`, or `s` then `g`/`w` per word), so
 * every page of one search walks the same order: no record is skipped or repeated.
 */

/** A word with up to this many entries is read whole: the probe (`{key}`, limit one more) already is that read. */
export const WHOLE_WORD_MAX = 160;
/** Shards read at once while walking. */
const SHARDS_PER_ROUND = 8;

/** `a`: every word read whole, one ranking over all; `s…`: shard by shard, `g` (whole) or `w` (per shard) per word. */
export type WordsMode = string;

export function isWordsMode(value: unknown, words: number): value is WordsMode {
  return typeof value === 'string' && (value === 'a' || new RegExp(`^s[gw]{${words}}$`).test(value));
}

export interface WordsPosition {
  score: number;
  id: Types.ObjectId;
  mode?: WordsMode | undefined;
}

export interface WordsCandidate extends SearchCandidate {
  mode: WordsMode;
}

/** Per word: record id → whether one of its entries is a whole word. */
type Matches = Map<string, boolean>;

export interface WordsWalk {
  /** The next `count` candidates; `need` is how many the caller expects to use (how many shards to read at once). */
  next(count: number, need?: number): Promise<WordsCandidate[]>;
  /** Entry lookups sent so far. */
  lookups(): number;
}

export function walkWords(
  connection: Connection,
  input: { tenantId: Types.ObjectId; kind: string; words: QueryWord[]; visibility: Record<string, unknown>; after?: WordsPosition | undefined },
): WordsWalk {
  const Entries = searchEntryModel(connection);
  const narrowing = pushableAccess(input.visibility);
  const keysOf = (word: QueryWord) => word.tokens.map((token) => searchKey(input.tenantId, input.kind, token));
  let sent = 0;

  /** One lookup, cut at `cap` entries (its first entries as stored: type more letters); `over` when there were more. */
  const lookup = async (filter: Record<string, unknown>, cap = ENTRIES_PER_TOKEN): Promise<{ entries: SearchEntry[]; over: boolean }> => {
    sent += 1;
    const entries = await Entries.find({ ...filter, tenantId: input.tenantId, ...narrowing } as never)
      .select({ recordId: 1, exact: 1, ...Object.fromEntries(ACCESS_FIELDS.map((f) => [f, 1])) })
      .limit(cap + 1)
      .batchSize(cap + 1)
      .lean<SearchEntry[]>();
    const visible = entries.slice(0, cap).filter((entry) => matchesFilter({ ...entry, tenantId: input.tenantId } as Record<string, unknown>, input.visibility));
    return { entries: visible, over: entries.length > cap };
  };
  const read = async (filter: Record<string, unknown>): Promise<SearchEntry[]> => (await lookup(filter)).entries;
  const collect = (lists: SearchEntry[][]): Matches => {
    const matches: Matches = new Map();
    for (const entries of lists) {
      for (const entry of entries) {
        const id = entry.recordId.toHexString();
        matches.set(id, (matches.get(id) ?? false) || entry.exact === true);
      }
    }
    return matches;
  };
  /** One word's entries: whole (by `key`) or of one shard (by `sk`). */
  const readWord = async (word: QueryWord, shard: number | null): Promise<Matches> =>
    collect(await Promise.all(keysOf(word).map((key) => read(shard === null ? { key } : { sk: searchShardKey(key, shard) }))));
  /** A word read whole up to `WHOLE_WORD_MAX` entries per token: its matches, or null when it has more. */
  const probeWord = async (word: QueryWord): Promise<Matches | null> => {
    const lists = await Promise.all(
      keysOf(word).map(async (key) => {
        const { entries, over } = await lookup({ key }, WHOLE_WORD_MAX);
        return over ? null : entries;
      }),
    );
    return lists.some((l) => l === null) ? null : collect(lists as SearchEntry[][]);
  };

  let mode: WordsMode | null = input.after?.mode ?? null;
  let probed: Array<Matches | null> | null = null;
  let whole: Array<Matches | null> = [];
  const queue: WordsCandidate[] = [];
  let shard = 0;
  let started = false;
  let done = false;
  let rate = { found: 0, shards: 0 };
  let widened = false;
  // Entries seen per word in the shards read, for its size: only a word that looks under the cap is read whole.
  const seen = input.words.map(() => 0);
  let sampled = 0;

  async function decide(): Promise<WordsMode> {
    // Unsorted with a limit, so FerretDB stops decoding at the limit: a common word costs at most 161 entries here.
    // (An estimate from one shard would be fooled by ids that repeat a pattern, as a bulk import's do.)
    probed = await Promise.all(input.words.map((word) => probeWord(word)));
    const letters = probed.map((m) => (m === null ? 'w' : 'g'));
    return letters.includes('w') ? `s${letters.join('')}` : 'a';
  }

  /** Ranks the records every word matched (smallest set first): whole-word count, then newest. */
  function intersect(sets: Matches[]): WordsCandidate[] {
    const order = [...sets].sort((x, y) => x.size - y.size);
    const [smallest, ...others] = order;
    const out: WordsCandidate[] = [];
    for (const id of smallest?.keys() ?? []) {
      if (!others.every((o) => o.has(id))) continue;
      out.push({ id: new Types.ObjectId(id), score: sets.filter((s) => s.get(id) === true).length, mode: mode! });
    }
    return out.sort((a, b) => b.score - a.score || (a.id.toHexString() < b.id.toHexString() ? 1 : -1));
  }

  /** Whether `c` comes after the cursor's record in the rank order (score descending, then id descending). */
  function pastCursor(c: SearchCandidate): boolean {
    const after = input.after;
    if (!after) return true;
    const id = after.id.toHexString();
    return c.score < after.score || (c.score === after.score && c.id.toHexString() < id);
  }

  async function fill(count: number): Promise<void> {
    const m = mode ?? (mode = await decide());
    if (m === 'a') {
      if (!started) {
        started = true;
        const sets = await Promise.all(input.words.map((word, i) => (probed?.[i] ? Promise.resolve(probed[i]!) : readWord(word, null))));
        queue.push(...intersect(sets).filter(pastCursor));
      }
      done = true;
      return;
    }
    const letters = m.slice(1).split('') as Array<'g' | 'w'>;
    if (!started) {
      started = true;
      if (input.after) shard = shardOf(input.after.id);
      // Whole-read words, once per request: their entries of any shard are known without another read.
      whole = await Promise.all(input.words.map((word, i) => (letters[i] !== 'g' ? Promise.resolve(null) : probed?.[i] ? Promise.resolve(probed[i]!) : readWord(word, null))));
    }
    const inShard = (matches: Matches, s: number): Matches => new Map([...matches].filter(([id]) => shardOf(new Types.ObjectId(id)) === s));
    while (queue.length < count && !done) {
      if (shard >= SEARCH_SHARDS) {
        done = true;
        break;
      }
      // Shards worth reading: those where the whole-read words still leave records (all of them when none is whole).
      const perShard = rate.shards ? Math.max(0.5, rate.found / rate.shards) : Infinity;
      if (!widened && sampled >= SHARDS_PER_ROUND && (count - queue.length) / perShard > SEARCH_SHARDS / 2) {
        // Sparse: the page needs most shards, so walking would read most of each common word anyway, a
        // lookup per shard. A common word that fits under the cap is read whole once instead; a larger one
        // stays per shard.
        widened = true;
        const upgraded = await Promise.all(
          input.words.map(async (word, i) => {
            if (whole[i]) return whole[i]!;
            if ((seen[i]! / sampled) * SEARCH_SHARDS > ENTRIES_PER_TOKEN) return null;
            const lists = await Promise.all(keysOf(word).map((key) => lookup({ key })));
            return lists.some((l) => l.over) ? null : collect(lists.map((l) => l.entries));
          }),
        );
        whole = upgraded;
        continue;
      }
      const round = Math.min(SHARDS_PER_ROUND, Math.max(1, Math.ceil((count - queue.length) / perShard)));
      const shards: number[] = [];
      while (shards.length < round && shard < SEARCH_SHARDS) {
        const s = shard++;
        const known = whole.filter((w): w is Matches => w !== null).map((w) => inShard(w, s));
        if (known.some((k) => k.size === 0)) continue;
        shards.push(s);
      }
      const results = await Promise.all(
        shards.map(async (s) => {
          const sets = await Promise.all(
            input.words.map(async (word, i) => {
              const known = whole[i];
              if (known) return Promise.resolve(inShard(known, s));
              const matches = await readWord(word, s);
              seen[i]! += matches.size;
              return matches;
            }),
          );
          const ranked = intersect(sets);
          return input.after && s === shardOf(input.after.id) ? ranked.filter(pastCursor) : ranked;
        }),
      );
      for (const ranked of results) queue.push(...ranked);
      sampled += shards.length;
      rate = { found: rate.found + results.reduce((n, r) => n + r.length, 0), shards: rate.shards + Math.max(1, shards.length) };
    }
  }

  return {
    async next(count: number, need = count): Promise<WordsCandidate[]> {
      await fill(Math.max(count, need));
      return queue.splice(0, count);
    },
    lookups: () => sent,
  };
}
