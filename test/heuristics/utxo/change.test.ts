import { describe, expect, it } from 'vitest';
import { detectChange } from '../../../src/heuristics/utxo/change.js';
import { TestChain } from '../../adapters/bitcoin/wallet.js';
import { BTC, FEE, fund } from './scenarios.js';

function wallet() {
  const chain = new TestChain();
  const coins = fund(chain, ['w-a', 'w-b'], 60_000_000n);
  chain.mine();
  return { chain, coins };
}

describe('detectChange', () => {
  it('picks the change when several rules agree: smaller than every input, same script type, not round', () => {
    const { chain, coins } = wallet();
    // 1.0 BTC (round) to a legacy address; 0.19998 BTC back to a fresh P2WPKH address of the spender.
    const [, change] = chain.spend(coins, [
      { to: 'merchant', value: BTC, type: 'p2pkh' },
      { to: 'w-change', value: 20_000_000n - FEE },
    ]);
    const r = detectChange(chain.utxo(change!.txid));
    expect(r.decision).toBe('change');
    expect(r.vout).toBe(1);
    expect(r.votes.map((v) => v.rule).sort()).toEqual(['address-type', 'round-payment', 'smaller-than-inputs']);
    expect(r.confidence).toBeGreaterThan(0.6);
    expect(r.reason).toMatch(/output 1 is change/);
  });

  it('decides on change paid back to an input address on its own', () => {
    const { chain, coins } = wallet();
    const [pay] = chain.spend(
      [coins[0]!],
      [
        { to: 'w-a', value: 35_123_456n },
        { to: 'shop', value: 24_874_544n, type: 'p2tr' },
      ],
    );
    const r = detectChange(chain.utxo(pay!.txid));
    expect(r).toMatchObject({ decision: 'change', vout: 0 });
    expect(r.votes.some((v) => v.rule === 'self-change')).toBe(true);
  });

  it('makes no decision when nothing tells the outputs apart', () => {
    const { chain, coins } = wallet();
    const [pay] = chain.spend(
      [coins[0]!],
      [
        { to: 'p', value: 31_234_567n },
        { to: 'q', value: 28_763_433n },
      ],
    );
    const r = detectChange(chain.utxo(pay!.txid));
    expect(r).toMatchObject({ decision: 'no-decision', vout: null, confidence: 0 });
  });

  it('makes no decision when the rules disagree', () => {
    const { chain, coins } = wallet();
    // Output 0 is the only non-round one; output 1 is the only fresh address: one vote each.
    const [pay] = chain.spend(
      [coins[0]!],
      [
        { to: 'p', value: 31_234_567n },
        { to: 'q', value: 28_700_000n },
      ],
    );
    const tx = chain.utxo(pay!.txid);
    const seen = new Set([tx.outputs[0]!.address!]);
    const r = detectChange(tx, { seenBefore: (a) => seen.has(a) });
    expect(r.decision).toBe('no-decision');
    expect(r.reason).toMatch(/disagree/);
  });

  it('uses a fresh address and the continuation of a 1-in/2-out pattern', () => {
    const { chain, coins } = wallet();
    const [, kept] = chain.spend(
      [coins[0]!],
      [
        { to: 'reused-shop', value: 12_345_678n },
        { to: 'fresh', value: 47_654_322n - FEE },
      ],
    );
    const tx = chain.utxo(kept!.txid);
    const r = detectChange(tx, {
      seenBefore: (a) => a === tx.outputs[0]!.address,
      spenderShape: (vout) => (vout === 1 ? { inputs: 1, outputs: 2 } : { inputs: 3, outputs: 1 }),
    });
    expect(r).toMatchObject({ decision: 'change', vout: 1 });
    expect(r.votes.map((v) => v.rule).sort()).toEqual(['fresh-address', 'peel-continuation']);
  });

  it('has no change for a single output or a coinbase', () => {
    const { chain, coins } = wallet();
    const [sweep] = chain.spend([coins[0]!], [{ to: 'sweep', value: 60_000_000n - FEE }]);
    expect(detectChange(chain.utxo(sweep!.txid)).decision).toBe('no-decision');
    expect(detectChange(chain.utxo(coins[0]!.txid)).reason).toMatch(/coinbase/);
  });
});
