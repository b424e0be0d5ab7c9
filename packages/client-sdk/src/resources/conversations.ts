import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';
import type { DocumentBody } from './customers.js';

/** A conversation: the thread of a record, or a direct conversation between users, with the caller's `unreadCount`. */
export type Conversation = Schema<'Conversation'>;
/** One message of a conversation. */
export type ConversationMessage = Schema<'ConversationMessage'>;
/** The body of `crm.conversations.post`. */
export type ConversationMessageParams = Schema<'ConversationMessageInput'>;
/** The body of `crm.conversations.editMessage`. */
export type ConversationMessageEditParams = Schema<'ConversationMessageEdit'>;
/** What the realtime socket sends as `conversation.message.updated` (a message edited, or deleted: then `deletedAt` is set). */
export interface ConversationMessageUpdated {
  conversationId: string;
  message: ConversationMessage;
}
/** The body of `crm.conversations.createDirect`. */
export type DirectConversationParams = Schema<'DirectConversationInput'>;
/** A file attached to a message. */
export type ConversationAttachment = Schema<'ConversationAttachment'>;
/** The caller's read state of a conversation after `markRead`. */
export type ConversationReadState = Schema<'ConversationReadState'>;
/** What `crm.conversations.search` answers. */
export type ConversationSearchResult = Schema<'ConversationSearchResult'>;
/** Users to mention or talk to. */
export type ConversationPeople = Schema<'ConversationPeople'>;
/** What the realtime socket sends as `conversation.message`. */
export interface ConversationMessagePushed {
  conversationId: string;
  message: ConversationMessage;
  /** My unread messages in that conversation now. */
  unreadCount: number;
}
/** The record kinds a thread can belong to. */
export type ConversationRecordKind = NonNullable<Conversation['recordKind']>;
/** The query of `crm.conversations.list`. */
export type ConversationListParams = OperationQuery<'listConversations'> & ListParams;
/** The query of `crm.conversations.search`. */
export type ConversationSearchParams = OperationQuery<'searchConversationMessages'>;

/**
 * Internal messaging (`crm.conversations`): record threads, direct conversations, mentions, read state.
 * Live messages arrive on the realtime socket as `conversation.message`, `conversation.message.updated` and `conversation.read`.
 *
 * @example const thread = await crm.conversations.forRecord('lead', leadId);
 * await crm.conversations.post(thread.id, { body: '@Ben can you call?', mentionIds: [benId] });
 */
export class Conversations extends APIResource {
  /** My conversations (inbox), last message first, each with its unread count. */
  list(params?: ConversationListParams, options?: RequestOptions): PagePromise<Conversation> {
    return requestPage<Conversation>(this._transport, '/v1/conversations', params, options);
  }

  /** Starts a direct conversation; a 1:1 exists once per pair (the same one is answered again). */
  createDirect(params: DirectConversationParams, options?: RequestOptions): Promise<Conversation> {
    return this._transport.post<Conversation>('/v1/conversations', params, options, true);
  }

  /** The thread of a record I may read (404 otherwise). */
  forRecord(kind: ConversationRecordKind, recordId: string, options?: RequestOptions): Promise<Conversation> {
    return this._transport.get<Conversation>(path`/v1/record-threads/${kind}/${recordId}`, undefined, options);
  }

  /** One conversation. */
  get(id: string, options?: RequestOptions): Promise<Conversation> {
    return this._transport.get<Conversation>(path`/v1/conversations/${id}`, undefined, options);
  }

  /** Messages, newest first. */
  messages(id: string, params?: ListParams, options?: RequestOptions): PagePromise<ConversationMessage> {
    return requestPage<ConversationMessage>(this._transport, path`/v1/conversations/${id}/messages`, params, options);
  }

  /** Posts a message; an idempotency key is sent (generated when not given), so a retry never posts twice. */
  post(id: string, params: ConversationMessageParams, options?: RequestOptions): Promise<ConversationMessage> {
    return this._transport.post<ConversationMessage>(path`/v1/conversations/${id}/messages`, params, options, true);
  }

  /** Edits my message: it is marked edited, and users newly in `mentionIds` are notified (once per message). */
  editMessage(id: string, messageId: string, params: ConversationMessageEditParams, options?: RequestOptions): Promise<ConversationMessage> {
    return this._transport.patch<ConversationMessage>(path`/v1/conversations/${id}/messages/${messageId}`, params, options);
  }

  /** Deletes a message (mine, or any as an admin), answering the tombstone that stays in the thread. */
  async deleteMessage(id: string, messageId: string, options?: RequestOptions): Promise<ConversationMessage> {
    return (await this._transport.request<ConversationMessage>({ method: 'DELETE', path: path`/v1/conversations/${id}/messages/${messageId}` }, options)).data;
  }

  /** Marks every message of the conversation read. */
  markRead(id: string, options?: RequestOptions): Promise<ConversationReadState> {
    return this._transport.post<ConversationReadState>(path`/v1/conversations/${id}/read`, undefined, options);
  }

  /** Finds messages in the conversations I may read. */
  search(params: ConversationSearchParams, options?: RequestOptions): Promise<ConversationSearchResult> {
    return this._transport.get<ConversationSearchResult>('/v1/conversations/search', params as never, options);
  }

  /** Users whose name or email starts with `q` (mention autocomplete). */
  people(params?: OperationQuery<'listConversationPeople'>, options?: RequestOptions): Promise<ConversationPeople> {
    return this._transport.get<ConversationPeople>('/v1/conversations/people', params as never, options);
  }

  /** Uploads a file to attach to a message (then post with its id in `attachmentIds`). */
  async uploadAttachment(id: string, name: string, file: DocumentBody, options?: RequestOptions): Promise<ConversationAttachment> {
    const contentType = (typeof Blob !== 'undefined' && file instanceof Blob && file.type) || 'application/octet-stream';
    return (await this._transport.request<ConversationAttachment>({ method: 'POST', path: path`/v1/conversations/${id}/attachments`, query: { name }, body: file, contentType, autoIdempotencyKey: true }, options)).data;
  }

  /** The bytes of an attachment. */
  async downloadAttachment(id: string, attachmentId: string, options?: RequestOptions): Promise<Blob> {
    return (await this._transport.request<Blob>({ method: 'GET', path: path`/v1/conversations/${id}/attachments/${attachmentId}`, responseType: 'blob' }, options)).data;
  }
}
