import { createHash, randomBytes } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import rrule from 'rrule';
import type { Logger } from 'pino';
import { matchesFilter, visibilityFilter } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { AppError } from '../../platform/errors.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { userModel } from '../identity/user.model.js';
import { taskModel, type Task } from '../tasks/task.model.js';
import { buildIcs, type IcsEvent } from './calendar-ics.js';
import { calendarEntryModel, calendarFeedModel, calendarInvitationModel, type Attendee, type CalendarEntry, type Reply } from './calendar.model.js';

const { rrulestr } = rrule;
type Filter = Record<string, unknown>;
const FAR_FUTURE = new Date('9999-12-31T00:00:00Z');
/** A task with a due time but no slot shows as this long. */
const TASK_MINUTES = 30;
/** Occurrences of one series in one answer, at most (a daily series over a quarter is ~93). */
const MAX_OCCURRENCES = 400;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The public shape of an entry. */
export function toEntryDto(e: CalendarEntry) {
  return {
    id: String(e._id),
    kind: e.kind,
    title: e.title,
    description: e.description ?? null,
    location: e.location ?? null,
    startAt: e.startAt.toISOString(),
    endAt: e.endAt.toISOString(),
    allDay: e.allDay ?? false,
    timeZone: e.timeZone,
    recurrence: e.recurrence ?? null,
    ownerId: String(e.ownerId),
    teamId: e.teamId ? String(e.teamId) : null,
    attendees: (e.attendees ?? []).map((a) => ({ email: a.email, name: a.name ?? null, userId: a.userId ? String(a.userId) : null, reply: a.reply, repliedAt: a.repliedAt ? a.repliedAt.toISOString() : null })),
    reminderMinutes: e.reminderMinutes ?? null,
    version: e.version ?? 0,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export interface Occurrence {
  key: string;
  source: 'entry' | 'task';
  id: string;
  kind: string;
  title: string;
  location: string | null;
  startAt: string;
  endAt: string;
  allDay: boolean;
  timeZone: string;
  ownerId: string | null;
  assigneeId: string | null;
  teamId: string | null;
  recurring: boolean;
  status: string | null;
}

/** The starts of an entry's occurrences that overlap [from, to). */
export function occurrenceStarts(entry: Pick<CalendarEntry, 'startAt' | 'endAt' | 'recurrence'>, from: Date, to: Date): Date[] {
  const duration = entry.endAt.getTime() - entry.startAt.getTime();
  if (!entry.recurrence) return entry.startAt < to && entry.endAt > from ? [entry.startAt] : [];
  const rule = rrulestr(`RRULE:${entry.recurrence}`, { dtstart: entry.startAt });
  return rule.between(new Date(from.getTime() - duration), to, true).filter((s) => s.getTime() + duration > from.getTime()).slice(0, MAX_OCCURRENCES);
}

/** When a series ends: its last occurrence's end (UNTIL or COUNT), else never. */
function seriesEnd(startAt: Date, endAt: Date, recurrence: string | null): Date {
  if (!recurrence) return endAt;
  let rule;
  try {
    rule = rrulestr(`RRULE:${recurrence}`, { dtstart: startAt });
  } catch {
    throw AppError.invalidField('recurrence', 'is not an RRULE this API can read (e.g. FREQ=WEEKLY;BYDAY=MO;COUNT=10)');
  }
  if (!rule.options.until && !rule.options.count) return FAR_FUTURE;
  const all = rule.all((_d, i) => i < 5000);
  const last = all.at(-1) ?? startAt;
  return new Date(last.getTime() + (endAt.getTime() - startAt.getTime()));
}

export interface CalendarDeps {
  connection: Connection;
  mailer: Mailer;
  notifications: Pick<NotificationsService, 'notify'>;
  logger: Logger;
  /** The public base of links in mails and feed URLs (https://crm.example.com). */
  publicBase: string;
}

/**
 * Shared calendars (004): entries on personal and team calendars, tasks with a time read beside them,
 * free/busy, invitations with iCalendar attachments and their replies, private feeds and reminders.
 */
export function createCalendarService(deps: CalendarDeps) {
  const Entry = calendarEntryModel(deps.connection);
  const Invitation = calendarInvitationModel(deps.connection);
  const Feed = calendarFeedModel(deps.connection);
  const Task = taskModel(deps.connection);
  const User = userModel(deps.connection);

  /** Entries a principal sees: what the task scope of their role reaches (owners below them), plus entries they attend and their teams' calendars. */
  function entryFilter(principal: Principal): Filter {
    const { tenantId, ...scoped } = visibilityFilter(principal, 'task', 'read');
    if (Object.keys(scoped).length === 0) return { tenantId };
    return { tenantId, $or: [scoped, { attendeeUserIds: principal.userId }, { teamId: op({ $in: principal.teamIds }) }] };
  }
  const taskFilter = (principal: Principal): Filter => visibilityFilter(principal, 'task', 'read');

  function assertWritable(principal: Principal, entry: CalendarEntry) {
    if (principal.role.isAdmin || principal.subordinateUserIds.some((id) => id.equals(entry.ownerId))) return;
    throw new AppError('forbidden', 'Only the owner of a calendar entry (or someone above them) may change it');
  }

  async function findVisible(principal: Principal, id: string): Promise<CalendarEntry> {
    const entry = await Entry.findOne({ ...entryFilter(principal), _id: new Types.ObjectId(id) }).lean<CalendarEntry>();
    if (!entry) throw AppError.notFound('Calendar entry');
    return entry;
  }

  /** Attendee addresses of the agency's users become those users (their calendars, free/busy, reminders). */
  async function resolveAttendees(tenantId: Types.ObjectId, input: { email: string; name?: string | null | undefined }[], previous: Attendee[]): Promise<Attendee[]> {
    const emails = [...new Set(input.map((a) => a.email.trim().toLowerCase()))];
    const users = emails.length ? await User.find({ tenantId, emailNormalized: op({ $in: emails }) }).select('emailNormalized').lean<{ _id: Types.ObjectId; emailNormalized: string }[]>() : [];
    const byEmail = new Map(users.map((u) => [u.emailNormalized, u._id]));
    return emails.map((email) => {
      const before = previous.find((a) => a.email === email);
      const name = input.find((a) => a.email.trim().toLowerCase() === email)?.name ?? before?.name ?? null;
      return { email, name, userId: byEmail.get(email) ?? null, reply: before?.reply ?? 'needsAction', repliedAt: before?.repliedAt ?? null };
    });
  }

  /** The reminder time of the first occurrence starting after `after` (a reminder already late is sent at once). */
  function nextReminder(entry: Pick<CalendarEntry, 'startAt' | 'endAt' | 'recurrence' | 'reminderMinutes'>, after: Date): Date | null {
    if (entry.reminderMinutes === null || entry.reminderMinutes === undefined) return null;
    const lead = entry.reminderMinutes * 60_000;
    const next = occurrenceStarts({ ...entry, endAt: new Date(entry.startAt.getTime() + 1) }, after, new Date(after.getTime() + 366 * 86_400_000))[0];
    return next ? new Date(next.getTime() - lead) : null;
  }

  async function prepare(principal: Principal, input: Record<string, unknown>, existing: CalendarEntry | null): Promise<Partial<CalendarEntry>> {
    const out: Partial<CalendarEntry> = {};
    for (const key of ['kind', 'title', 'description', 'location', 'allDay', 'timeZone', 'recurrence', 'reminderMinutes'] as const) if (key in input) (out as Record<string, unknown>)[key] = input[key] ?? null;
    if (typeof input.startAt === 'string') out.startAt = new Date(input.startAt);
    if (typeof input.endAt === 'string') out.endAt = new Date(input.endAt);
    if ('teamId' in input) {
      const teamId = input.teamId ? new Types.ObjectId(String(input.teamId)) : null;
      if (teamId && !principal.role.isAdmin && !principal.teamIds.some((t) => t.equals(teamId))) throw AppError.invalidField('teamId', 'is not a team you belong to');
      out.teamId = teamId;
    }
    if (input.attendees) {
      out.attendees = await resolveAttendees(principal.tenantId, input.attendees as { email: string; name?: string | null }[], existing?.attendees ?? []);
      out.attendeeUserIds = out.attendees.flatMap((a) => (a.userId ? [a.userId] : []));
    }
    const startAt = out.startAt ?? existing?.startAt;
    const endAt = out.endAt ?? existing?.endAt;
    if (!startAt || !endAt || endAt <= startAt) throw AppError.invalidField('endAt', 'must be after startAt');
    const recurrence = 'recurrence' in out ? (out.recurrence ?? null) : (existing?.recurrence ?? null);
    out.seriesEndAt = seriesEnd(startAt, endAt, recurrence);
    const reminderMinutes = 'reminderMinutes' in out ? (out.reminderMinutes ?? null) : (existing?.reminderMinutes ?? null);
    out.remindAt = nextReminder({ startAt, endAt, recurrence, reminderMinutes }, new Date());
    return out;
  }

  const entryOccurrences = (e: CalendarEntry, from: Date, to: Date): Occurrence[] => {
    const duration = e.endAt.getTime() - e.startAt.getTime();
    return occurrenceStarts(e, from, to).map((start) => ({
      key: `entry:${String(e._id)}:${start.toISOString()}`, source: 'entry', id: String(e._id), kind: e.kind, title: e.title, location: e.location ?? null,
      startAt: start.toISOString(), endAt: new Date(start.getTime() + duration).toISOString(), allDay: e.allDay ?? false, timeZone: e.timeZone,
      ownerId: String(e.ownerId), assigneeId: null, teamId: e.teamId ? String(e.teamId) : null, recurring: !!e.recurrence, status: null,
    }));
  };
  const taskSpan = (t: Task) => (t.chosenSlot ? { start: new Date(t.chosenSlot.start), end: new Date(t.chosenSlot.end) } : { start: t.dueAt!, end: new Date(t.dueAt!.getTime() + TASK_MINUTES * 60_000) });
  const taskOccurrence = (t: Task): Occurrence => {
    const span = taskSpan(t);
    return {
      key: `task:${String(t._id)}`, source: 'task', id: String(t._id), kind: t.kind, title: t.title, location: t.location ?? null, startAt: span.start.toISOString(), endAt: span.end.toISOString(),
      allDay: false, timeZone: 'UTC', ownerId: t.ownerId ? String(t.ownerId) : null, assigneeId: t.assigneeId ? String(t.assigneeId) : null, teamId: t.teamId ? String(t.teamId) : null, recurring: false, status: t.status,
    };
  };
  const inRange = (from: Date, to: Date): Filter => ({ startAt: op({ $lt: to }), seriesEndAt: op({ $gt: from }) });
  // A task shows at its due time; one that started before `from` but runs into it is within a day of it.
  const tasksInRange = (from: Date, to: Date): Filter => ({ dueAt: op({ $gte: new Date(from.getTime() - 86_400_000), $lt: to }) });

  async function sendInvitation(entry: CalendarEntry, attendee: Attendee, organizer: { name: string; email: string }) {
    const token = randomBytes(24).toString('base64url');
    await Invitation.create({ tenantId: entry.tenantId, entryId: entry._id, email: attendee.email, tokenHash: hashToken(token) });
    const replyUrl = `${deps.publicBase}/v1/calendar-invitations/${token}`;
    const ics = buildIcs([{ uid: `${String(entry._id)}@crm`, title: entry.title, description: entry.description, location: entry.location, startAt: entry.startAt, endAt: entry.endAt, allDay: entry.allDay, timeZone: entry.timeZone, recurrence: entry.recurrence, sequence: entry.sequence, organizer, attendees: entry.attendees }], { method: 'REQUEST' });
    const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: entry.timeZone }).format(entry.startAt);
    const text = `${organizer.name} invites you to "${entry.title}" on ${when} (${entry.timeZone})${entry.location ? ` at ${entry.location}` : ''}.\n\nAccept or decline in your calendar, or here: ${replyUrl}\n`;
    const html = `<p>${escapeHtml(organizer.name)} invites you to <strong>${escapeHtml(entry.title)}</strong> on ${escapeHtml(when)} (${escapeHtml(entry.timeZone)})${entry.location ? ` at ${escapeHtml(entry.location)}` : ''}.</p><p>Accept or decline in your calendar, or here: <a href="${escapeHtml(replyUrl)}">${escapeHtml(replyUrl)}</a></p>`;
    await deps.mailer.send({ to: attendee.email, subject: `Invitation: ${entry.title}`, text, html, icalEvent: { method: 'REQUEST', content: ics, filename: 'invite.ics' }, attachments: [{ filename: 'invite.ics', content: ics, contentType: 'application/ics' }] });
  }

  async function invitationByToken(token: string) {
    const invitation = await Invitation.findOne({ tokenHash: hashToken(token) }).setOptions({ crossTenant: 'calendar invitation found by its token' }).lean();
    if (!invitation) throw AppError.notFound('Invitation');
    const entry = await Entry.findOne({ tenantId: invitation.tenantId, _id: invitation.entryId }).lean<CalendarEntry>();
    if (!entry) throw AppError.notFound('Invitation');
    return { invitation, entry };
  }
  const publicInvitation = (entry: CalendarEntry, email: string) => ({ title: entry.title, startAt: entry.startAt.toISOString(), endAt: entry.endAt.toISOString(), timeZone: entry.timeZone, location: entry.location ?? null, email, reply: entry.attendees.find((a) => a.email === email)?.reply ?? 'needsAction' });

  return {
    entryFilter,

    async create(principal: Principal, input: Record<string, unknown>) {
      const prepared = await prepare(principal, { timeZone: 'UTC', ...input }, null);
      const created = await Entry.create({ tenantId: principal.tenantId, ownerId: principal.userId, departmentId: principal.departmentId, attendees: [], attendeeUserIds: [], ...prepared });
      return toEntryDto(created.toObject());
    },

    async get(principal: Principal, id: string) {
      return toEntryDto(await findVisible(principal, id));
    },

    async update(principal: Principal, id: string, patch: Record<string, unknown>, ifMatch?: number) {
      const entry = await findVisible(principal, id);
      assertWritable(principal, entry);
      if (ifMatch !== undefined && ifMatch !== entry.version) throw new AppError('version_conflict', `The entry is at version ${entry.version}; reload and try again`);
      const prepared = await prepare(principal, patch, entry);
      const timesMoved = ['startAt', 'endAt', 'recurrence', 'timeZone'].some((k) => k in patch);
      const written = await Entry.updateOne({ tenantId: principal.tenantId, _id: entry._id, version: entry.version }, { $set: { ...prepared, updatedAt: new Date() }, $inc: { version: 1, sequence: timesMoved ? 1 : 0 } });
      if (!written.modifiedCount) throw new AppError('version_conflict', 'The entry changed meanwhile; reload and try again');
      return toEntryDto((await Entry.findOne({ tenantId: principal.tenantId, _id: entry._id }).lean<CalendarEntry>())!);
    },

    async remove(principal: Principal, id: string) {
      const entry = await findVisible(principal, id);
      assertWritable(principal, entry);
      await Entry.deleteOne({ tenantId: principal.tenantId, _id: entry._id });
      await Invitation.deleteMany({ tenantId: principal.tenantId, entryId: entry._id });
    },

    /** Everything on the calendars the caller sees in [from, to): entries (series expanded) and tasks with a due time. */
    async range(principal: Principal, query: { from: string; to: string; userId?: string | undefined; teamId?: string | undefined }) {
      const from = new Date(query.from);
      const to = new Date(query.to);
      const entryWhere: Filter[] = [entryFilter(principal), inRange(from, to)];
      const taskWhere: Filter[] = [taskFilter(principal), tasksInRange(from, to)];
      if (query.userId) {
        const userId = new Types.ObjectId(query.userId);
        entryWhere.push({ $or: [{ ownerId: userId }, { attendeeUserIds: userId }] });
        taskWhere.push({ assigneeId: userId });
      }
      if (query.teamId) {
        entryWhere.push({ teamId: new Types.ObjectId(query.teamId) });
        taskWhere.push({ teamId: new Types.ObjectId(query.teamId) });
      }
      const [entries, tasks] = await Promise.all([
        Entry.find({ tenantId: principal.tenantId, $and: entryWhere }).lean<CalendarEntry[]>(),
        Task.find({ tenantId: principal.tenantId, $and: taskWhere }).lean<Task[]>(),
      ]);
      const data = [
        ...entries.flatMap((e) => entryOccurrences(e, from, to)),
        ...tasks.map(taskOccurrence).filter((o) => Date.parse(o.endAt) > from.getTime()),
      ].sort((a, b) => a.startAt.localeCompare(b.startAt) || a.key.localeCompare(b.key));
      return { data };
    },

    /** Busy intervals per user; titles and ids only of what the caller may see, bare intervals otherwise. */
    async freeBusy(principal: Principal, query: { from: string; to: string; userIds: string }) {
      const from = new Date(query.from);
      const to = new Date(query.to);
      const userIds = [...new Set(query.userIds.split(','))].map((id) => new Types.ObjectId(id));
      const tenantId = principal.tenantId;
      const [entries, tasks] = await Promise.all([
        Entry.find({ tenantId, $and: [inRange(from, to), { $or: [{ ownerId: op({ $in: userIds }) }, { attendeeUserIds: op({ $in: userIds }) }] }] }).lean<CalendarEntry[]>(),
        Task.find({ tenantId, $and: [tasksInRange(from, to), { assigneeId: op({ $in: userIds }) }] }).lean<Task[]>(),
      ]);
      const canSeeEntry = entryFilter(principal);
      const canSeeTask = taskFilter(principal);
      const data = userIds.map((userId) => {
        const busy: { startAt: string; endAt: string; title?: string; id?: string; source?: 'entry' | 'task' }[] = [];
        for (const e of entries) {
          const attendee = e.attendees.find((a) => a.userId?.equals(userId));
          if (!e.ownerId.equals(userId) && !attendee) continue;
          if (attendee?.reply === 'declined') continue;
          const visible = matchesFilter(e as unknown as Record<string, unknown>, canSeeEntry);
          for (const o of entryOccurrences(e, from, to)) busy.push({ startAt: o.startAt, endAt: o.endAt, ...(visible ? { title: o.title, id: o.id, source: 'entry' as const } : {}) });
        }
        for (const t of tasks) {
          if (!t.assigneeId?.equals(userId) || t.status === 'done' || t.status === 'aborted') continue;
          const o = taskOccurrence(t);
          if (Date.parse(o.endAt) <= from.getTime()) continue;
          const visible = matchesFilter(t as unknown as Record<string, unknown>, canSeeTask);
          busy.push({ startAt: o.startAt, endAt: o.endAt, ...(visible ? { title: o.title, id: o.id, source: 'task' as const } : {}) });
        }
        busy.sort((a, b) => a.startAt.localeCompare(b.startAt));
        return { userId: String(userId), busy };
      });
      return { data };
    },

    /** Mails every attendee (or those not yet invited) an invitation with the entry as an iCalendar REQUEST. */
    async invite(principal: Principal, id: string) {
      const entry = await findVisible(principal, id);
      assertWritable(principal, entry);
      if (!entry.attendees.length) throw AppError.invalidField('attendees', 'are needed before inviting: add at least one');
      const owner = await User.findOne({ tenantId: principal.tenantId, _id: entry.ownerId }).select('email name firstName lastName').lean<{ email: string; name?: string; firstName?: string; lastName?: string }>();
      const organizer = { name: owner?.name ?? ([owner?.firstName, owner?.lastName].filter(Boolean).join(' ') || (owner?.email ?? 'CRM')), email: owner?.email ?? 'calendar@crm.invalid' };
      const sent: string[] = [];
      for (const attendee of entry.attendees) {
        await sendInvitation(entry, attendee, organizer);
        sent.push(attendee.email);
      }
      return { sent, entry: toEntryDto(entry) };
    },

    async invitation(token: string) {
      const { invitation, entry } = await invitationByToken(token);
      return publicInvitation(entry, invitation.email);
    },

    /** An attendee's accept, decline or maybe from the link in their invitation. */
    async reply(token: string, reply: Reply) {
      const { invitation, entry } = await invitationByToken(token);
      // The attendee list is rewritten whole under the version (no positional updates on FerretDB); a lost race retries.
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const current = attempt === 0 ? entry : (await Entry.findOne({ tenantId: entry.tenantId, _id: entry._id }).lean<CalendarEntry>())!;
        const attendees = current.attendees.map((a) => (a.email === invitation.email ? { ...a, reply, repliedAt: new Date() } : a));
        const written = await Entry.updateOne({ tenantId: entry.tenantId, _id: entry._id, version: current.version }, { $set: { attendees }, $inc: { version: 1 } });
        if (written.modifiedCount) {
          const owner = entry.ownerId;
          await deps.notifications.notify({ tenantId: entry.tenantId, userId: owner, category: 'calendar.reply', title: `${invitation.email} ${reply} "${entry.title}"`, resource: 'calendarEntry', resourceId: String(entry._id) });
          return publicInvitation({ ...current, attendees }, invitation.email);
        }
      }
      throw new AppError('conflict', 'The entry is being changed; try again');
    },

    /** A new private feed URL for the caller; the previous one stops working at once. */
    async rotateFeed(principal: Principal) {
      await Feed.updateMany({ tenantId: principal.tenantId, userId: principal.userId, revokedAt: null }, { $set: { revokedAt: new Date() } });
      const token = randomBytes(24).toString('base64url');
      const feed = await Feed.create({ tenantId: principal.tenantId, userId: principal.userId, tokenHash: hashToken(token) });
      return { url: `${deps.publicBase}/v1/calendar-feeds/${token}.ics`, createdAt: feed.createdAt.toISOString() };
    },

    async revokeFeed(principal: Principal) {
      await Feed.updateMany({ tenantId: principal.tenantId, userId: principal.userId, revokedAt: null }, { $set: { revokedAt: new Date() } });
    },

    async feedStatus(principal: Principal) {
      const active = await Feed.findOne({ tenantId: principal.tenantId, userId: principal.userId, revokedAt: null }).lean();
      return { active: !!active, createdAt: active ? active.createdAt.toISOString() : null };
    },

    /** The iCalendar document behind a feed URL: the user's entries (a quarter back, a year ahead) and tasks with a time. */
    async feed(token: string, loadPrincipal: (tenantId: Types.ObjectId, userId: Types.ObjectId) => Promise<Principal | null>, now = new Date()) {
      const feed = await Feed.findOne({ tokenHash: hashToken(token) }).setOptions({ crossTenant: 'calendar feed found by its token' }).lean();
      if (!feed || feed.revokedAt) throw AppError.notFound('Calendar feed');
      const principal = await loadPrincipal(feed.tenantId, feed.userId);
      if (!principal) throw AppError.notFound('Calendar feed');
      const from = new Date(now.getTime() - 92 * 86_400_000);
      const to = new Date(now.getTime() + 366 * 86_400_000);
      const mine = { $or: [{ ownerId: principal.userId }, { attendeeUserIds: principal.userId }, { teamId: op({ $in: principal.teamIds }) }] };
      const [entries, tasks] = await Promise.all([
        Entry.find({ tenantId: principal.tenantId, $and: [entryFilter(principal), inRange(from, to), mine] }).lean<CalendarEntry[]>(),
        Task.find({ tenantId: principal.tenantId, $and: [taskFilter(principal), tasksInRange(from, to), { assigneeId: principal.userId }] }).lean<Task[]>(),
      ]);
      const events: IcsEvent[] = [
        ...entries.map((e) => ({ uid: `${String(e._id)}@crm`, title: e.title, description: e.description, location: e.location, startAt: e.startAt, endAt: e.endAt, allDay: e.allDay, timeZone: e.timeZone, recurrence: e.recurrence, sequence: e.sequence, attendees: e.attendees })),
        ...tasks.map((t) => ({ uid: `task-${String(t._id)}@crm`, title: t.title, description: t.description, location: t.location, startAt: taskSpan(t).start, endAt: taskSpan(t).end, timeZone: 'UTC' })),
      ];
      return buildIcs(events, { method: 'PUBLISH', name: 'CRM' });
    },

    /** Sends the reminders that are due (run by the minute job; safe twice: one notification per occurrence and user). */
    async sendDueReminders(now = new Date()) {
      const due = await Entry.find({ remindAt: op({ $lte: now }) }).setOptions({ crossTenant: 'the reminder job reads every agency’s due reminders' }).limit(500).lean<CalendarEntry[]>();
      let sent = 0;
      for (const entry of due) {
        const lead = (entry.reminderMinutes ?? 0) * 60_000;
        const occurrence = new Date(entry.remindAt!.getTime() + lead);
        const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: entry.timeZone }).format(occurrence);
        for (const userId of [entry.ownerId, ...entry.attendees.filter((a) => a.userId && a.reply !== 'declined').map((a) => a.userId!)]) {
          const made = await deps.notifications.notify({ tenantId: entry.tenantId, userId, category: 'calendar.reminder', title: `Reminder: ${entry.title}`, body: `${when} (${entry.timeZone})`, resource: 'calendarEntry', resourceId: String(entry._id), dedupeKey: `calendar-reminder:${String(entry._id)}:${occurrence.toISOString()}:${String(userId)}` });
          if (made) sent += 1;
        }
        await Entry.updateOne({ tenantId: entry.tenantId, _id: entry._id }, { $set: { remindAt: nextReminder(entry, new Date(occurrence.getTime() + 1)) } });
      }
      return sent;
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;
