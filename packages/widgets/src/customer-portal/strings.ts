/**
 * The portal's words in English and German, and the Intl helpers for counts and dates. Both languages
 * ship in the portal's first chunk (a few hundred bytes gzip), so switching needs no download.
 */
const en = {
  title: 'Customer portal',
  signInTitle: 'Sign in',
  signInIntro: 'Enter your email address and we will send you a link to sign in. The link works once, for 15 minutes.',
  email: 'Email address',
  sendLink: 'Email me a sign-in link',
  sending: 'Sending…',
  linkSent: 'If {email} belongs to a customer account, a sign-in link is on its way. Check your inbox.',
  usePassword: 'Sign in with a password instead',
  password: 'Password',
  signIn: 'Sign in',
  signingIn: 'Signing you in…',
  badLink: 'This sign-in link is no longer valid. Ask for a new one below.',
  badPassword: 'The email or password is not correct.',
  invalidEmail: 'Enter an email address like name@example.com.',
  navHome: 'Home',
  navTickets: 'Tickets',
  navQuotes: 'Quotes',
  navInvoices: 'Invoices',
  navKb: 'Knowledge base',
  navProfile: 'Profile',
  signOut: 'Sign out',
  hello: 'Hello {name}',
  openTickets: 'Open tickets',
  noOpenTickets: 'You have no open tickets.',
  latestArticles: 'Latest articles',
  documents: 'Quotes and invoices',
  loading: 'Loading…',
  failed: 'Something went wrong. Please try again.',
  offline: 'You seem to be offline. Please try again.',
  rateLimited: 'Too many attempts. Please wait {n} seconds.',
  ticketCount: { one: '# ticket', other: '# tickets' },
  messageCount: { one: '# message', other: '# messages' },
  starCount: { one: '# star', other: '# stars' },
  newTicket: 'New ticket',
  subject: 'Subject',
  description: 'Describe your request',
  create: 'Send request',
  suggested: 'These articles may answer your question',
  back: 'Back to tickets',
  reply: 'Reply',
  sendReply: 'Send reply',
  attachFiles: 'Attach files (optional)',
  attachHint: 'PNG, JPEG, GIF, WebP, PDF or plain text, up to 5 MB each.',
  fileTooLarge: '{name} is larger than 5 MB.',
  fileType: '{name} is not a PNG, JPEG, GIF, WebP, PDF or plain text file.',
  download: 'Download {name}',
  close: 'Close ticket',
  closeTitle: 'Close this ticket',
  rateLegend: 'How satisfied are you with our help? (optional)',
  rateHint: '1 star is poor, 5 stars is excellent.',
  rateComment: 'Anything you want to tell us? (optional)',
  confirmClose: 'Close ticket',
  cancel: 'Cancel',
  rated: 'Your rating: {stars}. Thank you.',
  reopen: 'Reopen ticket',
  you: 'You',
  support: 'Support',
  updated: 'Updated {date}',
  status: { new: 'New', open: 'Open', pending_customer: 'Waiting for you', resolved: 'Resolved', closed: 'Closed' } as Record<string, string>,
  required: '{field} is required.',
  search: 'Search articles',
  searchButton: 'Search',
  noArticles: 'No articles found.',
  kbUnavailable: 'The knowledge base is not available yet.',
  helpful: 'Was this helpful?',
  yes: 'Yes',
  no: 'No',
  thanks: 'Thank you for your feedback.',
  profileTitle: 'My details',
  firstName: 'First name',
  lastName: 'Last name',
  phone: 'Phone',
  jobTitle: 'Job title',
  language: 'Language',
  save: 'Save',
  saved: 'Saved.',
  preferencesTitle: 'Consent and subscriptions',
  marketing: 'I agree to receive marketing messages',
  subscribed: 'Receive {category} by email',
  account: 'Account',
};

export type Strings = typeof en;

