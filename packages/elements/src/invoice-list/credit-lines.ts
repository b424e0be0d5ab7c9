// Crediting an invoice by its lines in <crm-invoice-list>: what each line still has to credit, the typed
// quantities read as the locale writes decimals, and the credit note's figures computed as the API
// computes them (packages/api/src/modules/invoices/invoice-corrections.ts, `creditNoteFigures`), so the
// preview shows the total the credit note will have, to the minor unit.
import type { CreditNote, Invoice } from '../shared/api/invoices.js';

/** One invoice line credited: its index on the invoice and the quantity in thousandths. */
export interface CreditedLine {
  lineIndex: number;
  quantityMilli: number;
}

/** The figures of a credit note by lines, in minor units. */
export interface CreditLinesFigures {
  /** Each credited line's net, by line index. */
  nets: Map<number, number>;
  subtotal: number;
  taxes: { rateBp: number; base: number; amount: number }[];
  taxTotal: number;
  total: number;
}

/** Division rounded half away from zero, as the API's `divRound` (platform/money). */
function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/**
 * The figures the API gives a credit note of these lines: each line's net in proportion to the quantity
 * credited (rounded once), then tax once per rate on the sum of the credited nets.
 */
export function creditLinesFigures(invoice: Pick<Invoice, 'lines'>, credited: CreditedLine[]): CreditLinesFigures {
  const nets = new Map<number, number>();
  const bases = new Map<number, bigint>();
  for (const { lineIndex, quantityMilli } of credited) {
    const line = invoice.lines[lineIndex];
    if (!line || quantityMilli <= 0) continue;
    const net = divRound(BigInt(line.net) * BigInt(quantityMilli), BigInt(Math.max(1, line.quantityMilli)));
    nets.set(lineIndex, Number(net));
    bases.set(line.taxRateBp, (bases.get(line.taxRateBp) ?? 0n) + net);
  }
  const taxes = [...bases.entries()].filter(([rateBp]) => rateBp > 0).map(([rateBp, base]) => ({ rateBp, base: Number(base), amount: Number(divRound(base * BigInt(rateBp), 10_000n)) }));
  const subtotal = [...nets.values()].reduce((sum, net) => sum + net, 0);
  const taxTotal = taxes.reduce((sum, t) => sum + t.amount, 0);
  return { nets, subtotal, taxes, taxTotal, total: subtotal + taxTotal };
}

/** How much of each invoice line the credit notes credited already (thousandths, by line index). */
export function creditedQuantities(notes: CreditNote[]): Map<number, number> {
  const credited = new Map<number, number>();
  for (const note of notes) for (const line of note.lines) if (line.lineIndex !== null) credited.set(line.lineIndex, (credited.get(line.lineIndex) ?? 0) + line.quantityMilli);
  return credited;
}

/**
 * A quantity as a person types it in their locale ("1,5" in German, "1.5" in English) in thousandths, by
 * its digits (never a float); an empty field is 0. Null when it is not a plain decimal of at most three places.
 */
export function localizedToMilli(text: string, locale: string): number | null {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  const group = parts.find((p) => p.type === 'group')?.value ?? ',';
  const decimal = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  let plain = text.trim().replace(/[\s\u00a0\u202f]/g, '');
  if (plain === '') return 0;
  // A lone point with one or two digits after it is a decimal sign in any locale ("1.5" typed in German).
  if (decimal !== '.' && !plain.includes(decimal) && /^\d+\.\d{1,2}$/.test(plain)) plain = plain.replace('.', decimal);
  plain = plain.split(group).join('');
  if (decimal !== '.') plain = plain.replace(decimal, '.');
  const match = /^(\d{1,9})(?:\.(\d{1,3}))?$/.exec(plain);
  return match ? Number(`${match[1]}${(match[2] ?? '').padEnd(3, '0')}`) : null;
}

/** A quantity in thousandths as the locale writes it (1500 in German: "1,5"). */
export function formatQuantity(milli: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(milli / 1000);
}
