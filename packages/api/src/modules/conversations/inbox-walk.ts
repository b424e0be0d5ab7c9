import type { Connection, Types } from 'mongoose';
import { AppError } from '../../platform/errors.js';
import { conversationMemberModel, type ConversationMember } from './conversation.model.js';
import { dropEmptySpan, markedSpans, markerId, type Level } from './inbox-days.js';

/**
 * One page of a user's inbox rows, last active first (ties by conversation id), walked through the index of
 * non-empty spans (inbox-days.ts): the 256-day, 16-day and day markers lead straight to the newest days that
 * hold rows; a day is read whole when it holds only a few rows, else by its non-empty hours (from its hour
 * markers), newest first, two, then four, then eight at a time, until the page is full. Every read is one top-level equality.
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Commands per page at most (a page the walk could not fill within them comes back short, with a cursor). */
export const MAX_COMMANDS = 48;
/** Rows read of a day to learn whether it is read whole or by hours (see `indexedWalkPage`). */
const DAY_PROBE = 8;

export interface InboxQuery {
  limit: number;
  cursor?: string | undefined;
  kind?: 'record' | 'direct' | undefined;
}
export type InboxRow = Pick<ConversationMember, '_id' | 'conversationId' | 'readCount' | 'summary'> & { activityAt: Date };
export interface Bound {
  at: number;
  id: string;
  day: number;
}

/** What a page reads of a member row. */
export const rowFields = { conversationId: 1, readCount: 1, activityAt: 1, summary: 1 } as const;

const dayOf = (at: number) => Math.floor(at / DAY_MS);

/** A cursor `<at>.<conversationId>.<day>`: the last row answered and the day the walk resumes from. */
export function decodeCursor(cursor: string): Bound {
  const [at, id, day] = cursor.split('.');
  if (!at || !id || !day || !/^\d+$/.test(at) || !/^[a-f0-9]{24}$/.test(id) || !/^\d+$/.test(day)) throw AppError.invalidField('query.cursor', 'is not a cursor this list gave; start again without it');
  return { at: Number(at), id, day: Number(day) };
}

const newestFirst = (a: InboxRow, b: InboxRow) => b.activityAt.getTime() - a.activityAt.getTime() || (String(b.conversationId) < String(a.conversationId) ? -1 : 1);
/** Whether a row comes after the cursor's last row. */
export const beyond = (bound: Bound | null, r: InboxRow) => !bound || r.activityAt.getTime() < bound.at || (r.activityAt.getTime() === bound.at && String(r.conversationId) < bound.id);

/** The page of the rows found (more than `limit` means there are more) and its cursor; `day` is where the walk would go on. */
export function pageOf(found: Map<string, InboxRow>, limit: number, bound: Bound | null, day: number, exhausted: boolean) {
  const sorted = [...found.values()].sort(newestFirst);
  const rows = sorted.slice(0, limit);
  const hasMore = sorted.length > limit || !exhausted;
  const last = rows.at(-1);
  const resumeDay = sorted.length > limit ? dayOf(last!.activityAt.getTime()) : day;
  const boundAt = last ? last.activityAt.getTime() : (bound?.at ?? 9e15);
  const boundId = last ? String(last.conversationId) : (bound?.id ?? 'f'.repeat(24));
  const nextCursor = hasMore ? `${boundAt}.${boundId}.${resumeDay}` : null;
  return { rows, hasMore, nextCursor };
}

