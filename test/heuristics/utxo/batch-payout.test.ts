import { describe, expect, it } from 'vitest';
import { detectBatchPayout } from '../../../src/heuristics/utxo/batch-payout.js';
import { TestChain } from '../../adapters/bitcoin/wallet.js';
import { BTC, FEE, batchPayoutScenario, fund } from './scenarios.js';

describe('detectBatchPayout', () => {
  it('flags one hot-wallet input paying 16 outputs as a service batch payout', () => {
    const { chain, txid } = batchPayoutScenario();
    const r = detectBatchPayout(chain.utxo(txid));
    expect(r).toMatchObject({ decision: 'batch-payout', outputs: 16 });
    expect(r.reason).toMatch(/1 input\(s\) paying 16 outputs/);
  });

  it('flags 1–2 inputs only: not nine outputs, not three inputs, not a coinbase', () => {
    const chain = new TestChain();
    const coins = fund(chain, ['a', 'b', 'c'], BTC);
    chain.mine();
    const eight = Array.from({ length: 8 }, (_, i) => ({ to: `n${i}`, value: 1_000_000n }));
    const nine = chain.spend([coins[0]!], [...eight, { to: 'a', value: BTC - 8_000_000n - FEE }]);
    expect(detectBatchPayout(chain.utxo(nine[0]!.txid))).toMatchObject({ decision: 'not-batch-payout', outputs: 9 });
    const twelve = Array.from({ length: 11 }, (_, i) => ({ to: `m${i}`, value: 1_000_000n }));
    const many = chain.spend([coins[1]!, coins[2]!, nine[8]!], [...twelve, { to: 'b', value: 2n * BTC + nine[8]!.value - 11_000_000n - FEE }]);
    expect(detectBatchPayout(chain.utxo(many[0]!.txid))).toMatchObject({ decision: 'not-batch-payout', outputs: 12 });
    // The same 12 outputs from two inputs are a batch payout.
    const two = chain.spend([many[11]!, nine[0]!], [...twelve, { to: 'c', value: many[11]!.value + 1_000_000n - 11_000_000n - FEE }]);
    expect(detectBatchPayout(chain.utxo(two[0]!.txid)).decision).toBe('batch-payout');
    const minted = chain.mint(Array.from({ length: 12 }, (_, i) => ({ to: `cb${i}`, value: 1_000_000n })));
    expect(detectBatchPayout(chain.utxo(minted[0]!.txid)).decision).toBe('not-batch-payout');
  });
});
