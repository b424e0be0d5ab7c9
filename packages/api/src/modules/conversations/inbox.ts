import type { AnyBulkWriteOperation } from 'mongodb';
import type { Connection, Types } from 'mongoose';
import type { Logger } from 'pino';
import { bulkWriteBounded } from '../../platform/db/bulk-writes.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { AppError } from '../../platform/errors.js';
import { conversationMemberModel, conversationModel, type Conversation, type ConversationMember, type ConversationSummary } from './conversation.model.js';

/**
 * The inbox as per-user rows: each member row carries the conversation's last activity (`activityAt`) and
 * that day's buckets for its user at three levels, `ib0` (a day), `ib1` (16 days), `ib2` (256 days), each
 * `<userId>:<level>:<bucket>`, and what the inbox shows of the conversation (`summary`). An inbox page asks
 * for one bucket at a time by equality (what FerretDB pushes down), newest first, so it decodes about a page
 * of rows and never the user's every conversation, and reads no conversation: the rows are the page.
 */
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const SPANS = [1, 16, 256] as const;
/** Nothing is older than this (the walk's floor). */
const FLOOR_DAY = Math.floor(Date.UTC(2015, 0, 1) / DAY_MS);
/** Commands per page at most (a page the walk could not fill within them comes back short, with a cursor). */
const MAX_COMMANDS = 48;
/** A conversation's member rows moved by one write at most (a record thread's takers-part; direct ones are small). */
const MAX_MEMBERS = 500;

const dayOf = (at: Date) => Math.floor(at.getTime() / DAY_MS);

/** The inbox fields of a member row whose conversation was last active `at` (and `ih`, its hour, to read a busy day by hours). */
export function inboxFields(userId: Types.ObjectId, at: Date): { activityAt: Date; ih: string; ib0: string; ib1: string; ib2: string } {
  const day = dayOf(at);
  return {
    activityAt: at, ih: `${String(userId)}:h:${Math.floor(at.getTime() / HOUR_MS)}`,
    ib0: `${String(userId)}:0:${day}`, ib1: `${String(userId)}:1:${Math.floor(day / 16)}`, ib2: `${String(userId)}:2:${Math.floor(day / 256)}`,
  };
}

const BACKFILL_KEY = 'conversation_members:inbox-summary';
const hoursFiled = new WeakMap<Connection, { done: boolean; checkedAt: number }>();

/**
 * Whether every member row has its hour key (the backfill below is done), so a busy day may be read by
 * hours; until then a day is read whole. Asked again at most every 10 s while not done.
 */
async function hoursReady(connection: Connection): Promise<boolean> {
  const known = hoursFiled.get(connection);
  if (known && (known.done || Date.now() - known.checkedAt < 10_000)) return known.done;
  const state = await connection.db!.collection<{ _id: string; done?: boolean }>('list_backfill').findOne({ _id: BACKFILL_KEY });
  hoursFiled.set(connection, { done: state?.done === true, checkedAt: Date.now() });
  return state?.done === true;
}

/** When a conversation was last active: its last message, else its creation. */
export const activityOf = (c: Pick<Conversation, 'lastMessageAt' | 'createdAt'>): Date => c.lastMessageAt ?? c.createdAt;

/** What an inbox item shows of a conversation (copied onto its member rows). */
export function summaryOf(c: Conversation): ConversationSummary {
  return {
    kind: c.kind, recordKind: c.recordKind ?? null, recordId: c.recordId ?? null, participantIds: c.participantIds ?? [], title: c.title ?? '', createdBy: c.createdBy,
    messageCount: c.messageCount ?? 0, lastMessageAt: c.lastMessageAt ?? null, lastMessagePreview: c.lastMessagePreview ?? '', createdAt: c.createdAt,
  };
}

/** Everything a member row of `c` for `userId` derives from the conversation: its inbox buckets and the summary. */
export function memberFields(userId: Types.ObjectId, c: Conversation): ReturnType<typeof inboxFields> & { summary: ConversationSummary } {
  return { ...inboxFields(userId, activityOf(c)), summary: summaryOf(c) };
}

const sameSummary = (a: Conversation, b: Conversation) =>
  a.messageCount === b.messageCount && (a.lastMessageAt?.getTime() ?? 0) === (b.lastMessageAt?.getTime() ?? 0) && a.lastMessagePreview === b.lastMessagePreview && a.title === b.title;

/**
 * Moves every member row of a conversation to its state `c` (activity buckets and summary): their ids by
 * `conversationId` (pushed down), then the updates in bounded bulk writes. Then reads the conversation again
 * and writes again while another write moved it on meanwhile (at most three times), so concurrent posts end
 * with the rows showing the last state, whatever order their updates landed in.
 */
