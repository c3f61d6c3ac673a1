import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderByKey } from '../../src/core/key-order.js';

/** The order orderByKey promises, by comparisons. */
const reference = (keys: readonly string[], group?: readonly number[]) =>
  Array.from(keys, (_, i) => i).sort((a, b) => (group ? group[a]! - group[b]! : 0) || (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));

/** Keys as a trace has them, and keys made to tie in their first characters, share long prefixes or leave ASCII. */
const key = fc.oneof(
  fc.stringMatching(/^ethereum\|0x[0-9a-f]{40}$/),
  fc.stringMatching(/^(ethereum|tron|bitcoin)\|0x[0-9a-f]{0,3}$/),
  fc.stringMatching(/^ethereum\|0x0{20}[0-9a-f]{0,3}$/),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ maxLength: 3 }),
);

describe('orderByKey: many keys sorted by numbers made from their first characters', () => {
  it('gives the comparison order, for lists past the small-list threshold, with and without groups', () => {
    fc.assert(
      fc.property(
        fc.array(key, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 4096, max: 9000 }),
        fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
        fc.integer(),
        (pool, n, groups, salt) => {
          // Repeats on purpose: equal keys order by index.
          const keys = Array.from({ length: n }, (_, i) => pool[Math.abs((i * 7919 + salt) % pool.length)]!);
          const group = groups === undefined ? undefined : keys.map((_, i) => Math.abs((i * 31 + salt) % (groups + 1)));
          expect([...orderByKey(keys, group)]).toEqual(reference(keys, group));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sorts short lists and lists with groups it cannot pack by comparison, in the same order', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 50 }), (keys) => {
        expect([...orderByKey(keys)]).toEqual(reference(keys));
      }),
    );
    const keys = Array.from({ length: 5000 }, (_, i) => `ethereum|0x${((i * 7919) % 5000).toString(16).padStart(40, '0')}`);
    const group = keys.map((_, i) => (i % 3 === 0 ? -1 : i % 3 === 1 ? 0.5 : 2 ** 40));
    expect([...orderByKey(keys, group)]).toEqual(reference(keys, group));
  });

  it('orders 300 k node keys as the comparison sort does', () => {
    const keys = Array.from({ length: 300_000 }, (_, i) => `ethereum|0x${(((i * 2654435761) >>> 0) * 97).toString(16).padStart(40, '0')}`);
    const hops = keys.map((_, i) => i % 11);
    expect([...orderByKey(keys, hops)]).toEqual(reference(keys, hops));
  });
});
