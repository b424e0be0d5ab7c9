import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { pricingLineInput } from '../price-books/price-book.schema.js';

const amount = z.number().int().openapi({ description: 'Minor units of the currency' });

export const createInvoiceBody = z
  .object({
    accountId: objectId.openapi({ description: 'The account invoiced; its price book and adjuster price the lines' }),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').optional().openapi({ description: "Default: the account's currency, else EUR" }),
    dueDate: z.iso.date().optional().openapi({ description: "Default: today plus the account's payment terms in days (else 30)" }),
    lines: z.array(pricingLineInput).min(1).max(200),
  })
  .openapi('InvoiceCreate');

export const invoiceListQuery = z.object({ accountId: objectId.openapi({ description: 'The account whose invoices to list' }) });

export const invoiceSchema = z
  .object({
    id: objectId,
    number: z.number().int().openapi({ description: "The agency's consecutive invoice number: no gaps, no repeats" }),
    displayNumber: z.string().openapi({ example: 'INV-000042' }),
    accountId: objectId,
    currency: z.string(),
    status: z.enum(['issued', 'paid', 'void']),
    issueDate: z.string(),
    dueDate: z.string(),
    lines: z.array(z.object({ description: z.string(), unit: z.string(), quantityMilli: z.number().int(), unitPrice: amount, discountBp: z.number().int(), taxRateBp: z.number().int(), net: amount })),
    subtotal: amount,
    taxes: z.array(z.object({ rateBp: z.number().int(), base: amount, amount })),
    taxTotal: amount,
    total: amount,
    createdAt: z.string(),
  })
  .openapi('Invoice');
