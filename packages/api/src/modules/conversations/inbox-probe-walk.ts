import type { Connection, Types } from 'mongoose';
import { conversationMemberModel } from './conversation.model.js';
import { decodeCursor, type InboxQuery, type InboxRow, DAY_MS, HOUR_MS, MAX_COMMANDS, pageOf, rowFields } from './inbox-walk.js';

/**
 * The inbox walk before the index of non-empty days (inbox-days.ts) existed, kept only while its backfill has
 * not finished (inbox.ts, `inboxPage`): empty stretches are found by probing the rows' 256-day and 16-day
 * bucket keys (`ib2`, `ib1`), 16 probes at once. Remove it, and those two keys, once every deployment has
 * run the backfill.
 */
const SPANS = [1, 16, 256] as const;
/** Nothing is older than this (the walk's floor). */
const FLOOR_DAY = Math.floor(Date.UTC(2015, 0, 1) / DAY_MS);
const dayOf = (at: Date) => Math.floor(at.getTime() / DAY_MS);

/**
 * One page of a user's member rows, last active first (ties by conversation id), walking days down from
 * the cursor: only the days of non-empty 16-day buckets are read whole (so a page decodes a day or two of
 * rows), empty stretches are skipped by probes; at most `MAX_COMMANDS` commands, past which the page comes
 * back short with a cursor that resumes there.
 */
export async function probeWalkPage(connection: Connection, tenantId: Types.ObjectId, userId: Types.ObjectId, query: InboxQuery, byHours: boolean, now = new Date()) {
  const Members = conversationMemberModel(connection);
  const bound = query.cursor ? decodeCursor(query.cursor) : null;
  const beyond = (r: InboxRow) => !bound || r.activityAt.getTime() < bound.at || (r.activityAt.getTime() === bound.at && String(r.conversationId) < bound.id);
  const found = new Map<string, InboxRow>();
  const key = (level: number, bucket: number) => ({ tenantId, [`ib${level}`]: `${String(userId)}:${level}:${bucket}`, ...(query.kind ? { kind: query.kind } : {}) });
  const hourKey = (hour: number) => ({ tenantId, ih: `${String(userId)}:h:${hour}`, ...(query.kind ? { kind: query.kind } : {}) });
  const fields = rowFields;
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
  return pageOf(found, query.limit, bound, day, day < FLOOR_DAY);
}
