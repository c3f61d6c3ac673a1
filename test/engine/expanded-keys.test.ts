import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpandedKeys } from '../../src/engine/expanded-keys.js';
import type { FlowNode } from '../../src/engine/flow-table.js';

/**
 * The rounds' expanded keys are a view over the flow's nodes: it must answer as the Set of keys filled in expansion
 * order did (size, has, iteration order, keys, values, entries, forEach), `has` going by the node's own flag through
 * the flow's index, `hasId` by the node's id. Generated: nodes some of which are expanded, in any order, and keys no node has.
 */
describe('ExpandedKeys', () => {
  it('answers as the Set of keys filled in expansion order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(199), { maxLength: 40 }), fc.array(fc.nat(400), { maxLength: 8 }), (order, strangers) => {
        const nodes = new Map<string, { key: string; id: number; expanded: boolean }>();
        for (let i = 0; i < 200; i++) nodes.set(`ethereum|0x${i.toString(16)}`, { key: `ethereum|0x${i.toString(16)}`, id: i, expanded: false });
        const byId = [...nodes.values()];
        const view = new ExpandedKeys(
          (key) => nodes.get(key) as unknown as FlowNode | undefined,
          (id) => byId[id] as unknown as FlowNode | undefined,
        );
        const reference = new Set<string>();
        for (const i of order) {
          const node = nodes.get(`ethereum|0x${i.toString(16)}`)!;
          node.expanded = true;
          view.add(node as unknown as FlowNode);
          reference.add(node.key);
        }
        expect(view.size).toBe(reference.size);
        expect([...view]).toEqual([...reference]);
        expect([...view.keys()]).toEqual([...reference.keys()]);
        expect([...view.values()]).toEqual([...reference.values()]);
        expect([...view.entries()]).toEqual([...reference.entries()]);
        const seen: string[] = [];
        view.forEach((v, k, set) => {
          expect(k).toBe(v);
          expect(set).toBe(view);
          seen.push(v);
        });
        expect(seen).toEqual([...reference]);
        expect(view.nodes.map((n) => n.key)).toEqual([...reference]);
        for (const i of [...order, ...strangers]) {
          const key = `ethereum|0x${i.toString(16)}`;
          expect(view.has(key)).toBe(reference.has(key));
          // By id: the same answer; an id past the flow's nodes is no expanded node.
          expect(view.hasId(i)).toBe(reference.has(key));
        }
      }),
      { numRuns: 300 },
    );
  });
});
