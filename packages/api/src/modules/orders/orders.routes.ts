import type { RequestHandler } from 'express';
import { customerOf } from '../../platform/auth/customer-guard.js';
import { idParams, listOf } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import { pdfQuery } from '../quotes/quote.schema.js';
import type { AcceptanceService } from './acceptance.service.js';
import { acceptQuoteBody, createOrderBody, orderListQuery, orderSchema, orderTransitionBody, portalQuoteSchema, quoteDecisionResultSchema, quoteLinkParams, quoteLinkViewSchema, rejectQuoteBody, setPoBody } from './order.schema.js';
import type { OrdersService } from './orders.service.js';

/** Orders for agents (issue 21). Orders are their own resource: reading them needs `order:read`, making and changing them `order:create` / `order:update`; each is visible as its account is. */
export function orderRoutes(orders: OrdersService): RouteSpec[] {
  const tags = ['Orders'];
  return [
    defineRoute({
      method: 'get', path: '/orders', operationId: 'listOrders', summary: "An account's orders", description: 'Newest number first.', tags,
      access: access.permission('order', 'read'), query: orderListQuery,
      success: { status: 200, description: 'The orders', schema: listOf(orderSchema, 'OrderList') },
      errors: [404],
      handler: ({ query, req }) => orders.listForAccount(req.principal!, query.accountId),
    }),
    defineRoute({
      method: 'post', path: '/orders', operationId: 'createOrder', summary: 'Enter an order for an account',
      description: "Lines priced from the account's book today. The credit gate runs first: a blacklisted account is refused (409 naming it), a line below its `unitCost` is refused unless the account allows negative profit (409 naming the line), and an order beyond the available credit is stored as `pending_approval` with its `hold` reason. An account invoiced per PO gets the invoice now when the order has its PO number.",
      tags,
      access: access.permission('order', 'create'), body: createOrderBody,
      success: { status: 201, description: 'The order', schema: orderSchema },
      errors: [404, 409],
      handler: ({ body, req }) => orders.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/orders/{id}', operationId: 'getOrder', summary: 'Get an order', tags,
      access: access.permission('order', 'read'), params: idParams,
      success: { status: 200, description: 'The order', schema: orderSchema },
      errors: [404],
      handler: ({ params, req }) => orders.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'put', path: '/orders/{id}/po', operationId: 'setOrderPo', summary: "Set an order's PO number",
      description: "Until the order is invoiced. One order per PO unless the account allows sharing POs. For an account invoiced per PO, an open order is invoiced as soon as it has its PO. `If-Match: <version>` makes it conditional.",
      tags,
      access: access.permission('order', 'update'), params: idParams, body: setPoBody, ifMatch: 'optional',
      success: { status: 200, description: 'The order', schema: orderSchema },
      errors: [404, 409],
      handler: ({ params, body, req }) => orders.setPo(req.principal!, params.id, body.poNumber, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'post', path: '/orders/{id}/transition', operationId: 'transitionOrder', summary: 'Move an order in its workflow',
      description: "Approve a held order (to `open`), fulfil or cancel it, as the agency's order workflow allows; an invoiced order is not cancelled.",
      tags,
      access: access.permission('order', 'update'), params: idParams, body: orderTransitionBody,
      success: { status: 200, description: 'The order', schema: orderSchema },
      errors: [404, 409],
      handler: ({ params, body, req }) => orders.transition(req.principal!, params.id, body.to, body.note),
    }),
  ];
}

/** Acceptance of quotes: agents recording it, signed-in customers on the portal, and the signed link in the quote email. */
export function acceptanceRoutes(acceptance: AcceptanceService, limits: { link: RequestHandler }): RouteSpec[] {
  const decided = { status: 200, description: 'The decided quote, the decision and (for an acceptance) the order', schema: quoteDecisionResultSchema };
  return [
    defineRoute({
      method: 'post', path: '/quotes/{id}/accept', operationId: 'acceptQuote', summary: "Record the customer's acceptance (by phone, say)",
      description: 'Only the latest sent revision, within its validity, once. Creates the order (through the credit gate) and moves the opportunity to won with the accepted amount (partially won when less than it).',
      tags: ['Quotes'],
      access: access.permission('opportunity', 'update'), params: idParams, body: acceptQuoteBody,
      success: decided,
      errors: [404, 409],
      handler: ({ params, body, req }) => acceptance.decideAsAgent(req.principal!, params.id, 'accepted', body),
    }),
    defineRoute({
      method: 'post', path: '/quotes/{id}/reject', operationId: 'rejectQuote', summary: "Record the customer's rejection", tags: ['Quotes'],
      access: access.permission('opportunity', 'update'), params: idParams, body: rejectQuoteBody,
      success: decided,
      errors: [404, 409],
      handler: ({ params, body, req }) => acceptance.decideAsAgent(req.principal!, params.id, 'rejected', body),
    }),
    defineRoute({
      method: 'get', path: '/portal/quotes', operationId: 'listPortalQuotes', summary: 'The quotes sent to my account', description: 'Newest first; a quote being revised shows again once its next revision is sent.', tags: ['Portal'],
      access: access.customer,
      success: { status: 200, description: 'My quotes', schema: listOf(portalQuoteSchema, 'PortalQuoteList') },
      handler: ({ req }) => acceptance.listForCustomer(customerOf(req)),
    }),
    defineRoute({
      method: 'get', path: '/portal/quotes/{id}', operationId: 'getPortalQuote', summary: 'A quote sent to my account', tags: ['Portal'],
      access: access.customer, params: idParams,
      success: { status: 200, description: 'The quote', schema: portalQuoteSchema },
      errors: [404],
      handler: ({ params, req }) => acceptance.getForCustomer(customerOf(req), params.id),
    }),
    defineRoute({
      method: 'get', path: '/portal/quotes/{id}/pdf', operationId: 'getPortalQuotePdf', summary: 'A quote sent to my account, as a PDF', tags: ['Portal'],
      access: access.customer, params: idParams, query: pdfQuery,
      success: { status: 200, description: 'The PDF', mediaType: 'application/pdf' },
      errors: [404],
      handler: async ({ params, query, req, res }) => {
        const pdf = await acceptance.pdfForCustomer(customerOf(req), params.id, query.locale);
        res.status(200).type('application/pdf').attachment(pdf.filename).send(pdf.content);
      },
    }),
    defineRoute({
      method: 'post', path: '/portal/quotes/{id}/accept', operationId: 'acceptPortalQuote', summary: 'Accept a quote', description: 'The latest sent revision, within its validity, once; makes the order.', tags: ['Portal'],
      access: access.customer, params: idParams, body: acceptQuoteBody,
      success: decided,
      errors: [404, 409],
      handler: ({ params, body, req }) => acceptance.decideAsCustomer(customerOf(req), params.id, 'accepted', body),
    }),
    defineRoute({
      method: 'post', path: '/portal/quotes/{id}/reject', operationId: 'rejectPortalQuote', summary: 'Reject a quote', description: 'With an optional reason.', tags: ['Portal'],
      access: access.customer, params: idParams, body: rejectQuoteBody,
      success: decided,
      errors: [404, 409],
      handler: ({ params, body, req }) => acceptance.decideAsCustomer(customerOf(req), params.id, 'rejected', body),
    }),
    defineRoute({
      method: 'get', path: '/public/quote-links/{token}', operationId: 'getQuoteLink', summary: 'The quote a signed link names',
      description: 'No key: the signed token from the quote email is the credential. Reading it does not use it up.', tags: ['Quote links'],
      access: access.public, before: [limits.link], params: quoteLinkParams,
      success: { status: 200, description: 'The quote and whether the link can still be used', schema: quoteLinkViewSchema },
      errors: [404, 429],
      handler: ({ params, res }) => {
        res.setHeader('Cache-Control', 'no-store');
        return acceptance.viewLink(params.token);
      },
    }),
    defineRoute({
      method: 'post', path: '/public/quote-links/{token}/accept', operationId: 'acceptQuoteLink', summary: 'Accept a quote by its signed link',
      description: 'Once per link: a second use answers 409 (`reason: link_used`); an expired link 409 (`link_expired`); a link of an older revision 409 (`revision_superseded`).', tags: ['Quote links'],
      access: access.public, before: [limits.link], params: quoteLinkParams, body: acceptQuoteBody, idempotency: false,
      success: decided,
      errors: [404, 409, 429],
      handler: ({ params, body }) => acceptance.decideByLink(params.token, 'accepted', body),
    }),
    defineRoute({
      method: 'post', path: '/public/quote-links/{token}/reject', operationId: 'rejectQuoteLink', summary: 'Reject a quote by its signed link', tags: ['Quote links'],
      access: access.public, before: [limits.link], params: quoteLinkParams, body: rejectQuoteBody, idempotency: false,
      success: decided,
      errors: [404, 409, 429],
      handler: ({ params, body }) => acceptance.decideByLink(params.token, 'rejected', body),
    }),
  ];
}
