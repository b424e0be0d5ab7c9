import { CrmTicketView } from './ticket-view.component.js';

export { CrmTicketView } from './ticket-view.component.js';

CrmTicketView.define('crm-ticket-view');

declare global {
  interface HTMLElementTagNameMap {
    'crm-ticket-view': CrmTicketView;
  }
}
