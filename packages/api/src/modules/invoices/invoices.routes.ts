import { idParams, listOf } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import type { createDunningSettings } from './dunning.js';
import { accountInvoicesSchema, createInvoiceBody, dunningSettingsBody, dunningSettingsSchema, invoiceListQuery, invoicePdfQuery, invoiceSchema, paymentBody, paymentResultSchema, paymentSchema } from './invoice.schema.js';
import type { createPortalInvoices, InvoicesService } from './invoices.service.js';

/** Invoices (issue 21): numbered without gaps, sent automatically, paid in parts; reminders; the customer portal's invoices. */
export function invoiceRoutes(service: InvoicesService, dunning: ReturnType<typeof createDunningSettings>, portal: ReturnType<typeof createPortalInvoices>): RouteSpec[] {
  const tags = ['Invoices'];
  return [
    defineRoute({
      method: 'post', path: '/invoices', operationId: 'createInvoice', summary: 'Invoice an account', description: "Lines priced from the account's price book; the invoice gets the agency's next number (consecutive, no gaps, also under concurrent creation) and, when the account's finance says `autoSendInvoice`, is mailed once with its PDF through your mailbox (else the agency's) and logged on the account's timeline. Send `Idempotency-Key` so a retry does not invoice twice.", tags,
      access: access.permission('invoice', 'create'), body: createInvoiceBody,
      success: { status: 201, description: 'The numbered invoice', schema: invoiceSchema },
      errors: [404, 409],
      handler: ({ body, req }) => service.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/invoices', operationId: 'listInvoices', summary: "An account's invoices", description: 'Newest number first, with balances and status (overdue: open and past the due day).', tags,
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
    defineRoute({
      method: 'get', path: '/invoices/{id}/pdf', operationId: 'getInvoicePdf', summary: 'The invoice as a PDF', description: "With the agency's name and accent colour (GET/PUT /v1/quote-settings), payments and the balance due.", tags,
      access: access.permission('invoice', 'read'), params: idParams, query: invoicePdfQuery,
      success: { status: 200, description: 'The PDF', mediaType: 'application/pdf' },
      errors: [404],
      handler: async ({ params, query, req, res }) => {
        const pdf = await service.pdf(req.principal!, params.id, query.locale);
        res.status(200).type('application/pdf').attachment(pdf.filename).send(pdf.content);
      },
    }),
    defineRoute({
      method: 'get', path: '/invoices/{id}/payments', operationId: 'listInvoicePayments', summary: "An invoice's payments", description: 'In the order they were recorded.', tags,
      access: access.permission('invoice', 'read'), params: idParams,
      success: { status: 200, description: 'The payments', schema: listOf(paymentSchema, 'InvoicePaymentList') },
      errors: [404],
      handler: ({ params, req }) => service.payments(req.principal!, params.id),
    }),
    defineRoute({
      method: 'post', path: '/invoices/{id}/payments', operationId: 'recordInvoicePayment', summary: 'Record a payment', description: "Partial or full, in minor units. More than the open balance is refused (400 on `amount`) unless `asCredit` keeps the excess as the account's credit; a paid invoice answers 409. The account's payment behaviour (`finance.paymentStats`) is recomputed when an invoice is paid. Send `Idempotency-Key`: a retry records the payment once.", tags,
      access: access.permission('invoice', 'update'), params: idParams, body: paymentBody,
      success: { status: 201, description: 'The payment and the invoice after it', schema: paymentResultSchema },
      errors: [404, 409],
      handler: ({ params, body, req }) => service.recordPayment(req.principal!, params.id, body),
    }),
    defineRoute({
      method: 'get', path: '/dunning-settings', operationId: 'getDunningSettings', summary: "The agency's payment reminder schedule", description: 'Steps in days from the due day, each with a handlebars subject and body.', tags,
      access: access.permission('invoice', 'read'),
      success: { status: 200, description: 'The schedule', schema: dunningSettingsSchema },
      handler: ({ req }) => dunning.get(req.principal!),
    }),
    defineRoute({
      method: 'put', path: '/dunning-settings', operationId: 'putDunningSettings', summary: "Set the agency's payment reminder schedule", description: 'Replaces the steps; every template is checked first (400 naming the step field). Each step is sent once per invoice by the hourly job, and no more once the invoice is paid.', tags,
      access: access.permission('template', 'update'), body: dunningSettingsBody,
      success: { status: 200, description: 'The schedule', schema: dunningSettingsSchema },
      handler: ({ body, req }) => dunning.put(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/portal/invoices', operationId: 'listPortalInvoices', summary: "The signed-in customer's invoices", description: "Their account's invoices (a case manager's: also of the accounts below it), newest first, with the open balance per currency.", tags: ['Customer portal'],
      access: access.customer,
      success: { status: 200, description: 'The invoices', schema: accountInvoicesSchema },
      handler: ({ req }) => portal.list(req.customer!),
    }),
    defineRoute({
      method: 'get', path: '/portal/invoices/{id}/pdf', operationId: 'getPortalInvoicePdf', summary: 'One of my invoices as a PDF', tags: ['Customer portal'],
      access: access.customer, params: idParams, query: invoicePdfQuery,
      success: { status: 200, description: 'The PDF', mediaType: 'application/pdf' },
      errors: [404],
      handler: async ({ params, query, req, res }) => {
        const pdf = await portal.pdf(req.customer!, params.id, query.locale);
        res.status(200).type('application/pdf').attachment(pdf.filename).send(pdf.content);
      },
    }),
  ];
}
