// What <crm-messages> asks of the API, through the SDK's `crm.conversations` (threads, messages, read
// state, people to mention, editing and deleting) and `crm.realtime.on('conversation.message' |
// 'conversation.message.updated' | 'conversation.read')`.
import type { Conversation, ConversationMessage, ConversationMessagePushed, ConversationMessageUpdated, ConversationReadState, ConversationRecordKind, CrmClient as SdkClient } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

export type { Conversation, ConversationMessage, ConversationMessagePushed, ConversationMessageUpdated, ConversationReadState, ConversationRecordKind };

/** One user to mention or talk to. */
export interface ConversationPerson {
  id: string;
  name: string;
  email: string;
}

/** A client that can message: the SDK's `conversations`, and `realtime.on` for live messages when it has it. */
export type ConversationClient = CrmClient & Pick<SdkClient, 'conversations'> & { readonly realtime?: Pick<SdkClient['realtime'], 'on'> };

/** Narrows the provider's client to one with conversations, or throws a clear error. */
export function conversationClient(client: CrmClient | undefined): ConversationClient {
  if (!client || typeof (client as Partial<ConversationClient>).conversations?.messages !== 'function') throw new Error('No CRM client with conversations: put the element inside a <crm-provider> with a client of @crm/client-sdk.');
  return client as ConversationClient;
}
