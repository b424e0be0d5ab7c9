import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { pricingLineInput } from '../price-books/price-book.schema.js';

const amount = z.number().int().openapi({ description: 'Minor units of the currency' });
const poNumber = z.string().trim().min(1).max(100).openapi({ description: "The customer's purchase order number" });

export const createOrderBody = z
  .object({
    accountId: objectId.openapi({ description: 'The account ordering; its price book and adjuster price the lines' }),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').optional().openapi({ description: "Default: the account's currency, else EUR" }),
    poNumber: poNumber.nullable().optional().openapi({ description: "Required when one of the account's billing units requires a PO" }),
    lines: z
      .array(pricingLineInput.extend({ unitCost: z.number().int().min(0).max(1e12).optional().openapi({ description: 'What one unit costs the agency, in minor units: a line priced below it is refused unless the account allows negative profit' }) }))
      .min(1)
      .max(200),
  })
  .openapi('OrderCreate');

export const orderListQuery = z.object({ accountId: objectId.openapi({ description: 'The account whose orders to list' }) });
export const setPoBody = z.object({ poNumber: poNumber.nullable() }).openapi('OrderPo');
export const orderTransitionBody = z.object({ to: z.string().min(1).max(40).openapi({ description: "A state of the agency's order workflow: open (approve a held order), fulfilled, cancelled" }), note: z.string().max(1000).optional() }).openapi('OrderTransition');

const acceptanceSchema = z.object({
  by: z.enum(['customer', 'link', 'agent']).openapi({ description: 'Signed in to the portal, the emailed link, or recorded by an agent' }),
  customerUserId: objectId.nullable(),
  userId: objectId.nullable(),
  name: z.string().nullable(),
  at: z.string(),
  revision: z.number().int(),
  total: amount,
});

export const orderSchema = z
  .object({
    id: objectId,
    number: z.number().int().openapi({ description: "The agency's order number: consecutive, without gaps or repeats" }),
    displayNumber: z.string().openapi({ example: 'ORD-000042' }),
    accountId: objectId,
    opportunityId: objectId.nullable(),
    quoteId: objectId.nullable(),
    status: z.string().openapi({ description: "A state of the agency's order workflow (pending_approval, open, fulfilled, cancelled by default)" }),
    hold: z.string().nullable().openapi({ description: 'Why the credit gate held the order for approval' }),
    poNumber: z.string().nullable(),
    currency: z.string(),
    exponent: z.number().int(),
    lines: z.array(
      z.object({
        serviceId: objectId,
        specId: objectId,
        description: z.string(),
        unit: z.string(),
        quantity: z.string(),
        quantityMilli: z.number().int(),
        unitPrice: amount,
        discountBp: z.number().int(),
        taxRateBp: z.number().int(),
        net: amount,
        unitCost: amount.nullable(),
      }),
    ),
    gross: amount,
    discountTotal: amount,
    subtotal: amount,
    taxes: z.array(z.object({ rateBp: z.number().int(), base: amount, amount })),
    taxTotal: amount,
    total: amount,
    acceptance: acceptanceSchema.nullable().openapi({ description: 'Who accepted the quote the order came from, when, which revision and its total' }),
    invoiceId: objectId.nullable().openapi({ description: 'The invoice made for it (accounts invoiced per PO)' }),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Order');

export const acceptQuoteBody = z
  .object({
    poNumber: poNumber.nullable().optional().openapi({ description: "The customer's PO number for the order (required when the account requires one)" }),
    name: z.string().trim().max(200).optional().openapi({ description: 'Who accepted (an acceptance recorded by phone, or the name typed on the link page)' }),
  })
  .openapi('QuoteAccept');
export const rejectQuoteBody = z
  .object({
    reason: z.string().trim().max(1000).optional().openapi({ description: 'Why, in the customer’s words' }),
    name: z.string().trim().max(200).optional(),
  })
  .openapi('QuoteReject');

const decisionFields = z
  .object({
    decision: z.enum(['accepted', 'rejected']),
    by: z.enum(['customer', 'link', 'agent']),
    name: z.string().nullable(),
    revision: z.number().int(),
    total: amount,
    currency: z.string(),
    reason: z.string().nullable(),
    poNumber: z.string().nullable(),
    at: z.string(),
  });
const decisionSchema = decisionFields.openapi('QuoteDecision');

export const portalQuoteSchema = z
  .object({
    id: objectId,
    number: z.string(),
    title: z.string(),
    status: z.string(),
    revision: z.number().int(),
    validUntil: z.string(),
    sentAt: z.string().nullable(),
    currency: z.string(),
    exponent: z.number().int(),
    lines: z.array(z.object({ description: z.string(), unit: z.string(), quantity: z.string(), unitPrice: amount, discountBp: z.number().int(), taxRateBp: z.number().int(), net: amount })),
    subtotal: amount,
    taxes: z.array(z.object({ rateBp: z.number().int(), base: amount, amount })),
    taxTotal: amount,
    total: amount,
    decidable: z.boolean().openapi({ description: 'True while it may be accepted or rejected: the latest sent revision, within its validity, not decided yet' }),
    decision: decisionFields.nullable().openapi({ description: 'The customer’s decision, once made' }),
  })
  .openapi('PortalQuote');

export const quoteDecisionResultSchema = z
  .object({ quote: portalQuoteSchema, decision: decisionSchema, order: orderSchema.nullable().openapi({ description: 'The order an acceptance made' }) })
  .openapi('QuoteDecisionResult');

export const quoteLinkParams = z.object({ token: z.string().min(10).max(300).regex(/^[A-Za-z0-9._-]+$/).openapi({ description: 'The signed link token from the quote email' }) });
export const quoteLinkViewSchema = z
  .object({
    agency: z.string(),
    quote: portalQuoteSchema,
    linkRevision: z.number().int(),
    expiresAt: z.string(),
    used: z.boolean(),
    usable: z.boolean().openapi({ description: 'True when this link can still accept or reject the quote' }),
  })
  .openapi('QuoteLinkView');
