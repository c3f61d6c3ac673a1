import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlowNode } from '../../src/engine/flow-table.js';
import { byHopAndKey } from '../../src/engine/round.js';

describe('byHopAndKey: the order candidates are expanded in', () => {
  it('lists each node once, by hop, then key, whatever the input order and repeats', () => {
    const nodes = Array.from({ length: 30 }, (_, i) => ({ key: `ethereum|0x${((i * 7919) % 30).toString(16).padStart(40, '0')}`, hop: i % 4 }) as FlowNode);
    fc.assert(
      fc.property(fc.array(fc.nat(29), { maxLength: 60 }), (picks) => {
        const list = picks.map((i) => nodes[i]!);
        const expected = [...new Set(list)].sort((a, b) => a.hop - b.hop || (a.key < b.key ? -1 : 1));
        const got = byHopAndKey(list);
        expect(got).toEqual(expected);
        expect(got.every((n, i) => expected[i] === n)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
