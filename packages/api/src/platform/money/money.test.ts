import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { adjustPrice, computeTotals, currencyExponent, divRound, formatMoney, lineAmounts, parseScaled, scaledText, type LineInput } from './money.js';

const line = fc.record({
  unitPrice: fc.integer({ min: 0, max: 100_000_000 }),
  quantityMilli: fc.integer({ min: 1, max: 10_000_000 }),
  discountBp: fc.integer({ min: 0, max: 10_000 }),
  taxRateBp: fc.constantFrom(0, 700, 1900, 2000, 2500),
});
const lines = fc.array(line, { minLength: 0, maxLength: 30 });

/** The exact rational value of a line's net, for comparing with the rounded integer: gross × (1 − d). */
const exactGross = (l: LineInput) => BigInt(l.unitPrice) * BigInt(l.quantityMilli); // in 1/1000 minor units

describe('money', () => {
  it('should take each currency’s exponent from ISO 4217 data', () => {
    assert.equal(currencyExponent('EUR'), 2);
    assert.equal(currencyExponent('JPY'), 0);
    assert.equal(currencyExponent('BHD'), 3);
    assert.throws(() => currencyExponent('XYZ'));
  });

  it('should round half away from zero', () => {
    assert.equal(divRound(5n, 10n), 1n);
    assert.equal(divRound(4n, 10n), 0n);
    assert.equal(divRound(-5n, 10n), -1n);
    assert.equal(divRound(15n, 10n), 2n);
    assert.equal(divRound(25n, 10n), 3n);
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), (n, d) => {
        const q = divRound(n, d);
        // |n − q·d| ≤ d/2: the result is the nearest integer.
        const r = n - q * d;
        assert.ok((r < 0n ? -r : r) * 2n <= d);
        assert.equal(divRound(-n, d), -q, 'symmetric around zero');
      }),
    );
  });

  it('should parse decimals from their text, never through a float', () => {
    assert.equal(parseScaled('0.30', 2), 30n);
    assert.equal(parseScaled(0.1 + 0.2, 2), null, '0.30000000000000004 is refused, not rounded');
    assert.equal(parseScaled(19.5, 2), 1950n);
    assert.equal(parseScaled('1.005', 3), 1005n);
    assert.equal(parseScaled(1.0051, 3), null, 'too many digits');
    assert.equal(parseScaled('1e3', 2), null);
    assert.equal(parseScaled(1e-7, 2), null);
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 4 }), (v, scale) => assert.equal(parseScaled(scaledText(v, scale), scale), v)));
  });

  it('should format exact decimals per locale', () => {
    assert.equal(formatMoney(123456, 'EUR', 'en'), '€1,234.56');
    assert.equal(formatMoney(123456, 'EUR', 'de').replace(/\s/g, ' '), '1.234,56 €');
    assert.equal(formatMoney(1234, 'JPY', 'en'), '¥1,234');
    assert.equal(formatMoney(9_007_199_254_740_991, 'EUR', 'en'), '€90,071,992,547,409.91');
  });

  it('should compute each line as the nearest minor unit of price × quantity, less its rounded discount', () => {
    fc.assert(
      fc.property(line, (l) => {
        const a = lineAmounts(l);
        const exact = exactGross(l);
        assert.ok(Number.isSafeInteger(a.gross) && Number.isSafeInteger(a.net) && Number.isSafeInteger(a.discount));
        const drift = BigInt(a.gross) * 1000n - exact;
        assert.ok((drift < 0n ? -drift : drift) * 2n <= 1000n, 'gross within half a minor unit');
        assert.equal(a.net + a.discount, a.gross);
        assert.ok(a.discount >= 0 && a.discount <= a.gross, 'a discount never exceeds the line');
        if (l.discountBp === 0) assert.equal(a.net, a.gross);
        if (l.discountBp === 10_000) assert.equal(a.net, 0);
      }),
    );
  });

  it('should make the total the subtotal plus one rounded tax per rate, whatever the line order', () => {
    fc.assert(
      fc.property(lines, (ls) => {
        const t = computeTotals(ls);
        assert.equal(t.subtotal, t.lines.reduce((s, l) => s + l.net, 0));
        assert.equal(t.gross - t.discountTotal, t.subtotal);
        assert.equal(t.total, t.subtotal + t.taxTotal);
        assert.equal(t.taxTotal, t.taxes.reduce((s, x) => s + x.amount, 0));
        assert.equal(t.taxes.reduce((s, x) => s + x.base, 0), t.subtotal);
        for (const tax of t.taxes) {
          const drift = BigInt(tax.amount) * 10_000n - BigInt(tax.base) * BigInt(tax.rateBp);
          assert.ok((drift < 0n ? -drift : drift) * 2n <= 10_000n, 'each tax within half a minor unit of its rate');
        }
        const reversed = computeTotals([...ls].reverse());
        assert.equal(reversed.total, t.total);
        assert.deepEqual(reversed.taxes, t.taxes);
      }),
    );
  });

  it('should never lower a total when a discount shrinks or a quantity grows', () => {
    fc.assert(
      fc.property(line, fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 1000 }), (l, lessDiscount, more) => {
        const base = computeTotals([l]).total;
        assert.ok(computeTotals([{ ...l, discountBp: Math.min(l.discountBp, lessDiscount) }]).total >= base);
        assert.ok(computeTotals([{ ...l, quantityMilli: l.quantityMilli + more }]).total >= base);
      }),
    );
  });

  it('should adjust a price by basis points to the nearest minor unit', () => {
    assert.equal(adjustPrice(10_000, 250), 10_250);
    assert.equal(adjustPrice(999, -1000), 899);
    assert.equal(adjustPrice(5, 1000), 6, '5.5 rounds up');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e10 }), fc.integer({ min: -10_000, max: 100_000 }), (price, bp) => {
        const adjusted = adjustPrice(price, bp);
        const drift = BigInt(adjusted) * 10_000n - BigInt(price) * BigInt(10_000 + bp);
        assert.ok((drift < 0n ? -drift : drift) * 2n <= 10_000n);
      }),
    );
  });
});
