import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAddress, Interface } from 'ethers';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { BRIDGE_REGISTRY } from '../../src/heuristics/bridges.js';
import { addr, T0, txOf, USDT } from '../support/world.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { TraceReportSchema, type Endpoint, type TraceReport } from '../../src/core/schema.js';
import { trace } from '../../src/trace/trace.js';
import { createLabelStore } from '../../src/labels/store.js';
import { reportToSummary } from '../../src/report/summary.js';
import { graphToTransfersCsv } from '../../src/report/csv.js';
import { cli } from '../support/cli.js';
import { createEvmRpcAdapter, type EvmRpcAdapter } from '../../src/adapters/evm-rpc/adapter.js';
import { continueThroughBridges, type TaintedBridgeInflow } from '../../src/engine/bridge-continuation.js';
import { createBridgeRegistry, resolveBridgeDefinitions, type BridgeRegistry } from '../../src/heuristics/bridges.js';
import { CHAIN_B_ID, FEE, U } from '../support/ganache-bridge.js';
import { sharedWorld } from '../support/shared.js';
import type { SharedWorld } from '../support/services.js';

let w: SharedWorld<'bridge'>;
let rpcA: EvmRpcAdapter;
let rpcB: EvmRpcAdapter;
let registry: BridgeRegistry;
const rule = { windowSeconds: 6 * 3600, tolerance: 0.05 };

beforeAll(async () => {
  w = await sharedWorld('bridge');
  rpcA = createEvmRpcAdapter({ url: w.a.url, chain: w.a.chain });
  rpcB = createEvmRpcAdapter({ url: w.b.url, chain: w.b.chain });
  registry = createBridgeRegistry(resolveBridgeDefinitions(w.bridges));
}, 120_000);

/** The scammer's deposit movement into the pool, with the given taint. */
async function depositInflow(taint: bigint): Promise<TaintedBridgeInflow> {
  const { transfers } = await rpcA.getTransaction(w.a.chain, w.tx.scamDeposit!.transactionHash);
  const transfer = transfers.find((t) => t.to === w.poolA.address)!;
  return { transfer, taint };
}

describe('continueThroughBridges on a ganache chain pair', { timeout: 120_000 }, () => {
  it('reads the deposit event, finds the fill naming its deposit id on the destination chain and hands the taint over', async () => {
    const taken = new Set<string>();
    const [h, ...rest] = await continueThroughBridges({ inflows: [await depositInflow(8_000n * U)], registry, adapters: [rpcA, rpcB], rule, taken });
    expect(rest).toEqual([]);
    expect(h).toMatchObject({
      bridgeNode: `${w.a.chain}|${w.poolA.address}`,
      tx: w.tx.scamDeposit!.transactionHash,
      tainted: 8_000n * U,
      exit: { protocol: 'across', destinationChain: `evm:${CHAIN_B_ID}`, recipient: w.who.recipient, protocolId: '1' },
    });
    expect(h!.note).toBeUndefined();
    const c = h!.continuation!;
    expect(c.match).toMatchObject({ method: 'protocol-id', confidence: 1 });
    expect(c.transfer).toMatchObject({
      chain: w.b.chain,
      tx: w.tx.scamFill!.transactionHash,
      from: w.who.relayer,
      to: w.who.recipient,
      amount: 8_000n * U - FEE,
    });
    expect(c.transfer.asset).toMatchObject({ contract: w.usdtB.address, symbol: 'USDT', decimals: 6 });
    expect(c.taint).toBe(8_000n * U - FEE);
    expect(taken.size).toBe(1);
    // The same arrival is not handed over twice: with the fill taken, only the clean decoy of the same amount is left,
    // and it can only be matched by amount and time (lower confidence, said so).
    const again = await continueThroughBridges({ inflows: [await depositInflow(8_000n * U)], registry, adapters: [rpcA, rpcB], rule, taken });
    expect(again[0]!.continuation!.transfer.tx).toBe(w.tx.decoy!.transactionHash);
    expect(again[0]!.continuation!.match).toMatchObject({ method: 'amount-time' });
    expect(again[0]!.continuation!.match.reason).toMatch(/no fill naming deposit 1 found; matched by amount and time: 7990 USDT reached the recipient/);
    const third = await continueThroughBridges({ inflows: [await depositInflow(8_000n * U)], registry, adapters: [rpcA, rpcB], rule, taken });
    expect(third[0]!.continuation).toBeUndefined();
    expect(third[0]!.note).toMatch(/no arrival found on evm:1338 for recipient 0x[0-9a-f]{40} within 6 h \(deposit id 1\)/);
  });

  it('hands over the tainted share of a partly tainted deposit', async () => {
    const [h] = await continueThroughBridges({ inflows: [await depositInflow(2_000n * U)], registry, adapters: [rpcA, rpcB], rule, taken: new Set() });
    expect(h!.continuation!.taint).toBe(((8_000n * U - FEE) * 2_000n * U) / (8_000n * U));
  });

  it('without the destination pool registered, falls back to amount and time and says the decoy made it uncertain', async () => {
    const onlyA = createBridgeRegistry(resolveBridgeDefinitions([w.bridges[0]]));
    const [h] = await continueThroughBridges({ inflows: [await depositInflow(8_000n * U)], registry: onlyA, adapters: [rpcA, rpcB], rule, taken: new Set() });
    const c = h!.continuation!;
    expect(c.match.method).toBe('amount-time');
    // The fill came before the clean decoy of the same amount: the earlier one is chosen, with halved confidence.
    expect(c.transfer.tx).toBe(w.tx.scamFill!.transactionHash);
    expect(c.match.confidence).toBeLessThan(0.5);
    expect(c.match.reason).toMatch(/2 arrivals fit/);
  });

  it('says why a deposit was not continued: destination not traced, or a source without logs', async () => {
    const [notTraced] = await continueThroughBridges({ inflows: [await depositInflow(8_000n * U)], registry, adapters: [rpcA], rule, taken: new Set() });
    expect(notTraced).toMatchObject({ exit: { recipient: w.who.recipient }, note: 'evm:1338 is not traced (no source configured for it)' });
    const { getTransactionLogs: _omit, ...noLogs } = rpcA;
    const [blind] = await continueThroughBridges({
      inflows: [await depositInflow(8_000n * U)],
      registry,
      adapters: [noLogs as never, rpcB],
      rule,
      taken: new Set(),
    });
    expect(blind!.exit).toBeUndefined();
    expect(blind!.note).toMatch(/cannot read transaction logs/);
  });
});

