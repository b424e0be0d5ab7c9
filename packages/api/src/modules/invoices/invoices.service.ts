import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { compileHtml, compileText } from '../../platform/documents/priced-document.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import { createSequence } from '../../platform/numbering/sequence.js';
import { computeTotals } from '../../platform/money/money.js';
import { iso } from '../../platform/records/dto.js';
import { writeVersion } from '../../platform/records/version-claims.js';
import type { PriceBooksService } from '../price-books/price-books.service.js';
import { priceLines, type PricedLine, type PricingLineInput } from '../price-books/pricing.js';
import { balanceOf, invoiceEmailIn, invoiceNumber, invoiceTemplateData, renderInvoicePdf, type Branding } from './invoice-document.js';
import type { InvoiceMailer, InvoiceMessage } from './invoice-mail.js';
import { creditNoteModel } from './credit-note.model.js';
import type { CreditNoteDto } from './credit-note.dto.js';
import { invoiceModel, invoicePaymentModel, type Invoice, type InvoicePayment } from './invoice.model.js';

/** What invoices need of an account. */
export type InvoicedAccount = {
  _id: Types.ObjectId;
  name?: string | null;
  emails?: { value: string; primary?: boolean }[] | null;
  billingUnits?: { email?: string | null }[] | null;
  finance?: { currency?: string | null; paymentTermsDays?: number | null; autoSendInvoice?: boolean | null; invoicingOption?: string | null } | null;
  /** The language mail to the account is written in (payment reminders); null: the agency's. */
  preferences?: { language?: string | null } | null;
};

/** Payment behaviour over the last twelve months, stored on the account's finance when a payment lands. */
export interface PaymentStats {
  paidCount: number;
  lateCount: number;
  averageDaysLate: number;
  maxDaysLate: number;
  openOverdueCount: number;
  computedAt: Date;
}

