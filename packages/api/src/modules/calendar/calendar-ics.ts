import { createRequire } from 'node:module';
import ical, { ICalAttendeeStatus, ICalCalendarMethod, type ICalCalendar } from 'ical-generator';
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
  sequence?: number;
  organizer?: { name: string; email: string } | null;
  attendees?: Attendee[];
  url?: string | null;
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
      ...(e.recurrence ? { repeating: `RRULE:${e.recurrence}` } : {}),
      ...(e.organizer ? { organizer: e.organizer } : {}),
      attendees: (e.attendees ?? []).map((a) => ({ email: a.email, name: a.name ?? undefined, rsvp: true, status: status[a.reply] })),
    });
  }
  return calendar.toString();
}
