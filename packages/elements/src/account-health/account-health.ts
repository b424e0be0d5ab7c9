import { CrmAccountHealth } from './account-health.component.js';

export { CrmAccountHealth } from './account-health.component.js';

CrmAccountHealth.define('crm-account-health');

declare global {
  interface HTMLElementTagNameMap {
    'crm-account-health': CrmAccountHealth;
  }
}
