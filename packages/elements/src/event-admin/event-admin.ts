import { CrmEventAdmin } from './event-admin.component.js';

export { CrmEventAdmin } from './event-admin.component.js';

CrmEventAdmin.define('crm-event-admin');

declare global {
  interface HTMLElementTagNameMap {
    'crm-event-admin': CrmEventAdmin;
  }
}
