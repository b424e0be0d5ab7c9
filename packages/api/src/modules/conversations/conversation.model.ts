import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { readWithoutTenantIndex } from '../../platform/db/pushdown-indexes.js';
import { searchedWithoutPendingList } from '../../platform/db/pushdown-options.js';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** The record kinds a thread can hang on; each maps to the access resource its record is read through. */
export const threadRecordKinds = ['contact', 'customer', 'lead', 'opportunity', 'task', 'ticket', 'campaign', 'quote'] as const;
export type ThreadRecordKind = (typeof threadRecordKinds)[number];

/**
 * A conversation: the thread of one record (`kind: record`, one per record, found by `key`
 * `record:<kind>:<id>`), or a direct conversation between users (`kind: direct`; a 1:1 has the key
 * `direct:<a>:<b>` of its two sorted user ids so it exists once, a group a random one). A record
 * thread keeps no list of who may read it: the record decides, through the access module, on every read.
 */
export interface Conversation {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  kind: 'record' | 'direct';
  key: string;
  recordKind: ThreadRecordKind | null;
  recordId: Types.ObjectId | null;
  /** Direct conversations only: who is in it (a record thread's readers come from the record). */
  participantIds: Types.ObjectId[];
  title: string;
  createdBy: Types.ObjectId;
  messageCount: number;
  lastMessageAt: Date | null;
  lastMessagePreview: string;
  createdAt: Date;
  updatedAt: Date;
}

const conversationSchema = new Schema<Conversation>(
  {
    kind: { type: String, required: true, enum: ['record', 'direct'] },
    key: { type: String, required: true },
    recordKind: { type: String, default: null },
    recordId: { type: Schema.Types.ObjectId, default: null },
    participantIds: { type: [Schema.Types.ObjectId], default: [] },
    title: { type: String, default: '', maxlength: 200 },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    messageCount: { type: Number, default: 0 },
    lastMessageAt: { type: Date, default: null },
    lastMessagePreview: { type: String, default: '' },
  },
  { timestamps: true, versionKey: false },
);
conversationSchema.plugin(tenantScoped);
// One thread per record and one 1:1 per pair, whatever two requests race to open it.
conversationSchema.index({ tenantId: 1, key: 1 }, { unique: true });

/**
 * A user's place in a conversation: their read state (`readCount` of the conversation's
 * `messageCount`), and for direct conversations their membership, which the inbox lists. On a record
 * thread a row only remembers what the user read and that they take part (wrote, were mentioned or
 * opened it); it never grants reading: the record does.
 */
export interface ConversationMember {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  /** `<conversationId>:<userId>`: unique, so a user has one row per conversation. */
  key: string;
  conversationId: Types.ObjectId;
  userId: Types.ObjectId;
  kind: 'record' | 'direct';
  readCount: number;
  lastReadAt: Date | null;
  /** The conversation's last activity and its inbox buckets for this user (see `inbox.ts`). */
  activityAt?: Date;
  ih?: string;
  ib0?: string;
  ib1?: string;
  ib2?: string;
  /** What the inbox shows of the conversation, written with every change of it, so a page reads no conversation (see `inbox.ts`). */
  summary?: ConversationSummary;
  createdAt: Date;
}

/** The conversation as an inbox item needs it, copied onto each of its member rows. */
export type ConversationSummary = Pick<Conversation, 'kind' | 'recordKind' | 'recordId' | 'participantIds' | 'title' | 'createdBy' | 'messageCount' | 'lastMessageAt' | 'lastMessagePreview' | 'createdAt'>;

const memberSchema = new Schema<ConversationMember>(
  {
    key: { type: String, required: true },
    conversationId: { type: Schema.Types.ObjectId, required: true, index: true },
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    kind: { type: String, required: true, enum: ['record', 'direct'] },
    readCount: { type: Number, default: 0 },
    lastReadAt: { type: Date, default: null },
    activityAt: { type: Date },
    ih: { type: String, index: true },
    ib0: { type: String, index: true },
    ib1: { type: String, index: true },
    ib2: { type: String, index: true },
    summary: { type: Schema.Types.Mixed },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
memberSchema.plugin(tenantScoped);
memberSchema.index({ tenantId: 1, key: 1 }, { unique: true });
// Read only by per-conversation and per-user keys, right after the writes that move them (inbox-walk.ts).
readWithoutTenantIndex(memberSchema);
searchedWithoutPendingList(memberSchema);

/** An attachment as a message carries it (the bytes stay in `conversation_attachments`). */
export interface MessageAttachmentRef {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

/** One message of a conversation, in its own collection, read by `conversationId` (an equality the database pushes down). */
export interface ConversationMessage {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  conversationId: Types.ObjectId;
  authorId: Types.ObjectId;
  body: string;
  mentionIds: Types.ObjectId[];
  attachments: MessageAttachmentRef[];
  createdAt: Date;
  /** When the author last changed the body; null while never edited. */
  editedAt: Date | null;
  /** When the message was deleted (its body, mentions and attachments are gone: a tombstone); null while it stands. */
  deletedAt: Date | null;
  deletedBy: Types.ObjectId | null;
}

const messageSchema = new Schema<ConversationMessage>(
  {
    conversationId: { type: Schema.Types.ObjectId, required: true, index: true },
    authorId: { type: Schema.Types.ObjectId, required: true },
    // A deleted message keeps an empty body (its tombstone), so the body is not `required`.
    body: { type: String, default: '', maxlength: 10_000 },
    mentionIds: { type: [Schema.Types.ObjectId], default: [] },
    attachments: { type: [{ _id: false, id: String, name: String, contentType: String, size: Number }], default: [] },
    editedAt: { type: Date, default: null },
    deletedAt: { type: Date, default: null },
    deletedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
messageSchema.plugin(tenantScoped);

/** An uploaded file, waiting for its message (`messageId` null) or sent with one. */
export interface ConversationAttachment {
  _id: string;
  tenantId: Types.ObjectId;
  conversationId: Types.ObjectId;
  messageId: Types.ObjectId | null;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  data: Buffer;
  uploadedBy: Types.ObjectId;
  createdAt: Date;
}

const attachmentSchema = new Schema<ConversationAttachment>(
  {
    _id: { type: String, required: true },
    conversationId: { type: Schema.Types.ObjectId, required: true },
    messageId: { type: Schema.Types.ObjectId, default: null },
    name: { type: String, required: true, maxlength: 200 },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    data: { type: Buffer, required: true },
    uploadedBy: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
attachmentSchema.plugin(tenantScoped);

export function conversationModel(connection: Connection): Model<Conversation> {
  return (connection.models.Conversation as Model<Conversation>) ?? connection.model<Conversation>('Conversation', conversationSchema, 'conversations');
}

export function conversationMemberModel(connection: Connection): Model<ConversationMember> {
  return (connection.models.ConversationMember as Model<ConversationMember>) ?? connection.model<ConversationMember>('ConversationMember', memberSchema, 'conversation_members');
}

export function conversationMessageModel(connection: Connection): Model<ConversationMessage> {
  return (connection.models.ConversationMessage as Model<ConversationMessage>) ?? connection.model<ConversationMessage>('ConversationMessage', messageSchema, 'conversation_messages');
}

export function conversationAttachmentModel(connection: Connection): Model<ConversationAttachment> {
  return (connection.models.ConversationAttachment as Model<ConversationAttachment>) ?? connection.model<ConversationAttachment>('ConversationAttachment', attachmentSchema, 'conversation_attachments');
}
