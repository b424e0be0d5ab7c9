// What the plain page and the React app share: where the API is, and the host's own strings (the
// elements bring theirs; the portal translates only its own chrome).

/**
 * The API's base URL. serve.mjs fills it into `<meta name="crm-api">`, and the API itself, serving
 * /app/, fills in `same-origin`; only when the page is served unfilled (by a plain static server, or
 * the elements' test runner) does `?api=` choose it, so a link can never point a served portal's
 * sign-in form at another server (the CSP would refuse it anyway).
 */
export function apiBaseUrl() {
  const filled = document.querySelector('meta[name="crm-api"]')?.getAttribute('content') ?? '';
  // The API serving the portal itself (at /app/) says `same-origin`.
  if (filled === 'same-origin') return location.origin;
  if (filled && !filled.startsWith('{{')) return filled;
  return new URLSearchParams(location.search).get('api') || 'http://127.0.0.1:3000';
}

/** The React app's views (the plain page has more: see `portalViews`). */
export const views = ['contacts', 'pipeline', 'campaigns', 'tasks'];

/** The plain portal's views, in the nav's order. */
export const portalViews = ['dashboard', 'contacts', 'leads', 'customers', 'pipeline', 'tasks', 'support', 'kb', 'campaigns', 'quotes', 'import', 'admin'];

