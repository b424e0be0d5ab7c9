import { de } from './strings.de.js';
import { en, type CrmStringKey, type CrmStrings } from './strings.en.js';

/** Values substituted for `{name}` placeholders. */
export type CrmMessageParams = Record<string, string | number>;

const tables = new Map<string, Partial<CrmStrings>>([
  ['en', en],
  ['de', de],
]);

/**
 * Adds or extends a locale's strings (a host may ship `fr`, or override one English phrase).
 * Missing keys keep falling back to English.
 */
export function registerStrings(locale: string, strings: Partial<CrmStrings>): void {
  const key = locale.toLowerCase();
  tables.set(key, { ...tables.get(key), ...strings });
}

/** Locales that have a strings table, for pickers and stories. */
export function availableLocales(): string[] {
  return [...tables.keys()];
}

/** `de-AT` tries `de-at`, then `de`, then English. */
function lookup(key: CrmStringKey, locale: string): string {
  const tag = locale.toLowerCase();
  const language = tag.split('-')[0] ?? tag;
  return tables.get(tag)?.[key] ?? tables.get(language)?.[key] ?? en[key];
}

/** The string for `key` in `locale` (falling back to English), with `{param}` placeholders filled. */
export function msg(key: CrmStringKey, params: CrmMessageParams = {}, locale = 'en'): string {
  return lookup(key, locale).replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/**
 * A message with plural forms: the base of keys written as `<base>.one`, `<base>.other` (and, where a
 * language needs them, `.zero`, `.two`, `.few`, `.many`), e.g. `board.count` for `board.count.one`.
 */
export type CrmPluralKey = { [K in CrmStringKey]: K extends `${infer Base}.other` ? Base : never }[CrmStringKey];

const pluralRules = new Map<string, Intl.PluralRules>();
const countFormats = new Map<string, Intl.NumberFormat>();

function cachedIntl<T>(cache: Map<string, T>, locale: string, make: (locale: string) => T): T {
  let value = cache.get(locale);
  if (!value) {
    try {
      value = make(locale);
    } catch {
      value = make('en');
    }
    cache.set(locale, value);
  }
  return value;
}

/**
 * The form of `base` that `Intl.PluralRules` picks for `count` in `locale` ("1 deal", "2 deals"),
 * falling back to `<base>.other`; `{count}` is the count in the locale's digits and grouping (`2.500`).
 */
export function plural(base: CrmPluralKey, count: number, params: CrmMessageParams = {}, locale = 'en'): string {
  const category = cachedIntl(pluralRules, locale, (l) => new Intl.PluralRules(l)).select(count);
  const key = `${base}.${category}` as CrmStringKey;
  const tag = locale.toLowerCase();
  const language = tag.split('-')[0] ?? tag;
  // A form only English has (its `one`) must not stand in for a form the locale left out.
  const known = tables.get(tag)?.[key] ?? tables.get(language)?.[key] ?? (category === 'one' || category === 'other' ? en[key] : undefined);
  const formatted = cachedIntl(countFormats, locale, (l) => new Intl.NumberFormat(l)).format(count);
  return msg(known === undefined ? (`${base}.other` as CrmStringKey) : key, { count: formatted, ...params }, locale);
}
