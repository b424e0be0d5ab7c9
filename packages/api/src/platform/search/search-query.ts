import type { Types } from 'mongoose';
import { matchFilter } from '../db/match-filter.js';
import { findByIdInTenant } from '../db/tenancy.plugin.js';
import { AppError } from '../errors.js';
import { decodeCursor, encodeCursor } from '../records/cursor.js';
import { recordTokens, searchCandidates, type SearchableKind, type SearchCandidate } from './search-index.js';
import { matchWord, queryWords, type QueryWord } from './search-tokens.js';

/** At most this many records are read to answer one search request (a page, a count, an export). */
export const RECORDS_EXAMINED_PER_SEARCH = 1000;
/** Records read at once while filling a page: enough to overlap round trips, few enough not to hold the pool. */
const READ_PARALLEL = 8;

/** The words of `q` (400 naming `query.q` when nothing searchable was typed); null when there is no search. */
export function parseSearch(q: string | undefined): QueryWord[] | null {
  if (q === undefined || !q.trim()) return null;
  const words = queryWords(q);
  if (!words.length) throw AppError.invalidField('query.q', 'needs at least two letters or digits');
  return words;
}

type Filter = Record<string, unknown>;

/** A record a search returned, with its rank. */
export interface SearchHit<Doc> {
  doc: Doc;
  score: number;
}

/**
 * Runs a search for `kind`: looks the words up in the index (with the caller's visibility applied to
 * the entries), then reads the candidates best first, each by `_id` alone (one row on every engine;
 * 8 at a time), keeps those that match `filter` (the visibility, tenant and list filters, evaluated as
 * the database would: `matchFilter`) and whose own tokens confirm every word, and stops when `want`
 * records matched or `RECORDS_EXAMINED_PER_SEARCH` were read.
 * `after` is the position of the last record of the previous page. `more` is true when records past
 * the returned ones may match.
 */
export async function runSearch<Doc>(
  kind: SearchableKind<Doc>,
  input: { tenantId: Types.ObjectId; words: QueryWord[]; visibility: Filter; filter: Filter; want: number; after?: string | undefined },
): Promise<{ hits: SearchHit<Doc>[]; more: boolean }> {
  const { candidates } = await searchCandidates(kind.model.db, { tenantId: input.tenantId, kind: kind.resource, words: input.words, visibility: input.visibility });
  const start = input.after ? afterPosition(candidates, input.after) : 0;
  const hits: SearchHit<Doc>[] = [];
  let next = start;
  const limit = Math.min(candidates.length, start + RECORDS_EXAMINED_PER_SEARCH);
  while (next < limit && hits.length < input.want) {
    const batch = candidates.slice(next, Math.min(limit, next + READ_PARALLEL, next + input.want - hits.length));
    next += batch.length;
    const docs = await Promise.all(batch.map((c) => findByIdInTenant(kind.model as never, input.tenantId, c.id) as Promise<Doc | null>));
    docs.forEach((doc, i) => {
      if (!doc || hits.length >= input.want || !matchFilter(doc as Record<string, unknown>, input.filter)) return;
      const tokens = recordTokens(kind, doc as Partial<Doc>);
      if (input.words.every((word) => matchWord(tokens, word) !== null)) hits.push({ doc, score: batch[i]!.score });
    });
  }
  return { hits, more: next < candidates.length };
}

/** The cursor of a search page that ends with `hit`. */
export function searchCursor(hit: SearchHit<{ _id: Types.ObjectId }>): string {
  return encodeCursor({ v: hit.score, id: String(hit.doc._id) });
}

/** The index of the first candidate after the cursor's position (score descending, then id descending). */
function afterPosition(candidates: SearchCandidate[], cursor: string): number {
  const position = decodeCursor(cursor);
  if (typeof position.v !== 'number') throw AppError.invalidField('query.cursor', 'is not a cursor of this search', 'invalid_cursor');
  const score = position.v;
  const index = candidates.findIndex((c) => c.score < score || (c.score === score && c.id.toHexString() < position.id));
  return index === -1 ? candidates.length : index;
}
