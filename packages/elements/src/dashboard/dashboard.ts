import { CrmDashboard } from './dashboard.component.js';

export { CrmDashboard } from './dashboard.component.js';

CrmDashboard.define('crm-dashboard');

declare global {
  interface HTMLElementTagNameMap {
    'crm-dashboard': CrmDashboard;
  }
}
