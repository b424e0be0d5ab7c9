import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { renderPricedPdf } from '../../platform/documents/priced-document.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { divRound, formatMoney, toSafe, type TaxAmount } from '../../platform/money/money.js';
import { createSequence } from '../../platform/numbering/sequence.js';
import { writeVersion } from '../../platform/records/version-claims.js';
import { creditNoteNumber, toCreditNoteDto } from './credit-note.dto.js';
import { creditNoteModel, type CreditNote, type CreditNoteLine } from './credit-note.model.js';
import { invoiceNumber, type Branding } from './invoice-document.js';
import { invoiceModel, invoicePaymentModel, type Invoice } from './invoice.model.js';
import { toInvoiceDto, type InvoicedAccount, type InvoicesService } from './invoices.service.js';


export interface CreditNoteInput {
  reason: string;
  amount?: number | undefined;
  lines?: { lineIndex: number; quantityMilli?: number | undefined }[] | undefined;
}

type Figures = { lines: CreditNoteLine[]; subtotal: number; taxes: TaxAmount[]; taxTotal: number; total: number };

/** Tax once per rate on the sum of the credited nets, as the invoice computes it (platform/money). */
function withTaxes(lines: CreditNoteLine[]): Figures {
  const bases = new Map<number, bigint>();
  for (const l of lines) bases.set(l.taxRateBp, (bases.get(l.taxRateBp) ?? 0n) + BigInt(l.net));
  const taxes = [...bases.entries()].filter(([rate]) => rate > 0).map(([rateBp, base]) => ({ rateBp, base: toSafe(base), amount: toSafe(divRound(base * BigInt(rateBp), 10_000n)) }));
  const subtotal = lines.reduce((sum, l) => sum + l.net, 0);
  const taxTotal = taxes.reduce((sum, t) => sum + t.amount, 0);
  return { lines, subtotal, taxes, taxTotal, total: subtotal + taxTotal };
}

/**
 * The figures of a credit note: invoice lines in part or in full (each net in proportion to the quantity
 * credited, rounded once), or a gross amount split over the invoice's tax rates in proportion to their
 * share of its total (the last rate takes the remainder, so the parts add up to the amount exactly).
 * Integer minor units throughout.
 */
const day = (d: Date) => d.toISOString().slice(0, 10);

export function creditNoteFigures(invoice: Pick<Invoice, 'lines' | 'taxes' | 'subtotal' | 'total' | 'number'>, input: CreditNoteInput): Figures {
  if (input.lines && input.amount !== undefined) throw AppError.invalidField('amount', 'send either amount or lines, not both');
  if (input.lines) {
    const seen = new Set<number>();
    const lines = input.lines.map((l, i) => {
      const line = invoice.lines[l.lineIndex];
      if (!line) throw AppError.invalidField(`lines.${i}.lineIndex`, `the invoice has no line ${l.lineIndex}`);
      if (seen.has(l.lineIndex)) throw AppError.invalidField(`lines.${i}.lineIndex`, 'is credited twice in this credit note');
      seen.add(l.lineIndex);
      const quantityMilli = l.quantityMilli ?? line.quantityMilli;
      if (quantityMilli > line.quantityMilli) throw AppError.invalidField(`lines.${i}.quantityMilli`, `is more than the invoiced quantity (${line.quantityMilli})`);
      const net = toSafe(divRound(BigInt(line.net) * BigInt(quantityMilli), BigInt(Math.max(1, line.quantityMilli))));
      return { lineIndex: l.lineIndex, description: line.description, unit: line.unit, quantityMilli, unitPrice: line.unitPrice, discountBp: line.discountBp, taxRateBp: line.taxRateBp, net };
    });
    return withTaxes(lines);
  }
  if (input.amount === undefined) throw AppError.invalidField('amount', 'send an amount or lines to credit');
  const amount = BigInt(input.amount);
  const description = `Credit on invoice ${invoiceNumber(invoice)}`;
  const taxed = invoice.taxes.filter((t) => t.amount > 0 || t.rateBp > 0);
  if (!taxed.length || invoice.total <= 0) return { lines: [{ lineIndex: null, description, unit: '', quantityMilli: 1000, unitPrice: input.amount, discountBp: 0, taxRateBp: 0, net: input.amount }], subtotal: input.amount, taxes: [], taxTotal: 0, total: input.amount };
  // Each rate's gross share of the invoice (its base plus its tax; untaxed nets form a rate of 0).
  const taxedBase = taxed.reduce((sum, t) => sum + t.base, 0);
  const shares: { rateBp: number; gross: number }[] = taxed.map((t) => ({ rateBp: t.rateBp, gross: t.base + t.amount }));
  if (invoice.subtotal > taxedBase) shares.push({ rateBp: 0, gross: invoice.subtotal - taxedBase });
  let left = amount;
  const parts = shares.map((s, i) => {
    const gross = i === shares.length - 1 ? left : divRound(amount * BigInt(s.gross), BigInt(invoice.total));
    left -= gross;
    const net = divRound(gross * 10_000n, BigInt(10_000 + s.rateBp));
    return { rateBp: s.rateBp, gross, net };
  });
  const lines = parts.filter((p) => p.gross > 0n).map((p) => ({ lineIndex: null, description, unit: '', quantityMilli: 1000, unitPrice: toSafe(p.net), discountBp: 0, taxRateBp: p.rateBp, net: toSafe(p.net) }));
  const taxes = parts.filter((p) => p.rateBp > 0 && p.gross > 0n).map((p) => ({ rateBp: p.rateBp, base: toSafe(p.net), amount: toSafe(p.gross - p.net) }));
  const subtotal = lines.reduce((sum, l) => sum + l.net, 0);
  const taxTotal = taxes.reduce((sum, t) => sum + t.amount, 0);
  return { lines, subtotal, taxes, taxTotal, total: input.amount };
}

