import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { currencyExponent, scaledText, type TaxAmount } from '../../platform/money/money.js';
import { createSequence } from '../../platform/numbering/sequence.js';
import { iso } from '../../platform/records/dto.js';
import { writeStoredVersion } from '../../platform/records/version-claims.js';
import type { WorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import type { PriceBooksService } from '../price-books/price-books.service.js';
import { priceLines, type PricedLine, type PricingLineInput } from '../price-books/pricing.js';
import { createCreditService } from '../credit/credit.service.js';
import { createCreditGate, type GatedAccount } from './credit-gate.js';
import { orderModel, type Order, type OrderAcceptance, type OrderLine } from './order.model.js';

export const ORDER_WORKFLOW = 'order';

/** An account as orders read it: the gate's finance fields, its invoicing option and its billing units' PO rule. */
export type OrderAccount = GatedAccount & {
  finance?: (GatedAccount['finance'] & { invoicingOption?: string | null; allowSharingPos?: boolean | null }) | null;
  billingUnits?: { poRequired?: boolean | null }[] | null;
};

export interface OrderDeps {
  events: EventBus;
  workflows: WorkflowEngine;
  priceBooks: PriceBooksService;
  account: (principal: Principal, id: string, action: 'read' | 'update') => Promise<OrderAccount>;
  /** modules/invoices' createFromOrder: the order's invoice with its lines and totals as accepted (not priced again). */
  createInvoice: (principal: Principal, order: Order) => Promise<{ id: string }>;
}

type Totals = { gross: number; discountTotal: number; subtotal: number; taxes: TaxAmount[]; taxTotal: number; total: number };

/** The public shape of an order. */
export function toOrderDto(o: Order) {
  return {
    id: String(o._id),
    number: o.number ?? 0,
    displayNumber: `ORD-${String(o.number ?? 0).padStart(6, '0')}`,
    accountId: String(o.accountId),
    opportunityId: o.opportunityId ? String(o.opportunityId) : null,
    quoteId: o.quoteId ? String(o.quoteId) : null,
    status: o.status,
    hold: o.hold ?? null,
    poNumber: o.poNumber ?? null,
    currency: o.currency,
    exponent: currencyExponent(o.currency),
    lines: o.lines.map((l) => ({ serviceId: String(l.serviceId), specId: String(l.specId), description: l.description, unit: l.unit, quantity: scaledText(l.quantityMilli, 3), quantityMilli: l.quantityMilli, unitPrice: l.unitPrice, discountBp: l.discountBp, taxRateBp: l.taxRateBp, net: l.net, unitCost: l.unitCost ?? null })),
    gross: o.gross,
    discountTotal: o.discountTotal,
    subtotal: o.subtotal,
    taxes: o.taxes.map((t) => ({ rateBp: t.rateBp, base: t.base, amount: t.amount })),
    taxTotal: o.taxTotal,
    total: o.total,
    acceptance: o.acceptance
      ? { by: o.acceptance.by, customerUserId: o.acceptance.customerUserId ? String(o.acceptance.customerUserId) : null, userId: o.acceptance.userId ? String(o.acceptance.userId) : null, name: o.acceptance.name ?? null, at: iso(o.acceptance.at) ?? '', revision: o.acceptance.revision, total: o.acceptance.total }
      : null,
    invoiceId: o.invoiceId ? String(o.invoiceId) : null,
    version: o.version ?? 0,
    createdAt: iso(o.createdAt) ?? '',
    updatedAt: iso(o.updatedAt) ?? '',
  };
}

/**
 * Orders (issue 21): made by accepting a quote (lines and totals copied from the accepted revision) or by
 * an agent; numbered by the tenant's gapless `order` sequence; a status workflow that is tenant data
 * (pending approval, open, fulfilled, cancelled); the credit gate on every new order; and, for accounts
 * invoiced per PO, the invoice made as soon as the order is open with its PO number.
 */
export function createOrdersService(connection: Connection, deps: OrderDeps) {
  const Order = orderModel(connection);
  const credit = createCreditService(connection);
  const gate = createCreditGate(connection, credit);
  const sequence = createSequence(connection, 'order', {
    async write(tenantId, id, value) {
      await Order.updateOne({ tenantId, _id: id, number: null }, { $set: { number: value, numberKey: `n:${value}` } });
    },
  });

  async function findVisible(principal: Principal, id: string, action: 'read' | 'update'): Promise<Order> {
    const order = await Order.findOne({ tenantId: principal.tenantId, _id: new Types.ObjectId(id) }).lean<Order>();
    if (!order || order.number === null) throw AppError.notFound('Order');
    try {
      await deps.account(principal, String(order.accountId), action);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') throw AppError.notFound('Order');
      throw error;
    }
    return order;
  }

  async function publish(principal: Principal | null, tenantId: Types.ObjectId, type: string, order: Order, extra: Record<string, unknown> = {}) {
    await deps.events.publish({
      type: `order.${type}`,
      tenantId,
      resource: 'order',
      resourceId: String(order._id),
      actor: principal ? { tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId } : null,
      record: { ...toOrderDto(order), ...extra },
    } as never);
  }

  /** The PO rules of the account: required when one of its billing units requires it; one order per PO unless it allows sharing. */
  async function checkPo(tenantId: Types.ObjectId, account: OrderAccount, poNumber: string | null, exceptId?: Types.ObjectId) {
    if (!poNumber) {
      if ((account.billingUnits ?? []).some((b) => b.poRequired)) throw AppError.invalidField('poNumber', `is required: the account '${account.name ?? String(account._id)}' orders with a purchase order number`, 'required');
      return;
    }
    if (account.finance?.allowSharingPos) return;
    const same = await Order.find({ tenantId, accountId: account._id }).select('poNumber status').limit(5000).lean();
    if (same.some((o) => o.poNumber === poNumber && o.status !== 'cancelled' && !(exceptId && o._id.equals(exceptId)))) {
      throw AppError.invalidField('poNumber', `'${poNumber}' is already on another order of this account, which does not allow sharing POs`, 'duplicate');
    }
  }

  /** For accounts invoiced per PO: an open order with its PO number gets its invoice now (once: the order keeps its id). */
  async function invoiceIfPerPo(principal: Principal, account: OrderAccount, order: Order): Promise<Order> {
    if (account.finance?.invoicingOption !== 'perPo' || order.status !== 'open' || !order.poNumber || order.invoiceId) return order;
    const invoice = await deps.createInvoice(principal, order);
    const saved = await writeStoredVersion(Order, order, { $set: { invoiceId: new Types.ObjectId(invoice.id), billing: 'invoiced' } });
    return saved ?? order;
  }

  /** Stores a gated order and numbers it; `sourceKey` makes a second insert of the same source fail (duplicate key). */
  async function insert(principal: Principal, account: OrderAccount, input: { sourceKey: string; opportunityId: Types.ObjectId | null; quoteId: Types.ObjectId | null; currency: string; poNumber: string | null; lines: OrderLine[]; totals: Totals; acceptance: OrderAcceptance | null }): Promise<Order> {
    const workflow = await deps.workflows.get(principal.tenantId, ORDER_WORKFLOW);
    const _id = new Types.ObjectId();
    // The check and the stored order under the account's credit reservation: a concurrent order of the
    // same account waits, then sees this one in its exposure (two that together exceed the line never both pass).
    const { hold, status } = await credit.withAccountLock(principal.tenantId, account._id, async () => {
      const hold = await gate.check(principal.tenantId, account, { currency: input.currency, total: input.totals.total, lines: input.lines });
      const status = hold && workflow.states.some((s) => s.key === 'pending_approval') ? 'pending_approval' : workflow.initial;
      await Order.create({
      _id,
      tenantId: principal.tenantId,
      accountId: account._id,
      opportunityId: input.opportunityId,
      quoteId: input.quoteId,
      sourceKey: input.sourceKey,
      number: null,
      numberKey: `pending:${String(_id)}`,
      currency: input.currency,
      status,
      poNumber: input.poNumber,
      lines: input.lines,
      ...input.totals,
      hold,
      acceptance: input.acceptance,
      createdBy: principal.userId,
      });
      // The purchase summary too: FerretDB runs its `$inc` as read-then-write, so two orders of the account
      // counting at once outside the reservation lost one of the counts (seen under CI load).
      await credit.recordOrder(principal.tenantId, account._id, [...new Set(input.lines.map((l) => String(l.serviceId)))].map((id) => new Types.ObjectId(id)), new Date());
      return { hold, status };
    });
    await sequence.next(principal.tenantId, _id);
    let order = (await Order.findOne({ tenantId: principal.tenantId, _id }).lean<Order>())!;
    await deps.workflows.record({ principal, tenantId: principal.tenantId, key: ORDER_WORKFLOW, resource: 'order', recordId: _id, from: null, to: status, note: hold });
    await publish(principal, principal.tenantId, 'created', order);
    order = await invoiceIfPerPo(principal, account, order);
    return order;
  }

  return {
    gate,
    credit,
    findVisible,

    /**
     * The order of an accepted quote, acting for `principal` (the agent, or for a customer the rep who
     * sent the quote): the accepted revision's lines and totals, as they are. At most one per quote.
     */
    async createFromQuote(principal: Principal, quote: { _id: Types.ObjectId; opportunityId: Types.ObjectId; accountId: Types.ObjectId | null; currency: string; lines: PricedLine[] } & Totals, acceptance: OrderAcceptance, poNumber: string | null): Promise<Order> {
      if (!quote.accountId) throw new AppError('conflict', 'The quote is on an opportunity without an account; give the opportunity its account before the quote is accepted');
      const account = await deps.account(principal, String(quote.accountId), 'read');
      await checkPo(principal.tenantId, account, poNumber);
      try {
        return await insert(principal, account, {
          sourceKey: `quote:${String(quote._id)}`,
          opportunityId: quote.opportunityId,
          quoteId: quote._id,
          currency: quote.currency,
          poNumber,
          lines: quote.lines.map((l) => ({ ...l, unitCost: null })),
          totals: { gross: quote.gross, discountTotal: quote.discountTotal, subtotal: quote.subtotal, taxes: quote.taxes, taxTotal: quote.taxTotal, total: quote.total },
          acceptance,
        });
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new AppError('conflict', 'This quote already has its order');
        throw error;
      }
    },

    /** Checks what acceptance would run into before the decision is claimed: the account may order at all, and the PO rule. */
    async precheck(principal: Principal, accountId: Types.ObjectId, poNumber: string | null) {
      const account = await deps.account(principal, String(accountId), 'read');
      await gate.check(principal.tenantId, account, { currency: 'EUR', total: 0, lines: [] }, { skipLimit: true });
      await checkPo(principal.tenantId, account, poNumber);
    },

    /** An order entered by an agent: lines priced from the account's book today, optionally with their unit cost for the negative-profit rule. */
    async create(principal: Principal, input: { accountId: string; currency?: string | undefined; poNumber?: string | null | undefined; lines: (PricingLineInput & { unitCost?: number | undefined })[] }) {
      const account = await deps.account(principal, input.accountId, 'update');
      const currency = input.currency ?? account.finance?.currency ?? 'EUR';
      const poNumber = input.poNumber ?? null;
      await checkPo(principal.tenantId, account, poNumber);
      const priced = await priceLines(deps.priceBooks, principal, { accountId: account._id, currency, date: new Date().toISOString().slice(0, 10), lines: input.lines });
      const lines = priced.lines.map((l, i) => ({ ...l, unitCost: input.lines[i]!.unitCost ?? null }));
      const _id = new Types.ObjectId();
      return toOrderDto(await insert(principal, account, { sourceKey: `manual:${String(_id)}`, opportunityId: null, quoteId: null, currency, poNumber, lines, totals: priced.totals, acceptance: null }));
    },

    async get(principal: Principal, id: string) {
      return toOrderDto(await findVisible(principal, id, 'read'));
    },

    /** An account's orders, newest number first (one equality on the account; an account has hundreds at most). */
    async listForAccount(principal: Principal, accountId: string) {
      const account = await deps.account(principal, accountId, 'read');
      const rows = await Order.find({ tenantId: principal.tenantId, accountId: account._id }).limit(2000).lean<Order[]>();
      const numbered = rows.filter((r) => r.number !== null).sort((a, b) => b.number! - a.number!);
      return { object: 'list' as const, data: numbered.map(toOrderDto), hasMore: false, nextCursor: null };
    },

    /** Sets (or clears) the PO number; for an account invoiced per PO, an open order is invoiced now. */
    async setPo(principal: Principal, id: string, poNumber: string | null, ifMatch?: number) {
      const order = await findVisible(principal, id, 'update');
      if (ifMatch !== undefined && ifMatch !== order.version) throw new AppError('precondition_failed', `The order is at version ${order.version}, not ${ifMatch}`, { extensions: { current: toOrderDto(order) } });
      if (order.invoiceId) throw new AppError('conflict', 'The order is invoiced; its PO number is on the invoice and does not change');
      const account = await deps.account(principal, String(order.accountId), 'update');
      await checkPo(principal.tenantId, account, poNumber, order._id);
      const saved = await writeStoredVersion(Order, order, { $set: { poNumber } });
      if (!saved) throw new AppError('version_conflict', 'The order was changed meanwhile; read it again');
      await publish(principal, principal.tenantId, 'updated', saved);
      return toOrderDto(await invoiceIfPerPo(principal, account, saved));
    },

    /** Moves an order in the agency's order workflow: approve a held order (open), fulfil or cancel it. */
    async transition(principal: Principal, id: string, to: string, note?: string) {
      const order = await findVisible(principal, id, 'update');
      await deps.workflows.assertTransition(principal, ORDER_WORKFLOW, order.status, to);
      if (to === 'cancelled' && order.invoiceId) throw new AppError('conflict', 'The order is invoiced; void or credit its invoice instead of cancelling the order');
      const saved = await writeStoredVersion(Order, order, { $set: { status: to } });
      if (!saved) throw new AppError('version_conflict', 'The order was changed meanwhile; read it again');
      await deps.workflows.record({ principal, tenantId: principal.tenantId, key: ORDER_WORKFLOW, resource: 'order', recordId: order._id, from: order.status, to, note: note ?? null });
      await publish(principal, principal.tenantId, 'transitioned', saved, { from: order.status, to });
      const account = await deps.account(principal, String(order.accountId), 'read');
      return toOrderDto(await invoiceIfPerPo(principal, account, saved));
    },
  };
}

export type OrdersService = ReturnType<typeof createOrdersService>;
