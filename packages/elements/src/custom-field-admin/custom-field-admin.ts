import { CrmCustomFieldAdmin } from './custom-field-admin.component.js';

export { CrmCustomFieldAdmin, type CrmCustomFieldResource } from './custom-field-admin.component.js';

CrmCustomFieldAdmin.define('crm-custom-field-admin');

declare global {
  interface HTMLElementTagNameMap {
    'crm-custom-field-admin': CrmCustomFieldAdmin;
  }
}
