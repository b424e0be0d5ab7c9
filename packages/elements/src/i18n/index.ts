export { msg, registerStrings, availableLocales, type CrmMessageParams } from './msg.js';
export { en, type CrmStringKey, type CrmStrings } from './strings.en.js';
export { de } from './strings.de.js';
