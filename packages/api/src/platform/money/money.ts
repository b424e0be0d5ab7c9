/**
 * Money in integer minor units (cents, yen, fils): amounts are safe integers, intermediate products are
 * BigInt, and every division rounds half away from zero (the commercial rule most invoicing law expects).
 * Quantities are thousandths (1.5 hours = 1500), percentages are basis points (19 % = 1900). No floating
 * point touches an amount: decimal input is parsed from its decimal text.
 */

const supportedCurrencies = new Set(Intl.supportedValuesOf('currency'));

/** True for an ISO 4217 code this runtime's Intl knows. */
export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && supportedCurrencies.has(code);
}

/** The number of minor-unit digits of a currency (EUR 2, JPY 0, BHD 3), from Intl's ISO 4217 data. */
export function currencyExponent(code: string): number {
  if (!isCurrency(code)) throw new RangeError(`${code} is not an ISO 4217 currency`);
  return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** n / d rounded half away from zero (d > 0). */
export function divRound(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('divisor must be positive');
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/** A BigInt result back to a safe integer, or a RangeError when it is too large to store. */
export function toSafe(value: bigint, what = 'amount'): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new RangeError(`${what} is too large`);
  return Number(value);
}

/**
 * A decimal number scaled to an integer with `scale` digits (parseScaled('19.5', 2) = 1950), from its
 * decimal text; null when it has more digits than the scale allows or is not a plain decimal.
 */
export function parseScaled(value: number | string, scale: number): bigint | null {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? numberText(value) : '') : value.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  const trimmed = fraction.replace(/0+$/, '');
  if (trimmed.length > scale) return null;
  const digits = BigInt(whole! + trimmed.padEnd(scale, '0'));
  return sign === '-' ? -digits : digits;
}

// Number → decimal text without exponent notation (1e-7 would otherwise read as "1e-7").
function numberText(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/\.?0+$/, '');
}

/** A scaled integer back to decimal text: scaledText(1950n, 2) = '19.5'. */
export function scaledText(value: bigint | number, scale: number): string {
  const v = BigInt(value);
  const negative = v < 0n;
  const digits = (negative ? -v : v).toString().padStart(scale + 1, '0');
  const whole = scale ? digits.slice(0, -scale) : digits;
  const fraction = scale ? digits.slice(-scale).replace(/0+$/, '') : '';
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** An amount in minor units shown in a locale (`formatMoney(123456, 'EUR', 'de')` = '1.234,56 €'); Intl formats the exact decimal text. */
export function formatMoney(minor: number, currency: string, locale = 'en'): string {
  const exponent = currencyExponent(currency);
  const formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
  // Intl.NumberFormat accepts decimal strings exactly (ES2023), so no float rounding on the way.
  return formatter.format(scaledText(BigInt(minor), exponent) as unknown as number);
}

/** An adjusted unit price: the price book's price moved by the account's adjuster in basis points (+250 = +2.5 %). */
export function adjustPrice(unitPrice: number, adjusterBp: number): number {
  if (adjusterBp === 0) return unitPrice;
  return toSafe(divRound(BigInt(unitPrice) * BigInt(10_000 + adjusterBp), 10_000n), 'adjusted price');
}

/** One priced line as input: unit price in minor units, quantity in thousandths, discount and tax in basis points. */
export interface LineInput {
  unitPrice: number;
  quantityMilli: number;
  discountBp: number;
  taxRateBp: number;
}

/** A line with its amounts: gross = price × quantity, discount off the gross, net = gross − discount. */
export interface LineAmounts {
  gross: number;
  discount: number;
  net: number;
}

/** One tax rate's share of the document: the sum of the nets it applies to and its amount. */
export interface TaxAmount {
  rateBp: number;
  base: number;
  amount: number;
}

/** A document's totals, every amount in minor units. */
export interface Totals {
  lines: LineAmounts[];
  gross: number;
  discountTotal: number;
  subtotal: number;
  taxes: TaxAmount[];
  taxTotal: number;
  total: number;
}

/** The amounts of one line, each rounded once (half away from zero). */
export function lineAmounts(line: LineInput): LineAmounts {
  const gross = divRound(BigInt(line.unitPrice) * BigInt(line.quantityMilli), 1000n);
  const discount = divRound(gross * BigInt(line.discountBp), 10_000n);
  return { gross: toSafe(gross, 'line amount'), discount: toSafe(discount, 'line discount'), net: toSafe(gross - discount, 'line amount') };
}

/**
 * The totals of a quote or invoice. Tax is computed once per rate on the sum of the nets it applies to
 * (as EU invoices state it), not per line, so a document's tax never drifts from its rate by more than
 * half a minor unit per rate.
 */
export function computeTotals(lines: LineInput[]): Totals {
  const amounts = lines.map(lineAmounts);
  const bases = new Map<number, bigint>();
  let gross = 0n;
  let discount = 0n;
  amounts.forEach((a, i) => {
    gross += BigInt(a.gross);
    discount += BigInt(a.discount);
    const rate = lines[i]!.taxRateBp;
    bases.set(rate, (bases.get(rate) ?? 0n) + BigInt(a.net));
  });
  const taxes = [...bases.entries()]
    .sort(([a], [b]) => a - b)
    .map(([rateBp, base]) => ({ rateBp, base: toSafe(base), amount: toSafe(divRound(base * BigInt(rateBp), 10_000n), 'tax') }));
  const subtotal = gross - discount;
  const taxTotal = taxes.reduce((sum, t) => sum + BigInt(t.amount), 0n);
  return {
    lines: amounts,
    gross: toSafe(gross),
    discountTotal: toSafe(discount),
    subtotal: toSafe(subtotal),
    taxes,
    taxTotal: toSafe(taxTotal),
    total: toSafe(subtotal + taxTotal),
  };
}
