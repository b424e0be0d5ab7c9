import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';
import type { DocumentBody } from './customers.js';
import type { TicketAttachmentRef, TicketMessage } from './tickets.js';

/** A ticket as a customer sees it on the portal (no agent, team or internal counters). */
export type PortalTicket = Schema<'PortalTicket'>;
/** The body of `crm.portal.tickets.create`. */
export type PortalTicketCreateParams = Schema<'PortalTicketCreate'>;
/** The body of `crm.portal.tickets.reply`. */
export type PortalTicketMessageCreateParams = Schema<'PortalTicketMessageCreate'>;
/** The body of `crm.portal.tickets.close`: an optional satisfaction rating (1–5) and comment. */
export type PortalTicketCloseParams = Schema<'PortalTicketClose'>;
/** The query of `crm.portal.tickets.list`: paging and an optional `status`. */
export type PortalTicketListParams = OperationQuery<'listPortalTickets'> & ListParams;
/** The query of `crm.portal.tickets.listMessages`. */
export type PortalTicketMessageListParams = OperationQuery<'listPortalTicketMessages'> & ListParams;

/**
 * A signed-in customer's tickets (`crm.portal.tickets`, customer sessions only): their own, or for a
 * customer case manager their account's and its child accounts'; the public thread, replies,
 * attachments, close and reopen.
 *
 * @example
 * const ticket = await crm.portal.tickets.create({ subject: 'Invoice missing' });
 * await crm.portal.tickets.reply(ticket.id, { body: 'It is INV-2041' });
 */
export class PortalTickets extends APIResource {
  /** My tickets, last update first, a page at a time (`for await` walks them all). */
  list(params?: PortalTicketListParams, options?: RequestOptions): PagePromise<PortalTicket> {
    return requestPage<PortalTicket>(this._transport, '/v1/portal/tickets', params, options);
  }

  /** One ticket; `CrmNotFoundError` when it is not one I may see. */
  get(id: string, options?: RequestOptions): Promise<PortalTicket> {
    return this._transport.get<PortalTicket>(path`/v1/portal/tickets/${id}`, undefined, options);
  }

  /** Opens a ticket (channel portal); safe to retry (one Idempotency-Key per call). */
  create(params: PortalTicketCreateParams, options?: RequestOptions): Promise<PortalTicket> {
    return this._transport.post<PortalTicket>('/v1/portal/tickets', params, options, true);
  }

  /** The public conversation, oldest first. */
  listMessages(id: string, params?: PortalTicketMessageListParams, options?: RequestOptions): PagePromise<TicketMessage> {
    return requestPage<TicketMessage>(this._transport, path`/v1/portal/tickets/${id}/messages`, params, options);
  }

  /** Replies on the ticket; a ticket waiting for me (or resolved) goes back to open. */
  reply(id: string, params: PortalTicketMessageCreateParams, options?: RequestOptions): Promise<TicketMessage> {
    return this._transport.post<TicketMessage>(path`/v1/portal/tickets/${id}/messages`, params, options, true);
  }

  /** Closes the ticket, with how satisfied I am (`rating` 1–5, and a `comment`) when I say so. */
  close(id: string, params?: PortalTicketCloseParams, options?: RequestOptions): Promise<PortalTicket> {
    return this._transport.post<PortalTicket>(path`/v1/portal/tickets/${id}/close`, params ?? {}, options);
  }

  /** Reopens a resolved ticket (`CrmConflictError` `invalid_transition` when the workflow does not allow it). */
  reopen(id: string, options?: RequestOptions): Promise<PortalTicket> {
    return this._transport.post<PortalTicket>(path`/v1/portal/tickets/${id}/reopen`, undefined, options);
  }

  /** Uploads a file (PNG, JPEG, GIF, WebP, PDF or plain text, at most 5 MB) to attach to my next reply by its id. */
  async uploadAttachment(id: string, name: string, file: DocumentBody, options?: RequestOptions): Promise<TicketAttachmentRef> {
    const contentType = (typeof Blob !== 'undefined' && file instanceof Blob && file.type) || 'application/octet-stream';
    return (await this._transport.request<TicketAttachmentRef>({ method: 'POST', path: path`/v1/portal/tickets/${id}/attachments`, query: { name }, body: file, contentType, autoIdempotencyKey: true }, options)).data;
  }

  /** The bytes of an attachment of a public message. */
  async downloadAttachment(id: string, attachmentId: string, options?: RequestOptions): Promise<Blob> {
    return (await this._transport.request<Blob>({ method: 'GET', path: path`/v1/portal/tickets/${id}/attachments/${attachmentId}`, responseType: 'blob' }, options)).data;
  }
}
