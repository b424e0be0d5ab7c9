/** French messages of every widget, fetched only by a widget whose locale is `fr` (see loadLocale). */
import type { LocaleTable } from '../shared/locale-table.js';

const fr: LocaleTable = {
  'common.loading': 'Chargement…',
  'common.notFound': 'Cette campagne n’est pas disponible.',
  'common.notAllowed': 'Ce site n’est pas autorisé à afficher cette campagne.',
  'common.notRunning': 'Cette campagne n’est pas en cours.',
  'common.offline': 'Vous semblez hors ligne. Vérifiez votre connexion et réessayez.',
  'common.rateLimited': { one: 'Trop de tentatives. Réessayez dans {n} seconde.', other: 'Trop de tentatives. Réessayez dans {n} secondes.' },
  'common.failed': 'Une erreur est survenue. Veuillez réessayer.',
  'common.retry': 'Réessayer',
  'card.like': 'J’aime',
  'card.liked': 'Aimé',
  'card.enrol': 'Participer',
  'card.enrolled': 'Inscrit',
  'card.views': { one: '{n} vue', other: '{n} vues' },
  'card.likes': '{n} j’aime',
  'card.enrolments': { one: '{n} inscription', other: '{n} inscriptions' },
  'card.from': 'À partir du {start}',
  'card.until': 'Jusqu’au {end}',
  'signup.invalidEmail': 'Saisissez une adresse e-mail comme nom@exemple.fr.',
  'signup.required': '{field} est obligatoire.',
  'signup.fixErrors': 'Veuillez corriger les champs signalés.',
  'signup.consentRequired': 'Veuillez accepter pour continuer.',
  'signup.expired': 'Le formulaire a expiré. Veuillez l’envoyer à nouveau.',
  'signup.submit': 'S’inscrire',
  'signup.sending': 'Envoi…',
  'signup.thanks': 'Merci pour votre inscription !',
  'signup.confirm': 'Presque fini : confirmez votre adresse e-mail depuis votre boîte de réception.',
};

export default fr;
