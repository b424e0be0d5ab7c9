import { CrmLeadList } from './lead-list.component.js';

export { CrmLeadList } from './lead-list.component.js';

CrmLeadList.define('crm-lead-list');

declare global {
  interface HTMLElementTagNameMap {
    'crm-lead-list': CrmLeadList;
  }
}
