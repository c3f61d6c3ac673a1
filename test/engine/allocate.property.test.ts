import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NodeColumnMap } from '../../src/engine/allocate.js';

/**
 * The snapshot's hops, via and held are NodeColumnMaps: read-only maps whose values are read by node id. Each must
 * answer as the Map filled in node id order with the same entries did (the engine's maps before): get, has, size,
 * iteration order, keys, values, forEach; and by id (idOf, keyAt, byId) the same values. Generated node sets: ids with and without a key in the index, values
 * present or absent per map, and keys asked that no node has.
 */
describe('NodeColumnMap', () => {
  it('answers as the Map filled in id order with the same entries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ indexed: fc.boolean(), value: fc.option(fc.integer({ min: -3, max: 9 }), { nil: undefined }) }), { maxLength: 60 }),
        fc.array(fc.string({ maxLength: 4 }), { maxLength: 5 }),
        (nodes, strangers) => {
          const index = new Map<string, number>();
          const keyOf: (string | undefined)[] = [];
          const reference = new Map<string, number>();
          nodes.forEach((n, id) => {
            // A node outside the index (no hop and nothing held) has no key there, whatever its column says.
            if (!n.indexed) return;
            const key = `ethereum|0x${id.toString(16)}`;
            index.set(key, id);
            keyOf[id] = key;
            if (n.value !== undefined) reference.set(key, n.value);
          });
          const map = new NodeColumnMap(index, keyOf, (id) => nodes[id]!.value, reference.size);
          expect([...map]).toEqual([...reference]);
          expect([...map.entries()]).toEqual([...reference.entries()]);
          expect([...map.keys()]).toEqual([...reference.keys()]);
          expect([...map.values()]).toEqual([...reference.values()]);
          expect(map.size).toBe(reference.size);
          const seen: [string, number][] = [];
          map.forEach((v, k, m) => {
            expect(m).toBe(map);
            seen.push([k, v]);
          });
          expect(seen).toEqual([...reference]);
          for (const key of [...index.keys(), ...strangers, 'ethereum|0xzz']) {
            expect(map.get(key)).toBe(reference.get(key));
            expect(map.has(key)).toBe(reference.has(key));
          }
          // By id, as path walks read it: the same values, keys back, nothing for an id outside the index.
          expect(map.ids).toBe(keyOf.length);
          nodes.forEach((_, id) => {
            const key = keyOf[id];
            expect(map.keyAt(id)).toBe(key);
            expect(map.byId(id)).toBe(key === undefined ? undefined : reference.get(key));
            if (key !== undefined) expect(map.idOf(key)).toBe(id);
          });
          for (const key of strangers) if (!index.has(key)) expect(map.idOf(key)).toBeUndefined();
        },
      ),
      { numRuns: 500 },
    );
  });
});
