import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { pricingLineInput } from '../price-books/price-book.schema.js';

const amount = z.number().int().openapi({ description: 'Minor units of the currency' });
const isoDay = z.iso.date();

export const createInvoiceBody = z
  .object({
    accountId: objectId.openapi({ description: 'The account invoiced; its price book and adjuster price the lines' }),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').optional().openapi({ description: "Default: the account's currency, else EUR" }),
    issueDate: isoDay.optional().openapi({ description: 'The invoice date (default: today); not in the future. An earlier day records an invoice issued elsewhere before.' }),
    dueDate: isoDay.optional().openapi({ description: "Default: the invoice date plus the account's payment terms in days (else 30)" }),
    orderId: objectId.nullable().optional().openapi({ description: 'The order invoiced, if any' }),
    poNumber: z.string().trim().min(1).max(100).nullable().optional().openapi({ description: "The customer's purchase order number, printed on the invoice" }),
    lines: z.array(pricingLineInput).min(1).max(200),
  })
  .openapi('InvoiceCreate');

export const invoiceListQuery = z.object({ accountId: objectId.openapi({ description: 'The account whose invoices to list' }) });
export const invoicePdfQuery = z.object({ locale: z.enum(['en', 'de']).optional().openapi({ description: 'Dates and amounts formatted for this locale' }) });

export const invoiceStatus = z.enum(['issued', 'partiallyPaid', 'paid', 'overdue', 'void', 'credited']).openapi({ description: "'overdue': open (issued or partially paid) and past its due day; 'credited': credit notes cover the whole total and nothing was paid" });

