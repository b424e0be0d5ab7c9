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
