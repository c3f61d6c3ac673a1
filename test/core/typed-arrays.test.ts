import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AmountColumn, grow, trim } from '../../src/core/typed-arrays.js';

describe('typed arrays', () => {
  it('grow keeps every cell, fills the new ones, and makes room for what is asked; trim cuts to size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 3_000 }),
        fc.nat(5_000),
        fc.option(fc.constant(-1), { nil: undefined }),
        (cells, need, fill) => {
          const a = Int32Array.from(cells);
          const b = grow(a, need, (n) => new Int32Array(n), fill);
          expect(b.length).toBeGreaterThanOrEqual(need);
          if (need <= a.length) expect(b).toBe(a);
          expect(Array.from(b.subarray(0, a.length))).toEqual(cells);
          if (b !== a) expect(new Set(b.subarray(a.length))).toEqual(new Set([fill ?? 0]));
          expect(Array.from(trim(b, a.length))).toEqual(cells);
        },
      ),
    );
  });

  it('an amount column gives back every value set, the last one set per row, beyond 64 bits and below zero too', () => {
    const amount = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 2n }),
      fc.bigInt({ min: 2n ** 64n - 2n, max: 2n ** 80n }),
      fc.bigInt({ min: -(2n ** 70n), max: -1n }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(2_500), amount), { maxLength: 400 }), (writes) => {
        const column = new AmountColumn();
        const expected = new Map<number, bigint>();
        for (const [row, value] of writes) {
          column.set(row, value);
          expected.set(row, value);
        }
        for (const [row, value] of expected) expect(column.get(row)).toBe(value);
        const n = Math.max(0, ...expected.keys()) + 1;
        column.trim(n);
        for (const [row, value] of expected) expect(column.get(row)).toBe(value);
      }),
    );
  });
});
