import { Types, type Connection, type Model } from 'mongoose';
import { matchesFilter } from '../access/access.js';
import { findByIdInTenant } from '../db/tenancy.plugin.js';
import { op } from '../db/operators.js';
import { ACCESS_FIELDS, searchEntryModel, searchKey, searchShardKey, shardOf, type SearchEntry } from './search-entry.model.js';
import { indexTokens, type QueryWord } from './search-tokens.js';

/**
 * The search index: a collection of `(tenantId, kind, token, recordId)` entries kept beside the
 * records (never inside them: an array of ~70 tokens doubled what FerretDB spends decoding each
 * record). Every write of a record goes through `syncRecordSearch` (or `indexRecords` for records
 * just inserted in bulk), a delete through `removeRecordSearch`; a query looks each typed word up by
 * equality, capped, and the caller reads the records it names by `_id`.
 */

/** What the index needs to know about a kind of record. */
export interface SearchableKind<Doc = Record<string, unknown>> {
  /** The entry `kind` (the access resource: `contact`, `customer`, `lead`, `opportunity`, ...). */
  resource: string;
  model: Model<Doc>;
  /** The values a user types to find the record (names, emails, phones, company, city, tags...). */
  searchValues(doc: Partial<Doc>): Array<string | null | undefined>;
}

/** At most this many entries are read per looked-up token; a word matching more is confirmed on the records. */
export const ENTRIES_PER_TOKEN = 1000;
const INSERT_BATCH = 5000;
/** Entry inserts of one `indexRecords` call in flight at once. */
const INSERTS_AT_ONCE = 2;

interface IndexedRecord {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  version?: number;
  custom?: Record<string, unknown> | null;
  [field: string]: unknown;
}

/** The record's searchable values: its kind's own, plus the text of its custom fields (text, select, multiselect). */
export function searchableValues<Doc>(kind: SearchableKind<Doc>, doc: Partial<Doc>): Array<string | null | undefined> {
  const values = [...kind.searchValues(doc)];
  const custom = (doc as { custom?: Record<string, unknown> | null }).custom;
  if (custom && typeof custom === 'object') {
    for (const value of Object.values(custom)) {
      if (typeof value === 'string') values.push(value);
      else if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') values.push(item);
    }
  }
  return values;
}

/** The record's tokens as a map token → whole word, for confirming a match on the record itself. */
export function recordTokens<Doc>(kind: SearchableKind<Doc>, doc: Partial<Doc>): Map<string, boolean> {
  return new Map(indexTokens(searchableValues(kind, doc)).map((t) => [t.token, t.exact]));
}

/** A string that changes whenever the record's entries would: its tokens and access fields. */
export function searchSignature<Doc>(kind: SearchableKind<Doc>, doc: Partial<Doc>): string {
  const access = ACCESS_FIELDS.map((f) => String((doc as Record<string, unknown>)[f] ?? ''));
  return JSON.stringify([access, indexTokens(searchableValues(kind, doc))]);
}

function entriesOf<Doc>(kind: SearchableKind<Doc>, doc: IndexedRecord): Omit<SearchEntry, '_id'>[] {
  const access: Partial<SearchEntry> = {};
  for (const field of ACCESS_FIELDS) {
    const value = doc[field];
    if (value instanceof Types.ObjectId) access[field] = value;
  }
  const shard = shardOf(doc._id);
  return indexTokens(searchableValues(kind, doc as unknown as Partial<Doc>)).map(({ token, exact }) => {
    const key = searchKey(doc.tenantId, kind.resource, token);
    return { tenantId: doc.tenantId, kind: kind.resource, token, key, sk: searchShardKey(key, shard), recordId: doc._id, exact, ...access };
  });
}

async function insertEntries(connection: Connection, entries: Array<Omit<SearchEntry, '_id'> & { _id?: Types.ObjectId }>): Promise<void> {
  const Entries = searchEntryModel(connection);
  for (let i = 0; i < entries.length; i += INSERT_BATCH) {
    await Entries.insertMany(entries.slice(i, i + INSERT_BATCH), { ordered: false, lean: true });
  }
}

