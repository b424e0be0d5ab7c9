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
import { rangeWeeks } from '../../platform/db/time-buckets.js';
import { taskSpan } from '../tasks/task-filing.js';
import { entryBuckets, rangeBuckets } from './calendar-buckets.js';
import { createCalendarBucketCache } from './calendar-bucket-cache.js';
import { forDueReminders, reminderMinute } from './calendar-reminders.js';
import { calendarEntryModel, calendarFeedModel, calendarInvitationModel, type Attendee, type CalendarEntry, type Reply } from './calendar.model.js';

const { rrulestr } = rrule;
type Filter = Record<string, unknown>;
const FAR_FUTURE = new Date('9999-12-31T00:00:00Z');
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
    exceptions: (e.exceptions ?? []).map((d) => d.toISOString()),
    overrides: (e.overrides ?? []).map((o) => ({ recurrenceId: o.recurrenceId.toISOString(), title: o.title, description: o.description ?? null, location: o.location ?? null, startAt: o.startAt.toISOString(), endAt: o.endAt.toISOString() })),
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
  recurrenceId: string | null;
  status: string | null;
}

/** The starts of an entry's occurrences that overlap [from, to). */
export function occurrenceStarts(entry: Pick<CalendarEntry, 'startAt' | 'endAt' | 'recurrence'>, from: Date, to: Date): Date[] {
  const duration = entry.endAt.getTime() - entry.startAt.getTime();
  if (!entry.recurrence) return entry.startAt < to && entry.endAt > from ? [entry.startAt] : [];
  const rule = rrulestr(`RRULE:${entry.recurrence}`, { dtstart: entry.startAt });
  return rule.between(new Date(from.getTime() - duration), to, true).filter((s) => s.getTime() + duration > from.getTime()).slice(0, MAX_OCCURRENCES);
}

