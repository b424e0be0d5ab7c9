import { z } from '../../platform/http/zod.js';
import { idParams, listOf, objectId } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import type { InvoiceCorrections } from './invoice-corrections.js';
import { creditNoteBody, creditNoteResultSchema, creditNoteSchema, invoicePdfQuery, invoiceSchema, voidInvoiceBody } from './invoice.schema.js';
import type { createPortalInvoices, InvoicesDeps, InvoicesService } from './invoices.service.js';

const creditNoteParams = z.object({ id: objectId, creditNoteId: objectId });

/** Voids and credit notes (issue 21): an issued invoice is corrected, never edited or deleted. */
export function invoiceCorrectionRoutes(corrections: InvoiceCorrections, invoices: InvoicesService, portal: ReturnType<typeof createPortalInvoices>, accountById: InvoicesDeps['accountById']): RouteSpec[] {
  const tags = ['Invoices'];
  return [
    defineRoute({
      method: 'post', path: '/invoices/{id}/void', operationId: 'voidInvoice', summary: 'Void an unpaid invoice', description: "Only while nothing is paid on it and it has no credit notes (else 409: correct it with a credit note). Its number stays used; it leaves the balances, reminders and the customer portal. Logged on the account's timeline; publishes `invoice.voided`.", tags,
      access: access.permission('invoice', 'update'), params: idParams, body: voidInvoiceBody,
      success: { status: 200, description: 'The void invoice', schema: invoiceSchema },
      errors: [404, 409],
      handler: ({ params, body, req }) => corrections.void(req.principal!, params.id, body.reason),
    }),
    defineRoute({
      method: 'post', path: '/invoices/{id}/credit-notes', operationId: 'createCreditNote', summary: 'Issue a credit note on an invoice', description: "In full or in part: by `lines` (invoice lines, all or part of their quantity) or by a gross `amount`. Never more than the invoice's uncredited amount (400 on `amount` or `lines`), nor a line beyond the quantity earlier credit notes left of it (400 on `lines.<n>.quantityMilli`), also under concurrent credit notes. Numbered in the agency's own gapless credit note sequence (CN-000001...). The invoice's balance drops by its total; what was already paid beyond the new balance becomes the account's credit. Logged on the timeline; publishes `invoice.credited`. Send `Idempotency-Key` so a retry does not credit twice.", tags,
      access: access.permission('invoice', 'update'), params: idParams, body: creditNoteBody,
      success: { status: 201, description: 'The credit note and the invoice after it', schema: creditNoteResultSchema },
      errors: [404, 409],
      handler: ({ params, body, req }) => corrections.create(req.principal!, params.id, body),
    }),
    defineRoute({
      method: 'get', path: '/invoices/{id}/credit-notes', operationId: 'listCreditNotes', summary: "An invoice's credit notes", description: 'Newest number first.', tags,
      access: access.permission('invoice', 'read'), params: idParams,
      success: { status: 200, description: 'The credit notes', schema: listOf(creditNoteSchema, 'CreditNoteList') },
      errors: [404],
      handler: ({ params, req }) => corrections.list(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get', path: '/invoices/{id}/credit-notes/{creditNoteId}/pdf', operationId: 'getCreditNotePdf', summary: 'A credit note as a PDF', tags,
      access: access.permission('invoice', 'read'), params: creditNoteParams, query: invoicePdfQuery,
      success: { status: 200, description: 'The PDF', mediaType: 'application/pdf' },
      errors: [404],
      handler: async ({ params, query, req, res }) => {
        const invoice = await invoices.findVisible(req.principal!, params.id);
        const pdf = await corrections.pdf(req.principal!.tenantId, invoice, params.creditNoteId, await accountById(req.principal!.tenantId, invoice.accountId), query.locale);
        res.status(200).type('application/pdf').attachment(pdf.filename).send(pdf.content);
      },
    }),
    defineRoute({
      method: 'get', path: '/portal/invoices/{id}/credit-notes/{creditNoteId}/pdf', operationId: 'getPortalCreditNotePdf', summary: 'A credit note of one of my invoices as a PDF', tags: ['Customer portal'],
      access: access.customer, params: creditNoteParams, query: invoicePdfQuery,
      success: { status: 200, description: 'The PDF', mediaType: 'application/pdf' },
      errors: [404],
      handler: async ({ params, query, req, res }) => {
        const { invoice, account: owner } = await portal.visible(req.customer!, params.id);
        const pdf = await corrections.pdf(req.customer!.tenantId, invoice, params.creditNoteId, owner, query.locale);
        res.status(200).type('application/pdf').attachment(pdf.filename).send(pdf.content);
      },
    }),
  ];
}
