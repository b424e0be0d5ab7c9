import type { Connection, Types } from 'mongoose';
import type { Logger } from 'pino';
import { AppError } from '../../platform/errors.js';
import { conversationMemberModel, conversationModel, type Conversation, type ConversationMember } from './conversation.model.js';

/**
 * The inbox as per-user rows: each member row carries the conversation's last activity (`activityAt`) and
 * that day's buckets for its user at three levels, `ib0` (a day), `ib1` (16 days), `ib2` (256 days), each
 * `<userId>:<level>:<bucket>`. An inbox page asks for one bucket at a time by equality (what FerretDB pushes
 * down), newest first, so it decodes about a page of rows and never the user's every conversation.
 */
const DAY_MS = 86_400_000;
const SPANS = [1, 16, 256] as const;
/** Nothing is older than this (the walk's floor). */
const FLOOR_DAY = Math.floor(Date.UTC(2015, 0, 1) / DAY_MS);
/** Commands per page at most (a page the walk could not fill within them comes back short, with a cursor). */
const MAX_COMMANDS = 48;

const dayOf = (at: Date) => Math.floor(at.getTime() / DAY_MS);

/** The inbox fields of a member row whose conversation was last active `at`. */
export function inboxFields(userId: Types.ObjectId, at: Date): { activityAt: Date; ib0: string; ib1: string; ib2: string } {
  const day = dayOf(at);
  return { activityAt: at, ib0: `${String(userId)}:0:${day}`, ib1: `${String(userId)}:1:${Math.floor(day / 16)}`, ib2: `${String(userId)}:2:${Math.floor(day / 256)}` };
}

/** When a conversation was last active: its last message, else its creation. */
export const activityOf = (c: Pick<Conversation, 'lastMessageAt' | 'createdAt'>): Date => c.lastMessageAt ?? c.createdAt;

/** Moves every member row of a conversation to its new activity (one update by `conversationId`, pushed down). */
export async function touchMembers(connection: Connection, tenantId: Types.ObjectId, conversationId: Types.ObjectId, at: Date): Promise<void> {
  const Members = conversationMemberModel(connection);
  const rows = await Members.find({ tenantId, conversationId }).select({ userId: 1 }).limit(500).lean();
  await Promise.all(rows.map((m) => Members.updateOne({ tenantId, _id: m._id }, { $set: inboxFields(m.userId, at) })));
}

type InboxRow = Pick<ConversationMember, '_id' | 'conversationId' | 'readCount'> & { activityAt: Date };

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
  let commands = 0;
  // Is a bucket non-empty? An unsorted find with a limit stops decoding at its first match.
  const probe = async (level: number, bucket: number) => {
    commands += 1;
    return (await Members.find(key(level, bucket)).select({ _id: 1 }).limit(1).lean()).length > 0;
  };
  const readDay = async (d: number) => {
    commands += 1;
    const rows = await Members.find(key(0, d)).select({ conversationId: 1, readCount: 1, activityAt: 1 }).lean<InboxRow[]>();
    for (const row of rows) if (beyond(row)) found.set(String(row.conversationId), row);
    return rows.length;
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
        const counts = await Promise.all(days.map(readDay));
        d = days.at(-1)! - 1;
        day = d;
        if (found.size > query.limit || commands >= MAX_COMMANDS) break walk;
        perRead = counts.reduce((a, b) => a + b, 0) < query.limit / 2 ? 2 : 1;
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
 * Gives member rows stored before the inbox buckets existed their activity (their conversation's, read by
 * `_id`); recorded as done in `list_backfill`, so later starts skip it.
 */
export async function backfillInbox(connection: Connection, logger?: Pick<Logger, 'info'>): Promise<number> {
  const state = connection.db!.collection<{ _id: string; done: boolean; at: Date }>('list_backfill');
  if ((await state.findOne({ _id: 'conversation_members:inbox' }))?.done) return 0;
  const Members = conversationMemberModel(connection);
  const Conversations = conversationModel(connection);
  const cursor = Members.collection.find({}, { batchSize: 1000, projection: { tenantId: 1, conversationId: 1, userId: 1, ib0: 1 } });
  let filed = 0;
  try {
    for await (const doc of cursor) {
      const m = doc as unknown as ConversationMember & { ib0?: string };
      if (m.ib0) continue;
      const c = await Conversations.collection.findOne({ _id: m.conversationId as unknown as Types.ObjectId }, { projection: { lastMessageAt: 1, createdAt: 1 } });
      if (!c) continue;
      await Members.collection.updateOne({ _id: m._id }, { $set: inboxFields(m.userId, activityOf(c as unknown as Conversation)) });
      filed += 1;
    }
  } finally {
    await cursor.close();
  }
  await state.updateOne({ _id: 'conversation_members:inbox' }, { $set: { done: true, at: new Date() } }, { upsert: true });
  if (filed) logger?.info(`conversations: ${filed} inbox rows filed`);
  return filed;
}
