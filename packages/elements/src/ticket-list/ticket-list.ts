import { CrmTicketList } from './ticket-list.component.js';

export { CrmTicketList } from './ticket-list.component.js';

CrmTicketList.define('crm-ticket-list');

declare global {
  interface HTMLElementTagNameMap {
    'crm-ticket-list': CrmTicketList;
  }
}
