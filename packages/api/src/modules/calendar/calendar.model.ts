import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { readWithoutTenantIndex } from '../../platform/db/pushdown-indexes.js';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

export const entryKinds = ['meeting', 'call', 'task', 'followUp', 'conference'] as const;
export type EntryKind = (typeof entryKinds)[number];
export const replies = ['needsAction', 'accepted', 'declined', 'tentative'] as const;
export type Reply = (typeof replies)[number];

/** Someone invited to an entry: a user of the agency or an outside address. */
export interface Attendee {
  email: string;
  name: string | null;
  userId: Types.ObjectId | null;
  reply: Reply;
  repliedAt: Date | null;
}

/**
 * One occurrence of a series changed on its own (iCalendar's RECURRENCE-ID): the occurrence generated at
 * `recurrenceId` is shown with these values instead. A full copy, as a VEVENT with RECURRENCE-ID is.
 */
export interface OccurrenceOverride {
  recurrenceId: Date;
  title: string;
  description: string | null;
  location: string | null;
  startAt: Date;
  endAt: Date;
}

/**
 * One calendar entry (004: meetings, calls, tasks with times, follow-ups, conference dates). Personal
 * entries belong to their owner; team entries (`teamId`) are seen by the team. Tasks with a due time
 * are not copied here: the calendar reads them from the tasks collection.
 */
export interface CalendarEntry {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  kind: EntryKind;
  title: string;
  description: string | null;
  location: string | null;
  startAt: Date;
  endAt: Date;
  allDay: boolean;
  /** IANA zone the entry was planned in; invitations and feeds write TZID with it. */
  timeZone: string;
  /** RFC 5545 RRULE (without the `RRULE:` prefix), expanded with the `rrule` library. */
  recurrence: string | null;
  /** Starts of cancelled occurrences of the series (iCalendar's EXDATE). */
  exceptions: Date[];
  /** Occurrences moved or retitled on their own; cleared when the series' start or rule changes. */
  overrides: OccurrenceOverride[];
  /** The end of the last occurrence (far future for an open series): the range query's upper bound. */
  seriesEndAt: Date;
  /**
   * Range buckets the calendar reads by equality (FerretDB pushes down only top-level equality): `w<week>`
   * for each UTC week (from Monday 1970-01-05) a single entry touches, `y<year>` for each year of a series or
   * of an entry longer than two years (an open series: its first 50 years). Written with the entry.
   */
  buckets: string[];
  ownerId: Types.ObjectId;
  teamId: Types.ObjectId | null;
  productId: Types.ObjectId | null;
  departmentId: Types.ObjectId | null;
  attendees: Attendee[];
  /** Top-level copy of the attendees' user ids: free/busy and visibility match on it. */
  attendeeUserIds: Types.ObjectId[];
  reminderMinutes: number | null;
  /** When the next reminder is due (null: none pending). */
  remindAt: Date | null;
  /** The UTC minute (`YYYY-MM-DDTHH:MM`) whose run of the reminder job sends it; the job reads by it (calendar-reminders.ts). */
  remindMinute?: string | null;
  sequence: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const attendeeSchema = new Schema<Attendee>({ email: { type: String, required: true }, name: { type: String, default: null }, userId: { type: Schema.Types.ObjectId, default: null }, reply: { type: String, enum: replies, default: 'needsAction' }, repliedAt: { type: Date, default: null } }, { _id: false });

const overrideSchema = new Schema<OccurrenceOverride>({ recurrenceId: { type: Date, required: true }, title: { type: String, required: true, maxlength: 300 }, description: { type: String, default: null }, location: { type: String, default: null }, startAt: { type: Date, required: true }, endAt: { type: Date, required: true } }, { _id: false });

const entrySchema = new Schema<CalendarEntry>(
  {
    kind: { type: String, enum: entryKinds, required: true },
    title: { type: String, required: true, maxlength: 300 },
    description: { type: String, default: null },
    location: { type: String, default: null },
    startAt: { type: Date, required: true },
    endAt: { type: Date, required: true },
    allDay: { type: Boolean, default: false },
    timeZone: { type: String, required: true },
    recurrence: { type: String, default: null },
    exceptions: { type: [Date], default: [] },
    overrides: { type: [overrideSchema], default: [] },
    seriesEndAt: { type: Date, required: true },
    buckets: { type: [String], default: [], index: true },
    ownerId: { type: Schema.Types.ObjectId, required: true, index: true },
    teamId: { type: Schema.Types.ObjectId, default: null, index: true },
    productId: { type: Schema.Types.ObjectId, default: null },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    attendees: { type: [attendeeSchema], default: [] },
    attendeeUserIds: { type: [Schema.Types.ObjectId], default: [], index: true },
    reminderMinutes: { type: Number, default: null },
    remindAt: { type: Date, default: null },
    remindMinute: { type: String, default: null, index: true },
    sequence: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: 'version', minimize: false, collection: 'calendar_entries' },
);
entrySchema.plugin(tenantScoped);
// Read by range bucket, id or reminder minute, never by the agency alone: no GIN index on tenantId. With one,
// PostgreSQL ANDed the agency's whole posting list into each week read (EXPLAIN ANALYZE on the bench's database
// at 20,000 entries, 2026-12-06: 4.3 ms, of which 3.2 ms the tenantId scan, against 0.75 ms for the bucket alone).
readWithoutTenantIndex(entrySchema);

export function calendarEntryModel(connection: Connection): Model<CalendarEntry> {
  return (connection.models.CalendarEntry as Model<CalendarEntry>) ?? connection.model<CalendarEntry>('CalendarEntry', entrySchema);
}

/** An invitation sent to one attendee: the reply link's token is stored only as its sha256. */
export interface CalendarInvitation {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  entryId: Types.ObjectId;
  email: string;
  tokenHash: string;
  createdAt: Date;
}

const invitationSchema = new Schema<CalendarInvitation>({ entryId: { type: Schema.Types.ObjectId, required: true }, email: { type: String, required: true }, tokenHash: { type: String, required: true, unique: true } }, { timestamps: { createdAt: true, updatedAt: false }, collection: 'calendar_invitations' });
invitationSchema.plugin(tenantScoped);

export function calendarInvitationModel(connection: Connection): Model<CalendarInvitation> {
  return (connection.models.CalendarInvitation as Model<CalendarInvitation>) ?? connection.model<CalendarInvitation>('CalendarInvitation', invitationSchema);
}

/** A user's private iCalendar feed: one active token per user (sha256 stored); rotating revokes the old one. */
export interface CalendarFeed {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  userId: Types.ObjectId;
  tokenHash: string;
  revokedAt: Date | null;
  createdAt: Date;
}

const feedSchema = new Schema<CalendarFeed>({ userId: { type: Schema.Types.ObjectId, required: true, index: true }, tokenHash: { type: String, required: true, unique: true }, revokedAt: { type: Date, default: null } }, { timestamps: { createdAt: true, updatedAt: false }, collection: 'calendar_feeds' });
feedSchema.plugin(tenantScoped);

export function calendarFeedModel(connection: Connection): Model<CalendarFeed> {
  return (connection.models.CalendarFeed as Model<CalendarFeed>) ?? connection.model<CalendarFeed>('CalendarFeed', feedSchema);
}
