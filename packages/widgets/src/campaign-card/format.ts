/**
 * Dates and counts in the widgets' two locales, without `Intl`: the first `Intl.DateTimeFormat` or
 * `Intl.NumberFormat` in a page loads the locale's ICU data, 15–100 ms of the partner's main thread in
 * a fresh renderer (measured in Chromium), for a date and three small numbers. The output matches
 * `dateStyle: 'medium'` and the grouped integers `Intl` gives for `en` and `fr`.
 */

const months: Record<string, string[]> = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  fr: ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
};

/** `Nov 25, 2026` (en) or `25 nov. 2026` (fr), in the visitor's time zone. */
export function formatDate(iso: string, locale: string): string {
  const date = new Date(iso);
  const month = (months[locale] ?? months.en!)[date.getMonth()]!;
  return locale === 'fr' ? `${date.getDate()} ${month} ${date.getFullYear()}` : `${month} ${date.getDate()}, ${date.getFullYear()}`;
}

/** `12,345` (en) or `12 345` (fr, with a narrow no-break space). */
export function formatCount(n: number, locale: string): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, locale === 'fr' ? '\u202f' : ',');
}
