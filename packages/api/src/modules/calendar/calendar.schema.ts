import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { entryKinds, replies } from './calendar.model.js';

const timestamp = z.iso.datetime({ offset: true }).openapi({ example: '2026-03-02T10:00:00Z' });
const timeZone = z
  .string()
  .max(64)
  .refine((zone) => { try { new Intl.DateTimeFormat('en', { timeZone: zone }); return true; } catch { return false; } }, 'is not an IANA time zone')
  .openapi({ example: 'Europe/Berlin' });

const attendeeIn = z.object({ email: z.email().max(320), name: z.string().max(200).nullable().optional() }).openapi('CalendarAttendeeInput');

const writable = {
  kind: z.enum(entryKinds).openapi({ description: 'meeting, call, task (with a time), followUp or conference (a date of a conference)' }),
  title: z.string().trim().min(1).max(300),
  description: z.string().max(20_000).nullable().optional(),
  location: z.string().max(500).nullable().optional(),
  startAt: timestamp,
  endAt: timestamp,
  allDay: z.boolean().optional(),
  timeZone: timeZone.optional().openapi({ description: 'Where the entry is planned (IANA); defaults to UTC' }),
  recurrence: z.string().max(500).regex(/^(?!RRULE:)[A-Z]+=/, 'is an RRULE without the RRULE: prefix (FREQ=WEEKLY;COUNT=10)').nullable().optional().openapi({ description: 'RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO;COUNT=10' }),
  teamId: objectId.nullable().optional().openapi({ description: 'Put the entry on a team calendar (you must be in the team)' }),
  attendees: z.array(attendeeIn).max(100).optional(),
  reminderMinutes: z.number().int().min(0).max(40_320).nullable().optional().openapi({ description: 'Minutes before the start to notify the owner and the attendees who are users' }),
};

export const createEntryBody = z.object(writable).refine((e) => Date.parse(e.endAt) > Date.parse(e.startAt), { message: 'must be after startAt', path: ['endAt'] }).openapi('CalendarEntryCreate');
export const updateEntryBody = z
  .object({ ...writable, kind: writable.kind.optional(), title: writable.title.optional(), startAt: timestamp.optional(), endAt: timestamp.optional() })
  .openapi('CalendarEntryUpdate');

/** The path of one occurrence of a series: the entry and the start the series' rule gives that occurrence. */
export const occurrenceParams = z.object({
  id: objectId,
  occurrenceStart: timestamp.openapi({ description: 'The start the series’ rule gives the occurrence (its RECURRENCE-ID), also for one already moved: the `recurrenceId` of a range answer' }),
});
export const updateOccurrenceBody = z
  .object({ title: writable.title.optional(), description: writable.description, location: writable.location, startAt: timestamp.optional(), endAt: timestamp.optional() })
  .openapi('CalendarOccurrenceUpdate');

const overrideOut = z
  .object({ recurrenceId: z.string(), title: z.string(), description: z.string().nullable(), location: z.string().nullable(), startAt: z.string(), endAt: z.string() })
  .openapi('CalendarOccurrenceOverride');

const attendeeOut = z.object({ email: z.string(), name: z.string().nullable(), userId: objectId.nullable(), reply: z.enum(replies), repliedAt: z.string().nullable() }).openapi('CalendarAttendee');

export const entrySchema = z
  .object({
    id: objectId,
    kind: z.enum(entryKinds),
    title: z.string(),
    description: z.string().nullable(),
    location: z.string().nullable(),
    startAt: z.string(),
    endAt: z.string(),
    allDay: z.boolean(),
    timeZone: z.string(),
    recurrence: z.string().nullable(),
    exceptions: z.array(z.string()).openapi({ description: 'Starts of cancelled occurrences (EXDATE)' }),
    overrides: z.array(overrideOut).openapi({ description: 'Occurrences changed on their own (RECURRENCE-ID); cleared when the series’ start or rule changes' }),
    ownerId: objectId,
    teamId: objectId.nullable(),
    attendees: z.array(attendeeOut),
    reminderMinutes: z.number().int().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('CalendarEntry');

export const occurrenceSchema = z
  .object({
    key: z.string().openapi({ description: 'Stable per occurrence: the source and its start' }),
    source: z.enum(['entry', 'task']),
    id: objectId.openapi({ description: 'The calendar entry or the task' }),
    kind: z.string(),
    title: z.string(),
    location: z.string().nullable(),
    startAt: z.string(),
    endAt: z.string(),
    allDay: z.boolean(),
    timeZone: z.string(),
    ownerId: objectId.nullable(),
    assigneeId: objectId.nullable(),
    teamId: objectId.nullable(),
    recurring: z.boolean(),
    recurrenceId: z.string().nullable().openapi({ description: 'For an occurrence of a series: the start its rule gives it (differs from startAt when moved); address it with this' }),
    status: z.string().nullable().openapi({ description: 'A task’s status; null for entries' }),
  })
  .openapi('CalendarOccurrence');

const range = {
  from: timestamp,
  to: timestamp,
};
export const rangeQuery = z
  .object({
    ...range,
    userId: objectId.optional().openapi({ description: 'Only this user’s calendar (entries they own or attend, tasks assigned to them)' }),
    teamId: objectId.optional().openapi({ description: 'Only this team’s calendar' }),
  })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'must be after from', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 93 * 86_400_000, { message: 'a range is at most 93 days', path: ['to'] })
  .openapi('CalendarRangeQuery');

export const occurrenceListSchema = z.object({ data: z.array(occurrenceSchema) }).openapi('CalendarOccurrenceList');

export const freeBusyQuery = z
  .object({ ...range, userIds: z.string().regex(/^[a-fA-F0-9]{24}(,[a-fA-F0-9]{24}){0,49}$/, 'is a comma-separated list of at most 50 user ids') })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'must be after from', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 93 * 86_400_000, { message: 'a range is at most 93 days', path: ['to'] })
  .openapi('FreeBusyQuery');

const busyInterval = z
  .object({
    startAt: z.string(),
    endAt: z.string(),
    title: z.string().optional().openapi({ description: 'Only when you may see the entry' }),
    id: objectId.optional().openapi({ description: 'Only when you may see the entry' }),
    source: z.enum(['entry', 'task']).optional(),
  })
  .openapi('BusyInterval');
export const freeBusySchema = z.object({ data: z.array(z.object({ userId: objectId, busy: z.array(busyInterval) })) }).openapi('FreeBusy');

export const invitationResultSchema = z.object({ sent: z.array(z.string()), entry: entrySchema }).openapi('CalendarInvitationResult');
export const replyBody = z.object({ reply: z.enum(['accepted', 'declined', 'tentative']) }).openapi('CalendarReply');
export const replyParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'is not an invitation token') });
export const publicReplySchema = z.object({ title: z.string(), startAt: z.string(), endAt: z.string(), timeZone: z.string(), location: z.string().nullable(), email: z.string(), reply: z.enum(replies) }).openapi('CalendarPublicInvitation');

export const feedSchema = z
  .object({ url: z.string().openapi({ description: 'Subscribe to it in Google, Outlook or Apple Calendar; shown only now' }), createdAt: z.string() })
  .openapi('CalendarFeedUrl');
export const feedStatusSchema = z.object({ active: z.boolean(), createdAt: z.string().nullable() }).openapi('CalendarFeedStatus');
export const feedParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}\.ics$/, 'is not a feed token') });
