import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { can } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { createStampedCache } from '../../platform/auth/stamped-cache.js';
import { bytesOf } from '../../platform/db/binary.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { USER_MESSAGE_EVENT } from '../../platform/realtime/realtime.js';
import { readRecordsById } from '../../platform/records/records-by-id.js';
import { conversationDto, preview, recordTitle, toMessageDto } from './conversation-dto.js';
import { activityOf, memberFields, touchMembers } from './inbox.js';
import { fileInboxDays } from './inbox-days.js';
import { moveInboxStamps } from './inbox-page-cache.js';
import { inboxList, type InboxQuery } from './inbox-list.js';
import type { RecordReaders } from './record-readers.js';
import { indexRecords, recordTokens, removeRecordSearch, searchCandidates, syncRecordSearch, type SearchableKind } from '../../platform/search/search-index.js';
import { parseSearch } from '../../platform/search/search-query.js';
import { matchWord } from '../../platform/search/search-tokens.js';
import { userModel } from '../identity/user.model.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { allowedAttachmentTypes, attachmentTypeOf, MAX_ATTACHMENT_BYTES } from '../support/ticket-messages.service.js';
import {
  conversationAttachmentModel, conversationMemberModel, conversationMessageModel, conversationModel,
  type Conversation, type ConversationMessage, type ThreadRecordKind,
} from './conversation.model.js';

/** The search-index kind of messages (entries carry no access fields: the conversation decides, on every search). */
export const MESSAGE_SEARCH_KIND = 'conversation_message';
/** At most this many candidate messages are read to answer one search. */
const MESSAGES_EXAMINED_PER_SEARCH = 400;

/**
 * Internal messaging (issue 23, 004): record threads and direct conversations, messages with mentions
 * and attachments, read state, live pushes and search. A record thread is readable exactly when its
 * record is, asked of the record's own service (the access module's filter) on every call, so losing
 * the record loses the thread; a direct conversation is its participants' only.
 */
