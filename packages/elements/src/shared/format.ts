// Locale-aware formatting shared by the data elements (Intl, with the provider's locale and time zone).
// Formatters are cached: creating Intl objects per card per frame costs allocation and, worse, long
// garbage-collection pauses for their ICU backing objects while a board scrolls.

const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter;
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
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return cached(`date|${locale}|${timeZone ?? ''}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', ...(timeZone ? { timeZone } : {}) })).format(date);
}

/** Formats a date and time in the given time zone. */
export function formatDateTime(iso: string | null | undefined, locale: string, timeZone?: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
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
