import type { OperationQuery, Schema } from '../core/api-types.js';
import { WorkflowRecordResource } from '../core/crud-resource.js';
import { path } from '../core/path.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import { etagOf, type RequestOptions, type UpdateOptions } from '../core/request-options.js';
import type { QueryParams } from '../internal/query.js';
import type { DocumentBody } from './customers.js';

/** A support ticket (case): subject, account and contact, priority, channel, status, assignee and team. */
export type Ticket = Schema<'Ticket'>;
/** The body of `crm.tickets.create`. */
export type TicketCreateParams = Schema<'TicketCreate'>;
/** The body of `crm.tickets.update`: only the fields sent change. */
export type TicketUpdateParams = Schema<'TicketUpdate'>;
/** The body of `crm.tickets.assign`: the agent (`ownerId`, null unassigns) and/or the team. */
export type TicketAssignParams = Schema<'TicketAssign'>;
/** The query of `crm.tickets.list`: paging, `q`, `sort` (last update first by default) and filters such as `status`, `priority`, `ownerId`, `teamId`. */
export type TicketListParams = OperationQuery<'listTickets'> & ListParams;
/** The query of `crm.tickets.export`. */
export type TicketExportParams = OperationQuery<'exportTickets'> & QueryParams;
/** One message of a ticket's thread: a public reply or an internal note. */
export type TicketMessage = Schema<'TicketMessage'>;
/** The body of `crm.tickets.reply`. */
export type TicketMessageCreateParams = Schema<'TicketMessageCreate'>;
/** An attachment as a message lists it. */
export type TicketAttachmentRef = Schema<'TicketAttachmentRef'>;
/** The agency's SLA targets per priority, business hours and holidays. */
export type SupportSettings = Schema<'SupportSettings'>;
/** The body of `crm.tickets.updateSettings`. */
export type SupportSettingsUpdateParams = Schema<'SupportSettingsUpdate'>;
/** The agency's ticket assignment rules, in the order they are tried. */
export type TicketAssignmentRules = Schema<'TicketAssignmentRules'>;
/** One assignment rule: category and/or product to a team, and optionally an agent. */
export type TicketAssignmentRule = Schema<'TicketAssignmentRule'>;
/** The body of `crm.tickets.updateAssignmentRules`. */
export type TicketAssignmentRulesUpdateParams = Schema<'TicketAssignmentRulesUpdate'>;
/** The query of `crm.tickets.listMessages`. */
export type TicketMessageListParams = OperationQuery<'listTicketMessages'> & ListParams;

/**
 * Support tickets for agents (`crm.tickets`): the standard record routes (list, get, create, update,
 * remove, transition, history, export), assignment, the thread and its attachments.
 *
 * @example
 * const ticket = await crm.tickets.create({ subject: 'Cannot sign in', priority: 'high', channel: 'phone' });
 * await crm.tickets.reply(ticket.id, { body: 'We are looking into it', visibility: 'public' });
 */
export class Tickets extends WorkflowRecordResource<Ticket, TicketCreateParams, TicketUpdateParams, TicketListParams, TicketExportParams> {
  protected readonly resource = 'tickets';

  /** Assigns the ticket to an agent and/or a support team; with `ifMatch` only if it is still at that version. */
  assign(id: string, params: TicketAssignParams, options: UpdateOptions = {}): Promise<Ticket> {
    const { ifMatch, ...requestOptions } = options;
    const headers = ifMatch === undefined ? undefined : { 'If-Match': etagOf(ifMatch) };
    return this._transport.request<Ticket>({ method: 'POST', path: path`/v1/tickets/${id}/assign`, body: params, ...(headers ? { headers } : {}) }, requestOptions).then((r) => r.data);
  }

  /** The ticket's thread, oldest first, a page at a time (`for await` walks every message). */
  listMessages(id: string, params?: TicketMessageListParams, options?: RequestOptions): PagePromise<TicketMessage> {
    return requestPage<TicketMessage>(this._transport, path`/v1/tickets/${id}/messages`, params, options);
  }

  /** Posts a public reply (the default) or an internal note; safe to retry (one Idempotency-Key per call). */
  reply(id: string, params: TicketMessageCreateParams, options?: RequestOptions): Promise<TicketMessage> {
    return this._transport.post<TicketMessage>(path`/v1/tickets/${id}/messages`, params, options, true);
  }

  /** Uploads a file (PNG, JPEG, GIF, WebP, PDF or plain text, at most 5 MB) to attach to the next reply by its id. */
  async uploadAttachment(id: string, name: string, file: DocumentBody, options?: RequestOptions): Promise<TicketAttachmentRef> {
    const contentType = (typeof Blob !== 'undefined' && file instanceof Blob && file.type) || 'application/octet-stream';
    return (await this._transport.request<TicketAttachmentRef>({ method: 'POST', path: path`/v1/tickets/${id}/attachments`, query: { name }, body: file, contentType, autoIdempotencyKey: true }, options)).data;
  }

  /** The agency's SLA targets, business hours and holidays (the defaults until an admin saves them). */
  getSettings(options?: RequestOptions): Promise<SupportSettings> {
    return this._transport.get<SupportSettings>('/v1/support-settings', undefined, options);
  }

  /** Replaces the agency's SLA settings; with `ifMatch` only if they are still at that version. */
  async updateSettings(params: SupportSettingsUpdateParams, options: UpdateOptions = {}): Promise<SupportSettings> {
    const { ifMatch, ...requestOptions } = options;
    const headers = ifMatch === undefined ? undefined : { 'If-Match': etagOf(ifMatch) };
    return (await this._transport.request<SupportSettings>({ method: 'PUT', path: '/v1/support-settings', body: params, ...(headers ? { headers } : {}) }, requestOptions)).data;
  }

  /** The agency's assignment rules: which team (and agent) a ticket arriving without an assignee goes to. */
  getAssignmentRules(options?: RequestOptions): Promise<TicketAssignmentRules> {
    return this._transport.get<TicketAssignmentRules>('/v1/ticket-assignment-rules', undefined, options);
  }

  /** Replaces the agency's assignment rules; with `ifMatch` only if they are still at that version. */
  async updateAssignmentRules(params: TicketAssignmentRulesUpdateParams, options: UpdateOptions = {}): Promise<TicketAssignmentRules> {
    const { ifMatch, ...requestOptions } = options;
    const headers = ifMatch === undefined ? undefined : { 'If-Match': etagOf(ifMatch) };
    return (await this._transport.request<TicketAssignmentRules>({ method: 'PUT', path: '/v1/ticket-assignment-rules', body: params, ...(headers ? { headers } : {}) }, requestOptions)).data;
  }

  /** The bytes of an attachment of the ticket. */
  async downloadAttachment(id: string, attachmentId: string, options?: RequestOptions): Promise<Blob> {
    return (await this._transport.request<Blob>({ method: 'GET', path: path`/v1/tickets/${id}/attachments/${attachmentId}`, responseType: 'blob' }, options)).data;
  }
}
