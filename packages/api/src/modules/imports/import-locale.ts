/** The locales an import's dates and numbers may be written in (the mapping's `locale`). */
export const importLocales = ['en-US', 'en-GB', 'de-DE', 'de-AT', 'de-CH', 'fr-FR', 'es-ES', 'it-IT', 'nl-NL'] as const;
export type ImportLocale = (typeof importLocales)[number];

interface LocaleRules {
  /** Day, month and year in the order the locale writes them. */
  order: 'mdy' | 'dmy';
  /** Characters that group thousands, and the decimal mark. */
  group: string[];
  decimal: string;
  /** How the locale writes 31 December 2026 and 1234.56: for messages. */
  example: string;
}

const rules: Record<ImportLocale, LocaleRules> = {
  'en-US': { order: 'mdy', group: [','], decimal: '.', example: '12/31/2026, 1,234.56' },
  'en-GB': { order: 'dmy', group: [','], decimal: '.', example: '31/12/2026, 1,234.56' },
  'de-DE': { order: 'dmy', group: ['.'], decimal: ',', example: '31.12.2026, 1.234,56' },
  'de-AT': { order: 'dmy', group: ['.'], decimal: ',', example: '31.12.2026, 1.234,56' },
  'de-CH': { order: 'dmy', group: ["'", '’'], decimal: '.', example: "31.12.2026, 1'234.56" },
  'fr-FR': { order: 'dmy', group: [' ', '\u00a0', '\u202f'], decimal: ',', example: '31/12/2026, 1 234,56' },
  'es-ES': { order: 'dmy', group: ['.'], decimal: ',', example: '31/12/2026, 1.234,56' },
  'it-IT': { order: 'dmy', group: ['.'], decimal: ',', example: '31/12/2026, 1.234,56' },
  'nl-NL': { order: 'dmy', group: ['.'], decimal: ',', example: '31-12-2026, 1.234,56' },
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How a locale writes a date and a number, for the messages of cells that do not parse. */
export const localeExample = (locale: ImportLocale): string => rules[locale].example;

/**
 * A number as the locale writes it (`1.234,56` in de-DE, `1,234.56` in en-US; thousands grouped by
 * threes or not at all, a sign in front), or null when the text is not one. Without a locale, a plain
 * number with a decimal point or comma (`1234.5`, `1234,5`), as imports took them before locales.
 */
export function parseLocaleNumber(text: string, locale: ImportLocale | null): number | null {
  const t = text.trim();
  if (!locale) return /^[+-]?\d+([.,]\d+)?$/.test(t) ? Number(t.replace(',', '.')) : null;
  const { group, decimal } = rules[locale];
  const g = `[${group.map(escape).join('')}]`;
  const d = escape(decimal);
  const match = new RegExp(`^([+-]?)(\\d{1,3}(?:${g}\\d{3})+|\\d+)(?:${d}(\\d+))?$`).exec(t);
  if (!match) return null;
  const digits = match[2]!.replace(new RegExp(g, 'g'), '');
  return Number(`${match[1]}${digits}${match[3] ? `.${match[3]}` : ''}`);
}

function isoDate(year: number, month: number, day: number): string | null {
  const at = new Date(Date.UTC(year, month - 1, day));
  if (at.getUTCFullYear() !== year || at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * A calendar date as `YYYY-MM-DD`, or null when the text is not one that exists: ISO (`2026-12-31`,
 * with or without a time, which is dropped) always; with a locale also its own order with `.`, `/` or
 * `-` between the parts (`31.12.2026` in de-DE, `12/31/2026` in en-US, `31/12/2026` in en-GB), two-digit
 * years as 20xx below 70 and 19xx from 70. Without a locale only ISO.
 */
export function parseLocaleDate(text: string, locale: ImportLocale | null): string | null {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  if (!locale) return null;
  const parts = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})$/.exec(t);
  if (!parts) return null;
  const [a, b] = [Number(parts[1]), Number(parts[3])];
  const short = parts[4]!.length === 2 ? Number(parts[4]) : null;
  const year = short === null ? Number(parts[4]) : short < 70 ? 2000 + short : 1900 + short;
  return rules[locale].order === 'mdy' ? isoDate(year, a, b) : isoDate(year, b, a);
}

/** The instant a wall-clock time of a time zone stands for (across a daylight-saving change too). */
function zonedInstant(date: string, hour: number, minute: number, second: number, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const offsetAt = (t: number) => {
    const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - t;
  };
  const guess = wall - offsetAt(wall);
  return new Date(wall - offsetAt(guess));
}

/**
 * A date or a date-time as an ISO instant, or null when the text is not one: ISO with an offset or `Z` as it
 * says; otherwise a date as `parseLocaleDate` reads it, optionally followed by a time (`14:30`, `14:30:00`,
 * after a space, `T` or `,`), on the wall clock of `timeZone` (the agency's); a date alone is the start of
 * that day there.
 */
export function parseLocaleDateTime(text: string, locale: ImportLocale | null, timeZone: string): string | null {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const at = Date.parse(t);
    return Number.isNaN(at) || !parseLocaleDate(t.slice(0, 10), null) ? null : new Date(at).toISOString();
  }
  const parts = /^(.+?)(?:(?:\s*,\s*|\s+|T)(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (!parts) return null;
  const date = parseLocaleDate(parts[1]!, locale);
  const [hour, minute, second] = [Number(parts[2] ?? 0), Number(parts[3] ?? 0), Number(parts[4] ?? 0)];
  if (!date || hour > 23 || minute > 59 || second > 59) return null;
  return zonedInstant(date, hour, minute, second, timeZone).toISOString();
}
