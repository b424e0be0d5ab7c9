import { CrmContactList } from './contact-list.component.js';

export { CrmContactList } from './contact-list.component.js';

CrmContactList.define('crm-contact-list');

declare global {
  interface HTMLElementTagNameMap {
    'crm-contact-list': CrmContactList;
  }
}
