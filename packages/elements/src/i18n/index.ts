export { msg, plural, registerStrings, availableLocales, type CrmMessageParams, type CrmPluralKey } from './msg.js';
export { en, type CrmStringKey, type CrmStrings } from './strings.en.js';
export { de } from './strings.de.js';
