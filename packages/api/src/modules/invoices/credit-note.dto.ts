import { iso } from '../../platform/records/dto.js';
import type { CreditNote } from './credit-note.model.js';
import { invoiceNumber } from './invoice-document.js';
import type { Invoice } from './invoice.model.js';

/** A credit note as the API answers it (its own file, so the invoice service can name it without a cycle). */
export const creditNoteNumber = (c: Pick<CreditNote, 'number'>) => `CN-${String(c.number ?? 0).padStart(6, '0')}`;
const day = (d: Date) => d.toISOString().slice(0, 10);

export function toCreditNoteDto(c: CreditNote, invoice: Pick<Invoice, 'number'>) {
  return {
    id: String(c._id),
    number: c.number ?? 0,
    displayNumber: creditNoteNumber(c),
    invoiceId: String(c.invoiceId),
    invoiceNumber: invoiceNumber(invoice),
    accountId: String(c.accountId),
    currency: c.currency,
    reason: c.reason,
    issueDate: day(new Date(c.issueDate)),
    lines: c.lines.map((l) => ({ lineIndex: l.lineIndex ?? null, description: l.description, unit: l.unit, quantityMilli: l.quantityMilli, unitPrice: l.unitPrice, taxRateBp: l.taxRateBp, net: l.net })),
    subtotal: c.subtotal,
    taxes: c.taxes.map((t) => ({ rateBp: t.rateBp, base: t.base, amount: t.amount })),
    taxTotal: c.taxTotal,
    total: c.total,
    createdAt: iso(c.createdAt) ?? '',
  };
}

export type CreditNoteDto = ReturnType<typeof toCreditNoteDto>;
