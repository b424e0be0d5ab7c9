import type { Connection, Types } from 'mongoose';
import type { Logger } from 'pino';
import { hourKey } from '../../platform/db/time-buckets.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import { localDateAndHour, zonedTimeToUtc } from '../../platform/jobs/time.js';
import { userModel } from '../identity/user.model.js';
import { openTaskStates, taskModel } from '../tasks/task.model.js';
import type { NotificationsService } from './notifications.service.js';

/** The local hour from which a user's day counts as ended (their daily summary goes out then). */
export const END_OF_DAY_HOUR = 18;
/** How far ahead a task or meeting reminder is given. */
export const REMINDER_LEAD_MS = 15 * 60_000;

export const DAILY_SUMMARY_JOB = 'notifications.daily-summary';
export const REMINDERS_JOB = 'notifications.reminders';

/**
 * Each campaign owner's and support agent's daily summary (000, issue 18: their campaigns' events, the
 * tickets assigned to them and the SLA targets missed), at the end of their day in their own time zone: one inbox
 * entry per user and local date (the dedupe key), however often the job runs or how many workers run it.
 */
export async function runDailySummaries(deps: { connection: Connection; notifications: NotificationsService }, now: Date): Promise<number> {
  const users = await userModel(deps.connection).find({}).setOptions({ crossTenant: 'daily summaries for every agency' }).select({ tenantId: 1, timeZone: 1 }).lean();
  let sent = 0;
  for (const user of users) {
    const timeZone = (user as { timeZone?: string }).timeZone || 'UTC';
    const { date, hour } = localDateAndHour(now, timeZone);
    if (hour < END_OF_DAY_HOUR) continue;
    const dayStart = zonedTimeToUtc(`${date}T00:00`, timeZone);
    const items = (await deps.notifications.between(user.tenantId as Types.ObjectId, user._id, dayStart, now, '')).filter((i) => i.category.startsWith('campaign.') || i.category.startsWith('ticket.'));
    if (!items.length) continue;
    const count = (type: string) => items.filter((i) => i.category === type).length;
    const lines = [
      count('campaign.engaged') ? `${count('campaign.engaged')} engagement(s) with your campaigns` : '',
      count('campaign.activated') ? `${count('campaign.activated')} campaign(s) became active` : '',
      count('campaign.deactivated') ? `${count('campaign.deactivated')} campaign(s) became inactive` : '',
      // Issue 18: the support tickets of the day (assigned to them, and targets missed on theirs or their team's).
      count('ticket.assigned') ? `${count('ticket.assigned')} ticket(s) assigned to you` : '',
      count('ticket.sla') ? `${count('ticket.sla')} ticket(s) missed an SLA target` : '',
    ].filter(Boolean);
    const campaigns = items.some((i) => i.category.startsWith('campaign.'));
    const tickets = items.some((i) => i.category.startsWith('ticket.'));
    const created = await deps.notifications.notify({
      tenantId: user.tenantId as Types.ObjectId,
      userId: user._id,
      category: 'summary.daily',
      title: `Your ${campaigns && tickets ? 'campaigns and tickets' : campaigns ? 'campaigns' : 'tickets'} today (${date})`,
      body: lines.join('\n'),
      dedupeKey: `summary:${String(user._id)}:${date}`,
    });
    if (created) sent += 1;
  }
  return sent;
}

/**
 * Task, meeting and follow-up reminders (003): every open task whose due time (a meeting's chosen slot,
 * else `dueAt`) falls within the next REMINDER_LEAD_MS reminds its assignee (else its owner) once per due
 * time, so a rescheduled task reminds again for its new time. Tasks are read by the UTC hours the window
 * touches (`dueHour`, one equality each, which FerretDB pushes down), so a run decodes the tasks due in
 * those hours, not every task of every agency; the window and the open states are checked on what is read.
 */
export async function runReminders(deps: { connection: Connection; notifications: NotificationsService }, now: Date): Promise<number> {
  const until = new Date(now.getTime() + REMINDER_LEAD_MS);
  const hours = [...new Set([hourKey(now.getTime()), hourKey(until.getTime())])];
  const Task = taskModel(deps.connection);
  const read = await Promise.all(hours.map((dueHour) => Task.find({ dueHour }).setOptions({ crossTenant: 'reminders scan every agency' }).lean()));
  const tasks = read.flat().filter((task) => {
    const at = task.chosenSlot?.start ?? task.dueAt;
    return openTaskStates.includes(task.status) && !!at && at.getTime() >= now.getTime() && at.getTime() <= until.getTime();
  });
  let sent = 0;
  for (const task of tasks) {
    const at = task.chosenSlot?.start ?? task.dueAt;
    const userId = task.assigneeId ?? task.ownerId;
    if (!at || !userId) continue;
    const label = task.kind === 'meeting' ? 'Meeting' : task.kind === 'followUp' ? 'Follow-up due' : task.kind === 'call' ? 'Call' : 'Task due';
    const created = await deps.notifications.notify({
      tenantId: task.tenantId,
      userId,
      category: `reminder.${task.kind}`,
      title: `${label}: ${task.title}`,
      body: `At ${new Date(at).toISOString()}${task.location ? `, ${task.location}` : ''}`,
      resource: 'task',
      resourceId: String(task._id),
      dedupeKey: `reminder:${String(task._id)}:${new Date(at).toISOString()}`,
    });
    if (created) sent += 1;
  }
  return sent;
}

/** Registers the recurring notification jobs (they are stored once per name, whatever the number of processes). */
export function defineNotificationJobs(deps: { connection: Connection; notifications: NotificationsService; jobs: Jobs; logger: Logger }): void {
  deps.jobs.define(DAILY_SUMMARY_JOB, async () => {
    await runDailySummaries(deps, new Date());
  });
  deps.jobs.define(REMINDERS_JOB, async () => {
    await runReminders(deps, new Date());
  });
  deps.jobs.recurring('*/15 * * * *', DAILY_SUMMARY_JOB);
  deps.jobs.recurring('* * * * *', REMINDERS_JOB);
}

