import type { Connection, Types } from 'mongoose';
import { AppError } from '../../platform/errors.js';
import { currencyExponent, divRound, scaledText, toSafe } from '../../platform/money/money.js';
import { createCreditService, type CreditService } from '../credit/credit.service.js';
import { orderModel, type OrderLine } from './order.model.js';

/** The account fields the gate reads (customers' `finance`, issue 3). */
export interface GatedAccount {
  _id: Types.ObjectId;
  name?: string | null;
  finance?: { currency?: string | null; creditLimit?: number | null; blacklisted?: boolean | null; allowNegativeProfit?: boolean | null } | null;
}

/** Order statuses that still count against the credit line until they are invoiced. */
export const UNINVOICED_OPEN_STATUSES = ['open', 'pending_approval'];
/** Invoice statuses that owe nothing any more. */
const SETTLED_INVOICE_STATUSES = new Set(['paid', 'void', 'cancelled', 'canceled', 'draft']);

/**
 * The credit gate every new order passes (docs/quotes.md, "Orders and the credit gate"):
 * 1. a blacklisted account cannot order: 409 naming the account;
 * 2. a line priced below what it costs (an order line's `unitCost`) is refused with 409 naming the line,
 *    unless the account allows negative profit;
 * 3. an order beyond the available credit (the account's limit: its manual `creditLimit` in major units
 *    of its currency when set, else the limit calculated by the agency's credit rule, modules/credit;
 *    minus the balance of its open invoices and the totals of its open orders not invoiced yet, in the
 *    order's currency) is not refused but held: the answer is the reason, and the order is stored as
 *    `pending_approval` for a person to approve or cancel.
 */
export function createCreditGate(connection: Connection, credit: CreditService = createCreditService(connection)) {
  const Order = orderModel(connection);
  // Invoices belong to modules/invoices; their balance is read from the collection's documents, by the
  // account (one top-level equality, pushed down): `balance` when the invoice keeps one, else total − paid.
  const invoices = connection.collection('invoices');

  async function exposure(tenantId: Types.ObjectId, accountId: Types.ObjectId, currency: string): Promise<number> {
    let owed = 0;
    const rows = await invoices.find({ tenantId, accountId }, { projection: { currency: 1, status: 1, total: 1, balance: 1, amountPaid: 1, paidTotal: 1, number: 1 } }).limit(5000).toArray();
    for (const row of rows) {
      if (row.currency !== currency || row.number === null || SETTLED_INVOICE_STATUSES.has(String(row.status))) continue;
      const balance = typeof row.balance === 'number' ? row.balance : Number(row.total ?? 0) - Number(row.amountPaid ?? row.paidTotal ?? 0);
      owed += Math.max(0, balance);
    }
    const orders = await Order.find({ tenantId, accountId }).select('currency status total invoiceId').limit(5000).lean();
    for (const order of orders) if (order.currency === currency && !order.invoiceId && UNINVOICED_OPEN_STATUSES.includes(order.status)) owed += order.total;
    return owed;
  }

  return {
    exposure,
    /** Throws for a blacklisted account or an unallowed loss; returns why the order is held (null: it may go ahead). */
    async check(tenantId: Types.ObjectId, account: GatedAccount, order: { currency: string; total: number; lines: Pick<OrderLine, 'net' | 'quantityMilli' | 'unitCost'>[] }, options: { skipLimit?: boolean } = {}): Promise<string | null> {
      const name = account.name ?? String(account._id);
      if (account.finance?.blacklisted) {
        throw new AppError('conflict', `The account '${name}' (${String(account._id)}) is blacklisted and cannot order`, { extensions: { accountId: String(account._id), reason: 'blacklisted' } });
      }
      if (!account.finance?.allowNegativeProfit) {
        for (const [i, line] of order.lines.entries()) {
          if (line.unitCost === null || line.unitCost === undefined) continue;
          const cost = toSafe(divRound(BigInt(line.unitCost) * BigInt(line.quantityMilli), 1000n), 'cost');
          if (line.net < cost) {
            throw new AppError('conflict', `Line ${i + 1} is priced below its cost (${line.net} < ${cost} minor units) and the account '${name}' does not allow negative profit`, {
              errors: [{ field: `lines.${i}.unitCost`, code: 'negative_profit', message: `the line's net ${line.net} is below its cost ${cost}` }],
              extensions: { accountId: String(account._id), reason: 'negative_profit' },
            });
          }
        }
      }
      if (options.skipLimit) return null;
      const { limitMinor } = await credit.limitFor(tenantId, { _id: account._id, finance: { currency: account.finance?.currency ?? order.currency, creditLimit: account.finance?.creditLimit ?? null } });
      if (limitMinor === null) return null;
      const accountCurrency = account.finance?.currency ?? order.currency;
      if (accountCurrency !== order.currency) return `the credit limit is in ${accountCurrency}, the order in ${order.currency}`;
      const exponent = currencyExponent(order.currency);
      const available = limitMinor - (await exposure(tenantId, account._id, order.currency));
      if (order.total <= available) return null;
      return `over the credit limit: ${scaledText(Math.max(0, available), exponent)} ${order.currency} available, the order is ${scaledText(order.total, exponent)} ${order.currency}`;
    },
  };
}

export type CreditGate = ReturnType<typeof createCreditGate>;
