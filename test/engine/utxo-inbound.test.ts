import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEsploraAdapter } from '../../src/adapters/esplora/adapter.js';
import { trace } from '../../src/trace/trace.js';
import { TraceReportSchema, type TraceReport } from '../../src/core/schema.js';
import { EsploraIndex, startEsploraServer, type EsploraServer } from '../support/esplora-server.js';
import { TestChain } from '../adapters/bitcoin/wallet.js';

/**
 * The Bitcoin side of a THORChain inbound: a payment to a vault with an OP_RETURN memo `=:ETH.ETH:0x…` stops the
 * trace as a THORChain bridge endpoint naming destination chain and recipient; transactions signed with bitcoinjs-lib,
 * served by a local Esplora. Look-alikes: an OP_RETURN that is no THORChain memo, and the sender's own change.
 */
const ETH_RECIPIENT = '0x86d526d6624AbC0178cF7296cD538Ecc080A95F1';
const DOGE_RECIPIENT = 'DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L';

const [p] = fc.sample(
  fc.record({
    paid: fc.bigInt({ min: 2_000_000n, max: 5_000_000_000n }),
    toVault: fc.integer({ min: 10, max: 40 }),
    fee: fc.bigInt({ min: 300n, max: 5_000n }),
  }),
  { seed: 4, numRuns: 1 },
);

let esplora: EsploraServer;
let report: TraceReport;
const w = {} as Record<'seed' | 'eth' | 'doge' | 'hello' | 'vault' | 'vault2' | 'shop' | 'scammer', string> & {
  eth: string;
  ethValue: bigint;
  dogeValue: bigint;
};

beforeAll(async () => {
  const chain = new TestChain('bitcoin', 850_000, 1_780_000_000);
  const [coin] = chain.mint([{ to: 'victim', value: p!.paid * 2n }]);
  chain.mine();
  const [toScammer] = chain.spend(
    [coin!],
    [
      { to: 'scammer', value: p!.paid },
      { to: 'victim', value: p!.paid - p!.fee },
    ],
  );
  chain.mine();
  const part = (p!.paid * BigInt(p!.toVault)) / 100n;
  // One transaction per destination, each with change back to the scammer's own address.
  const eth = chain.spend(
    [toScammer!],
    [
      { to: 'vault', value: part },
      { to: 'scammer', value: p!.paid - part - p!.fee },
    ],
    `=:ETH.ETH:${ETH_RECIPIENT}:0/1/0`,
  );
  chain.mine();
  const doge = chain.spend(
    [eth[1]!],
    [
      { to: 'vault2', value: part / 2n },
      { to: 'scammer', value: p!.paid - part - part / 2n - 2n * p!.fee },
    ],
    `=:DOGE.DOGE:${DOGE_RECIPIENT}`,
  );
  chain.mine();
  const hello = chain.spend(
    [doge[1]!],
    [
      { to: 'shop', value: part / 4n },
      { to: 'scammer', value: p!.paid - part - part / 2n - part / 4n - 3n * p!.fee },
    ],
    'hello world',
  );
  chain.mine();
  Object.assign(w, {
    seed: toScammer!.txid,
    eth: eth[0]!.txid,
    doge: doge[0]!.txid,
    hello: hello[0]!.txid,
    vault: chain.address('vault'),
    vault2: chain.address('vault2'),
    shop: chain.address('shop'),
    scammer: chain.address('scammer'),
    ethValue: part,
    dogeValue: part / 2n,
  });
  esplora = await startEsploraServer(new EsploraIndex('bitcoin', chain.blocks));
  const result = await trace({
    adapters: [createEsploraAdapter({ url: esplora.url, chain: 'bitcoin' })],
    builtinLabels: false,
    seeds: [{ chain: 'bitcoin', tx: w.seed, index: 0 }],
    maxHops: 6,
  });
  report = TraceReportSchema.parse(result.report);
}, 120_000);
afterAll(() => esplora?.close());

describe('a THORChain inbound on Bitcoin (OP_RETURN swap memo)', () => {
  it('stops at the vault output as a THORChain bridge endpoint naming destination chain, recipient and memo', () => {
    const eth = report.endpoints.find((e) => e.address === w.vault)!;
    expect(eth).toMatchObject({ kind: 'bridge', entity: 'THORChain', category: 'bridge', amount: w.ethValue.toString() });
    expect(eth.reason).toMatch(/paid a THORChain vault: its memo swaps to ETH\.ETH on ETH \(Ethereum\), recipient 0x86d526d6624abc0178cf7296cd538ecc080a95f1/);
    expect(eth.bridge).toMatchObject({
      protocol: 'thorchain',
      destinationChain: 'ethereum',
      recipient: ETH_RECIPIENT,
      deposits: [
        { tx: w.eth, memo: `=:ETH.ETH:${ETH_RECIPIENT}:0/1/0`, destinationAsset: 'ETH.ETH', amount: w.ethValue.toString(), tainted: w.ethValue.toString() },
      ],
    });
    const doge = report.endpoints.find((e) => e.address === w.vault2)!;
    expect(doge).toMatchObject({ kind: 'bridge', amount: w.dogeValue.toString() });
    expect(doge.bridge).toMatchObject({ destinationNetwork: 'DOGE', recipient: DOGE_RECIPIENT, deposits: [{ tx: w.doge, destinationAsset: 'DOGE.DOGE' }] });
  });

  it('does not take an OP_RETURN that is no THORChain memo, or the sender’s change, for a vault', () => {
    const shop = report.endpoints.find((e) => e.address === w.shop)!;
    expect(shop.kind).toBe('unspent');
    expect(shop.bridge).toBeUndefined();
    expect(
      report.endpoints
        .filter((e) => e.kind === 'bridge')
        .map((e) => e.address)
        .sort(),
    ).toEqual([w.vault, w.vault2].sort());
    expect(report.endpoints.find((e) => e.address === w.scammer)?.kind).toBe('unspent');
    expect(report.conservation[0]).toMatchObject({ balanced: true, difference: '0' });
  });
});
