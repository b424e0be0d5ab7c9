import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import { AppError } from '../../platform/errors.js';
import { ticketPriorities, type TicketPriority } from './ticket.model.js';

/** First-response and resolution targets of one priority, in business minutes. */
export interface SlaTarget {
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

/** When the agency works: a time zone, the weekdays (1 Monday … 7 Sunday), opening and closing time. */
export interface BusinessHours {
  timeZone: string;
  days: number[];
  start: string;
  end: string;
}

/** The agency's support settings: SLA targets per priority, business hours and holidays (YYYY-MM-DD, local). */
export interface SupportSettings {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  scope: string;
  targets: Record<TicketPriority, SlaTarget>;
  businessHours: BusinessHours;
  holidays: string[];
  version: number;
}

/** Targets a new agency starts with (business minutes): urgent 1 h / 8 h, high 4 h / 3 days, normal 8 h / 5 days, low 2 days / 10 days. */
export const defaultSupportSettings: Omit<SupportSettings, '_id' | 'tenantId' | 'scope' | 'version'> = {
  targets: {
    urgent: { firstResponseMinutes: 60, resolutionMinutes: 8 * 60 },
    high: { firstResponseMinutes: 4 * 60, resolutionMinutes: 3 * 8 * 60 },
    normal: { firstResponseMinutes: 8 * 60, resolutionMinutes: 5 * 8 * 60 },
    low: { firstResponseMinutes: 2 * 8 * 60, resolutionMinutes: 10 * 8 * 60 },
  },
  businessHours: { timeZone: 'UTC', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' },
  holidays: [],
};

const target = { _id: false, firstResponseMinutes: Number, resolutionMinutes: Number };
const settingsSchema = new Schema<SupportSettings>(
  {
    scope: { type: String, required: true, default: 'support' },
    targets: Object.fromEntries(ticketPriorities.map((p) => [p, { type: target }])) as never,
    businessHours: { type: new Schema({ timeZone: String, days: [Number], start: String, end: String }, { _id: false }) },
    holidays: { type: [String], default: [] },
  },
  { timestamps: true, versionKey: 'version' },
);
settingsSchema.plugin(tenantScoped);
settingsSchema.index({ tenantId: 1, scope: 1 }, { unique: true });

export function supportSettingsModel(connection: Connection): Model<SupportSettings> {
  return (connection.models.SupportSettings as Model<SupportSettings>) ?? connection.model<SupportSettings>('SupportSettings', settingsSchema, 'support_settings');
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The local calendar date and weekday of `at` in `timeZone`. */
function localDay(at: Date, timeZone: string): { y: number; m: number; d: number; weekday: number; iso: string } {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' }).formatToParts(at).map((p) => [p.type, p.value]));
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday!) + 1;
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day), weekday, iso: `${parts.year}-${parts.month}-${parts.day}` };
}

/** The instant a local wall-clock time of `timeZone` names (daylight-saving changes included). */
export function zonedInstant(y: number, m: number, d: number, hhmm: string, timeZone: string): Date {
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  const offsetAt = (t: number) => {
    const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) - t;
  };
  const first = guess - offsetAt(guess);
  return new Date(guess - offsetAt(first));
}

/**
 * The instant `minutes` business minutes after `from`: only time inside the agency's opening hours on
 * its working days counts, holidays (local dates) not at all. Walks day by day (a year at most).
 */
export function addBusinessMinutes(from: Date, minutes: number, hours: BusinessHours, holidays: readonly string[]): Date {
  let left = minutes * MINUTE;
  let cursor = from.getTime();
  for (let day = 0; day < 366; day += 1) {
    const local = localDay(new Date(cursor), hours.timeZone);
    if (hours.days.includes(local.weekday) && !holidays.includes(local.iso)) {
      const open = zonedInstant(local.y, local.m, local.d, hours.start, hours.timeZone).getTime();
      const close = zonedInstant(local.y, local.m, local.d, hours.end, hours.timeZone).getTime();
      const begin = Math.max(cursor, open);
      if (begin < close) {
        if (begin + left <= close) return new Date(begin + left);
        left -= close - begin;
      }
    }
    // On to the next local day's start (noon of the next day, then its opening: safe across DST).
    const next = localDay(new Date(cursor + DAY), hours.timeZone);
    cursor = zonedInstant(next.y, next.m, next.d, '00:00', hours.timeZone).getTime();
  }
  throw new AppError('validation_failed', 'The business hours leave no working time within a year; check the working days, hours and holidays');
}

/** The due times of a ticket opened at `openedAt` with `priority`, under the agency's settings. */
export function slaDueTimes(settings: Pick<SupportSettings, 'targets' | 'businessHours' | 'holidays'>, priority: TicketPriority, openedAt: Date) {
  const t = settings.targets[priority] ?? defaultSupportSettings.targets[priority];
  return {
    firstResponseDueAt: addBusinessMinutes(openedAt, t.firstResponseMinutes, settings.businessHours, settings.holidays),
    resolutionDueAt: addBusinessMinutes(openedAt, t.resolutionMinutes, settings.businessHours, settings.holidays),
  };
}
