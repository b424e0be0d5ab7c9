import type { Connection, Types } from 'mongoose';
import { can } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors.js';
import { readRecordsById } from '../../platform/records/records-by-id.js';
import { conversationDto } from './conversation-dto.js';
import { conversationModel, type Conversation, type ConversationSummary, type ThreadRecordKind } from './conversation.model.js';
import { inboxPage, summaryOf } from './inbox.js';
import type { RecordReaders } from './record-readers.js';

export interface InboxQuery {
  limit: number;
  cursor?: string | undefined;
  kind?: 'record' | 'direct' | undefined;
}

interface Item {
  id: Types.ObjectId;
  readCount: number;
  c: ConversationSummary;
}

/**
 * The record threads of a page the caller may read: per record kind, the role's permission and then the
 * kind's `visibleIds` (the access module's filter on each record, one batch per kind, the kinds at once);
 * a kind without it is asked record by record through its `get`. Answers `<kind>:<id>` keys.
 */
async function readableRecords(records: RecordReaders, principal: Principal, items: Item[]): Promise<Set<string>> {
  const byKind = new Map<ThreadRecordKind, Map<string, Types.ObjectId>>();
  for (const { c } of items) {
    if (!c.recordKind || !c.recordId) continue;
    const ids = byKind.get(c.recordKind) ?? new Map<string, Types.ObjectId>();
    ids.set(String(c.recordId), c.recordId);
    byKind.set(c.recordKind, ids);
  }
  const allowed = new Set<string>();
  await Promise.all(
    [...byKind].map(async ([kind, ids]) => {
      const reader = records[kind];
      if (!reader || !can(principal, reader.resource, 'read')) return;
      if (reader.visibleIds) {
        for (const id of await reader.visibleIds(principal, [...ids.values()])) allowed.add(`${kind}:${id}`);
        return;
      }
      await Promise.all(
        [...ids.keys()].map(async (id) => {
          try {
            await reader.get(principal, id);
            allowed.add(`${kind}:${id}`);
          } catch (error) {
            if (!(error instanceof AppError && (error.code === 'not_found' || error.code === 'forbidden'))) throw error;
          }
        }),
      );
    }),
  );
  return allowed;
}

/**
 * The caller's inbox page: direct conversations they are in and record threads they take part in that they
 * may still read, last active first. The page's member rows carry what an item shows (inbox.ts), so no
 * conversation is read (rows filed before summaries existed: theirs by `_id`, until the backfill reaches
 * them); the record threads' access is decided in one batch per record kind, the participants' names in one
 * read. So the commands of a page do not grow with its items.
 */
export async function inboxList(
  deps: { connection: Connection; records: RecordReaders; userNames: (tenantId: Types.ObjectId, ids: Types.ObjectId[]) => Promise<Map<string, string>> },
  principal: Principal,
  query: InboxQuery,
) {
  const page = await inboxPage(deps.connection, principal.tenantId, principal.userId, query);
  const unfiled = page.rows.filter((r) => !r.summary).map((r) => r.conversationId);
  const read = unfiled.length ? ((await readRecordsById(conversationModel(deps.connection) as never, principal.tenantId, unfiled)) as Array<Conversation | null>) : [];
  const filed = new Map(read.filter((c): c is Conversation => c !== null).map((c) => [String(c._id), summaryOf(c)]));
  const items: Item[] = [];
  for (const row of page.rows) {
    const c = row.summary ?? filed.get(String(row.conversationId));
    if (!c) continue;
    // A direct conversation someone else opened shows once it has a message.
    if (c.kind !== 'record' && c.messageCount === 0 && !c.createdBy.equals(principal.userId)) continue;
    items.push({ id: row.conversationId, readCount: row.readCount ?? 0, c });
  }
  const records = await readableRecords(deps.records, principal, items.filter((i) => i.c.kind === 'record'));
  const shown = items.filter(({ c }) => (c.kind === 'direct' ? c.participantIds.some((p) => p.equals(principal.userId)) : records.has(`${c.recordKind}:${String(c.recordId)}`)));
  const participants = shown.flatMap((i) => i.c.participantIds);
  const names = participants.length ? await deps.userNames(principal.tenantId, participants) : new Map<string, string>();
  const data = shown.map((i) => conversationDto(principal.userId, i.id, i.c, i.readCount, names));
  const unreadCount = data.reduce((sum, c) => sum + c.unreadCount, 0);
  return { object: 'list' as const, data, hasMore: page.hasMore, nextCursor: page.nextCursor, unreadCount };
}