/**
 * Bulk search-index writer for records just inserted without their entries (a seed, an import):
 * writes the entries of every record in `docs` (full documents as stored, with `_id`, `tenantId`, the
 * access fields and `custom`). One insert per 5,000 entries; call it once per batch of records, e.g.
 * `await indexRecords(connection, contactDefinition(connection), insertedContacts)`. For a record that
 * may already have entries, use `syncRecordSearch`. Returns the number of entries written.
 */
export async function indexRecords<Doc>(connection: Connection, kind: SearchableKind<Doc>, docs: ReadonlyArray<Partial<Doc>>): Promise<number> {
  // Built one insert's worth at a time: a batch of 1,000 imported contacts makes ~35,000 entries, which are
  // not all held at once. Up to INSERTS_AT_ONCE inserts are in flight (FerretDB converts one while
  // PostgreSQL writes the other's index entries), so at most that many inserts' worth is held.
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  const send = async (entries: Array<Omit<SearchEntry, '_id'>>) => {
    if (inFlight.size >= INSERTS_AT_ONCE) await Promise.race(inFlight);
    if (failure) {
      await Promise.all(inFlight);
      throw failure;
    }
    const sent: Promise<void> = insertEntries(connection, entries).then(
      () => void inFlight.delete(sent),
      (error: unknown) => {
        inFlight.delete(sent);
        failure ??= error;
      },
    );
    inFlight.add(sent);
  };
  let pending: Array<Omit<SearchEntry, '_id'>> = [];
  let written = 0;
  for (const doc of docs) {
    pending.push(...entriesOf(kind, doc as unknown as IndexedRecord));
    if (pending.length >= INSERT_BATCH) {
      written += pending.length;
      await send(pending);
      pending = [];
    }
  }
  if (pending.length) {
    written += pending.length;
    await send(pending);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  return written;
}

/**
 * Makes the record's entries match the record as stored now: writes its entries, then removes the
 * ones written before them, then reads the record again; when another write has moved it on meanwhile
 * (its version changed), does it again from that version, so concurrent writers end on the last
 * state. A record that is gone loses its entries. `current` saves the first read when the caller has
 * just read the record; `created`: the record was just inserted, so there is nothing to remove;
 * `recheck: false`: the caller reads the record again itself after this and its other derived writes.
 */
export async function syncRecordSearch<Doc>(
  connection: Connection,
  kind: SearchableKind<Doc>,
  tenantId: Types.ObjectId,
  recordId: Types.ObjectId,
  current?: Partial<Doc> | null,
  options: { created?: boolean; recheck?: boolean } = {},
): Promise<void> {
  const Entries = searchEntryModel(connection);
  let doc = (current ?? (await findByIdInTenant(kind.model as never, tenantId, recordId))) as IndexedRecord | null;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    if (!doc) {
      await Entries.deleteMany({ tenantId, recordId });
      return;
    }
    // Ids made here, in order: whatever this record had before the first of them is replaced.
    const entries = entriesOf(kind, doc).map((entry) => ({ _id: new Types.ObjectId(), ...entry }));
    const first = entries[0]?._id ?? new Types.ObjectId();
    await insertEntries(connection, entries);
    if (!(options.created && attempt === 0)) await Entries.deleteMany({ tenantId, recordId, _id: op({ $lt: first }) } as never);
    if (options.recheck === false) return;
    const now = (await findByIdInTenant(kind.model as never, tenantId, recordId)) as IndexedRecord | null;
    if (now && (now.version ?? 0) === (doc.version ?? 0)) return;
    doc = now;
  }
}

/** Forgets a deleted record's entries. */
export async function removeRecordSearch(connection: Connection, tenantId: Types.ObjectId, recordId: Types.ObjectId): Promise<void> {
  await searchEntryModel(connection).deleteMany({ tenantId, recordId });
}

