import type { ConversationMessage } from '../shared/api/conversations.js';
import { CrmEvent } from './crm-event.js';

/** Fired by <crm-messages> after the API stored a message the user wrote; `detail.message` is the stored one. */
export class CrmMessagePostedEvent extends CrmEvent<{ message: ConversationMessage; conversationId: string }> {
  static readonly eventName = 'crm-message-posted';
  constructor(detail: { message: ConversationMessage; conversationId: string }) {
    super(CrmMessagePostedEvent.eventName, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-message-posted': CrmMessagePostedEvent;
  }
}
