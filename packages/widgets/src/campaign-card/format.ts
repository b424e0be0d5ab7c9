/** The card's dates through `Intl`, one formatter per locale (only the card pays for date formatting). */
import { cached } from '../shared/i18n.js';

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const medium = (locale: string) => cached(dateFormats, locale, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }));

/** `Mar 5, 2026` (en), `05.03.2026` (de), `5 mars 2026` (fr), in the visitor's time zone. */
export function formatDate(iso: string, locale: string): string {
  return medium(locale).format(new Date(iso));
}

/** `Mar 5 – Apr 30, 2026` (en), `05.03. – 30.04.2026` (de): two dates as one range, the locale's way. */
export function formatDateRange(startIso: string, endIso: string, locale: string): string {
  return medium(locale).formatRange(new Date(startIso), new Date(endIso));
}
