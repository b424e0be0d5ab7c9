import { CrmCustomerList } from './customer-list.component.js';

export { CrmCustomerList } from './customer-list.component.js';

CrmCustomerList.define('crm-customer-list');

declare global {
  interface HTMLElementTagNameMap {
    'crm-customer-list': CrmCustomerList;
  }
}
