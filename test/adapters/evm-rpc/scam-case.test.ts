import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvmRpcAdapter } from '../../../src/adapters/evm-rpc/adapter.js';
import { TraceReportSchema, type Label, type TraceReport } from '../../../src/core/schema.js';
import { registerStablecoin } from '../../../src/core/stablecoins.js';
import { trace } from '../../../src/trace/trace.js';
import { spamReason } from '../../../src/heuristics/spam.js';
import { createLabelStore } from '../../../src/labels/store.js';
import { CHAIN } from '../../support/ganache.js';
import type { ScamActor } from '../../support/ganache-scam.js';
import { sharedWorld } from '../../support/shared.js';
import type { SharedWorld } from '../../support/services.js';
import { startRpcProxy } from '../../support/rpc-proxy.js';

const U = 1_000_000n;
let s: SharedWorld<'scam'>;
let report: TraceReport;
let proxy: Awaited<ReturnType<typeof startRpcProxy>>;

const label = (address: string, entity: string, category: Label['category'], jurisdictions: string[]): Label => ({
  chain: CHAIN,
  address,
  entity,
  category,
  jurisdictions,
  confidence: 1,
  source: 'test',
});

const labelStore = () =>
  createLabelStore([
    label(s.a.exAHot, 'Exchange A', 'exchange', ['SC']),
    label(s.a.exBDeposit, 'Exchange B', 'exchange', ['DE']),
    label(s.a.bridge, 'Some Bridge', 'bridge', []),
    label(s.a.mixer, 'Some Mixer', 'mixer', []),
  ]);

beforeAll(async () => {
  s = await sharedWorld('scam');
  registerStablecoin({ chain: CHAIN, contract: s.usdt.address, symbol: 'USDT', decimals: 6, issuer: 'Tether Operations Limited' });
  // Through a provider-style proxy capping eth_getLogs at 4 blocks: the trace must not lose anything to it.
  proxy = await startRpcProxy({ target: s.chain.url, maxBlockSpan: 4 });
  const labels = labelStore();
  ({ report } = await trace({
    seeds: [
      { chain: CHAIN, tx: s.tx.seed1!.transactionHash },
      { chain: CHAIN, tx: s.tx.seed2!.transactionHash },
    ],
    adapters: [createEvmRpcAdapter({ url: proxy.url, chain: CHAIN })],
    labels,
    maxHops: 4,
    minValue: '1',
    caseJurisdiction: 'DE',
  }));
}, 150_000);

afterAll(async () => {
  await proxy?.close();
});

const at = (name: ScamActor) => report.endpoints.filter((e) => e.address.toLowerCase() === s.a[name]);
const hash = (name: string) => s.tx[name]!.transactionHash;