/**
 * Refuses a line credited beyond what the earlier credit notes left of its quantity (the n-th line sent
 * is `lines.<n>.quantityMilli`), so crediting by lines never credits the same hour twice.
 */
function checkLinesLeft(invoice: Pick<Invoice, 'lines'>, lines: CreditNoteLine[], previous: Pick<CreditNote, 'lines'>[]) {
  const taken = new Map<number, number>();
  for (const note of previous) for (const l of note.lines ?? []) if (l.lineIndex !== null) taken.set(l.lineIndex, (taken.get(l.lineIndex) ?? 0) + l.quantityMilli);
  lines.forEach((l, i) => {
    if (l.lineIndex === null) return;
    const left = invoice.lines[l.lineIndex]!.quantityMilli - (taken.get(l.lineIndex) ?? 0);
    if (l.quantityMilli > left) throw AppError.invalidField(`lines.${i}.quantityMilli`, `is more than is left to credit of this line (${Math.max(0, left)}; earlier credit notes took ${taken.get(l.lineIndex) ?? 0})`, 'too_large');
  });
}

export interface CorrectionsDeps {
  invoices: InvoicesService;
  account: (principal: Principal, id: string) => Promise<InvoicedAccount>;
  branding: (tenantId: Types.ObjectId) => Promise<Branding>;
  /** A line on the account's timeline. */
  log: (tenantId: Types.ObjectId, accountId: Types.ObjectId, userId: Types.ObjectId | null, title: string, tag: string) => Promise<void>;
  events?: EventBus | undefined;
  /** Called after a void or credit note changed what the account owes and spent (credit limit, segment revenue). */
  accountChanged?: (tenantId: Types.ObjectId, accountId: Types.ObjectId) => Promise<void>;
}

/**
 * Voids and credit notes (issue 21): an issued invoice is never deleted or edited. While nothing is paid
 * on it (and nothing credited) it can be voided with a reason; otherwise it is corrected by credit notes,
 * in full or in part, by lines or by amount, never beyond what is still uncredited. Credit notes are
 * numbered in their own gapless per-agency sequence (CN-000001...) as invoices are.
 */
