import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { readWithoutTenantIndex } from '../../platform/db/pushdown-indexes.js';
import { searchedWithoutPendingList } from '../../platform/db/pushdown-options.js';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import { isDuplicateKeyError } from '../../platform/errors.js';

/**
 * The index of a user's non-empty inbox spans: one small document per hour, day, 16 days and 256 days in
 * which a member row of theirs was last active, each filed `under` its parent span (`<userId>:0:<day>` for
 * an hour, `<userId>:1:<n>` for a day, `<userId>:2:<n>` for 16 days, `<userId>:3` for 256 days). An inbox
 * page asks for a span's children by that top-level equality (what FerretDB pushes down), so it walks
 * straight to the newest non-empty days and hours, reading at most a few dozen markers, and never probes an
 * empty span.
 *
 * Markers are only ever inserted (the unique `_id` makes a second insert a no-op: the one write FerretDB makes
 * atomic), child before parent and after the member row. A marker whose span emptied (its rows moved to a
 * newer day, or were deleted) stays until a page finds it empty and drops it: delete, then look at the span
 * again and put the marker back if a row arrived meanwhile. Together these keep the rule every page relies
 * on: a member row's hour, day and buckets always have their markers.
 */
export interface InboxDayMarker {
  _id: string;
  tenantId: Types.ObjectId;
  under: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** A marker is dropped only when its span ended this long ago, so the markers of current spans (cached by writers) are never dropped. */
const SETTLED_MS = DAY_MS;
/** Markers this process inserted (or found), per connection; bounded. */
const KNOWN_MAX = 20_000;

const schema = new Schema<InboxDayMarker>({ _id: { type: String, required: true }, under: { type: String, required: true } }, { versionKey: false, collection: 'conversation_inbox_days' });
schema.plugin(tenantScoped);
schema.index({ tenantId: 1, under: 1 });
// Read only by `under` (per user) and `_id`, right after the writes that file them.
readWithoutTenantIndex(schema);
searchedWithoutPendingList(schema);

/**
 * The model, registered on `connection` (the conversations module calls this while the app is built, so the
 * indexes made at start include the markers': registered later, on first use, the collection was made by its
 * first insert with no index at all, and every marker read was a sequential scan of every user's markers).
 */
export function inboxDayModel(connection: Connection): Model<InboxDayMarker> {
  return (connection.models.ConversationInboxDay as Model<InboxDayMarker>) ?? connection.model<InboxDayMarker>('ConversationInboxDay', schema, 'conversation_inbox_days');
}

/** The levels of the index, finest first: a span's number at each level from an hour number. */
export type Level = 'h' | 0 | 1 | 2;
const LEVELS: Level[] = ['h', 0, 1, 2];
const HOURS_PER: Record<Level, number> = { h: 1, 0: 24, 1: 24 * 16, 2: 24 * 256 };
const PARENT: Record<Level, string> = { h: '0', 0: '1', 1: '2', 2: '3' };

/** The `_id` of the marker of span `n` at `level` for `userId`. */
export const markerId = (userId: Types.ObjectId | string, level: Level, n: number) => `${String(userId)}:${level}:${n}`;
/** The key a level's markers are filed under: the parent span (`n` is the parent's number; the top level has none). */
export const underKey = (userId: Types.ObjectId | string, level: Level, childN: number) => {
  if (level === 2) return `${String(userId)}:3`;
  const parent = LEVELS[LEVELS.indexOf(level) + 1]!;
  return `${String(userId)}:${PARENT[level]}:${Math.floor((childN * HOURS_PER[level]) / HOURS_PER[parent])}`;
};
/** When span `n` at `level` ends (ms). */
const spanEnd = (level: Level, n: number) => (n + 1) * HOURS_PER[level] * HOUR_MS;
/** Span number at `level` of the instant `at`. */
export const spanOf = (level: Level, at: number) => Math.floor(at / (HOURS_PER[level] * HOUR_MS));

const known = new WeakMap<Connection, Set<string>>();
function knownOf(connection: Connection): Set<string> {
  let set = known.get(connection);
  if (!set) {
    set = new Set();
    known.set(connection, set);
  }
  return set;
}

/** Inserts markers, ignoring the ones that exist (unordered: one command for any number). */
async function insertMarkers(connection: Connection, docs: InboxDayMarker[]): Promise<void> {
  if (!docs.length) return;
  try {
    await inboxDayModel(connection).collection.insertMany(docs as never[], { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: unknown[] }).writeErrors;
    const all = writeErrors ?? [error];
    if (!all.every((e) => isDuplicateKeyError(e) || isDuplicateKeyError((e as { err?: unknown }).err))) throw error;
  }
}

/**
 * Files the markers of member rows last active `at` (call after writing the rows): level by level, finest
 * first, one insert per level at most; a marker this process already filed for a span that has not ended is
 * skipped (no page drops it before it ended, see SETTLED_MS), unless `skipKnown` is false (the backfill files every one).
 */
export async function fileInboxDays(connection: Connection, rows: ReadonlyArray<{ tenantId: Types.ObjectId; userId: Types.ObjectId; at: Date }>, options: { now?: number; skipKnown?: boolean } = {}): Promise<void> {
  const seen = knownOf(connection);
  const now = options.now ?? Date.now();
  const skipKnown = options.skipKnown ?? true;
  for (const level of LEVELS) {
    const docs = new Map<string, InboxDayMarker>();
    for (const { tenantId, userId, at } of rows) {
      const n = spanOf(level, at.getTime());
      const _id = markerId(userId, level, n);
      if (skipKnown && seen.has(_id) && spanEnd(level, n) > now) continue;
      docs.set(_id, { _id, tenantId, under: underKey(userId, level, n) });
    }
    await insertMarkers(connection, [...docs.values()]);
    if (seen.size + docs.size > KNOWN_MAX) seen.clear();
    for (const id of docs.keys()) seen.add(id);
  }
}

/** The span numbers filed under `under` (a parent span), newest first. */
export async function markedSpans(connection: Connection, tenantId: Types.ObjectId, under: string): Promise<number[]> {
  const docs = await inboxDayModel(connection).find({ tenantId, under }).select({ _id: 1 }).lean();
  return docs.map((d) => Number(d._id.slice(d._id.lastIndexOf(':') + 1))).sort((a, b) => b - a);
}

/**
 * Drops the marker of a span a page found empty, if the span ended long enough ago: deletes it, asks
 * `stillEmpty` again, and files it again when something arrived meanwhile (a writer files after its row).
 * Answers whether the marker went.
 */
export async function dropEmptySpan(connection: Connection, tenantId: Types.ObjectId, userId: Types.ObjectId, level: Level, n: number, stillEmpty: () => Promise<boolean>, now = Date.now()): Promise<boolean> {
  if (spanEnd(level, n) > now - SETTLED_MS) return false;
  const _id = markerId(userId, level, n);
  await inboxDayModel(connection).deleteOne({ tenantId, _id });
  knownOf(connection).delete(_id);
  if (await stillEmpty()) return true;
  await insertMarkers(connection, [{ _id, tenantId, under: underKey(userId, level, n) }]);
  return false;
}
