import { CrmMailwizzSettings } from './mailwizz-settings.component.js';

export { CrmMailwizzSettings } from './mailwizz-settings.component.js';

CrmMailwizzSettings.define('crm-mailwizz-settings');

declare global {
  interface HTMLElementTagNameMap {
    'crm-mailwizz-settings': CrmMailwizzSettings;
  }
}
