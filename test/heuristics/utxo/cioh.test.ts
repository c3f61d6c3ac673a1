import { describe, expect, it } from 'vitest';
import { carryLabels, commonInputOwnership } from '../../../src/heuristics/utxo/cioh.js';
import type { Label } from '../../../src/core/schema.js';
import { TestChain } from '../../adapters/bitcoin/wallet.js';
import { FEE, fund, whirlpoolScenario } from './scenarios.js';

const label = (address: string, entity: string): Label => ({
  chain: 'bitcoin',
  address,
  entity,
  category: 'exchange',
  jurisdictions: ['DE'],
  confidence: 1,
  source: 'test',
});

describe('common-input ownership', () => {
  it('carries an exchange label to the addresses it co-spends with, through chained co-spends', () => {
    const chain = new TestChain();
    const [a, b, c] = fund(chain, ['ex-1', 'ex-2', 'ex-3'], 10_000_000n);
    chain.mine();
    const [ab] = chain.spend([a!, b!], [{ to: 'ex-1', value: 20_000_000n - FEE }]);
    const [abc] = chain.spend([ab!, c!], [{ to: 'cust', value: 30_000_000n - 2n * FEE }]);
    chain.mine();
    const labeled = new Map([[a!.address, label(a!.address, 'ExampleEx')]]);
    const { carried, conflicts } = carryLabels([chain.utxo(ab!.txid), chain.utxo(abc!.txid)], (x) => labeled.get(x));
    expect(conflicts).toEqual([]);
    expect([...carried.keys()].sort()).toEqual([b!.address, c!.address].sort());
    const toC = carried.get(c!.address)!;
    expect(toC.label).toMatchObject({ entity: 'ExampleEx', address: c!.address, confidence: 0.9, source: 'cioh:test' });
    expect(toC.from).toBe(a!.address);
    expect(toC.via).toBe(abc!.txid);
    expect(commonInputOwnership(chain.utxo(abc!.txid))).toMatchObject({ decision: 'same-owner' });
  });

  it('never carries a label across a CoinJoin', () => {
    const w = whirlpoolScenario();
    const tx = w.chain.utxo(w.txid);
    expect(commonInputOwnership(tx)).toMatchObject({ decision: 'not-applicable', addresses: [] });
    expect(commonInputOwnership(tx).reason).toMatch(/CoinJoin/);
    const first = tx.inputs[0]!.address!;
    const { carried } = carryLabels([tx], (x) => (x === first ? label(first, 'ExampleEx') : undefined));
    expect(carried.size).toBe(0);
  });

  it('carries nothing when a cluster holds two different entities', () => {
    const chain = new TestChain();
    const [a, b, c] = fund(chain, ['x-1', 'x-2', 'x-3'], 10_000_000n);
    chain.mine();
    const [ab] = chain.spend([a!, b!, c!], [{ to: 'y', value: 30_000_000n - FEE }]);
    const labels = new Map([
      [a!.address, label(a!.address, 'One')],
      [b!.address, label(b!.address, 'Two')],
    ]);
    const { carried, conflicts } = carryLabels([chain.utxo(ab!.txid)], (x) => labels.get(x));
    expect(carried.size).toBe(0);
    expect(conflicts).toEqual([{ addresses: [a!.address, b!.address, c!.address].sort(), entities: ['One', 'Two'] }]);
  });
});