export async function touchMembers(connection: Connection, c: Conversation): Promise<void> {
  const Members = conversationMemberModel(connection);
  const rows = await Members.find({ tenantId: c.tenantId, conversationId: c._id }).select({ userId: 1 }).limit(MAX_MEMBERS).lean();
  let current = c;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const ops = rows.map((m) => ({ updateOne: { filter: { tenantId: c.tenantId, _id: m._id }, update: { $set: memberFields(m.userId, current) } } })) as AnyBulkWriteOperation<ConversationMember>[];
    await bulkWriteBounded(Members.collection as never, ops as never, { ordered: false });
    const now = await findByIdInTenant(conversationModel(connection), c.tenantId, c._id);
    if (!now || sameSummary(now, current)) return;
    current = now;
  }
}

export type InboxRow = Pick<ConversationMember, '_id' | 'conversationId' | 'readCount' | 'summary'> & { activityAt: Date };

function decodeCursor(cursor: string): { at: number; id: string; day: number } {
  const [at, id, day] = cursor.split('.');
  if (!at || !id || !day || !/^\d+$/.test(at) || !/^[a-f0-9]{24}$/.test(id) || !/^\d+$/.test(day)) throw AppError.invalidField('query.cursor', 'is not a cursor this list gave; start again without it');
  return { at: Number(at), id, day: Number(day) };
}

/**
 * One page of a user's member rows, last active first (ties by conversation id), walking days down from
 * the cursor: only the days of non-empty 16-day buckets are read whole (so a page decodes a day or two of
 * rows), empty stretches are skipped by probes; at most `MAX_COMMANDS` commands, past which the page comes
 * back short with a cursor that resumes there.
 */
