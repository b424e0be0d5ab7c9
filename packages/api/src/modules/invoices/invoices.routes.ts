import { idParams, listOf } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { createInvoiceBody, invoiceListQuery, invoiceSchema } from './invoice.schema.js';
import type { InvoicesService } from './invoices.service.js';

/** Invoices (issue 21, first slice): manual invoices of an account, numbered without gaps. */
export function invoiceRoutes(service: InvoicesService): RouteSpec[] {
  const tags = ['Invoices'];
  return [
    defineRoute({
      method: 'post', path: '/invoices', operationId: 'createInvoice', summary: 'Invoice an account', description: "Lines priced from the account's price book; the invoice gets the agency's next number (consecutive, no gaps, also under concurrent creation). Send `Idempotency-Key` so a retry does not invoice twice.", tags,
      access: access.permission('invoice', 'create'), body: createInvoiceBody,
      success: { status: 201, description: 'The numbered invoice', schema: invoiceSchema },
      errors: [404, 409],
      handler: ({ body, req }) => service.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/invoices', operationId: 'listInvoices', summary: "An account's invoices", description: 'Newest number first.', tags,
      access: access.permission('invoice', 'read'), query: invoiceListQuery,
      success: { status: 200, description: 'The invoices', schema: listOf(invoiceSchema, 'InvoiceList') },
      errors: [404],
      handler: ({ query, req }) => service.listForAccount(req.principal!, query.accountId),
    }),
    defineRoute({
      method: 'get', path: '/invoices/{id}', operationId: 'getInvoice', summary: 'Get an invoice', tags,
      access: access.permission('invoice', 'read'), params: idParams,
      success: { status: 200, description: 'The invoice', schema: invoiceSchema },
      errors: [404],
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
  ];
}
