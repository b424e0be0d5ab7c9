import { CrmWorkflowAdmin } from './workflow-admin.component.js';

export { CrmWorkflowAdmin } from './workflow-admin.component.js';

CrmWorkflowAdmin.define('crm-workflow-admin');

declare global {
  interface HTMLElementTagNameMap {
    'crm-workflow-admin': CrmWorkflowAdmin;
  }
}
