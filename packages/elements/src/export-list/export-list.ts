import { CrmExportList } from './export-list.component.js';

export { CrmExportList } from './export-list.component.js';

CrmExportList.define('crm-export-list');

declare global {
  interface HTMLElementTagNameMap {
    'crm-export-list': CrmExportList;
  }
}
