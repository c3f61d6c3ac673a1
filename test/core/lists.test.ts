import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { append, largest, sortStrings } from '../../src/core/lists.js';

describe('append and largest: list helpers for lists of any size', () => {
  it('append adds every item in order and returns the list; largest is Math.max with a floor', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.array(fc.integer()), fc.integer(), (a, b, floor) => {
        const list = [...a];
        expect(append(list, b)).toBe(list);
        expect(list).toEqual([...a, ...b]);
        expect(largest(b, floor)).toBe(Math.max(floor, ...b));
        expect(largest(new Set(b).values(), floor)).toBe(Math.max(floor, ...b));
      }),
    );
    expect(largest([])).toBe(Number.NEGATIVE_INFINITY);
  });

  it('takes lists far past the arguments a call takes (a big trace has hundreds of thousands of endpoints)', () => {
    const big = Array.from({ length: 400_000 }, (_, i) => (i * 7919) % 400_000);
    const into = [-1];
    append(into, big);
    expect(into.length).toBe(400_001);
    expect(into[400_000]).toBe(big[399_999]);
    expect(largest(big)).toBe(399_999);
    expect(largest(big, 500_000)).toBe(500_000);
  });
});

describe('sortStrings: sorts in place as Array.prototype.sort sorts strings', () => {
  it('gives the order and the list sort() gives, short lists (by insertion) and long ones, any characters', () => {
    const text = fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('0xab', '0xAB', '0xab', ''));
    fc.assert(
      fc.property(fc.array(text, { maxLength: 40 }), (items) => {
        const list = [...items];
        expect(sortStrings(list)).toBe(list);
        expect(list).toEqual([...items].sort());
      }),
      { numRuns: 500 },
    );
  });
});
