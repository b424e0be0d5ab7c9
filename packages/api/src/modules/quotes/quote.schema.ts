import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { pricingLineInput as quoteLineInput } from '../price-books/price-book.schema.js';

export { quoteLineInput };

const day = z.iso.date().openapi({ description: 'A day, YYYY-MM-DD (UTC)' });
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').openapi({ example: 'EUR' });
export const quotePreviewBody = z
  .object({
    opportunityId: objectId,
    currency: currency.optional().openapi({ description: "Default: the opportunity's currency" }),
    lines: z.array(quoteLineInput).max(200),
  })
  .openapi('QuotePreviewInput');

export const createQuoteBody = z
  .object({
    opportunityId: objectId,
    title: z.string().trim().min(1).max(200).optional().openapi({ description: "Default: the opportunity's name" }),
    currency: currency.optional().openapi({ description: "Default: the opportunity's currency" }),
    validUntil: day.openapi({ description: 'The last day the customer may accept' }),
    notes: z.string().max(4000).nullable().optional(),
    lines: z.array(quoteLineInput).min(1).max(200),
  })
  .openapi('QuoteCreate');

export const updateQuoteBody = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    validUntil: day.optional(),
    notes: z.string().max(4000).nullable().optional(),
    lines: z.array(quoteLineInput).min(1).max(200).optional().openapi({ description: 'Replaces the lines; prices are resolved again today' }),
  })
  .openapi('QuoteUpdate');

export const quoteTransitionBody = z.object({ to: z.string().min(1).max(40), note: z.string().max(1000).optional() }).openapi('QuoteTransition');
export const quoteSendBody = z
  .object({
    to: z.array(z.email()).min(1).max(10).openapi({ description: 'The customer addresses the quote goes to' }),
    locale: z.enum(['en', 'de']).optional().openapi({ description: 'Language of amounts and dates in the PDF and email; default en' }),
  })
  .openapi('QuoteSend');
export const opportunityParams = z.object({ id: objectId });
export const pdfQuery = z.object({ locale: z.enum(['en', 'de']).optional() });

const amount = z.number().int().openapi({ description: 'Minor units of the currency' });
const lineSchema = z.object({
  serviceId: objectId,
  specId: objectId,
  description: z.string(),
  unit: z.string(),
  quantity: z.string().openapi({ description: 'Exact decimal text: "1.5"' }),
  quantityMilli: z.number().int().openapi({ description: 'Quantity in thousandths' }),
  listPrice: amount,
  unitPrice: amount.openapi({ description: "After the account's price adjuster" }),
  discountBp: z.number().int().openapi({ description: 'Discount in basis points (1000 = 10 %)' }),
  taxRateBp: z.number().int(),
  gross: amount,
  discount: amount,
  net: amount,
});
const totalsShape = {
  currency: z.string(),
  exponent: z.number().int().openapi({ description: 'Digits after the decimal point of the currency (EUR 2, JPY 0)' }),
  lines: z.array(lineSchema),
  gross: amount,
  discountTotal: amount,
  subtotal: amount,
  taxes: z.array(z.object({ rateBp: z.number().int(), base: amount, amount })),
  taxTotal: amount,
  total: amount,
};
export const quotePreviewSchema = z.object(totalsShape).openapi('QuotePreview');

export const quoteSchema = z
  .object({
    id: objectId,
    number: z.string().openapi({ description: 'Q-<id suffix>-v<revision>' }),
    opportunityId: objectId,
    accountId: objectId.nullable(),
    title: z.string(),
    status: z.string().openapi({ description: 'A state of the tenant’s quote workflow (draft, sent, accepted, rejected, expired by default)' }),
    revision: z.number().int(),
    validUntil: z.string(),
    notes: z.string().nullable(),
    sentRevision: z.number().int().nullable(),
    sentAt: z.string().nullable(),
    ...totalsShape,
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Quote');

export const quoteSettingsBody = z
  .object({
    companyName: z.string().trim().max(200).nullable().optional(),
    accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as #1f4e79').optional(),
    introTemplate: z.string().max(4000).optional(),
    termsTemplate: z.string().max(4000).optional(),
    emailSubjectTemplate: z.string().max(300).optional(),
    emailBodyTemplate: z.string().max(8000).optional(),
  })
  .openapi('QuoteSettingsInput');
export const quoteSettingsSchema = z
  .object({
    companyName: z.string().nullable(),
    accentColor: z.string(),
    introTemplate: z.string(),
    termsTemplate: z.string(),
    emailSubjectTemplate: z.string(),
    emailBodyTemplate: z.string(),
    variables: z.array(z.string()).openapi({ description: 'The {{names}} the templates may use' }),
  })
  .openapi('QuoteSettings');
