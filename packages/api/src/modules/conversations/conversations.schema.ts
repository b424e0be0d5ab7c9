import { listOf, objectId, pageQuery } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { threadRecordKinds } from './conversation.model.js';

export const recordKindSchema = z.enum(threadRecordKinds).openapi({ description: `The kind of record: ${threadRecordKinds.join(', ')}` });

export const recordThreadParams = z.object({ kind: recordKindSchema, recordId: objectId });
export const conversationParams = z.object({ id: objectId });
export const messageParams = z.object({ id: objectId, messageId: objectId });
export const attachmentParams = z.object({ id: objectId, attachmentId: z.string().regex(/^[a-f0-9]{32}$/, 'is not an attachment id') });

export const createDirectBody = z
  .object({
    participantIds: z.array(objectId).min(1).max(19).openapi({ description: 'The other users (you are added); one makes a 1:1, which exists once per pair, more make a group' }),
    title: z.string().trim().max(200).optional().openapi({ description: 'A group\'s name (a 1:1 has none)' }),
  })
  .openapi('DirectConversationInput');

export const postMessageBody = z
  .object({
    body: z.string().trim().min(1).max(10_000).openapi({ description: 'Plain text; `@Name` mentions are shown as written, the users are in `mentionIds`' }),
    mentionIds: z.array(objectId).max(20).optional().openapi({ description: 'Users mentioned: each is notified in the app and live; on a record thread each must be able to see the record' }),
    attachmentIds: z.array(z.string().regex(/^[a-f0-9]{32}$/, 'is not an attachment id')).max(10).optional().openapi({ description: 'Files uploaded to this conversation\'s attachments and not sent yet' }),
  })
  .openapi('ConversationMessageInput');

export const editMessageBody = z
  .object({
    body: z.string().trim().min(1).max(10_000).openapi({ description: 'The new text' }),
    mentionIds: z.array(objectId).max(20).optional().openapi({ description: 'Everyone mentioned in the new text; users not mentioned before are notified (once per message), omitted: the mentions stay' }),
  })
  .openapi('ConversationMessageEdit');

export const attachmentUploadQuery = z.object({ name: z.string().trim().min(1).max(200).openapi({ description: 'The file name shown to readers' }) });

export const messagePageQuery = pageQuery.extend({
  cursor: objectId.optional().openapi({ description: 'The `nextCursor` of the previous page (older messages)' }),
});

export const inboxQuery = pageQuery.extend({
  cursor: z.string().max(80).regex(/^\d+\.[a-f0-9]{24}\.\d+$/, 'is not a cursor of this list; start again without it').optional().openapi({ description: 'The `nextCursor` of the previous page' }),
});

export const searchQuery = z.object({
  q: z.string().trim().min(2).max(200).openapi({ description: 'Words to find in messages (every word must match)' }),
  conversationId: objectId.optional().openapi({ description: 'Only this conversation' }),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const peopleQuery = z.object({
  q: z.string().trim().max(100).optional().openapi({ description: 'Start of a name or email' }),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

const attachmentRef = z.object({ id: z.string(), name: z.string(), contentType: z.string(), size: z.number().int() }).openapi('ConversationAttachment');
export const attachmentRefSchema = attachmentRef;

export const messageSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    authorId: z.string(),
    authorName: z.string(),
    body: z.string(),
    mentionIds: z.array(z.string()),
    attachments: z.array(attachmentRef),
    createdAt: z.string(),
    editedAt: z.string().nullable().openapi({ description: 'When the author last edited it (shown as "edited")' }),
    deletedAt: z.string().nullable().openapi({ description: 'Set on a deleted message: a tombstone with an empty body, no mentions and no attachments' }),
  })
  .openapi('ConversationMessage');

export const conversationSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['record', 'direct']),
    recordKind: recordKindSchema.nullable(),
    recordId: z.string().nullable(),
    participantIds: z.array(z.string()).openapi({ description: 'Direct conversations: who is in it; empty for a record thread (the record decides who reads it)' }),
    participants: z.array(z.object({ id: z.string(), name: z.string() })),
    title: z.string(),
    messageCount: z.number().int(),
    unreadCount: z.number().int().openapi({ description: 'Messages the caller has not read' }),
    lastMessageAt: z.string().nullable(),
    lastMessagePreview: z.string(),
    createdAt: z.string(),
  })
  .openapi('Conversation');

export const conversationListSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(conversationSchema),
    hasMore: z.boolean(),
    nextCursor: z.string().nullable(),
    unreadCount: z.number().int().openapi({ description: 'Unread messages across the listed conversations' }),
  })
  .openapi('ConversationList');
export const messageListSchema = listOf(messageSchema, 'ConversationMessageList');
export const readStateSchema = z.object({ conversationId: z.string(), unreadCount: z.number().int(), readAt: z.string() }).openapi('ConversationReadState');
export const searchResultSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(messageSchema.extend({ conversation: z.object({ id: z.string(), kind: z.enum(['record', 'direct']), recordKind: recordKindSchema.nullable(), recordId: z.string().nullable(), title: z.string() }) })),
    hasMore: z.boolean(),
  })
  .openapi('ConversationSearchResult');
export const peopleSchema = z.object({ data: z.array(z.object({ id: z.string(), name: z.string(), email: z.string() })) }).openapi('ConversationPeople');
