import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grow, trim } from '../../src/core/typed-arrays.js';

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
});
