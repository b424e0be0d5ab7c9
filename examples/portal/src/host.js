// What the plain page and the React app share: where the API is, and the host's own strings (the
// elements bring theirs; the portal translates only its own chrome).

/**
 * The API's base URL. serve.mjs fills it into `<meta name="crm-api">`; only when the page is served
 * unfilled (by a plain static server, or the elements' test runner) does `?api=` choose it, so a link
 * can never point a served portal's sign-in form at another server (the CSP would refuse it anyway).
 */
export function apiBaseUrl() {
  const filled = document.querySelector('meta[name="crm-api"]')?.getAttribute('content') ?? '';
  if (filled && !filled.startsWith('{{')) return filled;
  return new URLSearchParams(location.search).get('api') || 'http://127.0.0.1:3000';
}

export const views = ['contacts', 'pipeline', 'campaigns', 'tasks'];

const strings = {
  en: {
    brand: 'Northwind Ops',
    'nav.label': 'Portal',
    'nav.contacts': 'Contacts',
    'nav.pipeline': 'Pipeline',
    'nav.campaigns': 'Campaigns',
    'nav.tasks': 'My tasks',
    'locale.label': 'Language',
    'theme.dark': 'Dark mode',
    signOut: 'Sign out',
    'contacts.pick': 'Pick a contact in the list to see it here.',
    'contacts.new': 'New contact',
    'pipeline.label': 'Pipeline',
    'status.signedIn': 'Signed in as {name}',
    'status.saved': 'Saved {name}',
    'status.moved': 'Moved {name} to {stage}',
    'status.campaign': 'Campaign {title} saved',
    'status.task': 'Task {title} is now {to}',
  },
  de: {
    brand: 'Northwind Ops',
    'nav.label': 'Portal',
    'nav.contacts': 'Kontakte',
    'nav.pipeline': 'Pipeline',
    'nav.campaigns': 'Kampagnen',
    'nav.tasks': 'Meine Aufgaben',
    'locale.label': 'Sprache',
    'theme.dark': 'Dunkler Modus',
    signOut: 'Abmelden',
    'contacts.pick': 'Wählen Sie einen Kontakt in der Liste, um ihn hier zu sehen.',
    'contacts.new': 'Neuer Kontakt',
    'pipeline.label': 'Pipeline',
    'status.signedIn': 'Angemeldet als {name}',
    'status.saved': '{name} gespeichert',
    'status.moved': '{name} nach {stage} verschoben',
    'status.campaign': 'Kampagne {title} gespeichert',
    'status.task': 'Aufgabe {title} ist jetzt {to}',
  },
};

/** The host's string `key` in `locale`, with `{name}` placeholders filled from `values`. */
export function t(locale, key, values = {}) {
  const text = strings[locale]?.[key] ?? strings.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

/** A contact's display name. */
export function contactName(contact) {
  return contact.fullName || [contact.firstName, contact.lastName].filter(Boolean).join(' ');
}