export interface InvoicesDeps {
  priceBooks: PriceBooksService;
  account: (principal: Principal, id: string) => Promise<InvoicedAccount>;
  /** The same account without a caller (jobs): by tenant and id. */
  accountById: (tenantId: Types.ObjectId, id: Types.ObjectId) => Promise<InvoicedAccount | null>;
  branding: (tenantId: Types.ObjectId) => Promise<Branding>;
  /** The language of the account's invoice mail: its billing contact's, else its own, else the agency's; absent, English. */
  mailLanguage?: (tenantId: Types.ObjectId, accountId: Types.ObjectId) => Promise<string>;
  mail: InvoiceMailer;
  storePaymentStats: (tenantId: Types.ObjectId, accountId: Types.ObjectId, stats: PaymentStats) => Promise<void>;
  /** Publishes `invoice.issued` / `invoice.paid` once per invoice (invoice-events.ts); absent, nothing is published. */
  published?: (tenantId: Types.ObjectId, invoiceId: Types.ObjectId, action: 'issued' | 'paid', load: () => Promise<Invoice | null>) => Promise<unknown>;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const startOfDay = (d: Date) => new Date(`${day(d)}T00:00:00.000Z`);
const DAY = 86_400_000;

/** Where an account's invoices go: its primary email, else any, else a billing unit's. */
export function billingAddresses(account: InvoicedAccount): string[] {
  const emails = account.emails ?? [];
  const primary = emails.find((e) => e.primary)?.value ?? emails[0]?.value ?? account.billingUnits?.find((b) => b.email)?.email ?? null;
  return primary ? [primary] : [];
}

/** The status shown: `overdue` is an open invoice past its due day (derived when read, never stored). */
export function displayStatus(i: Pick<Invoice, 'status' | 'dueDate'>, now = new Date()) {
  const open = i.status === 'issued' || i.status === 'partiallyPaid';
  return open && day(new Date(i.dueDate)) < day(now) ? ('overdue' as const) : i.status;
}

/** The public shape of a numbered invoice. */
export function toInvoiceDto(i: Invoice, now = new Date()) {
  return {
    id: String(i._id),
    number: i.number ?? 0,
    displayNumber: invoiceNumber(i),
    accountId: String(i.accountId),
    orderId: i.orderId ? String(i.orderId) : null,
    poNumber: i.poNumber ?? null,
    currency: i.currency,
    status: displayStatus(i, now),
    issueDate: day(new Date(i.issueDate)),
    dueDate: day(new Date(i.dueDate)),
    lines: i.lines.map((l) => ({ description: l.description, unit: l.unit, quantityMilli: l.quantityMilli, unitPrice: l.unitPrice, discountBp: l.discountBp, taxRateBp: l.taxRateBp, net: l.net })),
    subtotal: i.subtotal,
    taxes: i.taxes.map((t) => ({ rateBp: t.rateBp, base: t.base, amount: t.amount })),
    taxTotal: i.taxTotal,
    total: i.total,
    amountPaid: i.amountPaid ?? 0,
    balance: balanceOf(i),
    credit: i.credit ?? 0,
    credited: i.credited ?? 0,
    voidedAt: iso(i.voidedAt ?? null),
    voidReason: i.voidReason ?? null,
    paidAt: iso(i.paidAt ?? null),
    sentAt: iso(i.sentAt ?? null),
    version: (i as Invoice & { version?: number }).version ?? 0,
    createdAt: iso(i.createdAt) ?? '',
  };
}

export function toPaymentDto(p: InvoicePayment) {
  return { id: String(p._id), invoiceId: String(p.invoiceId), amount: p.amount, credit: p.credit ?? 0, date: day(new Date(p.date)), method: p.method, reference: p.reference ?? null, createdAt: iso(p.createdAt) ?? '' };
}

/**
 * The paid figures of an invoice as its payment rows make them: what is applied (never beyond the
 * total), the credit kept beyond it, and the status and paid day that follow. The rows are the truth;
 * the stored figures follow them (a void invoice, or one without payments, keeps what it has).
 */
export function settle(invoice: Invoice, payments: InvoicePayment[], creditNotesTotal?: number): Invoice {
  if (invoice.status === 'void') return invoice;
  const credited = creditNotesTotal ?? invoice.credited ?? 0;
  if (payments.length === 0 && credited === 0) return invoice;
  // What is owed after the credit notes; payments beyond it (a credit note on a paid invoice) become the account's credit.
  const due = Math.max(0, invoice.total - credited);
  const applied = payments.reduce((sum, p) => sum + p.amount - (p.credit ?? 0), 0);
  const amountPaid = Math.min(due, applied);
  const credit = payments.reduce((sum, p) => sum + (p.credit ?? 0), 0) + Math.max(0, applied - due);
  const paid = amountPaid >= due;
  const lastDate = payments.reduce((max, p) => (new Date(p.date) > max ? new Date(p.date) : max), new Date(0));
  const status = due === 0 && applied === 0 ? 'credited' : paid ? 'paid' : applied > 0 ? 'partiallyPaid' : 'issued';
  return { ...invoice, amountPaid, credit, credited, status, paidAt: status === 'paid' ? lastDate : null };
}

const settledDiffers = (stored: Invoice, settled: Invoice) =>
  (stored.amountPaid ?? 0) !== settled.amountPaid || (stored.credit ?? 0) !== settled.credit || (stored.credited ?? 0) !== (settled.credited ?? 0) || stored.status !== settled.status || (stored.paidAt ? new Date(stored.paidAt).getTime() : null) !== (settled.paidAt ? new Date(settled.paidAt).getTime() : null);

export interface PaymentInput {
  amount: number;
  date?: string | undefined;
  method: string;
  reference?: string | null | undefined;
  asCredit?: boolean | undefined;
}

/**
 * Invoices (issue 21): created manually or by orders (per PO, monthly), numbered by the tenant's gapless
 * sequence, sent automatically with the PDF when the account says so, paid in parts or in full. An
 * invoice's visibility is its account's.
 */
export function createInvoicesService(connection: Connection, deps: InvoicesDeps) {
  const Invoice = invoiceModel(connection);
  const Payment = invoicePaymentModel(connection);
  const CreditNote = creditNoteModel(connection);
  const sequence = createSequence(connection, 'invoice', {
    async write(tenantId, id, value) {
      await Invoice.updateOne({ tenantId, _id: id, number: null }, { $set: { number: value, numberKey: `n:${value}` } });
      await deps.published?.(tenantId, id, 'issued', () => Invoice.findOne({ tenantId, _id: id }).lean<Invoice>());
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
    const payments = await Payment.find({ tenantId: invoice.tenantId, invoiceId: invoice._id }).lean<InvoicePayment[]>();
    return reconciled(invoice, payments);
  }

  /**
   * The invoice with its paid figures from its payment rows; when the stored ones lag (a write lost to a
   * concurrent one: FerretDB applies concurrent updates of one document one after the other, each from
   * what it read), they are written again through the version claims.
   */
  async function reconciled(invoice: Invoice, payments: InvoicePayment[]): Promise<Invoice> {
    const settled = settle(invoice, payments);
    if (settledDiffers(invoice, settled)) await storeSettled(invoice.tenantId, invoice._id);
    return settled;
  }

  /**
   * Writes the paid figures the payment rows make. Each attempt reads the invoice (its version) before
   * the rows and claims the next version (platform/records/version-claims): of two writers that read the
   * same version only one writes, and the other reads again, so the last figure written counts every
   * payment inserted before its writer read the version. Returns the invoice as the rows make it.
   */
  async function storeSettled(tenantId: Types.ObjectId, id: Types.ObjectId): Promise<Invoice> {
    for (let attempt = 0; attempt < 30; attempt += 1) {
      const current = await Invoice.findOne({ tenantId, _id: id }).lean<Invoice>();
      if (!current) throw AppError.notFound('Invoice');
      const payments = await Payment.find({ tenantId, invoiceId: id }).lean<InvoicePayment[]>();
      const creditNotes = await CreditNote.find({ tenantId, invoiceId: id }).select('total').lean<{ total: number }[]>();
      const settled = settle(current, payments, creditNotes.reduce((sum, c) => sum + c.total, 0));
      if (!settledDiffers(current, settled)) return current;
      const figures = { amountPaid: settled.amountPaid, credit: settled.credit, credited: settled.credited ?? 0, status: settled.status, paidAt: settled.paidAt };
      if (await writeVersion(Invoice, { _id: id, version: current.version ?? 0 }, { $set: figures })) {
        const stored = { ...settled, version: (current.version ?? 0) + 1 };
        if (stored.status === 'paid') await deps.published?.(tenantId, id, 'paid', async () => stored);
        return stored;
      }
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 15 * (attempt + 1)));
    }
    throw new AppError('unavailable', 'The invoice is being paid by others right now; its payment is recorded, read it again');
  }

  async function documentOf(invoice: Invoice, account: InvoicedAccount | null, locale: string, now?: Date) {
    const branding = await deps.branding(invoice.tenantId);
    const data = invoiceTemplateData(invoice, { customerName: account?.name ?? 'customer', companyName: branding.companyName, locale, ...(now ? { now } : {}) });
    return { branding, data };
  }

  async function pdfOf(invoice: Invoice, account: InvoicedAccount | null, locale = 'en') {
    const { branding, data } = await documentOf(invoice, account, locale);
    return { filename: `${data.number}.pdf`, content: await renderInvoicePdf(invoice, branding, data, locale) };
  }

  /** The invoice email with its PDF, or null when there is no address or nothing is owed. */
  async function invoiceMessage(invoice: Invoice, account: InvoicedAccount | null): Promise<InvoiceMessage | null> {
    const to = account ? billingAddresses(account) : [];
    if (!to.length || invoice.status === 'void') return null;
    const language = deps.mailLanguage ? await deps.mailLanguage(invoice.tenantId, invoice.accountId) : 'en';
    const locale = Intl.DateTimeFormat.supportedLocalesOf([language])[0] ?? 'en';
    const { branding, data } = await documentOf(invoice, account, locale);
    const pdf = await renderInvoicePdf(invoice, branding, data, locale);
    const texts = invoiceEmailIn(language);
    return {
      to,
      subject: compileText(texts.subject)(data).replace(/[\r\n]+/g, ' '),
      text: compileText(texts.body)(data),
      html: compileHtml(texts.body)(data),
      attachments: [{ filename: `${data.number}.pdf`, content: pdf, contentType: 'application/pdf' }],
    };
  }

  /** Sends a new invoice once (the ledger's key `invoice:<id>`) and notes when it went out. */
  async function autoSend(invoice: Invoice, account: InvoicedAccount, userId: Types.ObjectId | null) {
    const outcome = await deps.mail.deliver({ tenantId: invoice.tenantId, invoiceId: invoice._id, accountId: invoice.accountId, kind: 'invoice', userId }, billingAddresses(account), () => invoiceMessage(invoice, account));
    if (outcome === 'sent') await Invoice.updateOne({ tenantId: invoice.tenantId, _id: invoice._id }, { $set: { sentAt: new Date() } });
  }

  /** Recomputes an account's payment behaviour over the last twelve months from its invoices. */
  async function refreshPaymentStats(tenantId: Types.ObjectId, accountId: Types.ObjectId, now = new Date()) {
    const since = now.getTime() - 365 * DAY;
    const rows = await Invoice.find({ tenantId, accountId }).select('status dueDate paidAt number').limit(5000).lean<Invoice[]>();
    let paidCount = 0;
    let lateCount = 0;
    let daysLate = 0;
    let maxDaysLate = 0;
    let openOverdueCount = 0;
    for (const r of rows) {
      if (r.number === null) continue;
      if (r.status === 'paid' && r.paidAt && new Date(r.paidAt).getTime() >= since) {
        const late = Math.max(0, Math.round((startOfDay(new Date(r.paidAt)).getTime() - startOfDay(new Date(r.dueDate)).getTime()) / DAY));
        paidCount += 1;
        daysLate += late;
        maxDaysLate = Math.max(maxDaysLate, late);
        if (late > 0) lateCount += 1;
      } else if (displayStatus(r, now) === 'overdue') {
        openOverdueCount += 1;
      }
    }
    // Tenths of a day, as an integer ratio: no float accumulates.
    const averageDaysLate = paidCount ? Math.round((daysLate * 10) / paidCount) / 10 : 0;
    const stats = { paidCount, lateCount, averageDaysLate, maxDaysLate, openOverdueCount, computedAt: now };
    await deps.storePaymentStats(tenantId, accountId, stats);
    return stats;
  }

  /** An account's invoices with their paid figures from the payment rows (one equality read of the account's payments). */
  async function reconciledAll(tenantId: Types.ObjectId, accountId: Types.ObjectId, invoices: Invoice[]): Promise<Invoice[]> {
    const payments = await Payment.find({ tenantId, accountId }).limit(20_000).lean<InvoicePayment[]>();
    const byInvoice = new Map<string, InvoicePayment[]>();
    for (const p of payments) byInvoice.set(String(p.invoiceId), [...(byInvoice.get(String(p.invoiceId)) ?? []), p]);
    return Promise.all(invoices.map((i) => reconciled(i, byInvoice.get(String(i._id)) ?? [])));
  }

  return {
    invoiceMessage,
    reconciledAll,
    pdfOf,
    refreshPaymentStats,
    findVisible,
    storeSettled,
    byId: (tenantId: Types.ObjectId, id: Types.ObjectId) => Invoice.findOne({ tenantId, _id: id }).lean<Invoice>(),

    /**
     * Prices the lines for the account, stores the invoice, gives it the next number, and sends it with
     * its PDF when the account's finance says `autoSendInvoice`.
     */
    async create(principal: Principal, input: { accountId: string; currency?: string | undefined; dueDate?: string | undefined; lines: PricingLineInput[]; orderId?: string | null | undefined; poNumber?: string | null | undefined; issueDate?: string | undefined }) {
      const account = await deps.account(principal, input.accountId);
      const currency = input.currency ?? account.finance?.currency ?? 'EUR';
      const today = startOfDay(new Date());
      const issueDate = input.issueDate ? new Date(`${input.issueDate}T00:00:00.000Z`) : today;
      const dueDate = input.dueDate ? new Date(`${input.dueDate}T00:00:00.000Z`) : new Date(issueDate.getTime() + (account.finance?.paymentTermsDays ?? 30) * DAY);
      if (issueDate > today) throw AppError.invalidField('issueDate', 'cannot be in the future');
      if (dueDate < issueDate) throw AppError.invalidField('dueDate', 'must be on or after the invoice date');
      const priced = await priceLines(deps.priceBooks, principal, { accountId: account._id, currency, date: day(issueDate), lines: input.lines });
      const _id = new Types.ObjectId();
      await Invoice.create({ _id, tenantId: principal.tenantId, accountId: account._id, orderId: input.orderId ? new Types.ObjectId(input.orderId) : null, poNumber: input.poNumber ?? null, number: null, numberKey: `pending:${String(_id)}`, currency, status: 'issued', issueDate, dueDate, lines: priced.lines, ...priced.totals, amountPaid: 0, credit: 0, createdBy: principal.userId });
      await sequence.next(principal.tenantId, _id);
      let invoice = (await Invoice.findOne({ tenantId: principal.tenantId, _id }).lean<Invoice>())!;
      if (account.finance?.autoSendInvoice) {
        await autoSend(invoice, account, principal.userId);
        invoice = (await Invoice.findOne({ tenantId: principal.tenantId, _id }).lean<Invoice>())!;
      }
      return toInvoiceDto(invoice);
    },
    /**
     * An invoice of lines already priced (the orders of a month), made by a job: stored under the given
     * id (so a retry finds it instead of making a second one), numbered, and sent when the account says so.
     */
    async createFromLines(input: { _id: Types.ObjectId; tenantId: Types.ObjectId; account: InvoicedAccount; currency: string; lines: PricedLine[]; poNumber: string | null; orderId: Types.ObjectId | null }): Promise<Invoice> {
      const { tenantId, account } = input;
      const today = startOfDay(new Date());
      const totals = computeTotals(input.lines);
      const { lines: _amounts, ...sums } = totals;
      try {
        await Invoice.create({ _id: input._id, tenantId, accountId: account._id, orderId: input.orderId, poNumber: input.poNumber, number: null, numberKey: `pending:${String(input._id)}`, currency: input.currency, status: 'issued', issueDate: today, dueDate: new Date(today.getTime() + (account.finance?.paymentTermsDays ?? 30) * DAY), lines: input.lines, ...sums, amountPaid: 0, credit: 0, createdBy: null });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      let invoice = (await Invoice.findOne({ tenantId, _id: input._id }).lean<Invoice>())!;
      if (invoice.number === null) {
        await sequence.next(tenantId, input._id);
        invoice = (await Invoice.findOne({ tenantId, _id: input._id }).lean<Invoice>())!;
      }
      if (account.finance?.autoSendInvoice && !invoice.sentAt) {
        await autoSend(invoice, account, null);
        invoice = (await Invoice.findOne({ tenantId, _id: input._id }).lean<Invoice>())!;
      }
      return invoice;
    },
    /**
     * The invoice of one order (accounts invoiced per PO): the order's lines and totals as they were
     * accepted, copied in minor units and never priced again, so a price book changed since the order
     * does not change what the customer agreed to pay. Made for the caller, who must see the account.
     */
    async createFromOrder(principal: Principal, order: { _id: Types.ObjectId; accountId: Types.ObjectId; currency: string; poNumber: string | null; lines: (PricedLine & { unitCost?: number | null })[]; gross: number; discountTotal: number; subtotal: number; taxes: { rateBp: number; base: number; amount: number }[]; taxTotal: number; total: number }) {
      const account = await deps.account(principal, String(order.accountId));
      const issueDate = startOfDay(new Date());
      const dueDate = new Date(issueDate.getTime() + (account.finance?.paymentTermsDays ?? 30) * DAY);
      const lines = order.lines.map(({ unitCost: _cost, ...l }) => l);
      const totals = { gross: order.gross, discountTotal: order.discountTotal, subtotal: order.subtotal, taxes: order.taxes.map((t) => ({ rateBp: t.rateBp, base: t.base, amount: t.amount })), taxTotal: order.taxTotal, total: order.total };
      const _id = new Types.ObjectId();
      await Invoice.create({ _id, tenantId: principal.tenantId, accountId: account._id, orderId: order._id, poNumber: order.poNumber, number: null, numberKey: `pending:${String(_id)}`, currency: order.currency, status: 'issued', issueDate, dueDate, lines, ...totals, amountPaid: 0, credit: 0, createdBy: principal.userId });
      await sequence.next(principal.tenantId, _id);
      let invoice = (await Invoice.findOne({ tenantId: principal.tenantId, _id }).lean<Invoice>())!;
      if (account.finance?.autoSendInvoice) {
        await autoSend(invoice, account, principal.userId);
        invoice = (await Invoice.findOne({ tenantId: principal.tenantId, _id }).lean<Invoice>())!;
      }
      return toInvoiceDto(invoice);
    },
    async get(principal: Principal, id: string) {
      return toInvoiceDto(await findVisible(principal, id));
    },
    async pdf(principal: Principal, id: string, locale = 'en') {
      const invoice = await findVisible(principal, id);
      return pdfOf(invoice, await deps.account(principal, String(invoice.accountId)), locale);
    },
    /** An account's invoices, newest number first (an equality on the account; an account has hundreds at most). */
    async listForAccount(principal: Principal, accountId: string) {
      const account = await deps.account(principal, accountId);
      const rows = await reconciledAll(principal.tenantId, account._id, await Invoice.find({ tenantId: principal.tenantId, accountId: account._id }).limit(1000).lean<Invoice[]>());
      const numbered = rows.filter((r) => r.number !== null).sort((a, b) => b.number! - a.number!);
      const now = new Date();
      const data = numbered.map((r) => toInvoiceDto(r, now));
      return { object: 'list' as const, data, hasMore: false, nextCursor: null };
    },
    /** Sums the open balances of an account's invoices per currency (the portal's "open balance"). */
    openBalances(invoices: ReturnType<typeof toInvoiceDto>[]) {
      const sums = new Map<string, { currency: string; balance: number; overdue: number }>();
      for (const i of invoices) {
        if (i.status === 'void' || i.balance === 0) continue;
        const s = sums.get(i.currency) ?? { currency: i.currency, balance: 0, overdue: 0 };
        s.balance += i.balance;
        if (i.status === 'overdue') s.overdue += i.balance;
        sums.set(i.currency, s);
      }
      return [...sums.values()];
    },
    async payments(principal: Principal, id: string) {
      const invoice = await findVisible(principal, id);
      const rows = await Payment.find({ tenantId: principal.tenantId, invoiceId: invoice._id }).lean<InvoicePayment[]>();
      rows.sort((a, b) => a.seq - b.seq);
      return { object: 'list' as const, data: rows.map(toPaymentDto), hasMore: false, nextCursor: null };
    },

    /**
     * Records a payment. Payments of one invoice are ordered by the unique insert of their sequence
     * number (a claim: two concurrent payments cannot both be checked against the same balance); more
     * than the open balance is refused unless `asCredit` keeps the excess as the account's credit.
     */
    async recordPayment(principal: Principal, id: string, input: PaymentInput) {
      const invoice = await findVisible(principal, id);
      if (invoice.status === 'void') throw new AppError('conflict', 'A void invoice takes no payments');
      if (input.amount <= 0) throw AppError.invalidField('amount', 'must be more than 0 (minor units)');
      const date = input.date ? new Date(`${input.date}T00:00:00.000Z`) : startOfDay(new Date());
      if (day(date) > day(new Date())) throw AppError.invalidField('date', 'cannot be in the future');
      for (let round = 0; round < 50; round += 1) {
        const previous = await Payment.find({ tenantId: principal.tenantId, invoiceId: invoice._id }).lean<InvoicePayment[]>();
        const applied = previous.reduce((sum, p) => sum + p.amount - (p.credit ?? 0), 0);
        const open = Math.max(0, invoice.total - (invoice.credited ?? 0) - applied);
        if (open === 0) throw new AppError('conflict', 'The invoice is paid in full', { extensions: { balance: 0 } });
        const excess = Math.max(0, input.amount - open);
        if (excess > 0 && !input.asCredit) throw AppError.invalidField('amount', `is more than the open balance (${open}); send asCredit: true to keep the excess as the account's credit`);
        const seq = previous.reduce((max, p) => Math.max(max, p.seq), 0) + 1;
        let payment: InvoicePayment;
        try {
          payment = (await Payment.create({ tenantId: principal.tenantId, invoiceId: invoice._id, accountId: invoice.accountId, seq, amount: input.amount, credit: excess, date, method: input.method, reference: input.reference ?? null, createdBy: principal.userId })).toObject() as InvoicePayment;
        } catch (error) {
          if (isDuplicateKeyError(error)) continue; // another payment took this place: check again against the new balance
          throw error;
        }
        // The stored figures are written from the rows through a version claim, never from this request's view alone.
        const saved = await storeSettled(principal.tenantId, invoice._id);
        if (saved.status === 'paid') await refreshPaymentStats(principal.tenantId, invoice.accountId);
        return { payment: toPaymentDto(payment), invoice: toInvoiceDto(saved) };
      }
      throw new AppError('conflict', 'Too many payments at once for this invoice; try again');
    },
  };
}

export type InvoicesService = ReturnType<typeof createInvoicesService>;

/** The accounts whose invoices a portal customer sees: their own account (a case manager: and the accounts below it). */
export function portalAccountIds(customer: { accountId: Types.ObjectId | null; role: string; accountIds: Types.ObjectId[] }): Types.ObjectId[] {
  const ids = customer.role === 'customer_case_manager' && customer.accountIds.length ? customer.accountIds : customer.accountId ? [customer.accountId] : [];
  return [...new Map(ids.map((id) => [String(id), id])).values()];
}

/** Invoices in the customer portal: read-only, their account's only. */
export function createPortalInvoices(
  connection: Connection,
  service: InvoicesService,
  accountById: InvoicesDeps['accountById'],
  /** The credit notes shown with the invoices (invoice-corrections.ts). */
  creditNotes?: { forAccounts(tenantId: Types.ObjectId, accountIds: Types.ObjectId[], invoices: Invoice[]): Promise<CreditNoteDto[]> },
) {
  const Invoice = invoiceModel(connection);
  return {
    async list(customer: { tenantId: Types.ObjectId; accountId: Types.ObjectId | null; role: string; accountIds: Types.ObjectId[] }) {
      const now = new Date();
      const rows: Invoice[] = [];
      // One equality per account (pushed down by FerretDB), merged here.
      for (const accountId of portalAccountIds(customer)) rows.push(...(await service.reconciledAll(customer.tenantId, accountId, await Invoice.find({ tenantId: customer.tenantId, accountId }).limit(1000).lean<Invoice[]>())));
      const shown = rows.filter((r) => r.number !== null && r.status !== 'void').sort((a, b) => b.number! - a.number!);
      const data = shown.map((r) => toInvoiceDto(r, now));
      const notes = creditNotes ? await creditNotes.forAccounts(customer.tenantId, portalAccountIds(customer), shown) : [];
      return { object: 'list' as const, data, openBalances: service.openBalances(data), creditNotes: notes, hasMore: false, nextCursor: null };
    },
    /** One of the customer's invoices (not void), with its paid figures; 404 otherwise. */
    async visible(customer: { tenantId: Types.ObjectId; accountId: Types.ObjectId | null; role: string; accountIds: Types.ObjectId[] }, id: string) {
      const invoice = await Invoice.findOne({ tenantId: customer.tenantId, _id: new Types.ObjectId(id) }).lean<Invoice>();
      const allowed = new Set(portalAccountIds(customer).map(String));
      if (!invoice || invoice.number === null || invoice.status === 'void' || !allowed.has(String(invoice.accountId))) throw AppError.notFound('Invoice');
      const [settled] = await service.reconciledAll(customer.tenantId, invoice.accountId, [invoice]);
      return { invoice: settled!, account: await accountById(customer.tenantId, invoice.accountId) };
    },
    async pdf(customer: { tenantId: Types.ObjectId; accountId: Types.ObjectId | null; role: string; accountIds: Types.ObjectId[] }, id: string, locale = 'en') {
      const invoice = await Invoice.findOne({ tenantId: customer.tenantId, _id: new Types.ObjectId(id) }).lean<Invoice>();
      const allowed = new Set(portalAccountIds(customer).map(String));
      if (!invoice || invoice.number === null || invoice.status === 'void' || !allowed.has(String(invoice.accountId))) throw AppError.notFound('Invoice');
      const [settled] = await service.reconciledAll(customer.tenantId, invoice.accountId, [invoice]);
      return service.pdfOf(settled!, await accountById(customer.tenantId, invoice.accountId), locale);
    },
  };
}