export function createInvoiceCorrections(connection: Connection, deps: CorrectionsDeps) {
  const Invoice = invoiceModel(connection);
  const Payment = invoicePaymentModel(connection);
  const CreditNote = creditNoteModel(connection);
  const sequence = createSequence(connection, 'credit-note', {
    async write(tenantId, id, value) {
      await CreditNote.updateOne({ tenantId, _id: id, number: null }, { $set: { number: value, numberKey: `n:${value}` } });
    },
  });

  /** Publishes `invoice.<action>` once per key (a claim first, then the publish). */
  async function publishOnce(key: string, invoice: Invoice, action: 'voided' | 'credited', extra: Record<string, unknown> = {}) {
    if (!deps.events || !(await claimOnce(connection, key))) return;
    await deps.events.publish({ type: `invoice.${action}`, tenantId: invoice.tenantId, resource: 'invoice', resourceId: String(invoice._id), actor: null, record: { ...toInvoiceDto(invoice), ...extra } });
  }

  async function numbered(tenantId: Types.ObjectId, invoiceId: Types.ObjectId) {
    const rows = await CreditNote.find({ tenantId, invoiceId }).lean<CreditNote[]>();
    return rows.filter((r) => r.number !== null).sort((a, b) => b.number! - a.number!);
  }

  return {
    /** Voids an unpaid, uncredited invoice with a reason: it leaves the balances, reminders and the portal. */
    async void(principal: Principal, id: string, reason: string) {
      const invoice = await deps.invoices.findVisible(principal, id);
      if (invoice.status === 'void') throw new AppError('conflict', 'The invoice is already void');
      const refuse = () => new AppError('conflict', 'Only an invoice without payments or credit notes can be voided; correct it with a credit note', { extensions: { amountPaid: invoice.amountPaid ?? 0, credited: invoice.credited ?? 0 } });
      const payments = await Payment.countDocuments({ tenantId: principal.tenantId, invoiceId: invoice._id });
      const credits = await CreditNote.countDocuments({ tenantId: principal.tenantId, invoiceId: invoice._id });
      if (payments > 0 || credits > 0 || (invoice.amountPaid ?? 0) > 0) throw refuse();
      const voidedAt = new Date();
      if (!(await writeVersion(Invoice, { _id: invoice._id, version: invoice.version ?? 0 }, { $set: { status: 'void', voidedAt, voidReason: reason } }))) {
        throw new AppError('conflict', 'The invoice changed meanwhile; read it again');
      }
      // A payment or credit note that slipped in between the check and the write: undo the void and refuse.
      const late = (await Payment.countDocuments({ tenantId: principal.tenantId, invoiceId: invoice._id })) + (await CreditNote.countDocuments({ tenantId: principal.tenantId, invoiceId: invoice._id }));
      if (late > 0) {
        await Invoice.updateOne({ tenantId: principal.tenantId, _id: invoice._id }, { $set: { status: 'issued', voidedAt: null, voidReason: null } });
        await deps.invoices.storeSettled(principal.tenantId, invoice._id);
        throw refuse();
      }
      const stored = (await Invoice.findOne({ tenantId: principal.tenantId, _id: invoice._id }).lean<Invoice>())!;
      await deps.log(principal.tenantId, invoice.accountId, principal.userId, `Invoice ${invoiceNumber(invoice)} voided: ${reason}`, 'invoice-void');
      await deps.accountChanged?.(principal.tenantId, invoice.accountId);
      await publishOnce(`invoice.voided:${String(invoice._id)}`, stored, 'voided', { voidReason: reason });
      return toInvoiceDto(stored);
    },

    /**
     * Issues a credit note. Credit notes of one invoice are ordered by the unique insert of their `seq`
     * (a claim): each is checked against the uncredited amount the earlier ones leave, so concurrent
     * credit notes cannot together exceed the invoice's total. Then it gets the next credit note number
     * and the invoice's balance, status and payment figures follow (settle in invoices.service).
     */
    async create(principal: Principal, id: string, input: CreditNoteInput) {
      const invoice = await deps.invoices.findVisible(principal, id);
      if (invoice.status === 'void') throw new AppError('conflict', 'A void invoice takes no credit notes');
      const figures = creditNoteFigures(invoice, input);
      if (figures.total <= 0) throw AppError.invalidField(input.lines ? 'lines' : 'amount', 'credits nothing');
      for (let round = 0; round < 50; round += 1) {
        const previous = await CreditNote.find({ tenantId: principal.tenantId, invoiceId: invoice._id }).select('seq total lines').lean<CreditNote[]>();
        checkLinesLeft(invoice, figures.lines, previous);
        const open = invoice.total - previous.reduce((sum, c) => sum + c.total, 0);
        if (figures.total > open) throw AppError.invalidField(input.lines ? 'lines' : 'amount', `credits ${figures.total}, more than the invoice's uncredited amount (${open})`, 'too_large');
        const seq = previous.reduce((max, c) => Math.max(max, c.seq), 0) + 1;
        const _id = new Types.ObjectId();
        try {
          await CreditNote.create({ _id, tenantId: principal.tenantId, invoiceId: invoice._id, accountId: invoice.accountId, seq, number: null, numberKey: `pending:${String(_id)}`, currency: invoice.currency, reason: input.reason, issueDate: new Date(`${day(new Date())}T00:00:00.000Z`), ...figures, createdBy: principal.userId });
        } catch (error) {
          if (isDuplicateKeyError(error)) continue; // another credit note took this place: check again against what it left
          throw error;
        }
        await sequence.next(principal.tenantId, _id);
        const note = (await CreditNote.findOne({ tenantId: principal.tenantId, _id }).lean<CreditNote>())!;
        const saved = await deps.invoices.storeSettled(principal.tenantId, invoice._id);
        await deps.invoices.refreshPaymentStats(principal.tenantId, invoice.accountId);
        await deps.accountChanged?.(principal.tenantId, invoice.accountId);
        await deps.log(principal.tenantId, invoice.accountId, principal.userId, `Credit note ${creditNoteNumber(note)} on invoice ${invoiceNumber(invoice)} over ${formatMoney(note.total, note.currency)}: ${input.reason}`, 'credit-note');
        await publishOnce(`invoice.credited:${String(_id)}`, saved, 'credited', { creditNote: toCreditNoteDto(note, invoice) });
        return { creditNote: toCreditNoteDto(note, invoice), invoice: toInvoiceDto(saved) };
      }
      throw new AppError('conflict', 'Too many credit notes at once for this invoice; try again');
    },

    /** An invoice's credit notes, newest number first. */
    async list(principal: Principal, id: string) {
      const invoice = await deps.invoices.findVisible(principal, id);
      return { object: 'list' as const, data: (await numbered(principal.tenantId, invoice._id)).map((c) => toCreditNoteDto(c, invoice)), hasMore: false, nextCursor: null };
    },

    /** The credit notes of an account's invoices (the customer portal shows them with the invoices). */
    async forAccounts(tenantId: Types.ObjectId, accountIds: Types.ObjectId[], invoices: Pick<Invoice, '_id' | 'number'>[]) {
      const byId = new Map(invoices.map((i) => [String(i._id), i]));
      const rows: CreditNote[] = [];
      for (const accountId of accountIds) rows.push(...(await CreditNote.find({ tenantId, accountId }).limit(5000).lean<CreditNote[]>()));
      return rows.filter((r) => r.number !== null && byId.has(String(r.invoiceId))).sort((a, b) => b.number! - a.number!).map((c) => toCreditNoteDto(c, byId.get(String(c.invoiceId))!));
    },

    /** A credit note of the invoice as a PDF, laid out as the invoice: the lines and amounts credited. */
    async pdf(tenantId: Types.ObjectId, invoice: Invoice, creditNoteId: string, account: InvoicedAccount | null, locale = 'en') {
      const note = await CreditNote.findOne({ tenantId, _id: new Types.ObjectId(creditNoteId), invoiceId: invoice._id }).lean<CreditNote>();
      if (!note || note.number === null) throw AppError.notFound('Credit note');
      const branding = await deps.branding(tenantId);
      const long = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
      const number = creditNoteNumber(note);
      const content = await renderPricedPdf({
        title: `Credit note ${number}`,
        companyName: branding.companyName,
        accentColor: branding.accentColor,
        heading: `Credit note ${number}`,
        facts: [`Date: ${long.format(new Date(note.issueDate))}`, `Corrects invoice ${invoiceNumber(invoice)} of ${long.format(new Date(invoice.issueDate))}`, `Customer: ${account?.name ?? 'customer'}`, `Reason: ${note.reason}`],
        intro: '',
        currency: note.currency,
        lines: note.lines,
        subtotal: note.subtotal,
        taxes: note.taxes,
        total: note.total,
        after: [{ label: `Open balance of ${invoiceNumber(invoice)}`, amount: Math.max(0, invoice.total - (invoice.credited ?? 0) - (invoice.amountPaid ?? 0)), strong: true }],
        terms: `This credit note reduces invoice ${invoiceNumber(invoice)} by ${formatMoney(note.total, note.currency, locale)}. ${branding.companyName}`,
        locale,
      });
      return { filename: `${number}.pdf`, content };
    },
  };
}

export type InvoiceCorrections = ReturnType<typeof createInvoiceCorrections>;
