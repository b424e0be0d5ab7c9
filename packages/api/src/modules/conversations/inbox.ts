import type { AnyBulkWriteOperation } from 'mongodb';
import type { Connection, Types } from 'mongoose';
import type { Logger } from 'pino';
import { bulkWriteBounded } from '../../platform/db/bulk-writes.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { conversationMemberModel, conversationModel, type Conversation, type ConversationMember, type ConversationSummary } from './conversation.model.js';
import { fileInboxDays } from './inbox-days.js';
import { inboxPageCache, moveInboxStamps } from './inbox-page-cache.js';
import { probeWalkPage } from './inbox-probe-walk.js';
import { indexedWalkPage, type InboxQuery } from './inbox-walk.js';

/**
 * The inbox as per-user rows: each member row carries the conversation's last activity (`activityAt`), that
 * hour's and day's keys for its user (`ih` `<userId>:h:<hour>`, `ib0` `<userId>:0:<day>`) and what the inbox
 * shows of the conversation (`summary`). Each write also files the row's hour and day in the user's index of
 * non-empty spans (inbox-days.ts), which a page walks to the newest non-empty days (inbox-walk.ts): every
 * read is one top-level equality (what FerretDB pushes down), a page decodes about a page of rows, and it
 * reads no conversation: the rows are the page. `ib1` and `ib2` (16 and 256 days) serve only the walk used
 * until the index's backfill is done (inbox-probe-walk.ts).
 */
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
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

/** The summary and hour keys of older rows (done before the index existed). */
const SUMMARY_BACKFILL_KEY = 'conversation_members:inbox-summary';
/** The index of non-empty spans for every row (implies the summary backfill). */
const DAYS_BACKFILL_KEY = 'conversation_members:inbox-days';
const backfilled = new WeakMap<Connection, Map<string, { done: boolean; checkedAt: number }>>();

/** Whether the backfill `key` is recorded done; asked again at most every 10 s while not done. */
async function backfillDone(connection: Connection, key: string): Promise<boolean> {
  const byKey = backfilled.get(connection) ?? new Map<string, { done: boolean; checkedAt: number }>();
  backfilled.set(connection, byKey);
  const known = byKey.get(key);
  if (known && (known.done || Date.now() - known.checkedAt < 10_000)) return known.done;
  const state = await connection.db!.collection<{ _id: string; done?: boolean }>('list_backfill').findOne({ _id: key });
  byKey.set(key, { done: state?.done === true, checkedAt: Date.now() });
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
  const users = rows.map((m) => m.userId);
  // Their inbox stamps move before and after each write (inbox-page-cache.ts): no process keeps a page from before it.
  await moveInboxStamps(connection, c.tenantId, users);
  let current = c;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const ops = rows.map((m) => ({ updateOne: { filter: { tenantId: c.tenantId, _id: m._id }, update: { $set: memberFields(m.userId, current) } } })) as AnyBulkWriteOperation<ConversationMember>[];
    await bulkWriteBounded(Members.collection as never, ops as never, { ordered: false });
    await fileInboxDays(connection, rows.map((m) => ({ tenantId: c.tenantId, userId: m.userId, at: activityOf(current) })));
    await moveInboxStamps(connection, c.tenantId, users);
    const now = await findByIdInTenant(conversationModel(connection), c.tenantId, c._id);
    if (!now || sameSummary(now, current)) return;
    current = now;
  }
}

/**
 * One page of a user's member rows, last active first: through the index of non-empty spans once its
 * backfill is done (inbox-walk.ts), kept in the process under the user's inbox stamp (inbox-page-cache.ts,
 * unless `now` is given: tests walking at a set time); until then by probing buckets (inbox-probe-walk.ts; a
 * busy day is read by hours once the rows have their hour keys), never kept.
 */
export async function inboxPage(connection: Connection, tenantId: Types.ObjectId, userId: Types.ObjectId, query: InboxQuery, now?: Date) {
  const asOf = performance.now();
  if (await backfillDone(connection, DAYS_BACKFILL_KEY)) {
    if (now) return indexedWalkPage(connection, tenantId, userId, query, now);
    return inboxPageCache(connection).page(tenantId, userId, `${query.limit}|${query.kind ?? ''}|${query.cursor ?? ''}`, asOf, () => indexedWalkPage(connection, tenantId, userId, query));
  }
  now ??= new Date();
  return probeWalkPage(connection, tenantId, userId, query, await backfillDone(connection, SUMMARY_BACKFILL_KEY), now);
}

/**
 * Gives member rows stored before the inbox keys or the summary existed both (from their conversation, read
 * by `_id`), and files every row's spans in the index (inbox-days.ts), a thousand rows per round; recorded as
 * done in `list_backfill`, so later starts skip it. Until it is done, pages walk by probes (`inboxPage`), and
 * a row without a summary has its conversation read by `_id`. Answers the rows given keys or a summary.
 */
export async function backfillInbox(connection: Connection, logger?: Pick<Logger, 'info'>): Promise<number> {
  const state = connection.db!.collection<{ _id: string; done: boolean; at: Date }>('list_backfill');
  if ((await state.findOne({ _id: DAYS_BACKFILL_KEY }))?.done) return 0;
  const Members = conversationMemberModel(connection);
  const Conversations = conversationModel(connection);
  const cursor = Members.collection.find({}, { batchSize: 1000, projection: { tenantId: 1, conversationId: 1, userId: 1, activityAt: 1, ih: 1, summary: 1 } });
  let filed = 0;
  let spans: Array<{ tenantId: Types.ObjectId; userId: Types.ObjectId; at: Date }> = [];
  try {
    for await (const doc of cursor) {
      const m = doc as unknown as ConversationMember;
      if (!m.ih || !m.summary || !m.activityAt) {
        const c = await Conversations.collection.findOne({ _id: m.conversationId as unknown as Types.ObjectId });
        if (!c) continue;
        const fields = memberFields(m.userId, c as unknown as Conversation);
        await Members.collection.updateOne({ _id: m._id }, { $set: fields });
        m.activityAt = fields.activityAt;
        filed += 1;
      }
      spans.push({ tenantId: m.tenantId, userId: m.userId, at: m.activityAt });
      if (spans.length >= 1000) {
        await fileInboxDays(connection, spans, { skipKnown: false });
        spans = [];
      }
    }
    await fileInboxDays(connection, spans, { skipKnown: false });
  } finally {
    await cursor.close();
  }
  const at = new Date();
  await state.updateOne({ _id: SUMMARY_BACKFILL_KEY }, { $set: { done: true, at } }, { upsert: true });
  await state.updateOne({ _id: DAYS_BACKFILL_KEY }, { $set: { done: true, at } }, { upsert: true });
  if (filed) logger?.info(`conversations: ${filed} inbox rows filed`);
  return filed;
}
