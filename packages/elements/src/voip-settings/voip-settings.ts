import { CrmVoipSettings } from './voip-settings.component.js';

export { CrmVoipSettings } from './voip-settings.component.js';

CrmVoipSettings.define('crm-voip-settings');

declare global {
  interface HTMLElementTagNameMap {
    'crm-voip-settings': CrmVoipSettings;
  }
}