export async function inboxPage(connection: Connection, tenantId: Types.ObjectId, userId: Types.ObjectId, query: { limit: number; cursor?: string | undefined; kind?: 'record' | 'direct' | undefined }, now = new Date()) {
  const Members = conversationMemberModel(connection);
  const bound = query.cursor ? decodeCursor(query.cursor) : null;
  const beyond = (r: InboxRow) => !bound || r.activityAt.getTime() < bound.at || (r.activityAt.getTime() === bound.at && String(r.conversationId) < bound.id);
  const newestFirst = (a: InboxRow, b: InboxRow) => b.activityAt.getTime() - a.activityAt.getTime() || (String(b.conversationId) < String(a.conversationId) ? -1 : 1);
  const found = new Map<string, InboxRow>();
  const key = (level: number, bucket: number) => ({ tenantId, [`ib${level}`]: `${String(userId)}:${level}:${bucket}`, ...(query.kind ? { kind: query.kind } : {}) });
  const hourKey = (hour: number) => ({ tenantId, ih: `${String(userId)}:h:${hour}`, ...(query.kind ? { kind: query.kind } : {}) });
  const byHours = await hoursReady(connection);
  const fields = { conversationId: 1, readCount: 1, activityAt: 1, summary: 1 };
  const add = (rows: InboxRow[]) => {
    for (const row of rows) if (beyond(row)) found.set(String(row.conversationId), row);
  };
  let commands = 0;
  // Is a bucket non-empty? An unsorted find with a limit stops decoding at its first match.
  const probe = async (level: number, bucket: number) => {
    commands += 1;
    return (await Members.find(key(level, bucket)).select({ _id: 1 }).limit(1).lean()).length > 0;
  };
  // A day whole, unless it holds more than a page: an unsorted find with a limit stops decoding at the limit, so
  // a busy day costs a page of rows here (not kept: they are not the newest) and is then read by hours.
  const readDay = async (d: number): Promise<{ day: number; rows: InboxRow[] | null }> => {
    commands += 1;
    const find = Members.find(key(0, d)).select(fields);
    const rows = await (byHours ? find.limit(query.limit + 1) : find).lean<InboxRow[]>();
    return { day: d, rows: byHours && rows.length > query.limit ? null : rows };
  };
  // A busy day by hours, newest first (from the cursor's hour on the cursor's day), four at a time, until the page is full.
  const readHours = async (d: number) => {
    let hour = bound && dayOf(new Date(bound.at)) === d ? Math.floor(bound.at / HOUR_MS) : (d + 1) * 24 - 1;
    let read = 0;
    while (hour >= d * 24 && found.size <= query.limit) {
      const hours = Array.from({ length: Math.min(4, hour - d * 24 + 1) }, (_, k) => hour - k);
      commands += hours.length;
      const batches = await Promise.all(hours.map((h) => Members.find(hourKey(h)).select(fields).lean<InboxRow[]>()));
      for (const rows of batches) add(rows);
      read += batches.reduce((n, rows) => n + rows.length, 0);
      hour -= hours.length;
    }
    return { read, whole: hour < d * 24 };
  };
  let day = bound ? bound.day : dayOf(now) + 1;
  // Down from `day`: skip empty 256-day buckets by a probe each, then empty 16-day buckets (probed at once), then read
  // the days of a non-empty one (one, then two at a time while they are sparse) until the page is full.
  walk: while (found.size <= query.limit && day >= FLOOR_DAY && commands < MAX_COMMANDS) {
    const b2 = Math.floor(day / SPANS[2]);
    if (!(await probe(2, b2))) {
      day = b2 * SPANS[2] - 1;
      continue;
    }
    const b1s = Array.from({ length: Math.floor(day / SPANS[1]) - b2 * (SPANS[2] / SPANS[1]) + 1 }, (_, i) => Math.floor(day / SPANS[1]) - i);
    const filled = await Promise.all(b1s.map((b) => probe(1, b)));
    for (const [i, b1] of b1s.entries()) {
      const first = b1 * SPANS[1];
      if (!filled[i]) {
        day = first - 1;
        continue;
      }
      let d = Math.min(day, first + SPANS[1] - 1);
      let perRead = 1;
      while (d >= first) {
        const days = Array.from({ length: Math.min(perRead, d - first + 1) }, (_, k) => d - k);
        const reads = await Promise.all(days.map(readDay));
        // Newest day first; after a busy day nothing older of this round is kept (its rows come again next round).
        let total = 0;
        let done = d;
        let busy = false;
        for (const { day: at, rows } of reads) {
          if (rows) {
            add(rows);
            total += rows.length;
          } else {
            busy = true;
            const { read, whole } = await readHours(at);
            total += read;
            if (!whole) break walk; // the page is full inside this day: the cursor resumes in it
          }
          done = at;
          if (busy || found.size > query.limit) break;
        }
        d = done - 1;
        day = d;
        if (found.size > query.limit || commands >= MAX_COMMANDS) break walk;
        perRead = !busy && total < query.limit / 2 ? 2 : 1;
      }
    }
  }
  const sorted = [...found.values()].sort(newestFirst);
  const rows = sorted.slice(0, query.limit);
  const exhausted = day < FLOOR_DAY;
  const hasMore = sorted.length > query.limit || !exhausted;
  const last = rows.at(-1);
  // The cursor: the last row answered (or the previous bound) and the day the walk resumes from.
  const resumeDay = sorted.length > query.limit ? dayOf(last!.activityAt) : day;
  const boundAt = last ? last.activityAt.getTime() : (bound?.at ?? 9e15);
  const boundId = last ? String(last.conversationId) : (bound?.id ?? 'f'.repeat(24));
  const nextCursor = hasMore ? `${boundAt}.${boundId}.${resumeDay}` : null;
  return { rows, hasMore, nextCursor };
}

/**
 * Gives member rows stored before the inbox buckets or the summary existed both (from their conversation,
 * read by `_id`); recorded as done in `list_backfill`, so later starts skip it. Until a row is filed, the
 * inbox reads its conversation by `_id` instead.
 */
export async function backfillInbox(connection: Connection, logger?: Pick<Logger, 'info'>): Promise<number> {
  const state = connection.db!.collection<{ _id: string; done: boolean; at: Date }>('list_backfill');
  if ((await state.findOne({ _id: BACKFILL_KEY }))?.done) return 0;
  const Members = conversationMemberModel(connection);
  const Conversations = conversationModel(connection);
  const cursor = Members.collection.find({}, { batchSize: 1000, projection: { tenantId: 1, conversationId: 1, userId: 1, ih: 1, summary: 1 } });
  let filed = 0;
  try {
    for await (const doc of cursor) {
      const m = doc as unknown as ConversationMember;
      if (m.ih && m.summary) continue;
      const c = await Conversations.collection.findOne({ _id: m.conversationId as unknown as Types.ObjectId });
      if (!c) continue;
      await Members.collection.updateOne({ _id: m._id }, { $set: memberFields(m.userId, c as unknown as Conversation) });
      filed += 1;
    }
  } finally {
    await cursor.close();
  }
  await state.updateOne({ _id: BACKFILL_KEY }, { $set: { done: true, at: new Date() } }, { upsert: true });
  if (filed) logger?.info(`conversations: ${filed} inbox rows filed`);
  return filed;
}
