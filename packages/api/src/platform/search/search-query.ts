import { Types } from 'mongoose';
import { matchFilter } from '../db/match-filter.js';
import { readRecordsById, servesIdsInOneRead } from '../records/records-by-id.js';
import { listedKind } from '../lists/list-rows.js';
import { AppError } from '../errors.js';
import { decodeCursor, encodeCursor } from '../records/cursor.js';
import { searchFormatReady } from './search-backfill.js';
import { recordTokens, searchCandidates, type SearchableKind, type SearchCandidate } from './search-index.js';
import { matchWord, queryWords, type QueryWord } from './search-tokens.js';
import { isWalkModes, walkCandidates, type WalkModes } from './search-walk.js';
import { isWordsMode, walkWords, type WordsMode } from './search-words.js';

/** At most this many records are read to answer one search request (a page, a count, an export). */
export const RECORDS_EXAMINED_PER_SEARCH = 1000;
/** Records read at once by `_id` while filling a page on FerretDB: enough to overlap round trips, few enough not to hold the pool. */
const READ_PARALLEL = 8;
/** Records read at once where the engine serves `_id: {$in}` from its index (MongoDB): a whole page in one read. */
const READ_AT_ONCE = 100;

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
  /** How the search read its words (search-walk.ts for one token, search-words.ts for several): carried by the cursor. */
  modes?: WalkModes | WordsMode;
}

/**
 * Runs a search for `kind`: looks the words up in the index (with the caller's visibility applied to
 * the entries; one word through search-walk.ts, several through search-words.ts, which intersects
 * them smallest first), then reads the candidates best first (a batch per round trip: one `$in` read
 * where the engine serves it from an index, else one read by `_id` each, 8 at a time), keeps those
 * that match `filter` (the visibility, tenant and list filters, evaluated as the database would:
 * `matchFilter`) and whose own tokens confirm every word, and stops when `want` records matched or
 * `RECORDS_EXAMINED_PER_SEARCH` were read.
 * `after` is the position of the last record of the previous page. `more` is true when records past
 * the returned ones may match.
 */
export async function runSearch<Doc>(
  kind: SearchableKind<Doc>,
  input: { tenantId: Types.ObjectId; words: QueryWord[]; visibility: Filter; filter: Filter; want: number; after?: string | undefined },
): Promise<{ hits: SearchHit<Doc>[]; more: boolean }> {
  const [only] = input.words;
  const ready = await searchFormatReady(kind.model.db, kind.resource);
  if (input.words.length === 1 && only!.tokens.length === 1 && ready) {
    return runWalk(kind, { ...input, token: only!.tokens[0]!, likelyRare: only!.kind === 'literal' });
  }
  if (ready) return runWords(kind, input);
  // Entries of an older format (no `sk`; the backfill is re-indexing them): every word read up to the cap.
  const { candidates } = await searchCandidates(kind.model.db, { tenantId: input.tenantId, kind: kind.resource, words: input.words, visibility: input.visibility });
  const start = input.after ? afterPosition(candidates, input.after) : 0;
  const hits: SearchHit<Doc>[] = [];
  let next = start;
  const limit = Math.min(candidates.length, start + RECORDS_EXAMINED_PER_SEARCH);
  const perRead = await readsAtOnce(kind);
  while (next < limit && hits.length < input.want) {
    const batch = candidates.slice(next, Math.min(limit, next + perRead, next + input.want - hits.length));
    next += batch.length;
    const docs = await readPage(kind, input.tenantId, batch);
    hits.push(...confirm(kind, input, batch, docs, input.want - hits.length));
  }
  return { hits, more: next < candidates.length };
}

/** How many candidates to read per round trip: a page at once where `$in` is served by an index, else 8 reads at once. */
async function readsAtOnce<Doc>(kind: SearchableKind<Doc>): Promise<number> {
  return (await servesIdsInOneRead(kind.model.db)) ? READ_AT_ONCE : READ_PARALLEL;
}

/** The candidates' records, in their order (null for one that is gone or of another agency). */
function readPage<Doc>(kind: SearchableKind<Doc>, tenantId: Types.ObjectId, batch: SearchCandidate[]): Promise<Array<Doc | null>> {
  // Records of listed kinds kept under their list stamp answer too (read-only: a search page only reads).
  return readRecordsById(kind.model as never, tenantId, batch.map((c) => c.id), { kept: listedKind(kind.model.db, kind.resource) ? kind.resource : undefined }) as Promise<Array<Doc | null>>;
}

/** Keeps the candidates whose record matches `filter` and every word, in order (at most `room`). */
function confirm<Doc>(kind: SearchableKind<Doc>, input: { words: QueryWord[]; filter: Filter }, batch: Array<SearchCandidate & { modes?: WalkModes | WordsMode }>, docs: Array<Doc | null>, room: number): SearchHit<Doc>[] {
  const hits: SearchHit<Doc>[] = [];
  docs.forEach((doc, i) => {
    if (!doc || hits.length >= room || !matchFilter(doc as Record<string, unknown>, input.filter)) return;
    const tokens = recordTokens(kind, doc as Partial<Doc>);
    if (input.words.every((word) => matchWord(tokens, word) !== null)) {
      const { score, modes } = batch[i]!;
      hits.push(modes ? { doc, score, modes } : { doc, score });
    }
  });
  return hits;
}

