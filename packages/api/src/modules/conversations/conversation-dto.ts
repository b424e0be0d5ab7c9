import type { Types } from 'mongoose';
import { iso } from '../../platform/records/dto.js';
import type { ConversationMessage, ConversationSummary, ThreadRecordKind } from './conversation.model.js';

/** A message's first 140 characters on one line, as inbox items and notifications show it. */
export const preview = (body: string) => body.replace(/\s+/g, ' ').slice(0, 140);

/** What a record calls itself, from its API shape. */
export function recordTitle(kind: ThreadRecordKind, dto: unknown): string {
  const r = (dto ?? {}) as Record<string, unknown>;
  const name = [r.name, r.title, r.subject, r.companyName, [r.firstName, r.lastName].filter(Boolean).join(' '), r.number].find((v) => typeof v === 'string' && v.trim());
  return typeof name === 'string' ? name.trim().slice(0, 200) : kind;
}

/**
 * A conversation as the API answers it to `viewerId`, from the conversation (or the summary its member rows
 * carry), the viewer's read count and the participants' names (read once for a whole page).
 */
export function conversationDto(viewerId: Types.ObjectId, id: Types.ObjectId, c: ConversationSummary, readCount: number, names: ReadonlyMap<string, string>) {
  return {
    id: String(id),
    kind: c.kind,
    recordKind: c.recordKind,
    recordId: c.recordId ? String(c.recordId) : null,
    participantIds: c.participantIds.map(String),
    participants: c.participantIds.map((p) => ({ id: String(p), name: names.get(String(p)) ?? '' })),
    title: c.title || (c.kind === 'direct' ? c.participantIds.filter((p) => !p.equals(viewerId)).map((p) => names.get(String(p)) ?? '').join(', ') : ''),
    messageCount: c.messageCount,
    unreadCount: Math.max(0, c.messageCount - readCount),
    lastMessageAt: iso(c.lastMessageAt),
    lastMessagePreview: c.lastMessagePreview,
    createdAt: iso(c.createdAt) ?? '',
  };
}

export function toMessageDto(m: ConversationMessage, authorName: string) {
  return {
    id: String(m._id),
    conversationId: String(m.conversationId),
    authorId: String(m.authorId),
    authorName,
    body: m.body,
    mentionIds: m.mentionIds.map(String),
    attachments: m.attachments.map((a) => ({ id: a.id, name: a.name, contentType: a.contentType, size: a.size })),
    createdAt: iso(m.createdAt) ?? '',
    editedAt: iso(m.editedAt ?? null),
    deletedAt: iso(m.deletedAt ?? null),
  };
}