/** The walk through the index of non-empty spans (see above); `now` is where a first page starts. */
export async function indexedWalkPage(connection: Connection, tenantId: Types.ObjectId, userId: Types.ObjectId, query: InboxQuery, now = new Date()) {
  const Members = conversationMemberModel(connection);
  const bound = query.cursor ? decodeCursor(query.cursor) : null;
  const kind = query.kind ? { kind: query.kind } : {};
  const found = new Map<string, InboxRow>();
  const full = () => found.size > query.limit;
  const add = (rows: InboxRow[]) => {
    for (const row of rows) if (beyond(bound, row)) found.set(String(row.conversationId), row);
  };
  let commands = 0;
  const spans = (level: Level | 3, n: number) => {
    commands += 1;
    return markedSpans(connection, tenantId, level === 3 ? `${String(userId)}:3` : markerId(userId, level, n));
  };
  const rowsOf = (field: 'ib0' | 'ih', level: Level, n: number, limit?: number) => {
    commands += 1;
    const find = Members.find({ tenantId, [field]: markerId(userId, level, n), ...kind }).select(rowFields);
    return (limit ? find.limit(limit) : find).lean<InboxRow[]>();
  };
  // A marker whose span the walk found empty goes (only without a kind filter: the span may hold the other kind).
  const dropIfEmpty = async (level: Level, n: number): Promise<boolean> => {
    if (query.kind) return false;
    commands += 2;
    const stillEmpty = async () => {
      if (level === 'h' || level === 0) return (await Members.find({ tenantId, [level === 'h' ? 'ih' : 'ib0']: markerId(userId, level, n) }).select({ _id: 1 }).limit(1).lean()).length === 0;
      return (await markedSpans(connection, tenantId, markerId(userId, level, n))).length === 0;
    };
    return dropEmptySpan(connection, tenantId, userId, level, n, stillEmpty, now.getTime());
  };
  // A busy day by its non-empty hours, newest first (from the cursor's hour on the cursor's day); false when the page filled first.
  const readHours = async (d: number): Promise<boolean> => {
    const top = bound && dayOf(bound.at) === d ? Math.floor(bound.at / HOUR_MS) : (d + 1) * 24 - 1;
    const hours = (await spans(0, d)).filter((h) => h <= top);
    let next = 0;
    let perRead = 2;
    while (next < hours.length && !full()) {
      const group = hours.slice(next, next + perRead);
      perRead *= 2;
      const batches = await Promise.all(group.map((h) => rowsOf('ih', 'h', h)));
      for (const [k, rows] of batches.entries()) {
        add(rows);
        if (!rows.length) await dropIfEmpty('h', group[k]!);
      }
      next += group.length;
    }
    return next >= hours.length;
  };

  // A day is read whole when it holds fewer rows than this; one that holds more is read by its non-empty hours, so a
  // busy day costs a few rows more than the page takes (a find's limit saves FerretDB decoding rows, not PostgreSQL reading them).
  const probe = Math.min(DAY_PROBE, query.limit + 1);
  let day = bound ? bound.day : dayOf(now.getTime()) + 1;
  let exhausted = false;
  walk: {
    for (const b2 of (await spans(3, 0)).filter((b) => b <= Math.floor(day / 256))) {
      if (commands >= MAX_COMMANDS) break walk;
      const b1All = await spans(2, b2);
      const b1s = b1All.filter((b) => b <= Math.floor(day / 16));
      // Spans found empty go, and a bucket whose every span went goes with them (each only once it is settled, inbox-days.ts).
      let b1Dropped = 0;
      for (const b1 of b1s) {
        if (commands >= MAX_COMMANDS) break walk;
        const daysAll = await spans(1, b1);
        const days = daysAll.filter((d) => d <= day);
        let daysDropped = 0;
        // The days newest first: one at a time, then up to four at once while they are sparse.
        let next = 0;
        let perRead = 1;
        while (next < days.length) {
          if (commands >= MAX_COMMANDS) break walk;
          const group = days.slice(next, next + perRead);
          const reads = await Promise.all(group.map((d) => rowsOf('ib0', 0, d, probe)));
          let total = 0;
          let busy = false;
          for (const [k, rows] of reads.entries()) {
            const d = group[k]!;
            next += 1;
            if (rows.length === probe) {
              // Maybe more than the page needs: these are not necessarily the newest, so the day is read by its hours.
              busy = true;
              if (!(await readHours(d))) {
                day = d;
                break walk;
              }
            } else {
              add(rows);
              total += rows.length;
              if (!rows.length && (await dropIfEmpty(0, d))) daysDropped += 1;
            }
            day = d - 1;
            // After a busy day nothing older of this group is kept (its rows are read again next round).
            if (busy || full()) break;
          }
          if (full()) break walk;
          perRead = !busy && total < query.limit / 2 ? Math.min(4, perRead * 2) : 1;
        }
        day = Math.min(day, b1 * 16 - 1);
        if (daysDropped === daysAll.length && (await dropIfEmpty(1, b1))) b1Dropped += 1;
      }
      if (b1Dropped === b1All.length) await dropIfEmpty(2, b2);
      day = Math.min(day, b2 * 256 - 1);
    }
    exhausted = true;
  }
  return pageOf(found, query.limit, bound, day, exhausted);
}
