import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareTransfers, sortChronologically, type AccountTransfer } from '../../src/core/movement.js';

const transfer = fc.record({
  time: fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 20 }), weight: 200 },
    { arbitrary: fc.integer({ min: 1_700_000_000, max: 1_700_000_005 }), weight: 200 },
    // Rare times the typed-array path cannot key (fraction, negative, past 2^32): the whole list takes the comparator.
    { arbitrary: fc.constantFrom(0.5, -3, 2 ** 32), weight: 1 },
  ),
  block: fc.integer({ min: 0, max: 3 }),
  tx: fc.constantFrom('0xa', '0xb', '0xc'),
  logIndex: fc.integer({ min: -1, max: 2 }),
  type: fc.constantFrom('native', 'token', 'internal') as fc.Arbitrary<AccountTransfer['type']>,
});

describe('sortChronologically', () => {
  it('gives exactly the order of a comparator sort, ties and odd times included', () => {
    fc.assert(
      fc.property(fc.array(transfer, { minLength: 0, maxLength: 400, size: 'max' }), (rows) => {
        const items = rows.map((r, i) => ({
          i,
          t: {
            chain: 'ethereum',
            from: '',
            to: '',
            asset: { chain: 'ethereum', kind: 'native', symbol: 'ETH', decimals: 18 },
            amount: 1n,
            ...r,
          } as AccountTransfer,
        }));
        const expected = [...items].sort((a, b) => compareTransfers(a.t, b.t)).map((x) => x.i);
        const list = [...items];
        const returned = sortChronologically(list, (x) => x.t);
        expect(returned).toBe(list);
        expect(list.map((x) => x.i)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
