import { CrmTaskList } from './task-list.component.js';

export { CrmTaskList } from './task-list.component.js';

CrmTaskList.define('crm-task-list');

declare global {
  interface HTMLElementTagNameMap {
    'crm-task-list': CrmTaskList;
  }
}
