import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventLists } from '../../src/engine/event-lists.js';

describe('event lists', () => {
  it('keep each node its rows as an array per node would: in order added, sorted stably in place, across growth', () => {
    const op = fc.oneof(
      fc.record({ add: fc.tuple(fc.oneof(fc.nat(5), fc.nat(60), fc.nat(3_000)), fc.nat(1_000_000)) }),
      fc.record({ sort: fc.oneof(fc.nat(5), fc.nat(60), fc.nat(3_000)) }),
      // Room made ahead (for fewer nodes or cells than there are, too): the lists read the same.
      fc.record({ reserve: fc.tuple(fc.nat(5_000), fc.nat(20_000)) }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 50, maxLength: 6_000, size: 'max' }), (ops) => {
        const lists = new EventLists();
        const model = new Map<number, number[]>();
        // Not a total order: rows with the same value mod 7 tie, and a stable sort keeps them in list order.
        const byValue = (a: number, b: number) => (a % 7) - (b % 7);
        for (const o of ops) {
          if ('reserve' in o) lists.reserve(...o.reserve);
          else if ('add' in o) {
            const [node, row] = o.add;
            lists.add(node, row);
            model.set(node, [...(model.get(node) ?? []), row]);
          } else {
            lists.sort(o.sort, byValue);
            model.get(o.sort)?.sort(byValue);
          }
        }
        for (const node of [...model.keys(), 5_000, 21]) {
          const rows = model.get(node) ?? [];
          expect(lists.rows(node)).toEqual(rows);
          expect([lists.count(node), lists.last(node)]).toEqual([rows.length, rows.at(-1) ?? -1]);
          const walked: number[] = [];
          for (let c = lists.first(node); c >= 0; c = lists.after(c)) walked.push(lists.at(c));
          expect(walked).toEqual(rows);
        }
        lists.clear();
        expect(lists.rows(0)).toEqual([]);
        lists.add(3, 7);
        expect(lists.rows(3)).toEqual([7]);
      }),
      { numRuns: 60 },
    );
  });
});
