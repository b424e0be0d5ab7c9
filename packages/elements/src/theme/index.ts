export { lightTokens, darkTokens, sys, declareTokens, focusRing, type CrmSysToken } from './tokens.js';
