import express from 'express';
import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { AppError } from '../../platform/errors.js';
import { clientOf, ifMatchVersion, recordRoutes } from '../../platform/records/record-routes.js';
import {
  assignTicketBody,
  attachmentParams,
  attachmentRefSchema,
  attachmentUploadQuery,
  createTicketBody,
  createTicketMessageBody,
  messagePageQuery,
  ticketMessageListSchema,
  ticketMessageSchema,
  ticketSchema,
  supportSettingsBody,
  supportSettingsSchema,
  updateTicketBody,
} from './support.schema.js';
import { allowedAttachmentTypes, MAX_ATTACHMENT_BYTES, type TicketThread } from './ticket-messages.service.js';
import type { TicketsService } from './tickets.service.js';

/** Serves an attachment's bytes so that a browser never runs them (download, no sniffing, sandboxed). */
export function sendAttachment(res: express.Response, file: { name: string; contentType: string; sha256: string; data: Buffer }): void {
  res
    .status(200)
    .set({
      'Content-Type': file.contentType,
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, max-age=3600',
      ETag: `"${file.sha256}"`,
    })
    .send(file.data);
}

/** The agents' ticket routes: the record set (list, create, get, patch, delete, transitions, export), assignment and the thread. */
export function ticketRoutes(tickets: TicketsService, thread: TicketThread): RouteSpec[] {
  const tags = ['Tickets'];
  return [
    defineRoute({
      method: 'get',
      path: '/support-settings',
      operationId: 'getSupportSettings',
      summary: "The agency's SLA targets, business hours and holidays",
      tags,
      access: access.permission('ticket', 'read'),
      success: { status: 200, description: 'The settings (the defaults until saved)', schema: supportSettingsSchema },
      handler: ({ req }) => tickets.settings(req.principal!),
    }),
    defineRoute({
      method: 'put',
      path: '/support-settings',
      operationId: 'updateSupportSettings',
      summary: "Replace the agency's SLA targets, business hours and holidays",
      description: 'Applies to tickets opened from then on. Send `If-Match: <version>` to fail with 412 if someone saved them meanwhile.',
      tags,
      access: access.permission('tenant', 'update'),
      body: supportSettingsBody,
      success: { status: 200, description: 'The saved settings', schema: supportSettingsSchema },
      errors: [409],
      ifMatch: 'optional',
      handler: ({ body, req }) => tickets.updateSettings(req.principal!, body, ifMatchVersion(req)),
    }),
    ...recordRoutes({ service: tickets, path: '/tickets', tag: 'Tickets', singular: 'ticket', plural: 'tickets', dto: ticketSchema, create: createTicketBody, update: updateTicketBody }),
    defineRoute({
      method: 'post',
      path: '/tickets/{id}/assign',
      operationId: 'assignTicket',
      summary: 'Assign a ticket to an agent and/or a support team',
      description: 'Assigning to someone else needs the assign permission on tickets. Send `If-Match: "<version>"` to fail with 412 if the ticket changed meanwhile.',
      tags,
      access: access.permission('ticket', 'update'),
      params: idParams,
      body: assignTicketBody,
      success: { status: 200, description: 'The ticket', schema: ticketSchema },
      errors: [403, 409],
      ifMatch: 'optional',
      handler: ({ params, body, req }) => tickets.assign(req.principal!, params.id, body, { ifMatch: ifMatchVersion(req), client: clientOf(req) }),
    }),
    defineRoute({
      method: 'get',
      path: '/tickets/{id}/messages',
      operationId: 'listTicketMessages',
      summary: "A ticket's thread",
      description: 'Public replies and internal notes, oldest first, paged by `nextCursor`.',
      tags,
      access: access.permission('ticket', 'read'),
      params: idParams,
      query: messagePageQuery,
      success: { status: 200, description: 'A page of messages', schema: ticketMessageListSchema },
      handler: ({ params, query, req }) => thread.agentPage(req.principal!, params.id, query),
    }),
    defineRoute({
      method: 'post',
      path: '/tickets/{id}/messages',
      operationId: 'createTicketMessage',
      summary: 'Reply to a ticket or add an internal note',
      description: '`visibility: public` is a reply the customer sees (the first one sets `firstResponseAt`); `internal` is a note only agents see. Attach files uploaded to `/tickets/{id}/attachments` by their ids.',
      tags,
      access: access.permission('ticket', 'update'),
      params: idParams,
      body: createTicketMessageBody,
      success: { status: 201, description: 'The message', schema: ticketMessageSchema },
      errors: [403],
      handler: ({ params, body, req }) => thread.agentPost(req.principal!, params.id, body, clientOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/tickets/{id}/attachments',
      operationId: 'uploadTicketAttachment',
      summary: 'Upload a file to attach to a message of the ticket',
      description: `Send the file's raw bytes as the body (one of ${allowedAttachmentTypes.join(', ')}, recognised by its content; at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB), the name in \`?name=\`. Then post a message with its id in \`attachmentIds\`.`,
      tags,
      access: access.permission('ticket', 'update'),
      params: idParams,
      query: attachmentUploadQuery,
      before: [express.raw({ type: () => true, limit: MAX_ATTACHMENT_BYTES })],
      success: { status: 201, description: 'The stored attachment', schema: attachmentRefSchema },
      errors: [403, 413, 415],
      handler: ({ params, query, req }) => {
        if (!Buffer.isBuffer(req.body)) throw AppError.invalidField('body', 'is empty; send the file bytes as the request body (any Content-Type but JSON)');
        return thread.agentUpload(req.principal!, params.id, { name: query.name, data: req.body });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/tickets/{id}/attachments/{attachmentId}',
      operationId: 'getTicketAttachment',
      summary: 'Download an attachment of a ticket',
      tags,
      access: access.permission('ticket', 'read'),
      params: attachmentParams,
      success: { status: 200, description: 'The file, as a download', mediaType: 'application/octet-stream' },
      handler: async ({ params, req, res }) => sendAttachment(res, await thread.agentDownload(req.principal!, params.id, params.attachmentId)),
    }),
  ];
}