describe('tracing a scam case on a real node through the EVM RPC adapter', { timeout: 60_000 }, () => {
  it('reports every endpoint with the exact amount and hops, and the amounts add up to what the victims paid', () => {
    expect(TraceReportSchema.parse(report)).toEqual(report);
    const summary = report.endpoints.map((e) => [e.kind, e.address.toLowerCase(), e.amount, e.hops]);
    expect(summary.sort()).toEqual(
      [
        ['below-min-value', s.a.dust, String(U / 2n), 1],
        ['bridge', s.a.bridge, String(1_000n * U), 1],
        ['exchange', s.a.deposit1, String(3_000n * U), 1],
        ['exchange', s.a.exBDeposit, String(2_000n * U), 1],
        ['hop-limit', s.a.layer4, String(6_000n * U), 4],
        ['mixer', s.a.mixer, String(1_500n * U), 1],
        ['unspent', s.a.collectorA, String(1_499n * U + U / 2n), 0],
      ].sort(),
    );
    expect(report.conservation).toHaveLength(1);
    expect(report.conservation[0]).toMatchObject({ seeded: String(15_000n * U), endpoints: String(15_000n * U), balanced: true });
  });

  it('names the deposit addresses: inferred from a sweep into a labeled hot wallet, or labeled', () => {
    expect(at('deposit1')[0]).toMatchObject({
      kind: 'exchange',
      entity: 'Exchange A',
      jurisdictions: ['SC'],
      crossBorder: true,
      depositInferred: true,
      path: [hash('seed2'), hash('bToDeposit1')],
    });
    expect(at('deposit1')[0]!.depositAddress!.toLowerCase()).toBe(s.a.deposit1);
    expect(at('deposit1')[0]!.sweptTo!.map((x) => x.toLowerCase())).toEqual([s.a.exAHot]);
    // The sweep is the deposit address's outflow, listed apart from the transactions into it.
    expect(at('deposit1')[0]!.outflows!.map((o) => o.tx)).toContain(hash('deposit1Sweep'));
    expect(at('deposit1')[0]!.txs).not.toContain(hash('deposit1Sweep'));
    expect(at('exBDeposit')[0]).toMatchObject({ entity: 'Exchange B', crossBorder: false, depositInferred: false });
    expect(at('exBDeposit')[0]!.depositAddress!.toLowerCase()).toBe(s.a.exBDeposit);
    const exchangeTotals = Object.fromEntries(report.exchanges.map((x) => [x.entity, x.totals[0]!.amount]));
    expect(exchangeTotals).toEqual({ 'Exchange A': String(3_000n * U), 'Exchange B': String(2_000n * U) });
  });

  it('follows the layering chain to the hop limit with the path of real transactions', () => {
    expect(at('layer4')[0]!.path).toEqual([hash('seed1'), hash('aToLayer1'), hash('l1l2'), hash('l2l3'), hash('l3l4')]);
    expect(at('layer5')).toEqual([]);
  });

  it('marks the remainder in the canonical stablecoin as freezable by its issuer', () => {
    expect(at('collectorA')[0]!.freezable).toEqual({ issuer: 'Tether Operations Limited' });
  });

  it('lets no spam, clean exchange traffic or pre-crime history into the result, and counts what it ignored', () => {
    const addresses = report.endpoints.map((e) => e.address.toLowerCase());
    for (const name of ['lookalike', 'clean1', 'clean2', 'exAHot', 'victim1', 'victim2'] as const) expect(addresses).not.toContain(s.a[name]);
    expect(report.endpoints.every((e) => e.asset.contract?.toLowerCase() === s.usdt.address)).toBe(true);
    // The poisoning transferFrom(collectorA, lookalike, 0) is a real USDT event: fetched, counted, never followed.
    expect(report.ignored.zeroValue).toBe(1);
    expect(report.sources).toEqual([{ chain: CHAIN, kind: 'evm-rpc', endpoint: proxy.url }]);
    expect(report.complete).toBe(true);
  });

  it('delivers the spoofed look-alike events when asked for every token, where the spam filter recognizes them', async () => {
    // The engine asks only for the traced USDT contract, so the fake never reaches it; unfiltered, it is spam.
    const adapter = createEvmRpcAdapter({ url: s.chain.url, chain: CHAIN });
    const { transfers } = await adapter.getTransfers({ chain: CHAIN, addresses: [s.a.collectorA], direction: 'out' });
    const spoofed = transfers.filter((t) => t.asset.contract === s.fake.address);
    expect(spoofed.map((t) => [t.to, t.amount, t.asset.symbol])).toEqual([[s.a.lookalike, 10_000n * U, 'USDT']]);
    expect(spamReason(spoofed[0]!)).toBe('lookalike-token');
    expect(spamReason(transfers.find((t) => t.tx === hash('poison'))!)).toBe('zero-value');
    expect(transfers.filter((t) => !spamReason(t)).every((t) => t.asset.contract === s.usdt.address)).toBe(true);
  });

  it("with tokenScope 'all' the report also counts the spoofed look-alike events, and the endpoints stay the same", async () => {
    const { report: wide } = await trace({
      seeds: [
        { chain: CHAIN, tx: s.tx.seed1!.transactionHash },
        { chain: CHAIN, tx: s.tx.seed2!.transactionHash },
      ],
      adapters: [createEvmRpcAdapter({ url: s.chain.url, chain: CHAIN, tokenScope: 'all' })],
      labels: labelStore(),
      maxHops: 4,
      minValue: '1',
      caseJurisdiction: 'DE',
    });
    expect(wide.ignored).toMatchObject({ zeroValue: 1, lookalikeToken: 1 });
    expect(wide.endpoints).toEqual(report.endpoints);
  });

  it('stamps endpoints with the block times of the real transactions', async () => {
    const time = new Date((await s.chain.blockTime(Number(s.tx.bToExB!.blockNumber))) * 1000).toISOString().replace('.000Z', 'Z');
    expect(at('exBDeposit')[0]!.firstSeen).toBe(time);
  });

  it('lost nothing to the provider cap: eth_getLogs was split into spans of at most 4 blocks', () => {
    const served = proxy.calls
      .filter((c) => c.method === 'eth_getLogs')
      .map((c) => c.params[0] as { fromBlock: string; toBlock: string })
      .filter((f) => Number(f.toBlock) - Number(f.fromBlock) < 4);
    expect(served.length).toBeGreaterThan(0);
    expect(proxy.count('eth_getLogs')).toBeGreaterThan(served.length); // some wide requests were refused first
  });
});
