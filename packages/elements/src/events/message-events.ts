import type { ConversationMessage } from '../shared/api/conversations.js';
import { CrmEvent } from './crm-event.js';

/** Fired by <crm-messages> after the API stored a message the user wrote; `detail.message` is the stored one. */
export class CrmMessagePostedEvent extends CrmEvent<{ message: ConversationMessage; conversationId: string }> {
  static readonly eventName = 'crm-message-posted';
  constructor(detail: { message: ConversationMessage; conversationId: string }) {
    super(CrmMessagePostedEvent.eventName, detail);
  }
}

/** Fired by <crm-messages> after the API stored the user's edit of their message; `detail.message` is the edited one. */
export class CrmMessageEditedEvent extends CrmEvent<{ message: ConversationMessage; conversationId: string }> {
  static readonly eventName = 'crm-message-edited';
  constructor(detail: { message: ConversationMessage; conversationId: string }) {
    super(CrmMessageEditedEvent.eventName, detail);
  }
}

/** Fired by <crm-messages> after the user deleted a message; `detail.message` is the tombstone left in the thread. */
export class CrmMessageDeletedEvent extends CrmEvent<{ message: ConversationMessage; conversationId: string }> {
  static readonly eventName = 'crm-message-deleted';
  constructor(detail: { message: ConversationMessage; conversationId: string }) {
    super(CrmMessageDeletedEvent.eventName, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-message-posted': CrmMessagePostedEvent;
    'crm-message-edited': CrmMessageEditedEvent;
    'crm-message-deleted': CrmMessageDeletedEvent;
  }
}
