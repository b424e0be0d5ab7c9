import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';

const day = z.iso.date().openapi({ description: 'A day, YYYY-MM-DD (UTC)' });
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').openapi({ example: 'EUR' });
const minor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ description: 'Amount in minor units of the currency (cents): 12.50 EUR is 1250' });

const priceInput = z.object({
  currency,
  unitPrice: minor,
  validFrom: day.nullable().optional().openapi({ description: 'First day the price holds; null or omitted: always before validTo' }),
  validTo: day.nullable().optional().openapi({ description: 'First day the price no longer holds (exclusive); null or omitted: open-ended' }),
});
const specInput = z.object({
  id: objectId.optional().openapi({ description: 'Keep the id of an existing spec; omit for a new one' }),
  name: z.string().trim().min(1).max(200),
  unit: z.string().trim().min(1).max(40).openapi({ description: 'Unit of measure: hour, word, page, day…' }),
  prices: z.array(priceInput).max(100),
});
const serviceInput = z.object({ id: objectId.optional(), name: z.string().trim().min(1).max(200), specs: z.array(specInput).max(200) });

const writable = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional(),
  isDefault: z.boolean().optional().openapi({ description: 'The book for opportunities without an account and accounts without a book; setting it clears the previous default' }),
  status: z.enum(['active', 'archived']).optional(),
  services: z.array(serviceInput).max(200).optional(),
};
export const priceBookInput = z.object(writable).openapi('PriceBookInput');

const priceSchema = z.object({ currency: z.string(), unitPrice: z.number().int(), validFrom: z.string().nullable(), validTo: z.string().nullable() });
export const priceBookSchema = z
  .object({
    id: objectId,
    name: z.string(),
    description: z.string().nullable(),
    isDefault: z.boolean(),
    status: z.enum(['active', 'archived']),
    services: z.array(z.object({ id: objectId, name: z.string(), specs: z.array(z.object({ id: objectId, name: z.string(), unit: z.string(), prices: z.array(priceSchema) })) })),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('PriceBook');

export const resolvePriceQuery = z.object({
  accountId: objectId.optional().openapi({ description: "The account whose price book and price adjuster apply; omitted: the agency's default book" }),
  serviceId: objectId,
  specId: objectId,
  currency,
  date: day.optional().openapi({ description: 'The day the price must hold on; default today (UTC)' }),
});

export const resolvedPriceSchema = z
  .object({
    priceBookId: objectId,
    serviceId: objectId,
    specId: objectId,
    serviceName: z.string(),
    specName: z.string(),
    unit: z.string(),
    currency: z.string(),
    listPrice: z.number().int().openapi({ description: "The book's price in minor units" }),
    adjusterBp: z.number().int().openapi({ description: "The account's price adjuster in basis points (+250 = +2.5 %)" }),
    unitPrice: z.number().int().openapi({ description: 'The price the account gets, in minor units: the list price moved by the adjuster, rounded half away from zero' }),
    validFrom: z.string().nullable(),
    validTo: z.string().nullable(),
  })
  .openapi('ResolvedPrice');

const percent = z.number().min(0).max(100).openapi({ description: 'A percentage with up to two decimals (19.5)' });

/** A line as a rep enters it, for quotes and invoices: a spec of the book, a quantity, a discount and a tax rate. */
export const pricingLineInput = z.object({
  serviceId: objectId,
  specId: objectId,
  quantity: z.number().positive().max(1_000_000_000).openapi({ description: 'Up to three decimals (1.5 hours)' }),
  discountPercent: percent.optional().openapi({ description: 'Off the line, up to two decimals; default 0' }),
  taxRatePercent: percent.optional().openapi({ description: 'Tax on the line, up to two decimals; default 0' }),
  description: z.string().trim().max(500).optional().openapi({ description: "Shown on the quote; default the service's and spec's names" }),
});

