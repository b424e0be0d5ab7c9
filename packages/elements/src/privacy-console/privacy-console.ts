import { CrmPrivacyConsole } from './privacy-console.component.js';

export { CrmPrivacyConsole } from './privacy-console.component.js';

CrmPrivacyConsole.define('crm-privacy-console');

declare global {
  interface HTMLElementTagNameMap {
    'crm-privacy-console': CrmPrivacyConsole;
  }
}