const exchangeLabel = () =>
  createLabelStore([
    {
      chain: `evm:${CHAIN_B_ID}`,
      address: w.who.exHot,
      entity: 'Example Exchange',
      category: 'exchange',
      jurisdictions: ['SC'],
      confidence: 1,
      source: 'test',
    },
  ]);
const find = (r: TraceReport, kind: Endpoint['kind'], chain: string, address: string) =>
  r.endpoints.find((e) => e.kind === kind && e.chain === chain && e.address === getAddress(address));

/** What a two-chain trace of the ganache world must report (the world's comment draws it). */
function expectCrossChainReport(r: TraceReport) {
  const A = w.a.chain;
  const B = w.b.chain;
  expect(r.complete).toBe(true);
  // Chain A: the bridge endpoint names protocol, destination and recipient, and where the trace continued.
  const bridge = find(r, 'bridge', A, w.poolA.address)!;
  expect(bridge).toMatchObject({ amount: String(8_000n * U), asset: { chain: A, contract: getAddress(w.usdtA.address), symbol: 'USDT' } });
  expect(bridge.bridge).toEqual({
    protocol: 'across',
    name: 'Test SpokePool (A)',
    destinationChain: B,
    recipient: getAddress(w.who.recipient),
    deposits: [
      {
        tx: w.tx.scamDeposit!.transactionHash,
        event: 'V3FundsDeposited',
        depositId: '1',
        destinationChain: B,
        destinationChainId: String(CHAIN_B_ID),
        recipient: getAddress(w.who.recipient),
        amount: String(8_000n * U),
        outputAmount: String(8_000n * U - FEE),
        tainted: String(8_000n * U),
        continuation: {
          chain: B,
          tx: w.tx.scamFill!.transactionHash,
          recipient: getAddress(w.who.recipient),
          asset: { chain: B, kind: 'token', contract: getAddress(w.usdtB.address), symbol: 'USDT', decimals: 6 },
          amount: String(8_000n * U - FEE),
          amountDisplay: '7990',
          tainted: String(8_000n * U - FEE),
          taintedDisplay: '7990',
          match: 'protocol-id',
          confidence: 1,
          reason: expect.stringMatching(/^FilledRelay on evm:1338 \(tx 0x[0-9a-f]{64}\) fills across deposit id 1 from chain id 1337: 7990 USDT paid to 0x/),
        },
      },
    ],
  });
  expect(bridge.reason).toMatch(
    /V3FundsDeposited sends it to evm:1338, recipient 0x[0-9a-f]{40}, deposit id 1; continued on evm:1338 at 0x[0-9a-f]{40} \(matched by deposit id\)/,
  );
  expect(find(r, 'unspent', A, w.who.scammer)?.amount).toBe(String(2_000n * U));
  // Chain B: the recipient paid all its outflows (5,000) to the exchange's labeled wallet, so by its behaviour it is the
  // exchange's deposit address: one exchange endpoint there, with what it swept and the 2,990 it still holds (the
  // exchange's customer account, not a balance to freeze); the clean decoy of the same amount adds nothing.
  const exchange = find(r, 'exchange', B, w.who.recipient)!;
  expect(exchange).toMatchObject({
    entity: 'Example Exchange',
    jurisdictions: ['SC'],
    depositInferred: true,
    sweptTo: [getAddress(w.who.exHot)],
    amount: String(8_000n * U - FEE),
    asset: { chain: B, contract: getAddress(w.usdtB.address) },
  });
  expect(exchange.depositEvidence).toMatchObject({ deposits: 2, sweeps: 1, swept: String(5_000n * U), sweepTxs: [w.tx.toExchange!.transactionHash] });
  expect(exchange.path).toEqual([w.tx.seed!, w.tx.scamDeposit!, w.tx.scamFill!].map((t) => t.transactionHash));
  // The sweep into the exchange is the deposit address's outflow, not one of the transactions into it.
  expect(exchange.outflows!.map((o) => o.tx)).toContain(w.tx.toExchange!.transactionHash);
  expect(exchange.txs).not.toContain(w.tx.toExchange!.transactionHash);
  // Hops run on across the bridge: scammer 0 -> bridge 1 -> recipient 2.
  expect([bridge.hops, exchange.hops]).toEqual([1, 2]);
  expect(exchange.freezable).toBeUndefined();
  expect(
    r.endpoints
      .filter((e) => e.chain === B)
      .map((e) => [e.kind, e.amount])
      .sort(),
  ).toEqual([['exchange', String(8_000n * U - FEE)]]);
  // Conservation: chain A's USDT leaves at the bridge endpoint; chain B's enters through the hand-over.
  const line = (chain: string) => r.conservation.find((c) => c.asset.chain === chain)!;
  expect(line(A)).toMatchObject({ seeded: String(10_000n * U), endpoints: String(10_000n * U), difference: '0', balanced: true });
  expect(line(A).bridgedIn).toBeUndefined();
  expect(line(A).explanation).toMatch(
    /10000 USDT tainted by the seeds; 8000 left through bridge endpoints and was continued on evm:1338; every unit accounted for/,
  );
  expect(line(B)).toMatchObject({ seeded: '0', bridgedIn: String(8_000n * U - FEE), endpoints: String(8_000n * U - FEE), difference: '0', balanced: true });
  expect(line(B).explanation).toMatch(/7990 handed over from evm:1337 through Test SpokePool \(A\) \(bridge continuation\); every unit accounted for/);
  // The seeds are the victim's payment only; the hand-over is not a victim payment.
  expect(r.seeds.map((x) => [x.chain, x.tx])).toEqual([[A, w.tx.seed!.transactionHash]]);
  expect(r.sources.map((x) => x.chain)).toEqual([A, B]);
  expect(r.settings).toMatchObject({
    bridges: [
      { chain: A, address: getAddress(w.poolA.address), protocol: 'across', name: 'Test SpokePool (A)' },
      { chain: B, address: getAddress(w.poolB.address), protocol: 'across', name: 'Test SpokePool (B)' },
    ],
    bridgeWindowHours: 6,
    bridgeTolerance: 0.05,
  });
}

