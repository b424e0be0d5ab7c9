import { Schema, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';
import { op } from '../../platform/db/operators.js';
import { minuteKey } from '../../platform/db/time-buckets.js';
import { calendarEntryModel, type CalendarEntry } from './calendar.model.js';

const MINUTE_MS = 60_000;
/** How far back the reminder job catches up after a stop (one read per minute): a reminder a day late is no use to anyone. */
export const REMINDER_CATCH_UP_MS = 86_400_000;
/**
 * How many whole minutes the job reads again behind the current one: a write that began in a minute
 * the job has already read may commit after that read, and its reminder is filed in the minute it
 * began (see `reminderMinute`).
 */
const SETTLE_MINUTES = 2;
const CURSOR_ID = 'calendar.reminders';

/** A UTC minute as `YYYY-MM-DDTHH:MM`, the key reminders are filed under (shared with the task reminders' hour key). */
export { minuteKey };

/**
 * The minute whose read sends a reminder due at `remindAt`, as written at `writtenAt`: the minute it is
 * due, or the minute of the write when that is later (a reminder already due when the entry is saved goes
 * out at the next run). The job reads reminders by this key, one equality per minute, which FerretDB
 * pushes down to PostgreSQL and its GIN index serves; a `remindAt <= now` range it would not push down,
 * and every run decoded every calendar entry of every agency (issue 23's 100k bench timed out on it).
 */
export function reminderMinute(remindAt: Date | null, writtenAt = new Date()): string | null {
  return remindAt ? minuteKey(Math.max(remindAt.getTime(), writtenAt.getTime())) : null;
}

interface ReminderCursor {
  _id: string;
  /** The last minute read to its end, behind the settle margin. */
  through: string;
  updatedAt: Date;
}

const cursorSchema = new Schema<ReminderCursor>({ _id: { type: String, required: true }, through: { type: String, required: true }, updatedAt: { type: Date, required: true } }, { versionKey: false, collection: 'calendar_reminder_cursor' });

export function reminderCursorModel(connection: Connection): Model<ReminderCursor> {
  return (connection.models.CalendarReminderCursor as Model<ReminderCursor>) ?? connection.model<ReminderCursor>('CalendarReminderCursor', cursorSchema);
}

/**
 * The entries whose reminder is due at `now`, read minute by minute from the cursor to the current
 * minute (entries of the current minute only when already due), and the cursor moved on once `handle`
 * has taken them. Safe twice and across processes: `handle` is idempotent per occurrence and user, and a
 * minute read again finds only what is still pending. The first run files reminders stored before this
 * key existed (once).
 */
export async function forDueReminders(connection: Connection, now: Date, handle: (entry: CalendarEntry) => Promise<void>, options: { logger?: Logger; catchUpMs?: number } = {}): Promise<void> {
  const Entry = calendarEntryModel(connection);
  const Cursor = reminderCursorModel(connection);
  const all = { crossTenant: 'the reminder job reads every agency’s due reminders' };
  const cursor = await Cursor.findOne({ _id: CURSOR_ID }).lean();
  if (!cursor) {
    // Entries saved before reminders were filed by minute: one pass, then never again.
    let filed = 0;
    for await (const e of Entry.find({ remindAt: op({ $ne: null }) }).setOptions(all).select('_id tenantId remindAt remindMinute').lean<CalendarEntry[]>().cursor()) {
      if (e.remindMinute) continue;
      await Entry.updateOne({ tenantId: e.tenantId, _id: e._id }, { $set: { remindMinute: reminderMinute(e.remindAt, now) } });
      filed += 1;
    }
    if (filed) options.logger?.info({ filed }, 'calendar reminders filed by minute');
  }
  const current = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  const earliest = current - (options.catchUpMs ?? REMINDER_CATCH_UP_MS);
  const from = cursor ? Math.max(earliest, Date.parse(`${cursor.through}:00.000Z`) + MINUTE_MS) : current - SETTLE_MINUTES * MINUTE_MS;
  for (let minute = from; minute <= current; minute += MINUTE_MS) {
    const due = await Entry.find({ remindMinute: minuteKey(minute) }).setOptions(all).lean<CalendarEntry[]>();
    for (const entry of due) if (entry.remindAt && entry.remindAt.getTime() <= now.getTime()) await handle(entry);
  }
  const through = minuteKey(current - SETTLE_MINUTES * MINUTE_MS);
  await Cursor.updateOne({ _id: CURSOR_ID }, { $set: { through, updatedAt: now } }, { upsert: true });
}
