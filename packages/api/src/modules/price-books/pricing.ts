import { Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors.js';
import { computeTotals, isCurrency, parseScaled, type Totals } from '../../platform/money/money.js';
import type { PriceBooksService } from './price-books.service.js';

/** A line as a rep enters it: a spec of the book, a quantity, a discount and a tax rate in percent. */
export interface PricingLineInput {
  serviceId: string;
  specId: string;
  quantity: number;
  discountPercent?: number | undefined;
  taxRatePercent?: number | undefined;
  description?: string | undefined;
}

/** A line priced for an account, with its amounts in minor units (quotes and invoices store these). */
export interface PricedLine {
  serviceId: Types.ObjectId;
  specId: Types.ObjectId;
  description: string;
  unit: string;
  /** Thousandths: 1.5 hours is 1500. */
  quantityMilli: number;
  /** Minor units, after the account's price adjuster. */
  unitPrice: number;
  listPrice: number;
  discountBp: number;
  taxRateBp: number;
  gross: number;
  discount: number;
  net: number;
}

/**
 * Prices lines for an account in a currency on a day through the one resolver, and totals them; a
 * failing line is named by its index (`lines.2.specId`). Decimal inputs are read from their text.
 */
export async function priceLines(priceBooks: PriceBooksService, principal: Principal, input: { accountId: Types.ObjectId | null; currency: string; date: string; lines: PricingLineInput[] }): Promise<{ lines: PricedLine[]; totals: Omit<Totals, 'lines'> }> {
  if (!isCurrency(input.currency)) throw AppError.invalidField('currency', `'${input.currency}' is not an ISO 4217 currency`);
  const lines: PricedLine[] = [];
  for (const [i, line] of input.lines.entries()) {
    const scaled = (value: number | undefined, scale: number, field: string) => {
      const parsed = parseScaled(value ?? 0, scale);
      if (parsed === null) throw AppError.invalidField(`lines.${i}.${field}`, `may have at most ${scale} decimals`);
      return Number(parsed);
    };
    const quantityMilli = scaled(line.quantity, 3, 'quantity');
    const discountBp = scaled(line.discountPercent, 2, 'discountPercent');
    const taxRateBp = scaled(line.taxRatePercent, 2, 'taxRatePercent');
    let price;
    try {
      price = await priceBooks.resolve(principal, { accountId: input.accountId ? String(input.accountId) : undefined, serviceId: line.serviceId, specId: line.specId, currency: input.currency, date: input.date });
    } catch (error) {
      const first = error instanceof AppError ? error.errors?.[0] : undefined;
      if (first) throw AppError.invalidField(`lines.${i}.${first.field}`, first.message, first.code);
      throw error;
    }
    lines.push({
      serviceId: new Types.ObjectId(price.serviceId),
      specId: new Types.ObjectId(price.specId),
      description: line.description || `${price.serviceName}: ${price.specName}`,
      unit: price.unit,
      quantityMilli,
      unitPrice: price.unitPrice,
      listPrice: price.listPrice,
      discountBp,
      taxRateBp,
      gross: 0,
      discount: 0,
      net: 0,
    });
  }
  const { lines: amounts, ...totals } = computeTotals(lines);
  amounts.forEach((a, i) => Object.assign(lines[i]!, a));
  return { lines, totals };
}
