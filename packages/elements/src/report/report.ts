import { CrmReport } from './report.component.js';

export { CrmReport } from './report.component.js';

CrmReport.define('crm-report');

declare global {
  interface HTMLElementTagNameMap {
    'crm-report': CrmReport;
  }
}
