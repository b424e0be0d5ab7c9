import { CrmCustomerInvite } from './customer-invite.component.js';

export { CrmCustomerInvite } from './customer-invite.component.js';

CrmCustomerInvite.define('crm-customer-invite');

declare global {
  interface HTMLElementTagNameMap {
    'crm-customer-invite': CrmCustomerInvite;
  }
}
