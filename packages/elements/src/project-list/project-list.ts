import { CrmProjectList } from './project-list.component.js';

export { CrmProjectList } from './project-list.component.js';

CrmProjectList.define('crm-project-list');

declare global {
  interface HTMLElementTagNameMap {
    'crm-project-list': CrmProjectList;
  }
}