describe('a two-chain trace across a bridge', { timeout: 180_000 }, () => {
  it('follows the victim payment into the bridge on chain A and continues on chain B from the recipient', async () => {
    const result = await trace({
      adapters: [rpcA, rpcB],
      labels: exchangeLabel(),
      seeds: [{ chain: w.a.chain, tx: w.tx.seed!.transactionHash }],
      bridges: w.bridges,
    });
    // The summary written before the report is read (its endpoint records made with the summary's fields alone).
    const streamed = [...result.summaryPieces()].join('');
    const { report, graph } = result;
    expect(() => TraceReportSchema.parse(report)).not.toThrow();
    expectCrossChainReport(report);
    // The graph joins the chains: the bridge on A hands over to the relayer on B, who delivered to the recipient.
    const handovers = graph.filterEdges((_, a) => a.type === 'bridge');
    expect(handovers).toHaveLength(1);
    expect(graph.source(handovers[0]!)).toBe(`${w.a.chain}|${w.poolA.address.toLowerCase()}`);
    expect(graph.target(handovers[0]!)).toBe(`${w.b.chain}|${w.who.relayer.toLowerCase()}`);
    expect(graph.getEdgeAttributes(handovers[0]!)).toMatchObject({
      tx: w.tx.scamDeposit!.transactionHash,
      delivery: w.tx.scamFill!.transactionHash,
      taint: String(8_000n * U - FEE),
    });
    expect(graph.hasEdge(`${w.b.chain}|${w.who.relayer.toLowerCase()}`, `${w.b.chain}|${w.who.recipient.toLowerCase()}`)).toBe(true);
    const summary = reportToSummary(report);
    expect(streamed).toBe(summary);
    expect(summary).toMatch(/Bridge crossings/);
    expect(summary).toMatch(
      /Test SpokePool \(A\)\s+0x[0-9a-f]{8}…[0-9a-f]{8}\s+1\s+evm:1338\s+0x[0-9a-fA-F]{40}\s+7990 USDT in 0x[0-9a-f]{8}…[0-9a-f]{8} \(deposit id\)/,
    );
  });

  it('reports the bridge endpoint with its recipient but does not continue when the destination chain has no source', async () => {
    const { report } = await trace({
      adapters: [rpcA],
      labels: exchangeLabel(),
      seeds: [{ chain: w.a.chain, tx: w.tx.seed!.transactionHash }],
      bridges: w.bridges,
    });
    const bridge = find(report, 'bridge', w.a.chain, w.poolA.address)!;
    expect(bridge.bridge).toMatchObject({ destinationChain: w.b.chain, recipient: getAddress(w.who.recipient) });
    expect(bridge.bridge!.deposits![0]).toMatchObject({ depositId: '1', note: 'evm:1338 is not traced (no source configured for it)' });
    expect(bridge.bridge!.deposits![0]!.continuation).toBeUndefined();
    expect(report.endpoints.every((e) => e.chain === w.a.chain)).toBe(true);
    expect(report.conservation.map((c) => [c.asset.chain, c.balanced, c.bridgedIn])).toEqual([[w.a.chain, true, undefined]]);
  });

  it('runs from the CLI with a source per chain and a --bridges file, and gives the same report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-cli-'));
    const bridges = join(dir, 'bridges.json');
    writeFileSync(bridges, JSON.stringify(w.bridges));
    const labels = join(dir, 'labels.csv');
    writeFileSync(
      labels,
      `chain,address,entity,category,jurisdiction,confidence,source\nevm:${CHAIN_B_ID},${w.who.exHot},Example Exchange,exchange,SC,1,test\n`,
    );
    const { code, stdout, stderr } = await cli([
      'trace',
      '--chain',
      w.a.chain,
      '--source',
      `rpc:${w.a.url}`,
      '--source',
      `${w.b.chain}=rpc:${w.b.url}`,
      '--bridges',
      bridges,
      '--labels',
      labels,
      '--seed',
      w.tx.seed!.transactionHash,
      '--format',
      'json',
      '--quiet',
      '--no-cache',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = TraceReportSchema.parse(JSON.parse(stdout));
    expectCrossChainReport(report);
  });
});