const strings = {
  en: {
    brand: 'Northwind Ops',
    skip: 'Skip to content',
    'nav.label': 'Portal',
    'nav.menu': 'Menu',
    'nav.dashboard': 'Dashboard',
    'nav.contacts': 'Contacts',
    'status.dashboardSaved': 'Dashboard {name} saved.',
    'nav.leads': 'Leads',
    'nav.customers': 'Customers',
    'nav.pipeline': 'Pipeline',
    'nav.campaigns': 'Campaigns',
    'nav.tasks': 'My tasks',
    'nav.support': 'Support',
    'support.detail': 'Ticket',
    'support.pick': 'Pick a ticket in the queue to see its conversation.',
    'nav.kb': 'Knowledge base',
    'nav.import': 'Import',
    'import.kind': 'The file holds',
    'nav.quotes': 'Quotes',
    'quotes.opportunity': 'Opportunity',
    'status.quoteSaved': 'Quote {number} saved: {total}',
    'status.quoteSent': 'Quote {number} sent to the customer',
    'status.article': 'Article {title}: {change}',
    'nav.admin': 'Admin',
    'locale.label': 'Language',
    'theme.dark': 'Dark mode',
    signOut: 'Sign out',
    'contacts.pick': 'Pick a contact in the list to see it here.',
    'contacts.new': 'New contact',
    'contacts.back': 'Back to the list',
    'contacts.detail': 'Contact',
    'pipeline.label': 'Pipeline',
    'campaigns.new': 'New campaign',
    'campaigns.back': 'Back to campaigns',
    'sends.title': 'Sends',
    'sends.pick': 'Send',
    'sends.none': 'Nothing has been sent yet.',
    'admin.label': 'Administration',
    'admin.workflows': 'Workflows',
    'admin.fields': 'Custom fields',
    'admin.templates': 'Templates',
    'admin.products': 'Products',
    'admin.support': 'Support',
    'status.signedIn': 'Signed in as {name}',
    'status.saved': 'Saved {name}',
    'status.moved': 'Moved {name} to {stage}',
    'status.dealSaved': 'Saved {name}',
    'status.campaign': 'Campaign {title} saved',
    'status.task': 'Task {title} is now {to}',
    'status.taskCreated': 'Task {title} created',
    'status.product': 'Product {name} saved',
    'status.error': 'Something went wrong: {message}',
    'link.password': 'Password',
    'link.passwordHint': 'At least 10 characters.',
    'link.name': 'Your name',
    'link.missingToken': 'This link is incomplete: it carries no token. Open the link from the email again, or ask for a new one.',
    'link.failed': 'This link did not work: {message} Ask for a new email and use its link.',
    'link.tooShort': 'Use at least 10 characters.',
    'invite.heading': 'Join your team',
    'invite.intro': 'Choose your name and a password to finish setting up your account.',
    'invite.submit': 'Join and sign in',
    'invite.done': 'Welcome, {name}: your account is ready.',
    'reset.heading': 'Choose a new password',
    'reset.intro': 'Type the password you want to use from now on. Your other sessions will be signed out.',
    'reset.submit': 'Set the new password',
    'reset.done': 'Your password is changed. Sign in with it now.',
    'signup.heading': 'Finish signing up',
    'signup.intro': 'Create your agency and its admin account, with the password you chose when you signed up.',
    'signup.submit': 'Create my agency and sign in',
    'signup.done': 'Your agency is ready. Sign in to continue.',
    'verify.heading': 'Confirm your email address',
    'verify.intro': 'Confirming your address lets the CRM send you invitations, reminders and resets.',
    'verify.submit': 'Confirm my address',
    'verify.done': 'Your email address is confirmed. Sign in to continue.',
    'verify.unavailable': 'This CRM does not confirm email addresses through a link: your address needs no confirming. Sign in to continue.',
  },
  de: {
    brand: 'Northwind Ops',
    skip: 'Zum Inhalt springen',
    'nav.label': 'Portal',
    'nav.menu': 'Menü',
    'nav.dashboard': 'Dashboard',
    'nav.contacts': 'Kontakte',
    'status.dashboardSaved': 'Dashboard {name} gespeichert.',
    'nav.leads': 'Leads',
    'nav.customers': 'Kunden',
    'nav.pipeline': 'Pipeline',
    'nav.campaigns': 'Kampagnen',
    'nav.tasks': 'Meine Aufgaben',
    'nav.support': 'Support',
    'support.detail': 'Ticket',
    'support.pick': 'Wählen Sie ein Ticket aus der Liste, um die Unterhaltung zu sehen.',
    'nav.kb': 'Wissensdatenbank',
    'nav.import': 'Import',
    'import.kind': 'Die Datei enthält',
    'nav.quotes': 'Angebote',
    'quotes.opportunity': 'Verkaufschance',
    'status.quoteSaved': 'Angebot {number} gespeichert: {total}',
    'status.quoteSent': 'Angebot {number} an den Kunden gesendet',
    'status.article': 'Artikel {title}: {change}',
    'nav.admin': 'Verwaltung',
    'locale.label': 'Sprache',
    'theme.dark': 'Dunkler Modus',
    signOut: 'Abmelden',
    'contacts.pick': 'Wählen Sie einen Kontakt in der Liste, um ihn hier zu sehen.',
    'contacts.new': 'Neuer Kontakt',
    'contacts.back': 'Zurück zur Liste',
    'contacts.detail': 'Kontakt',
    'pipeline.label': 'Pipeline',
    'campaigns.new': 'Neue Kampagne',
    'campaigns.back': 'Zurück zu den Kampagnen',
    'sends.title': 'Versände',
    'sends.pick': 'Versand',
    'sends.none': 'Es wurde noch nichts versendet.',
    'admin.label': 'Verwaltung',
    'admin.workflows': 'Abläufe',
    'admin.fields': 'Eigene Felder',
    'admin.templates': 'Vorlagen',
    'admin.products': 'Produkte',
    'admin.support': 'Support',
    'status.signedIn': 'Angemeldet als {name}',
    'status.saved': '{name} gespeichert',
    'status.moved': '{name} nach {stage} verschoben',
    'status.dealSaved': '{name} gespeichert',
    'status.campaign': 'Kampagne {title} gespeichert',
    'status.task': 'Aufgabe {title} ist jetzt {to}',
    'status.taskCreated': 'Aufgabe {title} angelegt',
    'status.product': 'Produkt {name} gespeichert',
    'status.error': 'Etwas ist schiefgegangen: {message}',
    'link.password': 'Passwort',
    'link.passwordHint': 'Mindestens 10 Zeichen.',
    'link.name': 'Ihr Name',
    'link.missingToken': 'Dieser Link ist unvollständig: Ihm fehlt das Token. Öffnen Sie den Link aus der E-Mail erneut oder fordern Sie einen neuen an.',
    'link.failed': 'Dieser Link hat nicht funktioniert: {message} Fordern Sie eine neue E-Mail an und verwenden Sie deren Link.',
    'link.tooShort': 'Verwenden Sie mindestens 10 Zeichen.',
    'invite.heading': 'Ihrem Team beitreten',
    'invite.intro': 'Wählen Sie Ihren Namen und ein Passwort, um Ihr Konto einzurichten.',
    'invite.submit': 'Beitreten und anmelden',
    'invite.done': 'Willkommen, {name}: Ihr Konto ist bereit.',
    'reset.heading': 'Neues Passwort wählen',
    'reset.intro': 'Geben Sie das Passwort ein, das Sie ab jetzt verwenden möchten. Ihre anderen Sitzungen werden abgemeldet.',
    'reset.submit': 'Neues Passwort speichern',
    'reset.done': 'Ihr Passwort wurde geändert. Melden Sie sich jetzt damit an.',
    'signup.heading': 'Registrierung abschließen',
    'signup.intro': 'Legen Sie Ihre Agentur und ihr Admin-Konto an, mit dem Passwort, das Sie bei der Registrierung gewählt haben.',
    'signup.submit': 'Agentur anlegen und anmelden',
    'signup.done': 'Ihre Agentur ist bereit. Melden Sie sich an, um fortzufahren.',
    'verify.heading': 'E-Mail-Adresse bestätigen',
    'verify.intro': 'Mit einer bestätigten Adresse kann Ihnen das CRM Einladungen, Erinnerungen und Links zum Zurücksetzen senden.',
    'verify.submit': 'Adresse bestätigen',
    'verify.done': 'Ihre E-Mail-Adresse ist bestätigt. Melden Sie sich an, um fortzufahren.',
    'verify.unavailable': 'Dieses CRM bestätigt E-Mail-Adressen nicht über einen Link: Ihre Adresse muss nicht bestätigt werden. Melden Sie sich an, um fortzufahren.',
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
