import { CrmInvoiceList } from './invoice-list.component.js';

export { CrmInvoiceList } from './invoice-list.component.js';

CrmInvoiceList.define('crm-invoice-list');

declare global {
  interface HTMLElementTagNameMap {
    'crm-invoice-list': CrmInvoiceList;
  }
}
