import { createHash, randomBytes } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { assertCan } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { bytesOf } from '../../platform/db/binary.js';
import { op } from '../../platform/db/operators.js';
import { AppError } from '../../platform/errors.js';
import type { Actor, EventBus } from '../../platform/events.js';
import { iso } from '../../platform/records/dto.js';
import { ticketAttachmentModel, ticketMessageModel, type Ticket, type TicketMessage } from './ticket.model.js';
import type { TicketsService } from './tickets.service.js';

/** An attachment may be at most this large. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

/**
 * The types an attachment may be, each recognised by its first bytes (never by the name or the
 * Content-Type a client claims); no HTML, SVG or scripts, which could run where they are opened.
 */
const attachmentTypes: Array<{ type: string; matches: (b: Buffer) => boolean }> = [
  { type: 'image/png', matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', matches: (b) => /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1')) },
  { type: 'image/webp', matches: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
  { type: 'application/pdf', matches: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  { type: 'text/plain', matches: isPlainText },
];

/** UTF-8 text without control characters other than tab, newline and carriage return, and not markup. */
function isPlainText(b: Buffer): boolean {
  const text = b.toString('utf8');
  if (Buffer.byteLength(text) !== b.length || text.includes('\uFFFD')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(text)) return false;
  return !/^\s*</.test(text);
}

export const allowedAttachmentTypes = attachmentTypes.map((t) => t.type);

/** The type of an attachment's bytes by their content, or null when it is not one of `allowedAttachmentTypes` (internal messages use the same check). */
export function attachmentTypeOf(data: Buffer): string | null {
  return attachmentTypes.find((t) => t.matches(data))?.type ?? null;
}

/** Who writes or reads a thread: an agent (through the record rules) or a customer (the portal guard). */
export type ThreadAuthor = { kind: 'user'; id: Types.ObjectId } | { kind: 'customer'; id: Types.ObjectId };

/** A message as answered to agents (`internal` notes included) and customers (public replies only). */
export function toMessageDto(m: TicketMessage) {
  return {
    id: String(m._id),
    ticketId: String(m.ticketId),
    visibility: m.visibility,
    authorKind: m.authorKind,
    authorId: String(m.authorId),
    body: m.body,
    attachments: (m.attachments ?? []).map((a) => ({ id: a.id, name: a.name, contentType: a.contentType, size: a.size })),
    createdAt: iso(m.createdAt) ?? '',
  };
}

/**
 * A ticket's thread: messages in their own collection (read by the ticket's id, an equality the
 * database pushes down), oldest first, paged by id; attachments stored with a size limit and a
 * content check. Callers have already decided that the caller may see the ticket: agents through the
 * record rules here, customers through the portal routes, which also pass `publicOnly`.
 */
export function createTicketThread(connection: Connection, tickets: TicketsService, events?: EventBus) {
  const Messages = ticketMessageModel(connection);
  const Attachments = ticketAttachmentModel(connection);

  async function page(ticket: Pick<Ticket, '_id' | 'tenantId'>, query: { limit: number; cursor?: string | undefined }, publicOnly: boolean) {
    const filter: Record<string, unknown> = { tenantId: ticket.tenantId, ticketId: ticket._id, ...(publicOnly ? { visibility: 'public' } : {}) };
    if (query.cursor) filter._id = op({ $gt: new Types.ObjectId(query.cursor) });
    const docs = await Messages.find(filter as never).sort({ _id: 1 }).limit(query.limit + 1).lean<TicketMessage[]>();
    const data = docs.slice(0, query.limit);
    const hasMore = docs.length > query.limit;
    return { object: 'list' as const, data: data.map(toMessageDto), hasMore, nextCursor: hasMore ? String(data[data.length - 1]!._id) : null };
  }

  async function post(ticket: Ticket, author: ThreadAuthor, input: { body: string; visibility: 'public' | 'internal'; attachmentIds?: string[] | undefined }, actor: Actor) {
    if (author.kind === 'customer' && input.visibility !== 'public') throw AppError.invalidField('visibility', 'must be public for a customer');
    const ids = [...new Set(input.attachmentIds ?? [])];
    const attachments = ids.length
      ? await Promise.all(
          ids.map(async (attachmentId) => {
            const found = await Attachments.findOne({ tenantId: ticket.tenantId, _id: attachmentId } as never).select({ data: 0 }).lean();
            if (!found || String(found.ticketId) !== String(ticket._id) || found.messageId || String(found.uploadedBy) !== String(author.id)) {
              throw AppError.invalidField('attachmentIds', `${attachmentId} is not an attachment you uploaded to this ticket and have not sent yet`);
            }
            return { id: found._id, name: found.name, contentType: found.contentType, size: found.size };
          }),
        )
      : [];
    const created = (
      await Messages.create({ tenantId: ticket.tenantId, ticketId: ticket._id, visibility: input.visibility, authorKind: author.kind, authorId: author.id, body: input.body, attachments })
    ).toObject() as TicketMessage;
    for (const a of attachments) await Attachments.updateOne({ tenantId: ticket.tenantId, _id: a.id } as never, { $set: { messageId: created._id } });
    const firstResponse = author.kind === 'user' && input.visibility === 'public';
    const updated = await tickets.noteMessage(ticket.tenantId, ticket._id, { at: created.createdAt, firstResponse, visibility: input.visibility }, actor);
    const message = toMessageDto(created);
    // Ticket email and the customers' sockets subscribe; the audit keeps the ids (`data`), not the text (`record`, public replies only).
    await events?.publish({
      type: 'ticket.message_created',
      tenantId: ticket.tenantId,
      resource: 'ticket',
      resourceId: String(ticket._id),
      actor,
      ...(input.visibility === 'public' ? { record: message } : {}),
      data: { messageId: message.id, visibility: input.visibility, authorKind: author.kind, contactId: ticket.contactId ? String(ticket.contactId) : null, accountId: ticket.accountId ? String(ticket.accountId) : null },
    });
    return { message, ticket: updated };
  }

  async function upload(ticket: Ticket, author: ThreadAuthor, file: { name: string; data: Buffer }) {
    if (!file.data.length) throw AppError.invalidField('body', 'is empty; send the file bytes as the request body');
    if (file.data.length > MAX_ATTACHMENT_BYTES) throw new AppError('payload_too_large', `An attachment may be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`);
    const kind = attachmentTypes.find((t) => t.matches(file.data));
    if (!kind) throw new AppError('unsupported_media_type', `An attachment must be one of: ${allowedAttachmentTypes.join(', ')} (recognised by its content)`);
    const _id = randomBytes(16).toString('hex');
    await Attachments.create({
      _id,
      tenantId: ticket.tenantId,
      ticketId: ticket._id,
      name: file.name,
      contentType: kind.type,
      size: file.data.length,
      sha256: createHash('sha256').update(file.data).digest('hex'),
      data: file.data,
      uploadedByKind: author.kind,
      uploadedBy: author.id,
    });
    return { id: _id, name: file.name, contentType: kind.type, size: file.data.length };
  }

  /** The bytes of an attachment of the ticket; customers get only those of public messages (or their own unsent uploads). */
  async function download(ticket: Ticket, attachmentId: string, viewer: ThreadAuthor) {
    const found = await Attachments.findOne({ tenantId: ticket.tenantId, _id: attachmentId } as never).lean();
    if (!found || String(found.ticketId) !== String(ticket._id)) throw AppError.notFound('Attachment');
    if (viewer.kind === 'customer') {
      const own = !found.messageId && String(found.uploadedBy) === String(viewer.id);
      const message = found.messageId ? await Messages.findOne({ tenantId: ticket.tenantId, _id: found.messageId } as never).select({ visibility: 1 }).lean() : null;
      if (!own && message?.visibility !== 'public') throw AppError.notFound('Attachment');
    }
    return { name: found.name, contentType: found.contentType, sha256: found.sha256, data: bytesOf(found.data) };
  }

  return {
    page,
    post,
    upload,
    download,

    /** An agent's page of the thread (internal notes included). */
    async agentPage(principal: Principal, ticketId: string, query: { limit: number; cursor?: string | undefined }) {
      return page(await tickets.findVisible(principal, ticketId, 'read'), query, false);
    },

    /** An agent's reply or internal note (needs update on the ticket). */
    async agentPost(principal: Principal, ticketId: string, input: { body: string; visibility: 'public' | 'internal'; attachmentIds?: string[] | undefined }, client?: { ip?: string; userAgent?: string }) {
      assertCan(principal, 'ticket', 'update');
      const ticket = await tickets.findVisible(principal, ticketId, 'update');
      const actor: Actor = { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId, ip: client?.ip, userAgent: client?.userAgent };
      return (await post(ticket, { kind: 'user', id: principal.userId }, input, actor)).message;
    },

    async agentUpload(principal: Principal, ticketId: string, file: { name: string; data: Buffer }) {
      const ticket = await tickets.findVisible(principal, ticketId, 'update');
      return upload(ticket, { kind: 'user', id: principal.userId }, file);
    },

    async agentDownload(principal: Principal, ticketId: string, attachmentId: string) {
      return download(await tickets.findVisible(principal, ticketId, 'read'), attachmentId, { kind: 'user', id: principal.userId });
    },
  };
}

export type TicketThread = ReturnType<typeof createTicketThread>;
