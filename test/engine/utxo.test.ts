import { describe, expect, it } from 'vitest';
import { id } from 'ethers';
import { payments, networks } from 'bitcoinjs-lib';
import { trace } from '../../src/trace/trace.js';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { createLabelStore } from '../../src/labels/store.js';
import type { FixtureDatasetInput } from '../../src/adapters/fixture/schema.js';
import type { TraceReport } from '../../src/core/schema.js';

const btcAddr = (name: string) => payments.p2wpkh({ hash: Buffer.from(id(`btc:${name}`).slice(2, 42), 'hex'), network: networks.bitcoin }).address!;
const txid = (name: string) => id(`btctx:${name}`).slice(2);
const BTC = 100_000_000;
const T = 1_760_000_000;

type Out = [name: string, sats: number];
interface Tx {
  name: string;
  inputs: [tx: string, vout: number, owner: string, sats: number][];
  outputs: Out[];
  at: number;
}

function dataset(txs: Tx[]): FixtureDatasetInput {
  return {
    format: 'chaintrail-fixture',
    version: 1,
    utxoTransactions: txs.map((t, i) => ({
      chain: 'bitcoin',
      txid: txid(t.name),
      block: 800_000 + i,
      time: T + t.at,
      inputs: t.inputs.map(([tx, vout, owner, sats]) => ({ prevTx: txid(tx), vout, address: btcAddr(owner), value: String(sats) })),
      outputs: t.outputs.map(([name, sats], n) => ({ n, address: btcAddr(name), value: String(sats) })),
    })),
  };
}

// The victim pays 1 BTC to the scammer A (change back to the victim); A splits, B pays an exchange, C mixes in a
// Whirlpool-shaped CoinJoin, D keeps the rest.
const world: Tx[] = [
  { name: 'funding', inputs: [['genesis', 0, 'someone', 3 * BTC]], outputs: [['victim', 3 * BTC - 1000]], at: 0 },
  {
    name: 'payment',
    inputs: [['funding', 0, 'victim', 3 * BTC - 1000]],
    outputs: [
      ['scam-a', BTC],
      ['victim', 2 * BTC - 2000],
    ],
    at: 100,
  },
  {
    name: 'split',
    inputs: [['payment', 0, 'scam-a', BTC]],
    outputs: [
      ['b', 0.6 * BTC],
      ['c', 0.05 * BTC],
      ['d', 0.35 * BTC - 1000],
    ],
    at: 200,
  },
  { name: 'to-exchange', inputs: [['split', 0, 'b', 0.6 * BTC]], outputs: [['exchange-hot', 0.6 * BTC - 500]], at: 300 },
  {
    name: 'whirlpool',
    inputs: [
      ['split', 1, 'c', 0.05 * BTC],
      ['x1', 0, 'p1', 0.05 * BTC],
      ['x2', 0, 'p2', 0.05 * BTC],
      ['x3', 0, 'p3', 0.05 * BTC],
      ['x4', 0, 'p4', 0.05 * BTC],
    ],
    outputs: [
      ['m1', 0.05 * BTC],
      ['m2', 0.05 * BTC],
      ['m3', 0.05 * BTC],
      ['m4', 0.05 * BTC],
      ['m5', 0.05 * BTC],
    ],
    at: 400,
  },
];

const labels = createLabelStore([
  { chain: 'bitcoin', address: btcAddr('exchange-hot'), entity: 'Coin Exchange', category: 'exchange', jurisdictions: ['SC'], confidence: 1, source: 'test' },
]);
const at = (r: TraceReport, name: string) => r.endpoints.filter((e) => e.address === btcAddr(name));