/** A record a search found, with how many typed words are whole words of it (higher ranks first). */
export interface SearchCandidate {
  id: Types.ObjectId;
  score: number;
}

/**
 * The records of `kind` that match every word, among those `visibility` lets the caller see, best
 * first: more typed words that are whole words of the record, then newest. Every lookup is an
 * equality on `key` (tenant, kind, token) reading at most `ENTRIES_PER_TOKEN` entries, so the work is
 * bounded whatever was typed. `complete` is false when a word matched more entries than were read;
 * the candidates are then those of the rarest word, and the caller confirms the others on each record.
 */
export async function searchCandidates(
  connection: Connection,
  input: { tenantId: Types.ObjectId; kind: string; words: QueryWord[]; visibility: Record<string, unknown> },
): Promise<{ candidates: SearchCandidate[]; complete: boolean }> {
  const Entries = searchEntryModel(connection);
  const narrowing = pushableAccess(input.visibility);
  const lookup = (token: string, exactOnly: boolean) =>
    Entries.find({ key: searchKey(input.tenantId, input.kind, token), tenantId: input.tenantId, ...narrowing, ...(exactOnly ? { exact: true } : {}) } as never)
      .select({ recordId: 1, exact: 1, ...Object.fromEntries(ACCESS_FIELDS.map((f) => [f, 1])) })
      .limit(ENTRIES_PER_TOKEN + 1)
      .lean<SearchEntry[]>();

  const perWord = await Promise.all(
    input.words.map(async (word) => {
      const matches = new Map<string, boolean>();
      let truncated = false;
      const add = (entries: SearchEntry[]) => {
        for (const entry of entries) {
          if (!matchesFilter({ ...entry, tenantId: input.tenantId } as Record<string, unknown>, input.visibility)) continue;
          const key = String(entry.recordId);
          matches.set(key, (matches.get(key) ?? false) || entry.exact === true);
        }
      };
      for (const token of word.tokens) {
        const entries = await lookup(token, false);
        if (entries.length > ENTRIES_PER_TOKEN) {
          truncated = true;
          // Too common to read whole: still read its whole-word matches, so they rank first.
          add(await lookup(token, true));
          add(entries.slice(0, ENTRIES_PER_TOKEN));
        } else add(entries);
      }
      return { matches, truncated };
    }),
  );

  const exactOnes = perWord.filter((w) => !w.truncated);
  let base: Map<string, boolean>;
  if (exactOnes.length) {
    const [smallest, ...others] = [...exactOnes].sort((a, b) => a.matches.size - b.matches.size);
    base = new Map([...smallest!.matches].filter(([id]) => others.every((o) => o.matches.has(id))));
  } else {
    base = [...perWord].sort((a, b) => a.matches.size - b.matches.size)[0]?.matches ?? new Map();
  }
  const candidates = [...base.keys()].map((key) => ({
    id: new Types.ObjectId(key),
    score: perWord.filter((w) => w.matches.get(key) === true).length,
  }));
  candidates.sort((a, b) => b.score - a.score || (a.id.toHexString() < b.id.toHexString() ? 1 : -1));
  return { candidates, complete: perWord.every((w) => !w.truncated) };
}

/**
 * The parts of a visibility filter that are a single equality on an access field (an own-records
 * scope with nobody below: `ownerId: {$in: [me]}`), which the entry lookup can carry to the database
 * so the cap applies to what the caller may see. Everything else is checked on the entries read.
 */
export function pushableAccess(visibility: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of ACCESS_FIELDS) {
    const condition = visibility[field];
    if (condition instanceof Types.ObjectId) out[field] = condition;
    else if (condition && typeof condition === 'object' && Array.isArray((condition as { $in?: unknown[] }).$in)) {
      const values = (condition as { $in: unknown[] }).$in;
      if (values.length === 1 && values[0] instanceof Types.ObjectId) out[field] = values[0];
    }
  }
  return out;
}
