import { CrmTemplateAdmin } from './template-admin.component.js';

export { CrmTemplateAdmin } from './template-admin.component.js';

CrmTemplateAdmin.define('crm-template-admin');

declare global {
  interface HTMLElementTagNameMap {
    'crm-template-admin': CrmTemplateAdmin;
  }
}
