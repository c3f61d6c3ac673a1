import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getAddress, hexlify } from 'ethers';
import type { AccountTransfer } from '../../src/core/movement.js';
import type { AssetRef } from '../../src/core/schema.js';
import { TaintFlow } from '../../src/engine/flow.js';
import { shownFields, type TracedTransfer } from '../../src/engine/state.js';
import { AddressNames } from '../../src/report/names.js';

const TOKEN: AssetRef = { chain: 'ethereum', kind: 'token', contract: `0x${'77'.repeat(20)}`, symbol: 'TKN', decimals: 6 };

/** Movements between `addresses` (picked by index), as a source answers them. */
function movements(addresses: string[], pairs: [number, number][], tag: number): AccountTransfer[] {
  return pairs.map(([f, t], i) => ({
    chain: 'ethereum',
    tx: `0x${(tag * 1000 + i + 1).toString(16).padStart(64, '0')}`,
    type: 'token',
    logIndex: 0,
    block: 100 + i,
    time: 1_000 + i,
    from: addresses[f % addresses.length]!,
    to: addresses[t % addresses.length]!,
    asset: TOKEN,
    amount: 1n,
  }));
}

describe('AddressNames', () => {
  it('names every end of every movement by its checksum, for rows of two flows and for movements of no flow, in any order', () => {
    const addressArb = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => hexlify(b));
    const pairArb = fc.tuple(fc.nat(50), fc.nat(50));
    fc.assert(
      fc.property(
        fc.uniqueArray(addressArb, { minLength: 1, maxLength: 12 }),
        fc.array(pairArb, { minLength: 1, maxLength: 30 }),
        fc.array(pairArb, { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 120 }),
        (addresses, firstPairs, secondPairs, picks) => {
          // Two flows meeting the addresses in different orders: the same address has different node ids in each.
          const flows = [new TaintFlow('fifo'), new TaintFlow('fifo')];
          const rows: TracedTransfer[] = [];
          movements(addresses, firstPairs, 1).forEach((t) => rows.push(flows[0]!.add(t, 't') ?? flows[0]!.find(t)!));
          movements([...addresses].reverse(), secondPairs, 2).forEach((t) => rows.push(flows[1]!.add(t, 't') ?? flows[1]!.find(t)!));
          for (const t of movements(addresses, firstPairs, 3)) rows.push({ t, ...shownFields(t), from: t.from, to: t.to, asset: 't' });
          const names = new AddressNames();
          for (const pick of picks.length ? picks : [0]) {
            const row = rows[pick % rows.length]!;
            expect(names.from(row)).toBe(getAddress(row.t.from));
            expect(names.to(row)).toBe(getAddress(row.t.to));
            expect(names.address('ethereum', row.t.to, row)).toBe(getAddress(row.t.to));
            // An address asked with a movement into another: its own checksum, not the movement's recipient's.
            expect(names.address('ethereum', row.t.from, row)).toBe(getAddress(row.t.from));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