export const invoiceSchema = z
  .object({
    id: objectId,
    number: z.number().int().openapi({ description: "The agency's consecutive invoice number: no gaps, no repeats" }),
    displayNumber: z.string().openapi({ example: 'INV-000042' }),
    accountId: objectId,
    orderId: objectId.nullable(),
    poNumber: z.string().nullable(),
    currency: z.string(),
    status: invoiceStatus,
    issueDate: z.string(),
    dueDate: z.string(),
    lines: z.array(z.object({ description: z.string(), unit: z.string(), quantityMilli: z.number().int(), unitPrice: amount, discountBp: z.number().int(), taxRateBp: z.number().int(), net: amount })),
    subtotal: amount,
    taxes: z.array(z.object({ rateBp: z.number().int(), base: amount, amount })),
    taxTotal: amount,
    total: amount,
    amountPaid: amount.openapi({ description: 'Payments applied, at most the total' }),
    balance: amount.openapi({ description: 'What is still open: total minus amountPaid' }),
    credit: amount.openapi({ description: "Paid beyond the total, kept as the account's credit" }),
    credited: amount.openapi({ description: 'The sum of its credit notes; the balance is total minus credited minus amountPaid' }),
    voidedAt: z.string().nullable().openapi({ description: 'When it was voided (status void)' }),
    voidReason: z.string().nullable(),
    paidAt: z.string().nullable(),
    sentAt: z.string().nullable().openapi({ description: 'When the invoice was mailed to the account (automatic sending)' }),
    version: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('Invoice');

export const paymentBody = z
  .object({
    amount: z.number().int().min(1).max(1e15).openapi({ description: 'Minor units of the invoice currency' }),
    date: isoDay.optional().openapi({ description: 'The day the money arrived (default: today); not in the future' }),
    method: z.enum(['bankTransfer', 'card', 'cash', 'cheque', 'directDebit', 'other']),
    reference: z.string().trim().max(200).nullable().optional(),
    asCredit: z.boolean().optional().openapi({ description: "Allow more than the open balance; the excess is kept as the account's credit" }),
  })
  .openapi('InvoicePaymentCreate');

export const paymentSchema = z
  .object({ id: objectId, invoiceId: objectId, amount, credit: amount, date: z.string(), method: z.string(), reference: z.string().nullable(), createdAt: z.string() })
  .openapi('InvoicePayment');

export const paymentResultSchema = z.object({ payment: paymentSchema, invoice: invoiceSchema }).openapi('InvoicePaymentResult');

const template = z.string().min(1).max(5000);
export const dunningStep = z.object({
  key: z.string().trim().regex(/^[a-z0-9-]{1,40}$/, 'lowercase letters, digits and dashes'),
  offsetDays: z.number().int().min(-60).max(365).openapi({ description: 'Days from the due day: -3 is three days before, 0 the due day, 7 a week after' }),
  subjectTemplate: template.max(300),
  bodyTemplate: template,
  translations: z
    .array(
      z.object({
        language: z.string().trim().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as de or en-GB'),
        subjectTemplate: template.max(300),
        bodyTemplate: template,
      }),
    )
    .max(20)
    .default([])
    .openapi({ description: "The step's texts in other languages. A reminder is written in the account's language (`preferences.language`), else the agency's; a language without a text here (its own, or its base: `de` for `de-AT`) gets the step's subjectTemplate and bodyTemplate." }),
});

export const dunningSettingsBody = z
  .object({ enabled: z.boolean(), steps: z.array(dunningStep).max(10) })
  .openapi('DunningSettingsInput');

export const dunningSettingsSchema = z
  .object({ enabled: z.boolean(), steps: z.array(dunningStep), version: z.number().int(), variables: z.array(z.string()) })
  .openapi('DunningSettings');

export const voidInvoiceBody = z
  .object({ reason: z.string().trim().min(3).max(500).openapi({ description: 'Why the invoice is voided; kept on the invoice and the timeline' }) })
  .openapi('InvoiceVoid');

export const creditNoteBody = z
  .object({
    reason: z.string().trim().min(3).max(500),
    amount: z.number().int().min(1).max(1e15).optional().openapi({ description: 'A credit of this gross amount (minor units, tax included), split over the invoice\'s tax rates in proportion; or send `lines`' }),
    lines: z
      .array(z.object({ lineIndex: z.number().int().min(0).max(199).openapi({ description: 'The invoice line credited (0-based)' }), quantityMilli: z.number().int().min(1).max(1e12).optional().openapi({ description: 'How much of its quantity (thousandths); default: all of it' }) }))
      .min(1)
      .max(200)
      .optional(),
  })
  .openapi('CreditNoteCreate');

export const creditNoteSchema = z
  .object({
    id: objectId,
    number: z.number().int().openapi({ description: "The agency's consecutive credit note number (its own sequence): no gaps, no repeats" }),
    displayNumber: z.string().openapi({ example: 'CN-000007' }),
    invoiceId: objectId,
    invoiceNumber: z.string(),
    accountId: objectId,
    currency: z.string(),
    reason: z.string(),
    issueDate: z.string(),
    lines: z.array(z.object({ lineIndex: z.number().int().nullable(), description: z.string(), unit: z.string(), quantityMilli: z.number().int(), unitPrice: amount, taxRateBp: z.number().int(), net: amount })),
    subtotal: amount,
    taxes: z.array(z.object({ rateBp: z.number().int(), base: amount, amount })),
    taxTotal: amount,
    total: amount.openapi({ description: 'What the customer no longer owes (tax included)' }),
    createdAt: z.string(),
  })
  .openapi('CreditNote');

export const creditNoteResultSchema = z.object({ creditNote: creditNoteSchema, invoice: invoiceSchema }).openapi('CreditNoteResult');

export const accountInvoicesSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(invoiceSchema),
    openBalances: z.array(z.object({ currency: z.string(), balance: amount, overdue: amount })).openapi({ description: 'Open balance per currency, and how much of it is overdue' }),
    creditNotes: z.array(creditNoteSchema).openapi({ description: 'The credit notes of these invoices, newest number first' }),
    hasMore: z.boolean(),
    nextCursor: z.string().nullable(),
  })
  .openapi('PortalInvoiceList');
