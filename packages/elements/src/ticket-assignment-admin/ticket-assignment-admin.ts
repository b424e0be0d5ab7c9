import { CrmTicketAssignmentAdmin } from './ticket-assignment-admin.component.js';

export { CrmTicketAssignmentAdmin } from './ticket-assignment-admin.component.js';

CrmTicketAssignmentAdmin.define('crm-ticket-assignment-admin');

declare global {
  interface HTMLElementTagNameMap {
    'crm-ticket-assignment-admin': CrmTicketAssignmentAdmin;
  }
}
