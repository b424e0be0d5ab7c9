import type { CustomerUser } from '@crm/client-sdk';
import type { TicketAssignmentRules } from '../shared/api/admin.js';
import type { Ticket, TicketMessage } from '../shared/api/types.js';
import { CrmEvent } from './crm-event.js';

/** Fired when a person opens a ticket from `<crm-ticket-list>`; `detail.ticket` is the list's record. */
export class CrmTicketSelectedEvent extends CrmEvent<{ ticket: Ticket }> {
  static readonly eventName = 'crm-ticket-selected';
  constructor(detail: { ticket: Ticket }) {
    super(CrmTicketSelectedEvent.eventName, detail);
  }
}

/** Fired after `<crm-ticket-view>` posted a reply or an internal note; `detail.message` is the API's record. */
export class CrmTicketRepliedEvent extends CrmEvent<{ ticketId: string; message: TicketMessage }> {
  static readonly eventName = 'crm-ticket-replied';
  constructor(detail: { ticketId: string; message: TicketMessage }) {
    super(CrmTicketRepliedEvent.eventName, detail);
  }
}

/** Fired after a ticket moved to another status or was assigned; `detail.ticket` is the updated record. */
export class CrmTicketChangedEvent extends CrmEvent<{ ticket: Ticket; change: 'status' | 'assignee' }> {
  static readonly eventName = 'crm-ticket-changed';
  constructor(detail: { ticket: Ticket; change: 'status' | 'assignee' }) {
    super(CrmTicketChangedEvent.eventName, detail);
  }
}

/** Fired after `<crm-ticket-assignment-admin>` saved the agency's assignment rules; `detail.rules` is what the API stored. */
export class CrmAssignmentRulesSavedEvent extends CrmEvent<{ rules: TicketAssignmentRules }> {
  static readonly eventName = 'crm-assignment-rules-saved';
  constructor(detail: { rules: TicketAssignmentRules }) {
    super(CrmAssignmentRulesSavedEvent.eventName, detail);
  }
}

/** Fired after `<crm-customer-invite>` invited a contact to the portal or sent a new link; `detail.customerUser` is what the API answered. */
export class CrmCustomerInvitedEvent extends CrmEvent<{ customerUser: CustomerUser }> {
  static readonly eventName = 'crm-customer-invited';
  constructor(detail: { customerUser: CustomerUser }) {
    super(CrmCustomerInvitedEvent.eventName, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-customer-invited': CrmCustomerInvitedEvent;
    'crm-assignment-rules-saved': CrmAssignmentRulesSavedEvent;
  }
}