/** Whether `start` is an occurrence the series' rule generates (cancelled or not). */
export function isSeriesOccurrence(entry: Pick<CalendarEntry, 'startAt' | 'recurrence'>, start: Date): boolean {
  if (!entry.recurrence) return false;
  return rrulestr(`RRULE:${entry.recurrence}`, { dtstart: entry.startAt }).between(start, start, true).some((d) => d.getTime() === start.getTime());
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
  /** Each range bucket's raw entries under its write stamp (calendar-bucket-cache.ts); every entry write below touches it. */
  const buckets = createCalendarBucketCache<CalendarEntry>(deps.connection, (tenantId, bucket) => Entry.find({ tenantId, buckets: bucket }).lean<CalendarEntry[]>());
  /** Runs an entry write between two moves of the stamps of the buckets it was and will be filed in. */
  async function touching<T>(tenantId: Types.ObjectId, filed: Iterable<string>, write: () => Promise<T>): Promise<T> {
    const keys = [...new Set(filed)];
    await buckets.touch(tenantId, keys);
    try {
      return await write();
    } finally {
      await buckets.touch(tenantId, keys);
    }
  }

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

  /**
   * The reminder time of the first occurrence starting after `after` (a reminder already late is sent at
   * once): cancelled occurrences are skipped, moved ones remind at their new start.
   */
  function nextReminder(entry: Pick<CalendarEntry, 'startAt' | 'endAt' | 'recurrence' | 'reminderMinutes'> & Partial<Pick<CalendarEntry, 'exceptions' | 'overrides'>>, after: Date): Date | null {
    if (entry.reminderMinutes === null || entry.reminderMinutes === undefined) return null;
    const lead = entry.reminderMinutes * 60_000;
    const horizon = new Date(after.getTime() + 366 * 86_400_000);
    const replaced = new Set([...(entry.exceptions ?? []), ...(entry.overrides ?? []).map((o) => o.recurrenceId)].map((d) => d.getTime()));
    const starts = [
      ...occurrenceStarts({ ...entry, endAt: new Date(entry.startAt.getTime() + 1) }, after, horizon).filter((start) => !replaced.has(start.getTime())),
      ...(entry.overrides ?? []).map((o) => o.startAt).filter((start) => start >= after && start < horizon),
    ].map((d) => d.getTime());
    return starts.length ? new Date(Math.min(...starts) - lead) : null;
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
    // Cancelled and changed occurrences are named by the starts the rule gave them: a new start or rule drops them.
    const sameSeries = !!existing && recurrence === existing.recurrence && startAt.getTime() === existing.startAt.getTime();
    if (existing && !sameSeries) Object.assign(out, { exceptions: [], overrides: [] });
    const overrides = sameSeries ? (existing.overrides ?? []) : [];
    out.seriesEndAt = new Date(Math.max(seriesEnd(startAt, endAt, recurrence).getTime(), ...overrides.map((o) => o.endAt.getTime())));
    out.buckets = entryBuckets({ startAt, endAt, seriesEndAt: out.seriesEndAt, recurrence, overrides });
    const reminderMinutes = 'reminderMinutes' in out ? (out.reminderMinutes ?? null) : (existing?.reminderMinutes ?? null);
    out.remindAt = nextReminder({ startAt, endAt, recurrence, reminderMinutes, exceptions: sameSeries ? (existing.exceptions ?? []) : [], overrides }, new Date());
    out.remindMinute = reminderMinute(out.remindAt);
    return out;
  }

  /**
   * An entry's occurrences overlapping [from, to): the rule's, less the cancelled ones (EXDATE), with each
   * changed one (RECURRENCE-ID) shown where and as it was changed to, keyed by the start the rule gave it.
   */
  const entryOccurrences = (e: CalendarEntry, from: Date, to: Date): Occurrence[] => {
    const duration = e.endAt.getTime() - e.startAt.getTime();
    const replaced = new Set([...(e.exceptions ?? []), ...(e.overrides ?? []).map((o) => o.recurrenceId)].map((d) => d.getTime()));
    const occurrence = (recurrenceId: Date, shown: { title: string; location: string | null; startAt: Date; endAt: Date }): Occurrence => ({
      key: `entry:${String(e._id)}:${recurrenceId.toISOString()}`, source: 'entry', id: String(e._id), kind: e.kind, title: shown.title, location: shown.location ?? null,
      startAt: shown.startAt.toISOString(), endAt: shown.endAt.toISOString(), allDay: e.allDay ?? false, timeZone: e.timeZone,
      ownerId: String(e.ownerId), assigneeId: null, teamId: e.teamId ? String(e.teamId) : null, recurring: !!e.recurrence, recurrenceId: e.recurrence ? recurrenceId.toISOString() : null, status: null,
    });
    const generated = occurrenceStarts(e, from, to).filter((start) => !replaced.has(start.getTime())).map((start) => occurrence(start, { title: e.title, location: e.location, startAt: start, endAt: new Date(start.getTime() + duration) }));
    const changed = (e.overrides ?? []).filter((o) => o.startAt < to && o.endAt > from).map((o) => occurrence(o.recurrenceId, o));
    return [...generated, ...changed];
  };
  const taskOccurrence = (t: Task): Occurrence => {
    const span = taskSpan(t)!;
    return {
      key: `task:${String(t._id)}`, source: 'task', id: String(t._id), kind: t.kind, title: t.title, location: t.location ?? null, startAt: span.start.toISOString(), endAt: span.end.toISOString(),
      allDay: false, timeZone: 'UTC', ownerId: t.ownerId ? String(t.ownerId) : null, assigneeId: t.assigneeId ? String(t.assigneeId) : null, teamId: t.teamId ? String(t.teamId) : null, recurring: false, recurrenceId: null, status: t.status,
    };
  };
  /**
   * The entries in [from, to) that match `where`: each range bucket (week or year) the range touches, read
   * whole by an equality on `buckets` that FerretDB pushes down (only that week's or year's series' entries
   * are decoded, never the agency's) and kept under the bucket's write stamp (calendar-bucket-cache.ts), so a
   * warm read costs one stamp read per bucket; then the range and `where` (the access module's visibility
   * filter among them) are matched per request on the raw entries with the access module's matcher. 8 buckets
   * at a time, an entry filed in several buckets answered once. The entries are shared: callers do not change them.
   */
  async function entriesIn(tenantId: Types.ObjectId, from: Date, to: Date, where: Filter[]): Promise<CalendarEntry[]> {
    const asOf = performance.now();
    const keys = rangeBuckets(from, to);
    const found = new Map<string, CalendarEntry>();
    for (let i = 0; i < keys.length; i += 8) {
      const batches = await Promise.all(keys.slice(i, i + 8).map((bucket) => buckets.entries(tenantId, bucket, asOf)));
      for (const entry of batches.flat()) {
        if (!(entry.startAt < to && entry.seriesEndAt > from)) continue;
        if (where.every((filter) => matchesFilter(entry as unknown as Record<string, unknown>, filter))) found.set(String(entry._id), entry);
      }
    }
    return [...found.values()];
  }
  /**
   * The tasks whose calendar span meets [from, to) and that match `where`: one read per week of the range,
   * each an equality on `calendarWeeks` that FerretDB pushes down, so only that week's tasks are decoded,
   * never the agency's; 8 reads at a time, a task filed in several weeks answered once. `equal` holds
   * top-level equalities (an assignee, a team) that are pushed down with the week.
   */
  async function tasksIn(tenantId: Types.ObjectId, from: Date, to: Date, where: Filter[], equal: Record<string, Types.ObjectId> = {}): Promise<Task[]> {
    const keys = rangeWeeks(from, to);
    const found = new Map<string, Task>();
    for (let i = 0; i < keys.length; i += 8) {
      const batches = await Promise.all(keys.slice(i, i + 8).map((week) => Task.find({ ...equal, tenantId, calendarWeeks: week, ...(where.length ? { $and: where } : {}) }).lean<Task[]>()));
      for (const task of batches.flat()) {
        const shown = taskSpan(task);
        if (shown && shown.start < to && shown.end > from) found.set(String(task._id), task);
      }
    }
    return [...found.values()];
  }

  /** An entry as iCalendar events: the series (RRULE, EXDATE) and one VEVENT per changed occurrence (same UID, RECURRENCE-ID). */
  function seriesIcsEvents(e: CalendarEntry): IcsEvent[] {
    const base = { uid: `${String(e._id)}@crm`, allDay: e.allDay, timeZone: e.timeZone, sequence: e.sequence, attendees: e.attendees };
    return [
      { ...base, title: e.title, description: e.description, location: e.location, startAt: e.startAt, endAt: e.endAt, recurrence: e.recurrence, exceptions: e.exceptions ?? [] },
      ...(e.recurrence ? (e.overrides ?? []) : []).map((o) => ({ ...base, title: o.title, description: o.description, location: o.location, startAt: o.startAt, endAt: o.endAt, recurrenceId: o.recurrenceId })),
    ];
  }

  /** The occurrence of a writable series at `occurrenceStart`, or a problem naming the field. */
  async function findOccurrence(principal: Principal, id: string, occurrenceStart: string) {
    const entry = await findVisible(principal, id);
    assertWritable(principal, entry);
    const start = new Date(occurrenceStart);
    if (!entry.recurrence) throw AppError.invalidField('occurrenceStart', 'names an occurrence, but this entry is not recurring: change the entry itself');
    if (!isSeriesOccurrence(entry, start)) throw AppError.invalidField('occurrenceStart', `is not an occurrence of this series (${entry.recurrence} from ${entry.startAt.toISOString()})`);
    return { entry, start, cancelled: (entry.exceptions ?? []).some((d) => d.getTime() === start.getTime()) };
  }

  /** Writes a series' exceptions and overrides under its version, filed again in its buckets. */
  async function writeOccurrences(entry: CalendarEntry, exceptions: Date[], overrides: CalendarEntry['overrides']) {
    const seriesEndAt = new Date(Math.max(seriesEnd(entry.startAt, entry.endAt, entry.recurrence).getTime(), ...overrides.map((o) => o.endAt.getTime())));
    const buckets = entryBuckets({ ...entry, seriesEndAt, overrides });
    const remindAt = nextReminder({ ...entry, exceptions, overrides }, new Date());
    const written = await touching(entry.tenantId, [...(entry.buckets ?? []), ...buckets], () => Entry.updateOne({ tenantId: entry.tenantId, _id: entry._id, version: entry.version }, { $set: { exceptions, overrides, seriesEndAt, buckets, remindAt, remindMinute: reminderMinute(remindAt), updatedAt: new Date() }, $inc: { version: 1, sequence: 1 } }));
    if (!written.modifiedCount) throw new AppError('version_conflict', 'The entry changed meanwhile; reload and try again');
    return (await Entry.findOne({ tenantId: entry.tenantId, _id: entry._id }).lean<CalendarEntry>())!;
  }

  async function organizerOf(entry: CalendarEntry) {
    const owner = await User.findOne({ tenantId: entry.tenantId, _id: entry.ownerId }).select('email name firstName lastName').lean<{ email: string; name?: string; firstName?: string; lastName?: string }>();
    return { name: owner?.name ?? ([owner?.firstName, owner?.lastName].filter(Boolean).join(' ') || (owner?.email ?? 'CRM')), email: owner?.email ?? 'calendar@crm.invalid' };
  }

  /** Tells the invited attendees that one occurrence is cancelled: METHOD:CANCEL with its RECURRENCE-ID. */
  async function mailOccurrenceCancelled(entry: CalendarEntry, start: Date) {
    const invited = new Set((await Invitation.find({ tenantId: entry.tenantId, entryId: entry._id }).select('email').lean<{ email: string }[]>()).map((i) => i.email));
    const attendees = entry.attendees.filter((a) => invited.has(a.email));
    if (!attendees.length) return;
    const organizer = await organizerOf(entry);
    const duration = entry.endAt.getTime() - entry.startAt.getTime();
    const ics = buildIcs([{ uid: `${String(entry._id)}@crm`, title: entry.title, startAt: start, endAt: new Date(start.getTime() + duration), allDay: entry.allDay, timeZone: entry.timeZone, recurrenceId: start, status: 'CANCELLED', sequence: entry.sequence, organizer, attendees: entry.attendees }], { method: 'CANCEL' });
    const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: entry.timeZone }).format(start);
    for (const attendee of attendees) {
      const text = `${organizer.name} cancelled "${entry.title}" on ${when} (${entry.timeZone}). The other occurrences stay as they are.\n`;
      const html = `<p>${escapeHtml(organizer.name)} cancelled <strong>${escapeHtml(entry.title)}</strong> on ${escapeHtml(when)} (${escapeHtml(entry.timeZone)}). The other occurrences stay as they are.</p>`;
      await deps.mailer.send({ to: attendee.email, subject: `Cancelled: ${entry.title} (${when})`, text, html, icalEvent: { method: 'CANCEL', content: ics, filename: 'cancel.ics' }, attachments: [{ filename: 'cancel.ics', content: ics, contentType: 'application/ics' }] });
    }
  }

  async function sendInvitation(entry: CalendarEntry, attendee: Attendee, organizer: { name: string; email: string }) {
    const token = randomBytes(24).toString('base64url');
    await Invitation.create({ tenantId: entry.tenantId, entryId: entry._id, email: attendee.email, tokenHash: hashToken(token) });
    const replyUrl = `${deps.publicBase}/v1/calendar-invitations/${token}`;
    const ics = buildIcs(seriesIcsEvents(entry).map((e) => ({ ...e, organizer })), { method: 'REQUEST' });
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
      const created = await touching(principal.tenantId, prepared.buckets ?? [], () => Entry.create({ tenantId: principal.tenantId, ownerId: principal.userId, departmentId: principal.departmentId, attendees: [], attendeeUserIds: [], ...prepared }));
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
      const written = await touching(principal.tenantId, [...(entry.buckets ?? []), ...(prepared.buckets ?? [])], () => Entry.updateOne({ tenantId: principal.tenantId, _id: entry._id, version: entry.version }, { $set: { ...prepared, updatedAt: new Date() }, $inc: { version: 1, sequence: timesMoved ? 1 : 0 } }));
      if (!written.modifiedCount) throw new AppError('version_conflict', 'The entry changed meanwhile; reload and try again');
      return toEntryDto((await Entry.findOne({ tenantId: principal.tenantId, _id: entry._id }).lean<CalendarEntry>())!);
    },

    async remove(principal: Principal, id: string) {
      const entry = await findVisible(principal, id);
      assertWritable(principal, entry);
      await touching(principal.tenantId, entry.buckets ?? [], () => Entry.deleteOne({ tenantId: principal.tenantId, _id: entry._id }));
      await Invitation.deleteMany({ tenantId: principal.tenantId, entryId: entry._id });
    },

    /** Moves or retitles one occurrence of a series: stored with the series as an override (RECURRENCE-ID). */
    async updateOccurrence(principal: Principal, id: string, occurrenceStart: string, patch: { title?: string | undefined; description?: string | null | undefined; location?: string | null | undefined; startAt?: string | undefined; endAt?: string | undefined }, ifMatch?: number) {
      const { entry, start, cancelled } = await findOccurrence(principal, id, occurrenceStart);
      if (cancelled) throw AppError.notFound('Occurrence (it was cancelled)');
      if (ifMatch !== undefined && ifMatch !== entry.version) throw new AppError('version_conflict', `The entry is at version ${entry.version}; reload and try again`);
      const duration = entry.endAt.getTime() - entry.startAt.getTime();
      const previous = (entry.overrides ?? []).find((o) => o.recurrenceId.getTime() === start.getTime());
      const current = previous ?? { recurrenceId: start, title: entry.title, description: entry.description ?? null, location: entry.location ?? null, startAt: start, endAt: new Date(start.getTime() + duration) };
      const startAt = patch.startAt ? new Date(patch.startAt) : current.startAt;
      // Moving the start alone keeps the occurrence's length.
      const endAt = patch.endAt ? new Date(patch.endAt) : patch.startAt ? new Date(startAt.getTime() + (current.endAt.getTime() - current.startAt.getTime())) : current.endAt;
      if (endAt <= startAt) throw AppError.invalidField('endAt', 'must be after startAt');
      // The range reads find a series from its first start on (FerretDB filters only by top-level fields).
      if (startAt < entry.startAt) throw AppError.invalidField('startAt', `cannot be before the series begins (${entry.startAt.toISOString()}); change the series instead`);
      const override = {
        recurrenceId: start, title: patch.title ?? current.title, startAt, endAt,
        description: 'description' in patch ? (patch.description ?? null) : current.description, location: 'location' in patch ? (patch.location ?? null) : current.location,
      };
      const overrides = [...(entry.overrides ?? []).filter((o) => o !== previous), override].sort((a, b) => a.recurrenceId.getTime() - b.recurrenceId.getTime());
      return toEntryDto(await writeOccurrences(entry, entry.exceptions ?? [], overrides));
    },

    /** Cancels one occurrence of a series (an EXDATE) and mails its invited attendees a CANCEL for it; cancelling it again changes nothing. */
    async cancelOccurrence(principal: Principal, id: string, occurrenceStart: string) {
      const { entry, start, cancelled } = await findOccurrence(principal, id, occurrenceStart);
      if (cancelled) return;
      const exceptions = [...(entry.exceptions ?? []), start].sort((a, b) => a.getTime() - b.getTime());
      const written = await writeOccurrences(entry, exceptions, (entry.overrides ?? []).filter((o) => o.recurrenceId.getTime() !== start.getTime()));
      await mailOccurrenceCancelled(written, start);
    },

    /** Everything on the calendars the caller sees in [from, to): entries (series expanded) and tasks with a due time. */
    async range(principal: Principal, query: { from: string; to: string; userId?: string | undefined; teamId?: string | undefined }) {
      const from = new Date(query.from);
      const to = new Date(query.to);
      const entryWhere: Filter[] = [entryFilter(principal)];
      const taskEqual: Record<string, Types.ObjectId> = {};
      if (query.userId) {
        const userId = new Types.ObjectId(query.userId);
        entryWhere.push({ $or: [{ ownerId: userId }, { attendeeUserIds: userId }] });
        taskEqual.assigneeId = userId;
      }
      if (query.teamId) {
        entryWhere.push({ teamId: new Types.ObjectId(query.teamId) });
        taskEqual.teamId = new Types.ObjectId(query.teamId);
      }
      const [entries, tasks] = await Promise.all([
        entriesIn(principal.tenantId, from, to, entryWhere),
        tasksIn(principal.tenantId, from, to, [taskFilter(principal)], taskEqual),
      ]);
      const data = [
        ...entries.flatMap((e) => entryOccurrences(e, from, to)),
        ...tasks.map(taskOccurrence),
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
        entriesIn(tenantId, from, to, [{ $or: [{ ownerId: op({ $in: userIds }) }, { attendeeUserIds: op({ $in: userIds }) }] }]),
        // One user: the assignee is pushed down with the week; several: matched among the week's tasks.
        userIds.length === 1 ? tasksIn(tenantId, from, to, [], { assigneeId: userIds[0]! }) : tasksIn(tenantId, from, to, [{ assigneeId: op({ $in: userIds }) }]),
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
      const organizer = await organizerOf(entry);
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
        const written = await touching(entry.tenantId, current.buckets ?? [], () => Entry.updateOne({ tenantId: entry.tenantId, _id: entry._id, version: current.version }, { $set: { attendees }, $inc: { version: 1 } }));
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
        entriesIn(principal.tenantId, from, to, [entryFilter(principal), mine]),
        tasksIn(principal.tenantId, from, to, [taskFilter(principal)], { assigneeId: principal.userId }),
      ]);
      const events: IcsEvent[] = [
        ...entries.flatMap(seriesIcsEvents),
        ...tasks.map((t) => ({ uid: `task-${String(t._id)}@crm`, title: t.title, description: t.description, location: t.location, startAt: taskSpan(t)!.start, endAt: taskSpan(t)!.end, timeZone: 'UTC' })),
      ];
      return buildIcs(events, { method: 'PUBLISH', name: 'CRM' });
    },

    /** Sends the reminders that are due (run by the minute job; safe twice: one notification per occurrence and user); `catchUpMs`: how far back after a stop (a day). */
    async sendDueReminders(now = new Date(), catchUpMs?: number) {
      let sent = 0;
      await forDueReminders(deps.connection, now, async (entry) => {
        const lead = (entry.reminderMinutes ?? 0) * 60_000;
        const occurrence = new Date(entry.remindAt!.getTime() + lead);
        const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: entry.timeZone }).format(occurrence);
        for (const userId of [entry.ownerId, ...entry.attendees.filter((a) => a.userId && a.reply !== 'declined').map((a) => a.userId!)]) {
          const made = await deps.notifications.notify({ tenantId: entry.tenantId, userId, category: 'calendar.reminder', title: `Reminder: ${entry.title}`, body: `${when} (${entry.timeZone})`, resource: 'calendarEntry', resourceId: String(entry._id), dedupeKey: `calendar-reminder:${String(entry._id)}:${occurrence.toISOString()}:${String(userId)}` });
          if (made) sent += 1;
        }
        const next = nextReminder(entry, new Date(occurrence.getTime() + 1));
        // Only if the entry was not changed meanwhile (its own write filed its reminder).
        await Entry.updateOne({ tenantId: entry.tenantId, _id: entry._id, version: entry.version }, { $set: { remindAt: next, remindMinute: reminderMinute(next, now) } });
      }, { logger: deps.logger, catchUpMs });
      return sent;
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;
