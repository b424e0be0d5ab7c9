import { createRequire } from 'node:module';
import ical, { ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus, type ICalCalendar } from 'ical-generator';
import { DateTime } from 'luxon';
import type { Attendee } from './calendar.model.js';

// The VTIMEZONE blocks come from the tz database as packaged by @touch4it/ical-timezones (CommonJS, untyped).
const { getVtimezoneComponent } = createRequire(import.meta.url)('@touch4it/ical-timezones') as { getVtimezoneComponent: (zone: string) => string | null };

const status: Record<Attendee['reply'], ICalAttendeeStatus> = {
  needsAction: ICalAttendeeStatus.NEEDSACTION,
  accepted: ICalAttendeeStatus.ACCEPTED,
  declined: ICalAttendeeStatus.DECLINED,
  tentative: ICalAttendeeStatus.TENTATIVE,
};

/** What an iCalendar event needs from an entry or a task with a time. */
export interface IcsEvent {
  uid: string;
  title: string;
  description?: string | null;
  location?: string | null;
  startAt: Date;
  endAt: Date;
  allDay?: boolean;
  timeZone: string;
  recurrence?: string | null;
  /** Cancelled occurrences of the series: written as EXDATE in the series' zone. */
  exceptions?: Date[];
  /** For one changed or cancelled occurrence of a series: the start it replaces (RECURRENCE-ID, same UID). */
  recurrenceId?: Date | null;
  /** CANCELLED for an occurrence cancelled by METHOD:CANCEL. */
  status?: 'CANCELLED' | null;
  sequence?: number;
  organizer?: { name: string; email: string } | null;
  attendees?: Attendee[];
  url?: string | null;
}

/** The EXDATE line of a series (RFC 5545 3.8.5.1), in the same form as its DTSTART: a date, a TZID local time or UTC. */
function exdateLine(e: IcsEvent): string {
  const dates = e.exceptions ?? [];
  if (e.allDay) return `EXDATE;VALUE=DATE:${dates.map((d) => DateTime.fromJSDate(d).setZone(e.timeZone).toFormat('yyyyLLdd')).join(',')}`;
  if (e.timeZone === 'UTC') return `EXDATE:${dates.map((d) => DateTime.fromJSDate(d).toUTC().toFormat("yyyyLLdd'T'HHmmss'Z'")).join(',')}`;
  return `EXDATE;TZID=${e.timeZone}:${dates.map((d) => DateTime.fromJSDate(d).setZone(e.timeZone).toFormat("yyyyLLdd'T'HHmmss")).join(',')}`;
}

/**
 * An iCalendar document (RFC 5545) written by ical-generator: times in the entry's zone with TZID and
 * the zone's VTIMEZONE, so Outlook, Google and Apple show the same wall-clock time the organiser planned.
 */
export function buildIcs(events: IcsEvent[], options: { method?: 'REQUEST' | 'PUBLISH' | 'CANCEL'; name?: string } = {}): string {
  const calendar: ICalCalendar = ical({ prodId: { company: 'crm', product: 'calendar', language: 'EN' }, ...(options.name ? { name: options.name } : {}) });
  if (options.method) calendar.method(ICalCalendarMethod[options.method]);
  const zones = new Set(events.map((e) => e.timeZone).filter((z) => z !== 'UTC'));
  for (const zone of zones) calendar.timezone({ name: zone, generator: getVtimezoneComponent });
  if (zones.size === 0) calendar.timezone(null);
  for (const e of events) {
    const zoned = (d: Date) => DateTime.fromJSDate(d).setZone(e.timeZone);
    calendar.createEvent({
      id: e.uid,
      sequence: e.sequence ?? 0,
      start: zoned(e.startAt),
      end: zoned(e.endAt),
      allDay: e.allDay ?? false,
      ...(e.timeZone !== 'UTC' ? { timezone: e.timeZone } : {}),
      summary: e.title,
      description: e.description ?? null,
      location: e.location ?? null,
      url: e.url ?? null,
      // ical-generator writes a string rule's lines as given: the RRULE and, for cancelled occurrences, the EXDATE.
      ...(e.recurrence ? { repeating: e.exceptions?.length ? `RRULE:${e.recurrence}\n${exdateLine(e)}` : `RRULE:${e.recurrence}` } : {}),
      ...(e.recurrenceId ? { recurrenceId: zoned(e.recurrenceId) } : {}),
      ...(e.status ? { status: ICalEventStatus[e.status] } : {}),
      ...(e.organizer ? { organizer: e.organizer } : {}),
      attendees: (e.attendees ?? []).map((a) => ({ email: a.email, name: a.name ?? undefined, rsvp: true, status: status[a.reply] })),
    });
  }
  return calendar.toString();
}
