/** Locales every widget ships besides English. */
export const locales = ['en', 'fr'] as const;

/** The supported locale closest to `wanted` (its language part), else English. */
export function resolveLocale(wanted: string | null | undefined): string {
  const language = (wanted ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  return (locales as readonly string[]).includes(language) ? language : 'en';
}

/**
 * A string table per widget, English first: each widget carries only its own strings, so the signup
 * bundle never pays for the card's.
 */
export function strings<K extends string>(en: Record<K, string>, others: Record<string, Record<K, string>>) {
  return (locale: string, key: K, params: Record<string, string | number> = {}): string =>
    (others[locale] ?? en)[key].replace(/\{(\w+)\}/g, (_m, name: string) => String(params[name] ?? ''));
}

/** Messages every widget may show. */
export const common = strings(
  {
    loading: 'Loading…',
    notFound: 'This campaign is not available.',
    notAllowed: 'This site is not allowed to show this campaign.',
    notRunning: 'This campaign is not running right now.',
    offline: 'You seem to be offline. Check your connection and try again.',
    rateLimited: 'Too many attempts. Please try again in {s} seconds.',
    failed: 'Something went wrong. Please try again.',
    retry: 'Try again',
  },
  {
    fr: {
      loading: 'Chargement…',
      notFound: 'Cette campagne n’est pas disponible.',
      notAllowed: 'Ce site n’est pas autorisé à afficher cette campagne.',
      notRunning: 'Cette campagne n’est pas en cours.',
      offline: 'Vous semblez hors ligne. Vérifiez votre connexion et réessayez.',
      rateLimited: 'Trop de tentatives. Réessayez dans {s} secondes.',
      failed: 'Une erreur est survenue. Veuillez réessayer.',
      retry: 'Réessayer',
    },
  },
);

export type CommonKey = Parameters<typeof common>[1];
