import { hourKey, weekBuckets } from '../../platform/db/time-buckets.js';
import type { TimeSlot } from './task.model.js';

/** A task with a due time but no slot shows as this long. */
export const TASK_MINUTES = 30;

type Timed = { dueAt?: Date | string | null; chosenSlot?: { start: Date | string; end: Date | string } | null };

/** Where a task shows in the calendar: its chosen slot, else its due time for TASK_MINUTES; null without either. */
export function taskSpan(t: Timed): TimeSlot | null {
  if (t.chosenSlot) return { start: new Date(t.chosenSlot.start), end: new Date(t.chosenSlot.end) };
  if (t.dueAt) return { start: new Date(t.dueAt), end: new Date(new Date(t.dueAt).getTime() + TASK_MINUTES * 60_000) };
  return null;
}

/** A task as the calendar and the reminder job find it by equality (see `Task.calendarWeeks` and `Task.dueHour`). */
export interface TaskFiling {
  calendarWeeks: string[];
  dueHour: string | null;
}

/** Where a task is filed: the one function every writer of `dueAt` or `chosenSlot` calls (docs/calendar.md). */
export function taskFiling(t: Timed): TaskFiling {
  const shown = taskSpan(t);
  return shown ? { calendarWeeks: weekBuckets(shown.start, shown.end), dueHour: hourKey(shown.start.getTime()) } : { calendarWeeks: [], dueHour: null };
}
