/** German messages of every widget, fetched only by a widget whose locale is `de` (see loadLocale). */
import type { LocaleTable } from '../shared/locale-table.js';

const de: LocaleTable = {
  'common.loading': 'Wird geladen…',
  'common.notFound': 'Diese Kampagne ist nicht verfügbar.',
  'common.notAllowed': 'Diese Website darf diese Kampagne nicht anzeigen.',
  'common.notRunning': 'Diese Kampagne läuft gerade nicht.',
  'common.offline': 'Sie scheinen offline zu sein. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
  'common.rateLimited': { one: 'Zu viele Versuche. Bitte versuchen Sie es in {n} Sekunde erneut.', other: 'Zu viele Versuche. Bitte versuchen Sie es in {n} Sekunden erneut.' },
  'common.failed': 'Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.',
  'common.retry': 'Erneut versuchen',
  'card.like': 'Gefällt mir',
  'card.liked': 'Gefällt dir',
  'card.enrol': 'Teilnehmen',
  'card.enrolled': 'Angemeldet',
  'card.views': { one: '{n} Aufruf', other: '{n} Aufrufe' },
  'card.likes': { one: '{n} Like', other: '{n} Likes' },
  'card.enrolments': { one: '{n} Anmeldung', other: '{n} Anmeldungen' },
  'card.from': 'Ab {start}',
  'card.until': 'Bis {end}',
  'signup.invalidEmail': 'Geben Sie eine E-Mail-Adresse wie name@beispiel.de ein.',
  'signup.required': '{field} ist ein Pflichtfeld.',
  'signup.fixErrors': 'Bitte korrigieren Sie die markierten Felder.',
  'signup.consentRequired': 'Bitte stimmen Sie zu, um fortzufahren.',
  'signup.expired': 'Das Formular ist abgelaufen. Bitte senden Sie es erneut.',
  'signup.submit': 'Anmelden',
  'signup.sending': 'Wird gesendet…',
  'signup.thanks': 'Danke für Ihre Anmeldung!',
  'signup.confirm': 'Fast geschafft: Bestätigen Sie Ihre E-Mail-Adresse über den Link in Ihrem Posteingang.',
};

export default de;
