import express from 'express';
import { customerOf } from '../../platform/auth/customer-guard.js';
import { AppError } from '../../platform/errors.js';
import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import {
  attachmentParams,
  attachmentRefSchema,
  attachmentUploadQuery,
  closePortalTicketBody,
  createPortalTicketBody,
  createPortalTicketMessageBody,
  messagePageQuery,
  portalTicketListQuery,
  portalTicketListSchema,
  portalTicketSchema,
  ticketMessageListSchema,
  ticketMessageSchema,
} from './support.schema.js';
import type { PortalTickets } from './portal-tickets.service.js';
import { allowedAttachmentTypes, MAX_ATTACHMENT_BYTES } from './ticket-messages.service.js';
import { sendAttachment } from './tickets.routes.js';

/** The customers' ticket routes under `/v1/portal/tickets` (customer tokens only; see docs/customer-portal.md). */
export function portalTicketRoutes(portal: PortalTickets): RouteSpec[] {
  const tags = ['Portal'];
  return [
    defineRoute({
      method: 'get',
      path: '/portal/tickets',
      operationId: 'listPortalTickets',
      summary: 'My tickets',
      description: "Your tickets (a customer case manager: also those of your account and its child accounts), last update first.",
      tags,
      access: access.customer,
      query: portalTicketListQuery,
      success: { status: 200, description: 'A page of tickets', schema: portalTicketListSchema },
      handler: ({ query, req }) => portal.list(customerOf(req), query),
    }),
    defineRoute({
      method: 'post',
      path: '/portal/tickets',
      operationId: 'createPortalTicket',
      summary: 'Open a ticket',
      tags,
      access: access.customer,
      body: createPortalTicketBody,
      success: { status: 201, description: 'The new ticket', schema: portalTicketSchema },
      handler: ({ body, req }) => portal.create(customerOf(req), body),
    }),
    defineRoute({
      method: 'get',
      path: '/portal/tickets/{id}',
      operationId: 'getPortalTicket',
      summary: 'One of my tickets',
      tags,
      access: access.customer,
      params: idParams,
      success: { status: 200, description: 'The ticket', schema: portalTicketSchema },
      handler: ({ params, req }) => portal.get(customerOf(req), params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/portal/tickets/{id}/messages',
      operationId: 'listPortalTicketMessages',
      summary: "A ticket's conversation",
      description: 'The public replies, oldest first (agents\' internal notes are never shown).',
      tags,
      access: access.customer,
      params: idParams,
      query: messagePageQuery,
      success: { status: 200, description: 'A page of messages', schema: ticketMessageListSchema },
      handler: ({ params, query, req }) => portal.messages(customerOf(req), params.id, query),
    }),
    defineRoute({
      method: 'post',
      path: '/portal/tickets/{id}/messages',
      operationId: 'createPortalTicketMessage',
      summary: 'Reply to a ticket',
      description: 'A ticket waiting for you, or resolved, goes back to open.',
      tags,
      access: access.customer,
      params: idParams,
      body: createPortalTicketMessageBody,
      success: { status: 201, description: 'The message', schema: ticketMessageSchema },
      handler: ({ params, body, req }) => portal.reply(customerOf(req), params.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/portal/tickets/{id}/close',
      operationId: 'closePortalTicket',
      summary: 'Close a ticket, optionally rating how it went',
      tags,
      access: access.customer,
      params: idParams,
      body: closePortalTicketBody,
      success: { status: 200, description: 'The closed ticket', schema: portalTicketSchema },
      errors: [409],
      handler: ({ params, body, req }) => portal.close(customerOf(req), params.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/portal/tickets/{id}/reopen',
      operationId: 'reopenPortalTicket',
      summary: 'Reopen a resolved ticket',
      tags,
      access: access.customer,
      params: idParams,
      success: { status: 200, description: 'The reopened ticket', schema: portalTicketSchema },
      errors: [409],
      handler: ({ params, req }) => portal.reopen(customerOf(req), params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/portal/tickets/{id}/attachments',
      operationId: 'uploadPortalTicketAttachment',
      summary: 'Upload a file to attach to your next reply',
      description: `The file's raw bytes as the body (one of ${allowedAttachmentTypes.join(', ')}, recognised by content; at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB), the name in \`?name=\`.`,
      tags,
      access: access.customer,
      params: idParams,
      query: attachmentUploadQuery,
      before: [express.raw({ type: () => true, limit: MAX_ATTACHMENT_BYTES })],
      success: { status: 201, description: 'The stored attachment', schema: attachmentRefSchema },
      errors: [413, 415],
      handler: ({ params, query, req }) => {
        if (!Buffer.isBuffer(req.body)) throw AppError.invalidField('body', 'is empty; send the file bytes as the request body (any Content-Type but JSON)');
        return portal.upload(customerOf(req), params.id, { name: query.name, data: req.body });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/portal/tickets/{id}/attachments/{attachmentId}',
      operationId: 'getPortalTicketAttachment',
      summary: 'Download an attachment of a public message',
      tags,
      access: access.customer,
      params: attachmentParams,
      success: { status: 200, description: 'The file, as a download', mediaType: 'application/octet-stream' },
      handler: async ({ params, req, res }) => sendAttachment(res, await portal.download(customerOf(req), params.id, params.attachmentId)),
    }),
  ];
}
