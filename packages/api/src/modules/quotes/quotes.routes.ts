import { idParams, listOf } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import { createQuoteBody, opportunityParams, pdfQuery, quotePreviewBody, quotePreviewSchema, quoteSchema, quoteSendBody, quoteSettingsBody, quoteSettingsSchema, quoteTransitionBody, updateQuoteBody } from './quote.schema.js';
import type { QuotesService } from './quotes.service.js';

/** Quotes (issue 21). A quote is part of its opportunity: reading it needs `opportunity:read`, changing it `opportunity:update`. */
export function quoteRoutes(service: QuotesService): RouteSpec[] {
  const tags = ['Quotes'];
  const read = access.permission('opportunity', 'read');
  const write = access.permission('opportunity', 'update');
  return [
    defineRoute({
      method: 'post', path: '/quotes/preview', operationId: 'previewQuote', summary: 'Price quote lines without saving', description: "The editor's live totals: each line priced for the opportunity's account today, totals in minor units, computed by the same code that saves a quote.", tags,
      access: read, body: quotePreviewBody, idempotency: false,
      success: { status: 200, description: 'The priced lines and totals', schema: quotePreviewSchema },
      errors: [404, 409],
      handler: ({ body, req }) => service.preview(req.principal!, body),
    }),
    defineRoute({
      method: 'post', path: '/quotes', operationId: 'createQuote', summary: 'Create a quote on an opportunity', description: "Lines are priced from the account's price book (or the default book) with its price adjuster; the quote starts in the workflow's initial state (draft).", tags,
      access: write, body: createQuoteBody,
      success: { status: 201, description: 'The created quote', schema: quoteSchema },
      errors: [404, 409],
      handler: ({ body, req }) => service.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/opportunities/{id}/quotes', operationId: 'listOpportunityQuotes', summary: "An opportunity's quotes", description: 'Newest first.', tags,
      access: read, params: opportunityParams,
      success: { status: 200, description: 'The quotes', schema: listOf(quoteSchema, 'QuoteList') },
      errors: [404],
      handler: ({ params, req }) => service.listForOpportunity(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get', path: '/quotes/{id}', operationId: 'getQuote', summary: 'Get a quote', tags,
      access: read, params: idParams,
      success: { status: 200, description: 'The quote', schema: quoteSchema },
      errors: [404],
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'patch', path: '/quotes/{id}', operationId: 'updateQuote', summary: 'Edit a quote', description: 'A draft changes in place; a sent quote becomes its next revision and a draft again; accepted, rejected and expired quotes do not change. `If-Match: <version>` makes it conditional.', tags,
      access: write, params: idParams, body: updateQuoteBody, ifMatch: 'optional',
      success: { status: 200, description: 'The quote', schema: quoteSchema },
      errors: [404, 409],
      handler: ({ params, body, req }) => service.update(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'post', path: '/quotes/{id}/transition', operationId: 'transitionQuote', summary: "Move a quote in its workflow", description: "Accepted, rejected or expired (as the agency's quote workflow allows); 'sent' is reached only by sending.", tags,
      access: access.permission('opportunity', 'transition'), params: idParams, body: quoteTransitionBody,
      success: { status: 200, description: 'The quote', schema: quoteSchema },
      errors: [404, 409],
      handler: ({ params, body, req }) => service.transition(req.principal!, params.id, body.to, body.note),
    }),
    defineRoute({
      method: 'get', path: '/quotes/{id}/pdf', operationId: 'getQuotePdf', summary: 'The quote as a PDF', tags,
      access: read, params: idParams, query: pdfQuery,
      success: { status: 200, description: 'The PDF', mediaType: 'application/pdf' },
      errors: [404],
      handler: async ({ params, query, req, res }) => {
        const pdf = await service.pdf(req.principal!, params.id, query.locale);
        res.status(200).type('application/pdf').attachment(pdf.filename).send(pdf.content);
      },
    }),
    defineRoute({
      method: 'post', path: '/quotes/{id}/send', operationId: 'sendQuote', summary: 'Send a quote to the customer', description: "Through the sending user's own mailbox (PUT /v1/me/mail-settings; else the agency's), with the PDF attached, once per revision; logged on the opportunity's timeline; the quote becomes 'sent'.", tags,
      access: write, params: idParams, body: quoteSendBody,
      success: { status: 200, description: 'The sent quote', schema: quoteSchema },
      errors: [404, 409, 503],
      handler: ({ params, body, req }) => service.send(req.principal!, params.id, body),
    }),
    defineRoute({
      method: 'get', path: '/quote-settings', operationId: 'getQuoteSettings', summary: "The agency's quote branding and texts", tags,
      access: access.permission('opportunity', 'read'),
      success: { status: 200, description: 'The settings', schema: quoteSettingsSchema },
      handler: ({ req }) => service.getSettings(req.principal!),
    }),
    defineRoute({
      method: 'put', path: '/quote-settings', operationId: 'putQuoteSettings', summary: "Set the agency's quote branding and handlebars texts", description: 'Templates are checked before they are saved; {{values}} are the names in `variables`.', tags,
      access: access.permission('template', 'update'), body: quoteSettingsBody,
      success: { status: 200, description: 'The settings', schema: quoteSettingsSchema },
      handler: ({ body, req }) => service.putSettings(req.principal!, body),
    }),
  ];
}
