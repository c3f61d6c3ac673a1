import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlowNode } from '../../src/engine/flow-table.js';
import { NodeFlag, NodeMarks, NodeNumbers } from '../../src/engine/node-marks.js';

const node = (id: number) => ({ id }) as FlowNode;

describe('node marks', () => {
  it('flags and numbers by node id behave as a Set and a Map of nodes, across growth', () => {
    const op = fc.record({
      id: fc.oneof(fc.nat(50), fc.nat(5_000)),
      flag: fc.constantFrom(NodeFlag.Unlabeled, NodeFlag.ContractAsked),
      value: fc.option(fc.nat(2 ** 31 - 1), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const marks = new NodeMarks();
        const numbers = new NodeNumbers();
        const sets = new Map([NodeFlag.Unlabeled, NodeFlag.ContractAsked].map((f) => [f, new Set<number>()]));
        const model = new Map<number, number>();
        for (const { id, flag, value } of ops) {
          if (value === undefined) {
            marks.add(node(id), flag);
            sets.get(flag)!.add(id);
          } else {
            numbers.set(node(id), value);
            model.set(id, value);
          }
          for (const probe of [id, id + 1, 0, 4_999, 70_000]) {
            for (const [f, set] of sets) expect(marks.has(node(probe), f)).toBe(set.has(probe));
            expect(numbers.get(node(probe))).toBe(model.get(probe));
          }
        }
      }),
    );
  });
});
