// Puts tasks into the due-date groups a person plans their day by, in their own time zone.
import type { Task } from '../shared/api/types.js';

/** The groups, in the order they show. */
export type DueGroupKey = 'overdue' | 'today' | 'tomorrow' | 'week' | 'later' | 'none';

/** One group of tasks. */
export interface DueGroup {
  key: DueGroupKey;
  tasks: Task[];
}

const order: DueGroupKey[] = ['overdue', 'today', 'tomorrow', 'week', 'later', 'none'];

/** The calendar day of `date` in `timeZone`, as a day number, so days compare across DST changes. */
function dayNumber(date: Date, timeZone?: string): number {
  const parts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', ...(timeZone ? { timeZone } : {}) }).format(date);
  return Math.round(Date.parse(`${parts}T00:00:00Z`) / 86_400_000);
}

/** Non-empty groups of `tasks`, each sorted by due time. */
export function groupByDue(tasks: Task[], now: Date, timeZone?: string): DueGroup[] {
  const today = dayNumber(now, timeZone);
  const groups = new Map<DueGroupKey, Task[]>(order.map((key) => [key, []]));
  for (const task of tasks) {
    let key: DueGroupKey = 'none';
    if (task.dueAt) {
      const due = new Date(task.dueAt);
      const day = dayNumber(due, timeZone);
      if (due < now) key = 'overdue';
      else if (day === today) key = 'today';
      else if (day === today + 1) key = 'tomorrow';
      else if (day <= today + 7) key = 'week';
      else key = 'later';
    }
    groups.get(key)!.push(task);
  }
  return order
    .map((key) => ({ key, tasks: groups.get(key)!.sort((a, b) => (a.dueAt ?? '').localeCompare(b.dueAt ?? '')) }))
    .filter((group) => group.tasks.length > 0);
}
