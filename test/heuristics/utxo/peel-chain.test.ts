import { describe, expect, it } from 'vitest';
import { detectPeelChain, peelStep } from '../../../src/heuristics/utxo/peel-chain.js';
import { peelChainScenario } from './scenarios.js';
import { whirlpoolScenario } from './scenarios.js';

describe('peel chains', () => {
  it('recognizes the three peel links and reports each peeled payment as its own branch', () => {
    const s = peelChainScenario();
    const txs = s.links.map((txid) => s.chain.utxo(txid));
    const r = detectPeelChain(txs);
    expect(r.decision).toBe('peel-chain');
    expect(r.steps.map((step) => step.continueVout)).toEqual([1, 1, 1]);
    expect(r.branches.map((b) => [b.hop, b.vout, b.value])).toEqual([
      [0, 0, 30_000_000n],
      [1, 0, 50_000_000n],
      [2, 0, 25_000_000n],
    ]);
    expect(r.branches[0]!.address).toBe(s.chain.address('payee-0', 'p2pkh'));
    expect(r.reason).toMatch(/3 links peeling 3 payment\(s\) worth 1\.05 BTC/);
  });

  it('ends the chain where a transaction stops peeling (the sweep to the exchange) and keeps the links before', () => {
    const s = peelChainScenario();
    const txs = [...s.links, s.depositTx].map((txid) => s.chain.utxo(txid));
    const r = detectPeelChain(txs);
    expect(r.decision).toBe('peel-chain');
    expect(r.steps).toHaveLength(3);
    expect(r.reason).toMatch(/not a peel link: 1 outputs/);
  });

  it('refuses a sequence whose links do not spend the continuing output, and a chain that is too short', () => {
    const s = peelChainScenario();
    const [a, , c] = s.links.map((txid) => s.chain.utxo(txid));
    const broken = detectPeelChain([a!, c!]);
    expect(broken.decision).toBe('not-peel-chain');
    expect(broken.reason).toMatch(/does not spend the continuing output/);
    expect(detectPeelChain([a!]).reason).toMatch(/only 1 link/);
  });

  it('says a CoinJoin is not a peel link', () => {
    const w = whirlpoolScenario();
    expect(peelStep(w.chain.utxo(w.txid))).toMatchObject({ decision: 'not-peel', step: null });
  });
});
