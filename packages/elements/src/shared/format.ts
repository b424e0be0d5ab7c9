// Locale-aware formatting shared by the data elements (Intl, with the provider's locale and time zone).
// Formatters are cached: creating Intl objects per card per frame costs allocation and, worse, long
// garbage-collection pauses for their ICU backing objects while a board scrolls.

type Formatter = Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat | Intl.RelativeTimeFormat;

const formatters = new Map<string, Formatter>();

function cached<T extends Formatter>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter;
}

/** A calendar date without a time (`2026-12-03`) names the same day everywhere, so it is read in UTC. */
const calendarDate = /^\d{4}-\d{2}-\d{2}$/;

function parseDate(iso: string | null | undefined): Date | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Formats money, e.g. `€12,500`, without fractions for whole amounts. */
export function formatMoney(amount: number, currency: string, locale: string): string {
  try {
    const whole = Number.isInteger(amount);
    return cached(`money|${locale}|${currency}|${whole}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: whole ? 0 : 2 })).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** Formats a date (no time) in the given time zone. */
export function formatDate(iso: string | null | undefined, locale: string, timeZone?: string): string {
  const date = parseDate(iso);
  if (!date) return '';
  const zone = calendarDate.test(iso!) ? 'UTC' : timeZone;
  return cached(`date|${locale}|${zone ?? ''}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', ...(zone ? { timeZone: zone } : {}) })).format(date);
}

/** Formats a date as digits in the locale's order: `12/3/2026` in English, `03.12.2026` in German. */
export function formatShortDate(iso: string | null | undefined, locale: string, timeZone?: string): string {
  const date = parseDate(iso);
  if (!date) return '';
  const zone = calendarDate.test(iso!) ? 'UTC' : timeZone;
  return cached(`shortdate|${locale}|${zone ?? ''}`, () => new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', ...(zone ? { timeZone: zone } : {}) })).format(date);
}

/** Formats a date and time in the given time zone. */
export function formatDateTime(iso: string | null | undefined, locale: string, timeZone?: string): string {
  const date = parseDate(iso);
  if (!date) return '';
  return cached(`datetime|${locale}|${timeZone ?? ''}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) })).format(date);
}

/** Initials for an avatar placeholder: "Ada Lovelace" → "AL". */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('');
}

/** Formats a count with the locale's grouping, e.g. `2,500` / `2.500`. */
export function formatCount(count: number, locale: string): string {
  return cached(`count|${locale}`, () => new Intl.NumberFormat(locale)).format(count);
}

/** Formats a number with the locale's digits, grouping and decimal sign (`1,234.5` / `1.234,5`). */
export function formatNumber(value: number, locale: string, options: Intl.NumberFormatOptions = {}): string {
  return cached(`number|${locale}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options)).format(value);
}

/** Formats a share given in percent (`25` → `25%` / `25 %`). */
export function formatPercent(percent: number, locale: string): string {
  return cached(`percent|${locale}`, () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 })).format(percent / 100);
}

/** Joins items the locale's way: `A, B, and C` / `A, B und C`. */
export function formatList(items: string[], locale: string, type: Intl.ListFormatType = 'conjunction'): string {
  return cached(`list|${locale}|${type}`, () => new Intl.ListFormat(locale, { style: 'long', type })).format(items);
}

/** Says how far `iso` is from `now` in words: `in 2 days`, `vor 3 Stunden`, `tomorrow`. */
export function formatRelative(iso: string | null | undefined, locale: string, now: Date = new Date()): string {
  const date = parseDate(iso);
  if (!date) return '';
  const seconds = (date.getTime() - now.getTime()) / 1000;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [['year', 31_536_000], ['month', 2_592_000], ['week', 604_800], ['day', 86_400], ['hour', 3_600], ['minute', 60]];
  const [unit, size] = units.find(([, s]) => Math.abs(seconds) >= s) ?? ['second', 1];
  return cached(`relative|${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })).format(Math.round(seconds / size), unit);
}

/** The ISO 4217 code's name or symbol in the locale (`EUR` → `Euro`), for currency pickers. */
export function currencyName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames(locale, { type: 'currency' }).of(code) ?? code;
  } catch {
    return code;
  }
}
