import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PagedArray } from '../../src/core/paged-array.js';

describe('paged array', () => {
  it('gives back the last value set at each index, undefined elsewhere, across pages; clearUnless clears only what it is told, below its end', () => {
    // Indexes over several 4,096-cell pages, with gaps of whole pages never written.
    const index = fc.oneof(fc.nat(20_000), fc.constantFrom(0, 4_095, 4_096, 8_191, 8_192, 16_384));
    const op = fc.oneof(
      fc.record({ set: index, value: fc.option(fc.integer(), { nil: undefined }) }),
      fc.record({ clearBelow: index, keepEvery: fc.integer({ min: 1, max: 5 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.array(index, { maxLength: 50 }), (ops, reads) => {
        const paged = new PagedArray<{ v: number }>();
        const expected = new Map<number, { v: number }>();
        for (const o of ops) {
          if ('set' in o) {
            const value = o.value === undefined ? undefined : { v: o.value };
            paged.set(o.set, value);
            if (value) expected.set(o.set, value);
            else expected.delete(o.set);
          } else {
            const keep = (i: number) => i % o.keepEvery === 0;
            paged.clearUnless(o.clearBelow, keep);
            for (const i of [...expected.keys()]) if (i < o.clearBelow && !keep(i)) expected.delete(i);
          }
        }
        for (const i of [...expected.keys(), ...reads]) expect(paged.get(i)).toBe(expected.get(i));
      }),
      { numRuns: 300 },
    );
  });
});
