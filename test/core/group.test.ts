import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { groupBy } from '../../src/core/group.js';

describe('groupBy', () => {
  it('keeps every item once, under its key, in input order, keys in first-seen order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer())), (items) => {
        const groups = groupBy(items, ([k]) => k);
        expect([...groups.values()].flat().length).toBe(items.length);
        expect([...groups.keys()]).toEqual([...new Set(items.map(([k]) => k))]);
        for (const [k, group] of groups) expect(group).toEqual(items.filter(([key]) => key === k));
      }),
    );
  });
});
