import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEsploraAdapter, type EsploraAdapter } from '../../../src/adapters/esplora/adapter.js';
import { allocateUtxoTaint, utxoTaintArguments, type UtxoTaintModel } from '../../../src/taint/utxo.js';
import { peelStep } from '../../../src/heuristics/utxo/peel-chain.js';
import { detectCoinJoin } from '../../../src/heuristics/utxo/coinjoin.js';
import { detectBatchPayout } from '../../../src/heuristics/utxo/batch-payout.js';
import type { SourcedUtxoTransaction } from '../../../src/adapters/bitcoin/utxo-adapter.js';
import { EsploraIndex, startEsploraServer, type EsploraServer } from '../../support/esplora-server.js';
import { TestChain } from '../bitcoin/wallet.js';
import { BTC, FEE, peelChainScenario } from '../../heuristics/utxo/scenarios.js';

/**
 * A minimal forward trace over the adapter, the loop the engine runs for UTXO chains: taint sits on outputs;
 * each spender is fetched, its inputs' taint apportioned by the model, and every output that received taint
 * either ends (labeled, unspent, CoinJoin, batch payout) or is followed.
 */
async function followTaint(adapter: EsploraAdapter, seed: { txid: string; vout: number }, model: UtxoTaintModel, labels: Map<string, string>) {
  const taint = new Map<string, bigint>();
  const seedTx = await adapter.getUtxoTransaction('bitcoin', seed.txid);
  taint.set(`${seed.txid}:${seed.vout}`, seedTx.outputs[seed.vout]!.value);
  const endpoints: { kind: string; address: string | null; amount: bigint; txid: string; peel?: boolean }[] = [];
  let fees = 0n;
  let frontier = [seedTx];
  while (frontier.length) {
    const next: SourcedUtxoTransaction[] = [];
    for (const tx of frontier) {
      const outspends = await adapter.getOutspends('bitcoin', tx.txid);
      const peel = peelStep(tx);
      for (const o of tx.outputs) {
        const amount = taint.get(`${tx.txid}:${o.n}`) ?? 0n;
        if (amount === 0n) continue;
        const isPeel = peel.step?.peeled.some((p) => p.vout === o.n) ?? false;
        const entity = o.address ? labels.get(o.address) : undefined;
        const spent = outspends[o.n]!;
        if (entity) endpoints.push({ kind: `exchange:${entity}`, address: o.address, amount, txid: tx.txid, peel: isPeel });
        else if (!spent.spent) endpoints.push({ kind: 'unspent', address: o.address, amount, txid: tx.txid, peel: isPeel });
        else if (spent.txid) {
          const spender = await adapter.getUtxoTransaction('bitcoin', spent.txid);
          if (detectCoinJoin(spender).decision === 'coinjoin') endpoints.push({ kind: 'mixer', address: o.address, amount, txid: spender.txid });
          else if (detectBatchPayout(spender).decision === 'batch-payout') endpoints.push({ kind: 'service', address: o.address, amount, txid: spender.txid });
          else if (!next.some((t) => t.txid === spender.txid)) next.push(spender);
        }
      }
    }
    for (const tx of next) {
      const args = utxoTaintArguments(tx, (vin) => taint.get(`${tx.inputs[vin]!.prevTx}:${tx.inputs[vin]!.vout}`) ?? 0n);
      const result = allocateUtxoTaint(model, args.inputs, args.outputs, args.fee);
      result.outputs.forEach((t, n) => taint.set(`${tx.txid}:${n}`, t));
      fees += result.fee;
    }
    frontier = next;
  }
  return { endpoints, fees };
}

let scenario: ReturnType<typeof peelChainScenario>;
let mixed: { chain: TestChain; txid: string };
let server: EsploraServer;
let adapter: EsploraAdapter;

beforeAll(async () => {
  scenario = peelChainScenario();
  // Mixed inputs: a clean 40,000 sat coin first, then 60,000 sat of stolen coin; pays 30,000 and 69,000, fee 1,000.
  const chain = new TestChain('bitcoin', 900_000);
  const [clean, dirty] = chain.mint([
    { to: 'launderer', value: 40_000n },
    { to: 'launderer-2', value: 60_000n },
  ]);
  chain.mine();
  const [out] = chain.spend(
    [clean!, dirty!],
    [
      { to: 'shop', value: 30_000n },
      { to: 'launderer-3', value: 69_000n },
    ],
  );
  chain.mine();
  mixed = { chain, txid: out!.txid };
  server = await startEsploraServer(new EsploraIndex('bitcoin', [...scenario.chain.blocks, ...chain.blocks]));
  adapter = createEsploraAdapter({ url: server.url, retries: 0 });
});

afterAll(async () => {
  await server?.close();
});

describe('constructed scenarios through the Esplora adapter', () => {
  it('follows a peel chain to a labeled exchange, each peeled payment its own branch, and loses nothing', async () => {
    const labels = new Map([[scenario.exchange, 'ExampleEx']]);
    const { endpoints, fees } = await followTaint(adapter, { txid: scenario.seedTx, vout: 0 }, 'haircut', labels);
    const exchange = endpoints.filter((e) => e.kind === 'exchange:ExampleEx');
    expect(exchange).toEqual([
      { kind: 'exchange:ExampleEx', address: scenario.exchange, amount: 5n * BTC - 105_000_000n - 4n * FEE, txid: scenario.depositTx, peel: false },
    ]);
    const peeled = endpoints.filter((e) => e.kind === 'unspent');
    expect(peeled.map((e) => [e.amount, e.peel, e.address])).toEqual(scenario.peels.map((p, i) => [p, true, scenario.chain.address(`payee-${i}`, 'p2pkh')]));
    expect(fees).toBe(4n * FEE);
    expect(endpoints.reduce((s, e) => s + e.amount, 0n) + fees).toBe(5n * BTC);
  });

  it('apportions mixed clean and tainted inputs per model as computed by hand', async () => {
    const tx = await adapter.getUtxoTransaction('bitcoin', mixed.txid);
    expect(tx.fee).toBe(1_000n);
    expect(tx.inputs.map((i) => i.value)).toEqual([40_000n, 60_000n]);
    const args = utxoTaintArguments(tx, (vin) => (vin === 1 ? tx.inputs[1]!.value : 0n));
    const expected: Record<UtxoTaintModel, [bigint[], bigint]> = {
      poison: [[30_000n, 30_000n], 0n],
      haircut: [[18_000n, 41_400n], 600n],
      fifo: [[0n, 59_000n], 1_000n],
      tiho: [[0n, 60_000n], 0n],
    };
    for (const model of Object.keys(expected) as UtxoTaintModel[]) {
      expect(allocateUtxoTaint(model, args.inputs, args.outputs, args.fee)).toEqual({ outputs: expected[model][0], fee: expected[model][1] });
    }
  });

  it('lists the thief’s address history across the chain, oldest first', async () => {
    const thief = scenario.chain.address('thief-1');
    const r = await adapter.getAddressTransactions('bitcoin', [thief]);
    // Received in link 0, spent in link 1.
    expect(r.transactions.map((t) => t.txid)).toEqual([scenario.links[0], scenario.links[1]]);
    expect(r.transactions[0]!.block! < r.transactions[1]!.block!).toBe(true);
  });
});
