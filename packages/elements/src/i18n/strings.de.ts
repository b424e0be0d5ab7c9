import type { CrmStrings } from './strings.en.js';

/** German. Typed as a complete table so a missing key fails `tsc`, not a user. */
export const de: CrmStrings = {
  'state.loading': 'Wird geladen…',
  'state.empty': 'Noch keine Einträge.',
  'state.error': 'Etwas ist schiefgelaufen.',
  'state.retry': 'Erneut versuchen',
  'field.required': 'Bitte {label} ausfüllen.',
  'field.invalid': '{label} ist ungültig.',
  'field.optional': 'optional',
  'select.placeholder': 'Bitte wählen…',
  'signIn.heading': 'Anmelden',
  'signIn.email': 'E-Mail',
  'signIn.password': 'Passwort',
  'signIn.submit': 'Anmelden',
  'signIn.busy': 'Anmeldung läuft…',
  'signIn.failed': 'Anmeldung fehlgeschlagen. Bitte E-Mail und Passwort prüfen und erneut versuchen.',
  'provider.noClient': 'Nicht verbunden: crm-provider braucht einen client oder eine base-url mit registrierter Client-Fabrik.',
};