const de: Strings = {
  title: 'Kundenportal',
  signInTitle: 'Anmelden',
  signInIntro: 'Geben Sie Ihre E-Mail-Adresse ein, und wir senden Ihnen einen Anmeldelink. Der Link gilt einmal, 15 Minuten lang.',
  email: 'E-Mail-Adresse',
  sendLink: 'Anmeldelink senden',
  sending: 'Wird gesendet…',
  linkSent: 'Wenn {email} zu einem Kundenkonto gehört, ist ein Anmeldelink unterwegs. Sehen Sie in Ihrem Posteingang nach.',
  usePassword: 'Stattdessen mit Passwort anmelden',
  password: 'Passwort',
  signIn: 'Anmelden',
  signingIn: 'Sie werden angemeldet…',
  badLink: 'Dieser Anmeldelink ist nicht mehr gültig. Fordern Sie unten einen neuen an.',
  badPassword: 'E-Mail-Adresse oder Passwort ist nicht richtig.',
  invalidEmail: 'Geben Sie eine E-Mail-Adresse wie name@example.com ein.',
  navHome: 'Start',
  navTickets: 'Anfragen',
  navQuotes: 'Angebote',
  navInvoices: 'Rechnungen',
  navKb: 'Wissensdatenbank',
  navProfile: 'Profil',
  signOut: 'Abmelden',
  hello: 'Hallo {name}',
  openTickets: 'Offene Anfragen',
  noOpenTickets: 'Sie haben keine offenen Anfragen.',
  latestArticles: 'Neueste Artikel',
  documents: 'Angebote und Rechnungen',
  loading: 'Wird geladen…',
  failed: 'Etwas ist schiefgegangen. Bitte versuchen Sie es erneut.',
  offline: 'Sie scheinen offline zu sein. Bitte versuchen Sie es erneut.',
  rateLimited: 'Zu viele Versuche. Bitte warten Sie {n} Sekunden.',
  ticketCount: { one: '# Anfrage', other: '# Anfragen' },
  messageCount: { one: '# Nachricht', other: '# Nachrichten' },
  starCount: { one: '# Stern', other: '# Sterne' },
  newTicket: 'Neue Anfrage',
  subject: 'Betreff',
  description: 'Beschreiben Sie Ihr Anliegen',
  create: 'Anfrage senden',
  suggested: 'Diese Artikel beantworten Ihre Frage vielleicht',
  back: 'Zurück zu den Anfragen',
  reply: 'Antwort',
  sendReply: 'Antwort senden',
  attachFiles: 'Dateien anhängen (optional)',
  attachHint: 'PNG, JPEG, GIF, WebP, PDF oder reiner Text, je höchstens 5 MB.',
  fileTooLarge: '{name} ist größer als 5 MB.',
  fileType: '{name} ist keine PNG-, JPEG-, GIF-, WebP-, PDF- oder Textdatei.',
  download: '{name} herunterladen',
  close: 'Anfrage schließen',
  closeTitle: 'Diese Anfrage schließen',
  rateLegend: 'Wie zufrieden sind Sie mit unserer Hilfe? (optional)',
  rateHint: '1 Stern ist schlecht, 5 Sterne sind ausgezeichnet.',
  rateComment: 'Möchten Sie uns noch etwas sagen? (optional)',
  confirmClose: 'Anfrage schließen',
  cancel: 'Abbrechen',
  rated: 'Ihre Bewertung: {stars}. Vielen Dank.',
  reopen: 'Anfrage wieder öffnen',
  you: 'Sie',
  support: 'Support',
  updated: 'Aktualisiert {date}',
  status: { new: 'Neu', open: 'Offen', pending_customer: 'Wartet auf Sie', resolved: 'Gelöst', closed: 'Geschlossen' },
  required: '{field} ist erforderlich.',
  search: 'Artikel durchsuchen',
  searchButton: 'Suchen',
  noArticles: 'Keine Artikel gefunden.',
  kbUnavailable: 'Die Wissensdatenbank ist noch nicht verfügbar.',
  helpful: 'War das hilfreich?',
  yes: 'Ja',
  no: 'Nein',
  thanks: 'Danke für Ihre Rückmeldung.',
  profileTitle: 'Meine Angaben',
  firstName: 'Vorname',
  lastName: 'Nachname',
  phone: 'Telefon',
  jobTitle: 'Position',
  language: 'Sprache',
  save: 'Speichern',
  saved: 'Gespeichert.',
  preferencesTitle: 'Einwilligung und Abonnements',
  marketing: 'Ich möchte Marketing-Nachrichten erhalten',
  subscribed: '{category} per E-Mail erhalten',
  account: 'Konto',
};

export type PortalLocale = 'en' | 'de';

/** The portal's locale for a wanted tag (`de-AT` → `de`); English for anything else. */
export function portalLocale(wanted: string | null | undefined): PortalLocale {
  return wanted?.toLowerCase().startsWith('de') ? 'de' : 'en';
}

/** A message with `{name}` placeholders filled. */
export function say(locale: PortalLocale, key: { [K in keyof Strings]: Strings[K] extends string ? K : never }[keyof Strings], params: Record<string, string | number> = {}): string {
  const template = (locale === 'de' ? de : en)[key] as string;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

/** A count in words with the locale's plural rules (`3 tickets`, `1 Anfrage`). */
export function count(locale: PortalLocale, key: 'ticketCount' | 'messageCount' | 'starCount', n: number): string {
  const forms = (locale === 'de' ? de : en)[key];
  const rule = new Intl.PluralRules(locale).select(n) as 'one' | 'other';
  return (forms[rule] ?? forms.other).replace('#', new Intl.NumberFormat(locale).format(n));
}

/** A ticket status in words. */
export function statusName(locale: PortalLocale, status: string): string {
  return (locale === 'de' ? de : en).status[status] ?? status;
}

/** A date and time in the locale's words. */
export function when(locale: PortalLocale, iso: string | null | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