export function createConversationsService(deps: {
  connection: Connection;
  events: EventBus;
  notifications: NotificationsService;
  records: RecordReaders;
  /** Another user's principal (cached while nothing it depends on changed), to check who a push or mention may reach. */
  principalOf: (tenantId: Types.ObjectId, userId: Types.ObjectId) => Promise<Principal | null>;
}) {
  const { connection } = deps;
  const Conversations = conversationModel(connection);
  const Members = conversationMemberModel(connection);
  const Messages = conversationMessageModel(connection);
  const Attachments = conversationAttachmentModel(connection);
  const Users = userModel(connection);
  const searchKind: SearchableKind<ConversationMessage> = { resource: MESSAGE_SEARCH_KIND, model: Messages, searchValues: (m) => [m.body] };

  const memberKey = (conversationId: Types.ObjectId, userId: Types.ObjectId) => `${String(conversationId)}:${String(userId)}`;
  const push = (tenantId: Types.ObjectId, userId: Types.ObjectId, name: string, payload: unknown) =>
    deps.events.publish({ type: USER_MESSAGE_EVENT, tenantId, resource: 'notification', resourceId: null, actor: null, data: { userId: String(userId), name, payload } });

  // The agency's user names, kept while its access stamp stands (every write to users moves it): a page's
  // participants and authors cost no read while nothing changed, and one read of the agency's users after.
  const names = createStampedCache<ReadonlyMap<string, string>>(connection);
  async function userNames(tenantId: Types.ObjectId, ids: Types.ObjectId[]): Promise<Map<string, string>> {
    const all = await names.get(tenantId, 'conversation-user-names', async () => {
      const users = await Users.find({ tenantId }).select({ name: 1 }).limit(5000).lean();
      return new Map(users.map((u) => [String(u._id), u.name]));
    });
    return new Map(ids.filter((id) => all.has(String(id))).map((id) => [String(id), all.get(String(id))!]));
  }

  /** Throws 404 unless the caller may read the record (role permission and the record's visibility). */
  async function readRecord(principal: Principal, kind: ThreadRecordKind, recordId: string): Promise<unknown> {
    const reader = deps.records[kind];
    if (!can(principal, reader.resource, 'read')) throw AppError.notFound('Record');
    return reader.get(principal, recordId);
  }

  async function mayRead(principal: Principal, conversation: Conversation): Promise<boolean> {
    if (conversation.kind === 'direct') return conversation.participantIds.some((id) => id.equals(principal.userId));
    try {
      await readRecord(principal, conversation.recordKind!, String(conversation.recordId));
      return true;
    } catch (error) {
      if (error instanceof AppError && (error.code === 'not_found' || error.code === 'forbidden')) return false;
      throw error;
    }
  }

  /** The conversation when the caller may read it, else 404 (never 403: ids do not leak). */
  async function visible(principal: Principal, id: string): Promise<Conversation> {
    const conversation = await findByIdInTenant(Conversations, principal.tenantId, new Types.ObjectId(id));
    if (!conversation || !(await mayRead(principal, conversation))) throw AppError.notFound('Conversation');
    return conversation;
  }

  async function toDto(principal: Principal, c: Conversation) {
    const [member, names] = await Promise.all([
      Members.findOne({ tenantId: c.tenantId, key: memberKey(c._id, principal.userId) }).lean(),
      c.participantIds.length ? userNames(c.tenantId, c.participantIds) : new Map<string, string>(),
    ]);
    return conversationDto(principal.userId, c._id, c, member?.readCount ?? 0, names);
  }

  /** Inserts the conversation once per key; a racing second insert reads the first one's. */
  async function openOnce(doc: Omit<Conversation, '_id' | 'createdAt' | 'updatedAt' | 'messageCount' | 'lastMessageAt' | 'lastMessagePreview'>): Promise<Conversation> {
    const known = await Conversations.findOne({ tenantId: doc.tenantId, key: doc.key }).lean<Conversation>();
    if (known) return known;
    try {
      return (await Conversations.create(doc)).toObject() as Conversation;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await Conversations.findOne({ tenantId: doc.tenantId, key: doc.key }).lean<Conversation>();
      if (!existing) throw error;
      return existing;
    }
  }

  /** The caller's member row (read state), made on first need. */
  async function ensureMember(c: Conversation, userId: Types.ObjectId, readCount?: number) {
    const key = memberKey(c._id, userId);
    const set = readCount === undefined ? {} : { readCount, lastReadAt: new Date() };
    // The user's inbox stamp moves before and after the write (inbox-page-cache.ts).
    await moveInboxStamps(connection, c.tenantId, [userId]);
    await Members.updateOne(
      { tenantId: c.tenantId, key },
      { $set: set, $setOnInsert: { conversationId: c._id, userId, kind: c.kind, ...memberFields(userId, c), ...(readCount === undefined ? { readCount: 0, lastReadAt: null } : {}) } },
      { upsert: true },
    ).catch((error: unknown) => {
      // Two first reads at once: the other one made the row; write the read state onto it.
      if (!isDuplicateKeyError(error)) throw error;
      if (readCount !== undefined) return Members.updateOne({ tenantId: c.tenantId, key }, { $set: set });
      return undefined;
    });
    // After the row: its hour and day in the user's index of non-empty spans (a no-op when already filed).
    await fileInboxDays(connection, [{ tenantId: c.tenantId, userId, at: activityOf(c) }]);
    await moveInboxStamps(connection, c.tenantId, [userId]);
  }

  /** Users of the agency with these ids (not disabled), or a 400 naming `field`. */
  async function activeUsers(tenantId: Types.ObjectId, ids: string[], field: string): Promise<Types.ObjectId[]> {
    const oids = [...new Set(ids)].map((id) => new Types.ObjectId(id));
    const found = await readRecordsById(Users as never, tenantId, oids);
    found.forEach((u, i) => {
      if (!u || (u as { status?: string }).status === 'disabled') throw AppError.invalidField(field, `${String(oids[i])} is not an active user of this agency`);
    });
    return oids;
  }

  /** Mentioned users must be active and able to read the conversation, else a 400 naming `mentionIds`. */
  async function mentionable(principal: Principal, conversation: Conversation, ids: string[]): Promise<Types.ObjectId[]> {
    const mentionIds = await activeUsers(principal.tenantId, ids, 'mentionIds');
    for (const userId of mentionIds) {
      const reaches = conversation.kind === 'direct'
        ? conversation.participantIds.some((p) => p.equals(userId))
        : await deps.principalOf(principal.tenantId, userId).then((p) => (p ? mayRead(p, conversation) : false));
      if (!reaches) throw AppError.invalidField('mentionIds', `${String(userId)} cannot read this conversation`);
    }
    return mentionIds;
  }

  /** Tells each mentioned user once per message and user (the dedupe key is the same for a post and every later edit). */
  async function notifyMentions(principal: Principal, c: Conversation, message: ConversationMessage, userIds: Types.ObjectId[], author: string) {
    const where = c.kind === 'record' ? c.title || c.recordKind! : 'a conversation';
    for (const userId of userIds) {
      if (userId.equals(principal.userId)) continue;
      await deps.notifications.notify({
        tenantId: principal.tenantId, userId, category: 'conversation.mention',
        title: `${author} mentioned you in ${where}`, body: preview(message.body),
        resource: 'conversation', resourceId: String(c._id), dedupeKey: `conversation.mention:${String(message._id)}:${String(userId)}`,
      });
    }
  }

  /** The message of this conversation, else 404. */
  async function messageIn(principal: Principal, conversation: Conversation, messageId: string): Promise<ConversationMessage> {
    const found = await findByIdInTenant(Messages, principal.tenantId, new Types.ObjectId(messageId));
    if (!found || !found.conversationId.equals(conversation._id)) throw AppError.notFound('Message');
    return found;
  }

  /** Pushes a changed message (edited or deleted) to everyone who may read the conversation now. */
  async function pushUpdate(principal: Principal, c: Conversation, message: ReturnType<typeof toMessageDto>) {
    const readers = await readersToPush(c);
    await Promise.all(readers.map((userId) => push(principal.tenantId, userId, 'conversation.message.updated', { conversationId: String(c._id), message })));
  }

  /** The last message changed (edited or deleted): the conversation's preview, and its member rows' summary with it. */
  async function previewChanged(principal: Principal, c: Conversation, last: ConversationMessage, text: string) {
    const after = await Conversations.findOneAndUpdate({ tenantId: principal.tenantId, _id: c._id, lastMessageAt: last.createdAt }, { $set: { lastMessagePreview: text } }, { returnDocument: 'after' }).lean<Conversation>();
    if (after) await touchMembers(connection, after);
  }

  /** The users who take part in a conversation and may read it now: whom a new message is pushed to. */
  async function readersToPush(c: Conversation): Promise<Types.ObjectId[]> {
    if (c.kind === 'direct') return c.participantIds;
    const members = await Members.find({ tenantId: c.tenantId, conversationId: c._id }).select({ userId: 1 }).limit(500).lean();
    const allowed = await Promise.all(
      members.map(async (m) => {
        const principal = await deps.principalOf(c.tenantId, m.userId);
        return principal && (await mayRead(principal, c)) ? m.userId : null;
      }),
    );
    return allowed.filter((id): id is Types.ObjectId => id !== null);
  }

  return {
    /** The thread of a record the caller may read (made on first open). */
    async recordThread(principal: Principal, kind: ThreadRecordKind, recordId: string) {
      const record = await readRecord(principal, kind, recordId);
      const conversation = await openOnce({
        tenantId: principal.tenantId, kind: 'record', key: `record:${kind}:${recordId}`, recordKind: kind, recordId: new Types.ObjectId(recordId),
        participantIds: [], title: recordTitle(kind, record), createdBy: principal.userId,
      });
      return toDto(principal, conversation);
    },

    /** Opens a direct conversation: a 1:1 exists once per pair (the same one is answered again), a group each time. */
    async createDirect(principal: Principal, input: { participantIds: string[]; title?: string | undefined }) {
      const others = input.participantIds.filter((id) => id !== String(principal.userId));
      if (!others.length) throw AppError.invalidField('participantIds', 'must name at least one other user');
      const people = [principal.userId, ...(await activeUsers(principal.tenantId, others, 'participantIds'))];
      const sorted = people.map(String).sort();
      const key = people.length === 2 ? `direct:${sorted.join(':')}` : `group:${randomUUID()}`;
      const conversation = await openOnce({ tenantId: principal.tenantId, kind: 'direct', key, recordKind: null, recordId: null, participantIds: people, title: people.length === 2 ? '' : (input.title ?? ''), createdBy: principal.userId });
      await Promise.all(conversation.participantIds.map((userId) => ensureMember(conversation, userId)));
      return toDto(principal, conversation);
    },

    async get(principal: Principal, id: string) {
      return toDto(principal, await visible(principal, id));
    },

    /**
     * The caller's conversations, last message first: their direct conversations, and record threads
     * they take part in that they may still read (each checked now through its record).
     */
    async inbox(principal: Principal, query: InboxQuery) {
      // Per-user rows in activity-day buckets that carry what an item shows (inbox.ts, inbox-list.ts).
      return inboxList({ connection, records: deps.records, userNames }, principal, query);
    },

    /** Messages, newest first, paged by id (older pages follow `nextCursor`). */
    async messages(principal: Principal, id: string, query: { limit: number; cursor?: string | undefined }) {
      const conversation = await visible(principal, id);
      const filter: Record<string, unknown> = { tenantId: principal.tenantId, conversationId: conversation._id };
      if (query.cursor) filter._id = op({ $lt: new Types.ObjectId(query.cursor) });
      const docs = await Messages.find(filter as never).sort({ _id: -1 }).limit(query.limit + 1).lean<ConversationMessage[]>();
      const page = docs.slice(0, query.limit);
      const names = await userNames(principal.tenantId, page.map((m) => m.authorId));
      const hasMore = docs.length > query.limit;
      return { object: 'list' as const, data: page.map((m) => toMessageDto(m, names.get(String(m.authorId)) ?? '')), hasMore, nextCursor: hasMore ? String(page[page.length - 1]!._id) : null };
    },

    /** Posts a message: mentions notify (in the app and live), readers of the conversation get it live, search indexes it. */
    async post(principal: Principal, id: string, input: { body: string; mentionIds?: string[] | undefined; attachmentIds?: string[] | undefined }) {
      const conversation = await visible(principal, id);
      const mentionIds = await mentionable(principal, conversation, input.mentionIds ?? []);
      const attachments = await Promise.all(
        [...new Set(input.attachmentIds ?? [])].map(async (attachmentId) => {
          const found = await Attachments.findOne({ tenantId: principal.tenantId, _id: attachmentId } as never).select({ data: 0 }).lean();
          if (!found || !found.conversationId.equals(conversation._id) || found.messageId || !found.uploadedBy.equals(principal.userId)) {
            throw AppError.invalidField('attachmentIds', `${attachmentId} is not a file you uploaded to this conversation and have not sent yet`);
          }
          return { id: found._id, name: found.name, contentType: found.contentType, size: found.size };
        }),
      );
      const created = (await Messages.create({ tenantId: principal.tenantId, conversationId: conversation._id, authorId: principal.userId, body: input.body, mentionIds, attachments })).toObject() as ConversationMessage;
      for (const a of attachments) await Attachments.updateOne({ tenantId: principal.tenantId, _id: a.id } as never, { $set: { messageId: created._id } });
      const after = await Conversations.findOneAndUpdate(
        { tenantId: principal.tenantId, _id: conversation._id },
        { $inc: { messageCount: 1 }, $set: { lastMessageAt: created.createdAt, lastMessagePreview: preview(created.body) } },
        { returnDocument: 'after' },
      ).lean<Conversation>();
      const current = after ?? conversation;
      await touchMembers(connection, current);
      await ensureMember(current, principal.userId, current.messageCount);
      await Promise.all(mentionIds.map((userId) => ensureMember(current, userId)));
      await indexRecords(connection, searchKind, [created]);

      const author = (await userNames(principal.tenantId, [principal.userId])).get(String(principal.userId)) ?? '';
      const message = toMessageDto(created, author);
      await notifyMentions(principal, current, created, mentionIds, author);
      const readers = await readersToPush(current);
      const reads = await Members.find({ tenantId: principal.tenantId, conversationId: current._id }).select({ userId: 1, readCount: 1 }).limit(500).lean();
      const readOf = new Map(reads.map((r) => [String(r.userId), r.readCount]));
      await Promise.all(readers.map((userId) => push(principal.tenantId, userId, 'conversation.message', { conversationId: String(current._id), message, unreadCount: Math.max(0, current.messageCount - (readOf.get(String(userId)) ?? 0)) })));
      return message;
    },

    /**
     * The author changes a message's text: it is marked edited, search finds the new words only, users
     * mentioned for the first time are notified (a user already told is not told again), and readers
     * get `conversation.message.updated` live. A deleted message cannot be edited (409).
     */
    async edit(principal: Principal, id: string, messageId: string, input: { body: string; mentionIds?: string[] | undefined }) {
      const conversation = await visible(principal, id);
      const message = await messageIn(principal, conversation, messageId);
      if (!message.authorId.equals(principal.userId)) throw new AppError('forbidden', 'Only its author may edit a message');
      if (message.deletedAt) throw new AppError('conflict', 'The message was deleted; it cannot be edited');
      const mentionIds = input.mentionIds === undefined ? message.mentionIds : await mentionable(principal, conversation, input.mentionIds);
      const editedAt = new Date();
      const updated = await Messages.findOneAndUpdate(
        { tenantId: principal.tenantId, _id: message._id, deletedAt: null },
        { $set: { body: input.body, mentionIds, editedAt } },
        { returnDocument: 'after' },
      ).lean<ConversationMessage>();
      if (!updated) throw new AppError('conflict', 'The message was deleted; it cannot be edited');
      await syncRecordSearch(connection, searchKind, principal.tenantId, updated._id, updated, { recheck: false });
      if (conversation.lastMessageAt && conversation.lastMessageAt.getTime() === message.createdAt.getTime()) {
        await previewChanged(principal, conversation, message, preview(updated.body));
      }
      await Promise.all(mentionIds.map((userId) => ensureMember(conversation, userId)));
      const author = (await userNames(principal.tenantId, [principal.userId])).get(String(principal.userId)) ?? '';
      await notifyMentions(principal, conversation, updated, mentionIds.filter((m) => !message.mentionIds.some((before) => before.equals(m))), author);
      const dto = toMessageDto(updated, author);
      await pushUpdate(principal, conversation, dto);
      return dto;
    },

    /**
     * Deletes a message (its author, or an admin of the agency): the body, mentions and attachments
     * go, a tombstone stays in the thread (counts and read state are unchanged), search forgets it and
     * readers get `conversation.message.updated` live. Deleting twice answers the tombstone again.
     */
    async remove(principal: Principal, id: string, messageId: string) {
      const conversation = await visible(principal, id);
      const message = await messageIn(principal, conversation, messageId);
      if (!message.authorId.equals(principal.userId) && !principal.role.isAdmin) throw new AppError('forbidden', 'Only its author or an admin may delete a message');
      const names = await userNames(principal.tenantId, [message.authorId]);
      if (message.deletedAt) return toMessageDto(message, names.get(String(message.authorId)) ?? '');
      const deleted = await Messages.findOneAndUpdate(
        { tenantId: principal.tenantId, _id: message._id, deletedAt: null },
        { $set: { body: '', mentionIds: [], attachments: [], deletedAt: new Date(), deletedBy: principal.userId } },
        { returnDocument: 'after' },
      ).lean<ConversationMessage>();
      // A concurrent delete won: answer its tombstone.
      if (!deleted) return toMessageDto((await messageIn(principal, conversation, messageId)), names.get(String(message.authorId)) ?? '');
      await removeRecordSearch(connection, principal.tenantId, message._id);
      for (const a of message.attachments) await Attachments.deleteOne({ tenantId: principal.tenantId, _id: a.id } as never);
      if (conversation.lastMessageAt && conversation.lastMessageAt.getTime() === message.createdAt.getTime()) {
        await previewChanged(principal, conversation, message, '');
      }
      const dto = toMessageDto(deleted, names.get(String(message.authorId)) ?? '');
      await pushUpdate(principal, conversation, dto);
      return dto;
    },

    /** Marks everything in the conversation read by the caller. */
    async markRead(principal: Principal, id: string) {
      const conversation = await visible(principal, id);
      await ensureMember(conversation, principal.userId, conversation.messageCount);
      const state = { conversationId: String(conversation._id), unreadCount: 0, readAt: new Date().toISOString() };
      await push(principal.tenantId, principal.userId, 'conversation.read', state);
      return state;
    },

    /** Stores a file for a message of this conversation, with the ticket attachments' size and content checks. */
    async upload(principal: Principal, id: string, file: { name: string; data: Buffer }) {
      const conversation = await visible(principal, id);
      if (!Buffer.isBuffer(file.data) || !file.data.length) throw AppError.invalidField('body', 'is empty; send the file bytes as the request body');
      if (file.data.length > MAX_ATTACHMENT_BYTES) throw new AppError('payload_too_large', `An attachment may be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`);
      const contentType = attachmentTypeOf(file.data);
      if (!contentType) throw new AppError('unsupported_media_type', `An attachment must be one of: ${allowedAttachmentTypes.join(', ')} (recognised by its content)`);
      const _id = randomBytes(16).toString('hex');
      await Attachments.create({ _id, tenantId: principal.tenantId, conversationId: conversation._id, name: file.name, contentType, size: file.data.length, sha256: createHash('sha256').update(file.data).digest('hex'), data: file.data, uploadedBy: principal.userId });
      return { id: _id, name: file.name, contentType, size: file.data.length };
    },

    /** The bytes of a sent attachment (or the caller's own unsent upload) of a conversation the caller may read. */
    async download(principal: Principal, id: string, attachmentId: string) {
      const conversation = await visible(principal, id);
      const found = await Attachments.findOne({ tenantId: principal.tenantId, _id: attachmentId } as never).lean();
      if (!found || !found.conversationId.equals(conversation._id) || (!found.messageId && !found.uploadedBy.equals(principal.userId))) throw AppError.notFound('Attachment');
      return { name: found.name, contentType: found.contentType, sha256: found.sha256, data: bytesOf(found.data) };
    },

    /**
     * Messages matching every word, newest first, in conversations the caller may read now. The words
     * are looked up in the search index by equality (bounded per token); each candidate's conversation
     * is then checked as a read would be, so a thread whose record the caller lost is never found.
     */
    async search(principal: Principal, query: { q: string; conversationId?: string | undefined; limit: number }) {
      const words = parseSearch(query.q)!;
      const { candidates } = await searchCandidates(connection, { tenantId: principal.tenantId, kind: MESSAGE_SEARCH_KIND, words, visibility: { tenantId: principal.tenantId } });
      const ordered = candidates.sort((a, b) => (a.id.toHexString() < b.id.toHexString() ? 1 : -1)).slice(0, MESSAGES_EXAMINED_PER_SEARCH);
      const docs = await readRecordsById(Messages as never, principal.tenantId, ordered.map((c) => c.id));
      const decided = new Map<string, Conversation | null>();
      const hits: Array<{ message: ConversationMessage; conversation: Conversation }> = [];
      let hasMore = false;
      for (const doc of docs as Array<ConversationMessage | null>) {
        if (!doc) continue;
        if (query.conversationId && String(doc.conversationId) !== query.conversationId) continue;
        const tokens = recordTokens(searchKind, doc);
        if (!words.every((word) => matchWord(tokens, word) !== null)) continue;
        const key = String(doc.conversationId);
        if (!decided.has(key)) {
          const c = await findByIdInTenant(Conversations, principal.tenantId, doc.conversationId);
          decided.set(key, c && (await mayRead(principal, c)) ? c : null);
        }
        const conversation = decided.get(key);
        if (!conversation) continue;
        if (hits.length === query.limit) {
          hasMore = true;
          break;
        }
        hits.push({ message: doc, conversation });
      }
      const names = await userNames(principal.tenantId, hits.map((h) => h.message.authorId));
      return {
        object: 'list' as const,
        data: hits.map(({ message, conversation: c }) => ({
          ...toMessageDto(message, names.get(String(message.authorId)) ?? ''),
          conversation: { id: String(c._id), kind: c.kind, recordKind: c.recordKind, recordId: c.recordId ? String(c.recordId) : null, title: c.title },
        })),
        hasMore,
      };
    },

    /** Active users of the agency whose name or email starts with `q` (mention autocomplete, choosing participants). */
    async people(principal: Principal, query: { q?: string | undefined; limit: number }) {
      const users = await Users.find({ tenantId: principal.tenantId }).select({ name: 1, email: 1, status: 1 }).limit(5000).lean();
      const q = (query.q ?? '').toLowerCase();
      const matches = users
        .filter((u) => u.status !== 'disabled')
        .filter((u) => !q || u.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)) || u.name.toLowerCase().startsWith(q) || u.email.toLowerCase().startsWith(q))
        .sort((a, b) => a.name.localeCompare(b.name))
        .slice(0, query.limit);
      return { data: matches.map((u) => ({ id: String(u._id), name: u.name, email: u.email })) };
    },
  };
}

export type ConversationsService = ReturnType<typeof createConversationsService>;
