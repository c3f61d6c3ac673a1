import { describe, expect, it } from 'vitest';
import { detectCoinJoin, WASABI2_DENOMINATIONS } from '../../../src/heuristics/utxo/coinjoin.js';
import { TestChain } from '../../adapters/bitcoin/wallet.js';
import { BTC, FEE, batchPayoutScenario, fund, whirlpoolScenario } from './scenarios.js';

describe('detectCoinJoin', () => {
  it('recognizes a signed Whirlpool mix: 5 inputs, 5 outputs of the 0.01 BTC pool', () => {
    const { chain, txid } = whirlpoolScenario();
    const r = detectCoinJoin(chain.utxo(txid));
    expect(r).toMatchObject({ decision: 'coinjoin', kind: 'whirlpool', denomination: 1_000_000n });
    expect(r.reason).toMatch(/0\.01 BTC/);
    expect(r.confidence).toBeGreaterThan(0.9);
  });

  it('calls 5 equal outputs outside the Whirlpool pools a generic equal-output CoinJoin', () => {
    const chain = new TestChain();
    const names = ['a', 'b', 'c', 'd', 'e'];
    const coins = fund(chain, names, 2_100_000n);
    chain.mine();
    const [o] = chain.spend(
      coins,
      names.map((n) => ({ to: `${n}2`, value: 2_000_000n })),
    );
    expect(detectCoinJoin(chain.utxo(o!.txid))).toMatchObject({ decision: 'coinjoin', kind: 'generic', denomination: 2_000_000n });
  });

  it('recognizes the JoinMarket shape: k equal outputs and k (or k-1) distinct change outputs', () => {
    const chain = new TestChain();
    const coins = fund(chain, ['taker', 'maker1', 'maker2', 'maker3'], 3_000_000n);
    chain.mine();
    const cj = 1_234_567n;
    const [o] = chain.spend(coins, [
      { to: 'taker-cj', value: cj },
      { to: 'maker1-cj', value: cj },
      { to: 'maker2-cj', value: cj },
      { to: 'maker3-cj', value: cj },
      { to: 'maker1-change', value: 1_765_700n },
      { to: 'maker2-change', value: 1_765_800n },
      { to: 'maker3-change', value: 1_765_900n },
      { to: 'taker-change', value: 1_760_000n },
    ]);
    expect(detectCoinJoin(chain.utxo(o!.txid))).toMatchObject({ decision: 'coinjoin', kind: 'joinmarket', denomination: cj });
  });

  it('recognizes a Wasabi 2 round by its standard denominations', () => {
    const chain = new TestChain();
    const names = Array.from({ length: 12 }, (_, i) => `ww${i}`);
    const coins = fund(chain, names, 700_000n);
    chain.mine();
    // 2^20 = 1,048,576, 10^6, 5·10^5 and 2·3^10 = 118,098 are standard; each appears several times.
    const denoms = [1_048_576n, 1_000_000n, 500_000n, 118_098n];
    expect(denoms.every((d) => WASABI2_DENOMINATIONS.has(d))).toBe(true);
    const outs = names.map((n, i) => ({ to: `${n}-out`, value: denoms[i % 4]! }));
    const [o] = chain.spend(coins, outs);
    expect(detectCoinJoin(chain.utxo(o!.txid))).toMatchObject({ decision: 'coinjoin', kind: 'wasabi2' });
  });

  it('does not call an ordinary payment or a batch payout a CoinJoin', () => {
    const chain = new TestChain();
    const [c] = fund(chain, ['payer'], BTC);
    chain.mine();
    const p = chain.spend(
      [c!],
      [
        { to: 'shop', value: 10_000_000n },
        { to: 'payer-change', value: 90_000_000n - FEE },
      ],
    );
    expect(detectCoinJoin(chain.utxo(p[0]!.txid)).decision).toBe('not-coinjoin');
    const batch = batchPayoutScenario();
    expect(detectCoinJoin(batch.chain.utxo(batch.txid)).decision).toBe('not-coinjoin');
    // Three equal payouts from one input: too few inputs for three participants.
    const [e] = chain.spend(
      [p[1]!],
      [
        { to: 'x', value: 1_000_000n },
        { to: 'y', value: 1_000_000n },
        { to: 'z', value: 1_000_000n },
        { to: 'payer-change2', value: p[1]!.value - 3_000_000n - FEE },
      ],
    );
    expect(detectCoinJoin(chain.utxo(e!.txid))).toMatchObject({ decision: 'not-coinjoin', kind: null });
  });
});