describe('UTXO tracing', () => {
  it('follows a payment output through spends to an exchange, a CoinJoin and an unspent output, fees included', async () => {
    const { report } = await trace({
      seeds: [{ chain: 'bitcoin', tx: txid('payment') }],
      adapters: [createFixtureAdapter({ dataset: dataset(world) })],
      labels,
      caseJurisdiction: 'DE',
    });
    expect(report.seeds).toMatchObject([{ chain: 'bitcoin', address: btcAddr('scam-a'), amount: String(BTC) }]);
    expect(at(report, 'exchange-hot')[0]).toMatchObject({
      kind: 'exchange',
      entity: 'Coin Exchange',
      crossBorder: true,
      amount: String(0.6 * BTC - 500),
      hops: 2,
    });
    expect(at(report, 'exchange-hot')[0]!.path).toEqual([txid('payment'), txid('split'), txid('to-exchange')]);
    expect(at(report, 'c')[0]).toMatchObject({ kind: 'mixer', amount: String(0.05 * BTC) });
    expect(at(report, 'c')[0]!.reason).toMatch(/coinjoin/i);
    expect(at(report, 'd')[0]).toMatchObject({ kind: 'unspent', amount: String(0.35 * BTC - 1000) });
    expect(at(report, 'victim')).toEqual([]);
    expect(report.conservation).toEqual([expect.objectContaining({ seeded: String(BTC), fees: '1500', endpoints: String(BTC - 1500), balanced: true })]);
  });

  it('apportions a transaction with clean and tainted inputs per model', async () => {
    // A 0.5 BTC tainted input and a 0.5 BTC clean input pay out 0.7 and 0.3 BTC (no fee).
    const mixed: Tx[] = [
      {
        name: 'pay',
        inputs: [['f', 0, 'victim', BTC]],
        outputs: [
          ['t', 0.5 * BTC],
          ['victim', 0.5 * BTC],
        ],
        at: 0,
      },
      {
        name: 'mix',
        inputs: [
          ['pay', 0, 't', 0.5 * BTC],
          ['clean', 0, 'other', 0.5 * BTC],
        ],
        outputs: [
          ['big', 0.7 * BTC],
          ['small', 0.3 * BTC],
        ],
        at: 10,
      },
    ];
    const run = async (taint: 'poison' | 'haircut' | 'fifo' | 'tiho') => {
      const { report } = await trace({
        seeds: [{ chain: 'bitcoin', tx: txid('pay'), logIndex: 0 }],
        adapters: [createFixtureAdapter({ dataset: dataset(mixed) })],
        taint,
      });
      return [at(report, 'big')[0]?.amount ?? '0', at(report, 'small')[0]?.amount ?? '0'];
    };
    expect(await run('fifo')).toEqual([String(0.5 * BTC), '0']);
    expect(await run('haircut')).toEqual([String(0.35 * BTC), String(0.15 * BTC)]);
    expect(await run('tiho')).toEqual([String(0.5 * BTC), '0']);
    expect(await run('poison')).toEqual([String(0.5 * BTC), '0']);
  });

  it('stops at the hop limit on a UTXO chain', async () => {
    const { report } = await trace({
      seeds: [{ chain: 'bitcoin', tx: txid('payment') }],
      adapters: [createFixtureAdapter({ dataset: dataset(world) })],
      maxHops: 1,
    });
    expect(at(report, 'b')[0]).toMatchObject({ kind: 'hop-limit', hops: 1 });
    expect(report.conservation[0]!.balanced).toBe(true);
    // A labeled exchange at the hop limit is an exchange (the stop policy puts labels first).
    const atLimit = await trace({
      seeds: [{ chain: 'bitcoin', tx: txid('payment') }],
      adapters: [createFixtureAdapter({ dataset: dataset(world) })],
      labels,
      maxHops: 2,
    });
    expect(at(atLimit.report, 'exchange-hot')[0]).toMatchObject({ kind: 'exchange', hops: 2, entity: 'Coin Exchange' });
  });

  it("follows only a peel chain's change in follow-change mode and reports each peeled payment as its own branch", async () => {
    const peel: Tx[] = [
      {
        name: 'p0',
        inputs: [['f', 0, 'victim', 2 * BTC]],
        outputs: [
          ['a1', BTC],
          ['victim', BTC],
        ],
        at: 0,
      },
      {
        name: 'p1',
        inputs: [['p0', 0, 'a1', BTC]],
        outputs: [
          ['a2', 0.9 * BTC],
          ['x1', 0.1 * BTC - 1000],
        ],
        at: 10,
      },
      {
        name: 'p2',
        inputs: [['p1', 0, 'a2', 0.9 * BTC]],
        outputs: [
          ['a3', 0.8 * BTC],
          ['x2', 0.1 * BTC - 1000],
        ],
        at: 20,
      },
      {
        name: 'p3',
        inputs: [['p2', 0, 'a3', 0.8 * BTC]],
        outputs: [
          ['a4', 0.7 * BTC],
          ['x3', 0.1 * BTC - 1000],
        ],
        at: 30,
      },
    ];
    const run = async (peelMode: 'all-outputs' | 'follow-change') =>
      (await trace({ seeds: [{ chain: 'bitcoin', tx: txid('p0'), logIndex: 0 }], adapters: [createFixtureAdapter({ dataset: dataset(peel) })], peelMode }))
        .report;
    const follow = await run('follow-change');
    expect(['x1', 'x2', 'x3'].map((x) => at(follow, x)[0]?.kind)).toEqual(['peeled', 'peeled', 'peeled']);
    expect(at(follow, 'x2')[0]).toMatchObject({ amount: String(0.1 * BTC - 1000), hops: 2 });
    expect(at(follow, 'a4')[0]).toMatchObject({ kind: 'unspent', amount: String(0.7 * BTC), hops: 3 });
    expect(follow.conservation[0]).toMatchObject({ fees: '3000', balanced: true });
    const all = await run('all-outputs');
    expect(['x1', 'x2', 'x3'].map((x) => at(all, x)[0]?.kind)).toEqual(['unspent', 'unspent', 'unspent']);
    expect(follow.settings.peelMode).toBe('follow-change');
  });

  it('stops at a batch payout as a high-degree endpoint without following its outputs, whatever the fan-out', async () => {
    for (const fanOut of [10, 17, 40]) {
      const payout: Tx[] = [
        {
          name: 'pay',
          inputs: [['f', 0, 'victim', 2 * BTC]],
          outputs: [
            ['hot', BTC],
            ['victim', BTC - 1000],
          ],
          at: 0,
        },
        {
          name: `batch-${fanOut}`,
          inputs: [['pay', 0, 'hot', BTC]],
          outputs: Array.from({ length: fanOut }, (_, i): Out => [`customer-${i}`, Math.floor((BTC - 2000) / fanOut)]),
          at: 10,
        },
      ];
      const { report } = await trace({
        seeds: [{ chain: 'bitcoin', tx: txid('pay'), logIndex: 0 }],
        adapters: [createFixtureAdapter({ dataset: dataset(payout) })],
      });
      expect(at(report, 'hot')).toEqual([expect.objectContaining({ kind: 'high-degree', amount: String(BTC), hops: 0 })]);
      expect(at(report, 'hot')[0]!.reason).toMatch(new RegExp(`^batch payout by a service-like wallet: batch payout: 1 input\\(s\\) paying ${fanOut} outputs`));
      expect(report.endpoints).toHaveLength(1);
      expect(report.conservation[0]!.balanced).toBe(true);
    }
  });

  it('stops at an address that common-input ownership ties to a labeled exchange wallet', async () => {
    // The scammer's deposit address A is swept by the exchange together with its labeled hot wallet.
    const sweep: Tx[] = [
      {
        name: 'pay',
        inputs: [['f', 0, 'victim', 2 * BTC]],
        outputs: [
          ['dep-a', BTC],
          ['victim', BTC - 1000],
        ],
        at: 0,
      },
      {
        name: 'consolidate',
        inputs: [
          ['pay', 0, 'dep-a', BTC],
          ['hot-in', 0, 'exchange-hot', 5 * BTC],
        ],
        outputs: [['exchange-cold', 6 * BTC - 2000]],
        at: 10,
      },
    ];
    const { report } = await trace({
      seeds: [{ chain: 'bitcoin', tx: txid('pay'), logIndex: 0 }],
      adapters: [createFixtureAdapter({ dataset: dataset(sweep) })],
      labels,
    });
    expect(at(report, 'dep-a')[0]).toMatchObject({ kind: 'exchange', entity: 'Coin Exchange', amount: String(BTC), hops: 0 });
    expect(at(report, 'dep-a')[0]!.reason).toMatch(/cioh/);
    expect(at(report, 'exchange-cold')).toEqual([]);
    const unlabeled = await trace({
      seeds: [{ chain: 'bitcoin', tx: txid('pay'), logIndex: 0 }],
      adapters: [createFixtureAdapter({ dataset: dataset(sweep) })],
    });
    expect(at(unlabeled.report, 'exchange-cold')[0]).toMatchObject({ kind: 'unspent' });
  });
});
