import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { AppError } from '../../platform/errors.js';
import { createSequence } from '../../platform/numbering/sequence.js';
import { iso } from '../../platform/records/dto.js';
import type { PriceBooksService } from '../price-books/price-books.service.js';
import { priceLines, type PricingLineInput } from '../price-books/pricing.js';
import { invoiceModel, type Invoice } from './invoice.model.js';

type InvoicedAccount = { _id: Types.ObjectId; finance?: { currency?: string | null; paymentTermsDays?: number | null } | null };

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The public shape of a numbered invoice. */
export function toInvoiceDto(i: Invoice) {
  return {
    id: String(i._id),
    number: i.number ?? 0,
    displayNumber: `INV-${String(i.number ?? 0).padStart(6, '0')}`,
    accountId: String(i.accountId),
    currency: i.currency,
    status: i.status,
    issueDate: day(new Date(i.issueDate)),
    dueDate: day(new Date(i.dueDate)),
    lines: i.lines.map((l) => ({ description: l.description, unit: l.unit, quantityMilli: l.quantityMilli, unitPrice: l.unitPrice, discountBp: l.discountBp, taxRateBp: l.taxRateBp, net: l.net })),
    subtotal: i.subtotal,
    taxes: i.taxes.map((t) => ({ rateBp: t.rateBp, base: t.base, amount: t.amount })),
    taxTotal: i.taxTotal,
    total: i.total,
    createdAt: iso(i.createdAt) ?? '',
  };
}

/**
 * Invoices (issue 21, first slice: manual invoices of an account). Each is stored, then numbered by the
 * tenant's gapless sequence; its visibility is its account's.
 */
export function createInvoicesService(connection: Connection, deps: { priceBooks: PriceBooksService; account: (principal: Principal, id: string) => Promise<InvoicedAccount> }) {
  const Invoice = invoiceModel(connection);
  const sequence = createSequence(connection, 'invoice', {
    async write(tenantId, id, value) {
      await Invoice.updateOne({ tenantId, _id: id, number: null }, { $set: { number: value, numberKey: `n:${value}` } });
    },
  });

  async function findVisible(principal: Principal, id: string): Promise<Invoice> {
    const invoice = await Invoice.findOne({ tenantId: principal.tenantId, _id: new Types.ObjectId(id), number: op({ $ne: null }) }).lean<Invoice>();
    if (!invoice) throw AppError.notFound('Invoice');
    try {
      await deps.account(principal, String(invoice.accountId));
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') throw AppError.notFound('Invoice');
      throw error;
    }
    return invoice;
  }

  return {
    /** Prices the lines for the account, stores the invoice, and gives it the next number. */
    async create(principal: Principal, input: { accountId: string; currency?: string | undefined; dueDate?: string | undefined; lines: PricingLineInput[] }) {
      const account = await deps.account(principal, input.accountId);
      const currency = input.currency ?? account.finance?.currency ?? 'EUR';
      const today = new Date(`${day(new Date())}T00:00:00.000Z`);
      const dueDate = input.dueDate ? new Date(`${input.dueDate}T00:00:00.000Z`) : new Date(today.getTime() + (account.finance?.paymentTermsDays ?? 30) * 86_400_000);
      if (dueDate < today) throw AppError.invalidField('dueDate', 'must be today or later');
      const priced = await priceLines(deps.priceBooks, principal, { accountId: account._id, currency, date: day(today), lines: input.lines });
      const _id = new Types.ObjectId();
      await Invoice.create({ _id, tenantId: principal.tenantId, accountId: account._id, number: null, numberKey: `pending:${String(_id)}`, currency, status: 'issued', issueDate: today, dueDate, lines: priced.lines, ...priced.totals, createdBy: principal.userId });
      await sequence.next(principal.tenantId, _id);
      return toInvoiceDto((await Invoice.findOne({ tenantId: principal.tenantId, _id }).lean<Invoice>())!);
    },
    async get(principal: Principal, id: string) {
      return toInvoiceDto(await findVisible(principal, id));
    },
    /** An account's invoices, newest number first (an equality on the account; an account has hundreds at most). */
    async listForAccount(principal: Principal, accountId: string) {
      const account = await deps.account(principal, accountId);
      const rows = await Invoice.find({ tenantId: principal.tenantId, accountId: account._id }).limit(1000).lean<Invoice[]>();
      const numbered = rows.filter((r) => r.number !== null).sort((a, b) => b.number! - a.number!);
      return { object: 'list' as const, data: numbered.map(toInvoiceDto), hasMore: false, nextCursor: null };
    },
  };
}

export type InvoicesService = ReturnType<typeof createInvoicesService>;