/**
 * A one-token search (see search-walk.ts): candidates come from a walk that reads a shard of a common
 * token's entries at a time, so a page decodes about as many entries as it needs, and the page's
 * records are read as they come: a page in one `$in` read on MongoDB, by `_id` 8 at a time on FerretDB.
 */
async function runWalk<Doc>(
  kind: SearchableKind<Doc>,
  input: { tenantId: Types.ObjectId; token: string; likelyRare: boolean; words: QueryWord[]; visibility: Filter; filter: Filter; want: number; after?: string | undefined },
): Promise<{ hits: SearchHit<Doc>[]; more: boolean }> {
  let after: { score: number; id: Types.ObjectId; modes?: WalkModes } | undefined;
  if (input.after) {
    const position = decodeCursor(input.after) as { v: unknown; id: string; m?: unknown };
    if (typeof position.v !== 'number' || (position.m !== undefined && !isWalkModes(position.m))) throw AppError.invalidField('query.cursor', 'is not a cursor of this search', 'invalid_cursor');
    after = { score: position.v, id: new Types.ObjectId(position.id), modes: isWalkModes(position.m) ? position.m : undefined };
  }
  const walk = walkCandidates(kind.model.db, { tenantId: input.tenantId, kind: kind.resource, token: input.token, visibility: input.visibility, after, likelyRare: input.likelyRare });
  return readWalk(kind, input, walk);
}

/**
 * Several words (or one word with several tokens): candidates from the intersection of the words'
 * lookups, smallest first (see search-words.ts), their records read as for one word.
 */
async function runWords<Doc>(
  kind: SearchableKind<Doc>,
  input: { tenantId: Types.ObjectId; words: QueryWord[]; visibility: Filter; filter: Filter; want: number; after?: string | undefined },
): Promise<{ hits: SearchHit<Doc>[]; more: boolean }> {
  let after: { score: number; id: Types.ObjectId; mode?: WordsMode } | undefined;
  if (input.after) {
    const position = decodeCursor(input.after) as { v: unknown; id: string; m?: unknown };
    if (typeof position.v !== 'number' || (position.m !== undefined && !isWordsMode(position.m, input.words.length))) throw AppError.invalidField('query.cursor', 'is not a cursor of this search', 'invalid_cursor');
    // A cursor issued before the words were walked (no `m`) ranked over all: mode `a` keeps that order.
    after = { score: position.v, id: new Types.ObjectId(position.id), mode: (position.m as WordsMode | undefined) ?? 'a' };
  }
  const walk = walkWords(kind.model.db, { tenantId: input.tenantId, kind: kind.resource, words: input.words, visibility: input.visibility, after });
  return readWalk(kind, input, walk);
}

/** Fills a page from a walk's candidates: their records read a batch at a time, kept when they match the filter and every word. */
async function readWalk<Doc>(
  kind: SearchableKind<Doc>,
  input: { tenantId: Types.ObjectId; words: QueryWord[]; filter: Filter; want: number },
  walk: { next(count: number, need?: number): Promise<Array<SearchCandidate & { modes?: WalkModes; mode?: WordsMode }>> },
): Promise<{ hits: SearchHit<Doc>[]; more: boolean }> {
  const hits: SearchHit<Doc>[] = [];
  const perRead = await readsAtOnce(kind);
  let examined = 0;
  let more = true;
  while (hits.length < input.want && examined < RECORDS_EXAMINED_PER_SEARCH) {
    const need = input.want - hits.length;
    const batch = (await walk.next(Math.min(perRead, need, RECORDS_EXAMINED_PER_SEARCH - examined), need)).map((c) => ({ id: c.id, score: c.score, modes: c.modes ?? c.mode }));
    if (!batch.length) {
      more = false;
      break;
    }
    examined += batch.length;
    const docs = await readPage(kind, input.tenantId, batch);
    hits.push(...confirm(kind, input, batch, docs, input.want - hits.length));
  }
  return { hits, more };
}

/** The cursor of a search page that ends with `hit`. */
export function searchCursor(hit: SearchHit<{ _id: Types.ObjectId }>): string {
  return encodeCursor({ v: hit.score, id: String(hit.doc._id), ...(hit.modes ? { m: hit.modes } : {}) } as never);
}

/** The index of the first candidate after the cursor's position (score descending, then id descending). */
function afterPosition(candidates: SearchCandidate[], cursor: string): number {
  const position = decodeCursor(cursor);
  if (typeof position.v !== 'number') throw AppError.invalidField('query.cursor', 'is not a cursor of this search', 'invalid_cursor');
  const score = position.v;
  const index = candidates.findIndex((c) => c.score < score || (c.score === score && c.id.toHexString() < position.id));
  return index === -1 ? candidates.length : index;
}
