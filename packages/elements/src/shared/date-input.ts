// Dates typed as people write them in their locale (31.03.2027 in German, 03/31/2027 in US English),
// for the date fields: the browser's own date input follows the browser's language, not the page's.
import { formatShortDate } from './format.js';

type Part = 'day' | 'month' | 'year';

const orders = new Map<string, Part[]>();

/** The order the locale writes day, month and year in. */
export function dateOrder(locale: string): Part[] {
  let order = orders.get(locale);
  if (!order) {
    let parts: Intl.DateTimeFormatPart[];
    try {
      parts = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }).formatToParts(0);
    } catch {
      parts = new Intl.DateTimeFormat('en', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }).formatToParts(0);
    }
    order = parts.map((p) => p.type).filter((t): t is Part => t === 'day' || t === 'month' || t === 'year');
    orders.set(locale, order);
  }
  return order;
}

/** `2027-03-31` as the locale writes it with digits: `31.03.2027`, `03/31/2027`. */
export function formatDateInput(iso: string, locale: string): string {
  return iso ? formatShortDate(iso.slice(0, 10), locale) : '';
}

/** An example date in the locale's way, for placeholders and messages. */
export function dateExample(locale: string): string {
  return formatDateInput('2026-12-31', locale);
}

/**
 * What a person typed, read in the locale's order, as `YYYY-MM-DD`; undefined when it is no date.
 * Any non-digits separate the parts; a two-digit year is this century; `2027-03-31` is always read as is.
 */
export function parseDateInput(text: string, locale: string): string | undefined {
  const groups = text.trim().match(/\d+/g);
  if (!groups || groups.length !== 3) return undefined;
  const order: Part[] = groups[0]!.length === 4 ? ['year', 'month', 'day'] : dateOrder(locale);
  const value: Record<Part, number> = { day: 0, month: 0, year: 0 };
  order.forEach((part, i) => (value[part] = Number(groups[i])));
  if (String(groups[order.indexOf('year')]).length <= 2) value.year += 2000;
  const date = new Date(Date.UTC(value.year, value.month - 1, value.day));
  if (date.getUTCFullYear() !== value.year || date.getUTCMonth() !== value.month - 1 || date.getUTCDate() !== value.day) return undefined;
  return date.toISOString().slice(0, 10);
}