describe('continuation through a built-in bridge on a fixture dataset (no fill event: matched by amount and time)', () => {
  const ACROSS = BRIDGE_REGISTRY.find((b) => b.protocol === 'across' && b.chain === 'ethereum')!;
  const USDT_ARB = '0xfd086bc7cd5c481dcc9c85ebe478a1c0b69fcbb9';
  const deposit = new Interface([ACROSS.events[0]!.abi]);
  const { topics, data } = deposit.encodeEventLog(deposit.fragments[0] as never, [
    USDT,
    USDT_ARB,
    600_000_000n,
    599_400_000n,
    42161n,
    9,
    T0,
    T0 + 3600,
    0,
    addr('c'),
    addr('r'),
    '0x0000000000000000000000000000000000000000',
    '0x',
  ]);
  const t = (chain: string, tx: string, from: string, to: string, amount: bigint, at: number, asset: string, logIndex = 0) => ({
    chain,
    tx: txOf(tx),
    logIndex,
    block: 100 + at,
    time: T0 + at,
    from: from.startsWith('0x') ? from : addr(from),
    to: to.startsWith('0x') ? to : addr(to),
    asset,
    amount: String(amount),
  });
  const dataset = {
    format: 'chaintrail-fixture' as const,
    version: 1 as const,
    assets: [
      { id: 'usdt', chain: 'ethereum', kind: 'token' as const, contract: USDT, symbol: 'USDT', decimals: 6 },
      { id: 'usdt-arb', chain: 'arbitrum', kind: 'token' as const, contract: USDT_ARB, symbol: 'USDT', decimals: 6 },
    ],
    transfers: [
      t('ethereum', 'clean', 'clean', 'c', 1_000_000_000n, 15, 'usdt'),
      t('ethereum', 'v', 'victim', 'c', 1_000_000_000n, 10, 'usdt'),
      t('ethereum', 'dep', 'c', ACROSS.address, 600_000_000n, 20, 'usdt'),
      t('evm:42161', 'fill', 'relayer', 'r', 599_400_000n, 140, 'usdt-arb'),
      t('evm:42161', 'out', 'r', 'x', 200_000_000n, 200, 'usdt-arb'),
    ],
    logs: [{ chain: 'ethereum', tx: txOf('dep'), block: 120, logIndex: 1, address: ACROSS.address, topics, data }],
  };

  it('hands the tainted share over (haircut: half the deposit), continues on Arbitrum and balances both assets', async () => {
    const result = await trace({ adapters: [createFixtureAdapter({ dataset })], seeds: [{ chain: 'ethereum', tx: txOf('v') }], taint: 'haircut' });
    // transfers.csv written from the trace (no graph) has the hand-over row the graph's export has.
    const transfers = [...result.csvFiles()[1]!.pieces()].join('');
    const { report, graph } = result;
    expect(transfers).toBe(graphToTransfersCsv(graph, report));
    expect(transfers.split('\r\n').filter((row) => row.includes(',bridge,'))).toHaveLength(1);
    const bridge = report.endpoints.find((e) => e.kind === 'bridge')!;
    expect(bridge).toMatchObject({
      chain: 'ethereum',
      amount: '300000000',
      bridge: { protocol: 'across', destinationChain: 'evm:42161', recipient: getAddress(addr('r')) },
    });
    const [d] = bridge.bridge!.deposits!;
    expect(d).toMatchObject({ depositId: '9', tainted: '300000000', amount: '600000000', outputAmount: '599400000' });
    expect(d!.continuation).toMatchObject({ chain: 'evm:42161', tx: txOf('fill'), amount: '599400000', tainted: '299700000', match: 'amount-time' });
    expect(d!.continuation!.confidence).toBeGreaterThan(0.6);
    expect(d!.continuation!.confidence).toBeLessThanOrEqual(0.8);
    expect(d!.continuation!.reason).toMatch(
      /no fill naming deposit 9 found; matched by amount and time: 599\.4 USDT reached the recipient .* 2 min after the deposit \(expected 599\.4 USDT, 0\.00 % off/,
    );
    const arb = report.endpoints.filter((e) => e.chain === 'evm:42161').map((e) => [e.kind, e.address.toLowerCase(), e.amount]);
    expect(arb).toEqual(
      [
        ['unspent', addr('r'), '199700000'],
        ['unspent', addr('x'), '100000000'],
      ].sort((a, b) => (a[1]! < b[1]! ? -1 : 1)),
    );
    // Taint handed over keeps its victim payment: what a request names on Arbitrum is attributed to the payment on Ethereum.
    for (const e of report.endpoints.filter((x) => x.chain === 'evm:42161')) {
      expect(e.victims!.map((v) => [v.chain, v.tx, v.amount])).toEqual([['ethereum', txOf('v'), e.amount]]);
      expect(e.unattributed).toBeUndefined();
    }
    expect(report.conservation.map((c) => [c.asset.chain, c.seeded, c.bridgedIn, c.endpoints, c.balanced])).toEqual([
      ['ethereum', '1000000000', undefined, '1000000000', true],
      ['evm:42161', '0', '299700000', '299700000', true],
    ]);
  });
});
