import express from 'express';
import { idParams, listOf, pageQuery } from '../../platform/http/common.schema.js';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { AppError } from '../../platform/errors.js';
import { clientOf, ifMatchVersion, listQuerySchema, recordRoutes } from '../../platform/records/record-routes.js';
import type { RecordBase, RecordService } from '../../platform/records/record-service.js';
import {
  createCustomerBody,
  customerDocumentSchema,
  customerRollupSchema,
  customerSchema,
  documentParams,
  documentUploadQuery,
  moveCustomerBody,
  updateCustomerBody,
} from './customer.schema.js';
import { MAX_DOCUMENT_BYTES, type CustomersService } from './customers.service.js';

const mediaType = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;

/** The content type a document is stored with: the request's media type, without parameters. */
function uploadedContentType(header: string | undefined): string {
  const type = (header ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
  if (!mediaType.test(type)) throw AppError.invalidField('header.Content-Type', 'must be a media type such as application/pdf');
  return type;
}

/** The customer routes: the standard record set plus the account tree, roll-ups and documents. */
export function customerRoutes(service: CustomersService): RouteSpec[] {
  const tags = ['Customers'];
  const listQuery = listQuerySchema(service as unknown as RecordService<RecordBase>);
  const extra: RouteSpec[] = [
    defineRoute({
      method: 'post',
      path: '/customers/{id}/move',
      operationId: 'moveCustomer',
      summary: 'Move an account and its subtree',
      description: 'Puts the account (with every descendant) under another parent, or at the root with `parentId: null`. A move into its own subtree answers 409. Send `If-Match: <version>` to make it conditional.',
      tags,
      access: access.permission('customer', 'update'),
      params: idParams,
      body: moveCustomerBody,
      success: { status: 200, description: 'The moved account', schema: customerSchema },
      errors: [403, 409],
      ifMatch: 'optional',
      handler: ({ params, body, req }) => service.move(req.principal!, params.id, body.parentId, { ifMatch: ifMatchVersion(req), client: clientOf(req) }),
    }),
    defineRoute({
      method: 'get',
      path: '/customers/{id}/subtree',
      operationId: 'listCustomerSubtree',
      summary: "List an account's descendants",
      description: 'Every account below this one (any depth) that you may see, with the list filters and sorts; `depth` filters by level.',
      tags,
      access: access.permission('customer', 'read'),
      params: idParams,
      query: listQuery,
      success: { status: 200, description: 'A page of descendant accounts', schema: listOf(customerSchema, 'CustomerSubtree') },
      handler: ({ params, query, req }) => service.subtree(req.principal!, params.id, query as never),
    }),
    defineRoute({
      method: 'get',
      path: '/customers/{id}/rollup',
      operationId: 'getCustomerRollup',
      summary: 'Roll totals up an account subtree',
      description: 'Counts of sub-accounts (children, all descendants, by status), credit limits per currency, and the open, won and lost opportunities per currency over the account and its descendants, counting only the accounts and deals you may see.',
      tags,
      access: access.permission('customer', 'read'),
      params: idParams,
      success: { status: 200, description: 'The totals', schema: customerRollupSchema },
      handler: ({ params, req }) => service.rollup(req.principal!, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/customers/{id}/documents',
      operationId: 'uploadCustomerDocument',
      summary: 'Upload a document to an account',
      description: `Send the file's raw bytes as the body, with its own Content-Type (e.g. application/pdf; JSON files as application/octet-stream) and its name in \`fileName\`. At most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB; the bytes are stored in the database.`,
      tags,
      access: access.permission('customer', 'update'),
      params: idParams,
      query: documentUploadQuery,
      before: [express.raw({ type: () => true, limit: MAX_DOCUMENT_BYTES })],
      success: { status: 201, description: 'The stored document (without its bytes)', schema: customerDocumentSchema },
      errors: [403, 413, 415],
      handler: ({ params, query, req }) => {
        if (!Buffer.isBuffer(req.body)) {
          if (req.body !== undefined && req.is('application/json')) throw new AppError('unsupported_media_type', 'Upload JSON files as application/octet-stream');
          throw AppError.invalidField('body', 'is empty; send the file bytes as the request body');
        }
        return service.uploadDocument(req.principal!, params.id, { fileName: query.fileName, contentType: uploadedContentType(req.get('content-type')), data: req.body }, clientOf(req));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/customers/{id}/documents',
      operationId: 'listCustomerDocuments',
      summary: "List an account's documents",
      tags,
      access: access.permission('customer', 'read'),
      params: idParams,
      query: pageQuery,
      success: { status: 200, description: 'A page of documents (metadata only)', schema: listOf(customerDocumentSchema, 'CustomerDocumentList') },
      handler: ({ params, query, req }) => service.listDocuments(req.principal!, params.id, query),
    }),
    defineRoute({
      method: 'get',
      path: '/customers/{id}/documents/{docId}',
      operationId: 'downloadCustomerDocument',
      summary: 'Download a document',
      description: 'Answers the stored bytes with their content type, as an attachment (never rendered inline).',
      tags,
      access: access.permission('customer', 'read'),
      params: documentParams,
      success: { status: 200, description: 'The file, in the media type it was uploaded with', mediaType: 'application/octet-stream' },
      handler: async ({ params, req, res }) => {
        const doc = await service.getDocument(req.principal!, params.id, params.docId);
        res
          .status(200)
          .attachment(doc.fileName)
          .set({ 'Content-Type': doc.contentType, 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'; sandbox", 'Cache-Control': 'private, no-store' })
          .send(doc.data);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/customers/{id}/documents/{docId}',
      operationId: 'deleteCustomerDocument',
      summary: 'Delete a document',
      tags,
      access: access.permission('customer', 'update'),
      params: documentParams,
      success: { status: 204, description: 'Deleted' },
      errors: [403],
      handler: async ({ params, req }) => {
        await service.removeDocument(req.principal!, params.id, params.docId, clientOf(req));
        return new Reply(204);
      },
    }),
  ];
  return [
    ...recordRoutes({ service, path: '/customers', tag: 'Customers', singular: 'customer', plural: 'customers', dto: customerSchema, create: createCustomerBody, update: updateCustomerBody }),
    ...extra,
  ];
}
