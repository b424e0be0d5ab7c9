import { CrmCardScan } from './card-scan.component.js';

export { CrmCardScan } from './card-scan.component.js';

CrmCardScan.define('crm-card-scan');

declare global {
  interface HTMLElementTagNameMap {
    'crm-card-scan': CrmCardScan;
  }
}
