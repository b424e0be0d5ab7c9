import express from 'express';
import { AppError } from '../../platform/errors.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import { sendAttachment } from '../support/tickets.routes.js';
import { allowedAttachmentTypes, MAX_ATTACHMENT_BYTES } from '../support/ticket-messages.service.js';
import {
  attachmentParams, attachmentRefSchema, attachmentUploadQuery, conversationListSchema, conversationParams, conversationSchema, createDirectBody, inboxQuery,
  editMessageBody, messageListSchema, messagePageQuery, messageParams, messageSchema, peopleQuery, peopleSchema, postMessageBody, readStateSchema, recordThreadParams, searchQuery, searchResultSchema,
} from './conversations.schema.js';
import type { ConversationsService } from './conversations.service.js';

/**
 * Internal messaging: any signed-in user of the agency may use it; what they reach is decided per
 * conversation (a record thread by the record's visibility, a direct conversation by its participants).
 */
export function conversationRoutes(service: ConversationsService): RouteSpec[] {
  const tags = ['Conversations'];
  const signedIn = access.authenticated;
  return [
    defineRoute({
      method: 'get', path: '/conversations', operationId: 'listConversations', summary: 'My conversations (inbox), last message first',
      description: 'Direct conversations the caller is in, and record threads they take part in (wrote, were mentioned, opened) and may still read. Each has its `unreadCount`.',
      tags, access: signedIn, usersOnly: true, query: inboxQuery.extend({ kind: z.enum(['record', 'direct']).optional().openapi({ description: 'Only this kind' }) }),
      success: { status: 200, description: 'The conversations', schema: conversationListSchema },
      handler: ({ query, req }) => service.inbox(req.principal!, query),
    }),
    defineRoute({
      method: 'post', path: '/conversations', operationId: 'createDirectConversation', summary: 'Start a direct conversation (1:1 or a small group)',
      description: 'A 1:1 exists once per pair: asking again answers the same conversation. Participants must be active users of the agency.',
      tags, access: signedIn, usersOnly: true, body: createDirectBody,
      success: { status: 201, description: 'The conversation', schema: conversationSchema },
      handler: ({ body, req }) => service.createDirect(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/conversations/search', operationId: 'searchConversationMessages', summary: 'Find messages in the conversations I may read',
      tags, access: signedIn, usersOnly: true, query: searchQuery,
      success: { status: 200, description: 'Matching messages, newest first', schema: searchResultSchema },
      handler: ({ query, req }) => service.search(req.principal!, query),
    }),
    defineRoute({
      method: 'get', path: '/conversations/people', operationId: 'listConversationPeople', summary: 'Users to mention or to talk to',
      tags, access: signedIn, usersOnly: true, query: peopleQuery,
      success: { status: 200, description: 'Active users whose name or email starts with `q`', schema: peopleSchema },
      handler: ({ query, req }) => service.people(req.principal!, query),
    }),
    defineRoute({
      method: 'get', path: '/record-threads/{kind}/{recordId}', operationId: 'getRecordThread', summary: 'The thread of a record',
      description: 'Answered to whoever may read the record (404 otherwise); made on first open.',
      tags, access: signedIn, usersOnly: true, params: recordThreadParams,
      success: { status: 200, description: 'The thread', schema: conversationSchema },
      errors: [404],
      handler: ({ params, req }) => service.recordThread(req.principal!, params.kind, params.recordId),
    }),
    defineRoute({
      method: 'get', path: '/conversations/{id}', operationId: 'getConversation', summary: 'A conversation', tags, access: signedIn, usersOnly: true, params: conversationParams,
      success: { status: 200, description: 'The conversation', schema: conversationSchema },
      errors: [404],
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get', path: '/conversations/{id}/messages', operationId: 'listConversationMessages', summary: 'Messages of a conversation, newest first',
      tags, access: signedIn, usersOnly: true, params: conversationParams, query: messagePageQuery,
      success: { status: 200, description: 'A page of messages', schema: messageListSchema },
      errors: [404],
      handler: ({ params, query, req }) => service.messages(req.principal!, params.id, query),
    }),
    defineRoute({
      method: 'post', path: '/conversations/{id}/messages', operationId: 'postConversationMessage', summary: 'Post a message',
      description: 'Send an `Idempotency-Key` so that a retry never posts twice. Mentioned users are notified in the app and live; readers of the conversation receive `conversation.message` on the realtime socket.',
      tags, access: signedIn, usersOnly: true, params: conversationParams, body: postMessageBody,
      success: { status: 201, description: 'The message', schema: messageSchema },
      errors: [404],
      handler: ({ params, body, req }) => service.post(req.principal!, params.id, body),
    }),
    defineRoute({
      method: 'patch', path: '/conversations/{id}/messages/{messageId}', operationId: 'editConversationMessage', summary: 'Edit a message (its author)',
      description: 'The message is marked edited (`editedAt`); search finds the new text. Users in `mentionIds` who were not mentioned before are notified, each once per message. Readers receive `conversation.message.updated` on the realtime socket. A deleted message answers 409.',
      tags, access: signedIn, usersOnly: true, params: messageParams, body: editMessageBody,
      success: { status: 200, description: 'The edited message', schema: messageSchema },
      errors: [403, 404, 409],
      handler: ({ params, body, req }) => service.edit(req.principal!, params.id, params.messageId, body),
    }),
    defineRoute({
      method: 'delete', path: '/conversations/{id}/messages/{messageId}', operationId: 'deleteConversationMessage', summary: 'Delete a message (its author, or an admin)',
      description: 'Leaves a tombstone in the thread (`deletedAt` set, empty body, no mentions or attachments; shown as "message deleted"); its attachments are deleted and search forgets it. Readers receive `conversation.message.updated`. Deleting again answers the same tombstone.',
      tags, access: signedIn, usersOnly: true, params: messageParams, idempotency: false,
      success: { status: 200, description: 'The tombstone', schema: messageSchema },
      errors: [403, 404],
      handler: ({ params, req }) => service.remove(req.principal!, params.id, params.messageId),
    }),
    defineRoute({
      method: 'post', path: '/conversations/{id}/read', operationId: 'markConversationRead', summary: 'Mark every message of the conversation read',
      tags, access: signedIn, usersOnly: true, params: conversationParams, idempotency: false,
      success: { status: 200, description: 'The caller\'s read state', schema: readStateSchema },
      errors: [404],
      handler: ({ params, req }) => service.markRead(req.principal!, params.id),
    }),
    defineRoute({
      method: 'post', path: '/conversations/{id}/attachments', operationId: 'uploadConversationAttachment', summary: 'Upload a file to attach to a message',
      description: `Send the file's raw bytes as the body (one of ${allowedAttachmentTypes.join(', ')}, recognised by its content; at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB), the name in \`?name=\`. Then post a message with its id in \`attachmentIds\`.`,
      tags, access: signedIn, usersOnly: true, params: conversationParams, query: attachmentUploadQuery,
      before: [express.raw({ type: () => true, limit: MAX_ATTACHMENT_BYTES })],
      success: { status: 201, description: 'The stored attachment', schema: attachmentRefSchema },
      errors: [404, 413, 415],
      handler: ({ params, query, req }) => {
        if (!Buffer.isBuffer(req.body)) throw AppError.invalidField('body', 'is empty; send the file bytes as the request body (any Content-Type but JSON)');
        return service.upload(req.principal!, params.id, { name: query.name, data: req.body });
      },
    }),
    defineRoute({
      method: 'get', path: '/conversations/{id}/attachments/{attachmentId}', operationId: 'getConversationAttachment', summary: 'Download an attachment of a conversation',
      tags, access: signedIn, usersOnly: true, params: attachmentParams,
      success: { status: 200, description: 'The file, as a download', mediaType: 'application/octet-stream' },
      errors: [404],
      handler: async ({ params, req, res }) => sendAttachment(res, await service.download(req.principal!, params.id, params.attachmentId)),
    }),
  ];
}
