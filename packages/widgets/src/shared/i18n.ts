import type { LocaleTable, Message } from './locale-table.js';

// The locale tables import these types from their own module: they are loaded by this file, so importing it back would be a cycle.
export type { LocaleTable, Message } from './locale-table.js';

/** Locales every widget ships: English first, then German and French. */
export const locales = ['en', 'de', 'fr'] as const;

/** The supported locale closest to `wanted` (its language part), else English. */
export function resolveLocale(wanted: string | null | undefined): string {
  const language = (wanted ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  return (locales as readonly string[]).includes(language) ? language : 'en';
}

// One formatter per locale and kind: building one loads the locale's data, using it again is cheap.
const pluralRules = new Map<string, Intl.PluralRules>();
const numberFormats = new Map<string, Intl.NumberFormat>();

/** The formatter of `locale` kept in `cache`, built on first use. */
export function cached<T>(cache: Map<string, T>, locale: string, make: () => T): T {
  let value = cache.get(locale);
  if (!value) cache.set(locale, (value = make()));
  return value;
}

/** `12,345` (en), `12.345` (de), `12 345` (fr): a count, grouped the locale's way. */
export function formatNumber(n: number, locale: string): string {
  return cached(numberFormats, locale, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })).format(n);
}

const tables = new Map<string, LocaleTable>();
// Kept in a variable: Vite rewrites `new URL(<template>, import.meta.url)` as an asset reference.
const moduleUrl = import.meta.url;
const loadingTables = new Map<string, Promise<void>>();

/**
 * Fetches a locale's messages once per page (English is built in). Each locale is its own small chunk,
 * so an English page never downloads German or French; a failed fetch is forgotten (English meanwhile).
 */
export function loadLocale(locale: string): Promise<void> {
  if (locale === 'en' || tables.has(locale)) return Promise.resolve();
  let pending = loadingTables.get(locale);
  if (!pending) {
    // Built, each locale is a file beside this one, fetched by a URL made at run time so the bundler adds
    // no preload helper (about 1 KB); from source (Storybook, Node tests) the module itself is imported.
    const built = (import.meta as { env?: { PROD?: boolean } }).env?.PROD;
    const table: Promise<{ default: LocaleTable }> = built
      ? import(/* @vite-ignore */ new URL(`./crm-widgets-locale-${locale}.js`, moduleUrl).href)
      : locale === 'de'
        ? import('../locales/de.js')
        : import('../locales/fr.js');
    pending = table.then(
      (module) => void tables.set(locale, module.default),
      () => void loadingTables.delete(locale),
    );
    loadingTables.set(locale, pending);
  }
  return pending;
}

/**
 * A widget's string table, English built in, other locales from `loadLocale()`. `{name}` is replaced by
 * `params.name`, a number formatted for the locale; a plural message picks its text by
 * `Intl.PluralRules` for `params.n`.
 */
export function strings<K extends string>(scope: string, en: Record<K, Message>) {
  return (locale: string, key: K, params: Record<string, string | number> = {}): string => {
    const message = tables.get(locale)?.[`${scope}.${key}`] ?? en[key];
    const text = typeof message === 'string' ? message : (message[cached(pluralRules, locale, () => new Intl.PluralRules(locale)).select(Number(params.n ?? 0))] ?? message.other);
    return text.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const value = params[name];
      return typeof value === 'number' ? formatNumber(value, locale) : String(value ?? '');
    });
  };
}

/** Messages every widget may show. */
export const common = strings('common', {
  loading: 'Loading…',
  notFound: 'This campaign is not available.',
  notAllowed: 'This site is not allowed to show this campaign.',
  notRunning: 'This campaign is not running right now.',
  offline: 'You seem to be offline. Check your connection and try again.',
  rateLimited: { one: 'Too many attempts. Please try again in {n} second.', other: 'Too many attempts. Please try again in {n} seconds.' },
  failed: 'Something went wrong. Please try again.',
  retry: 'Try again',
});

export type CommonKey = Parameters<typeof common>[1];
