import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createEtherscanAdapter } from '../../../src/adapters/etherscan/adapter.js';
import { createFixtureAdapter } from '../../../src/adapters/fixture/adapter.js';
import type { FixtureDatasetInput } from '../../../src/adapters/fixture/schema.js';
import { trace } from '../../../src/trace/trace.js';
import { createLabelStore } from '../../../src/labels/store.js';
import type { TraceReport } from '../../../src/core/schema.js';
import { createVirtualClock } from '../../support/virtual-clock.js';
import { startEtherscanServer, type EtherscanServer, type Row } from '../../support/etherscan-server.js';
import { evmAddress, evmHash, normalRow, timeOf, tokenRow, USDT } from '../../support/etherscan-data.js';

/**
 * The proof: a trace through Etherscan, paged and past the 10,000-result window, equals the trace over
 * the same movements held in one fixture. The scenario is written once, as movements; both the explorer rows
 * and the fixture dataset are printed from it.
 */

interface Move {
  kind: 'native' | 'token';
  id: number;
  block: number;
  txIndex: number;
  from: string;
  to: string;
  amount: bigint;
  logIndex: number;
  fee?: bigint;
}

const KEY = 'SENTINEL-TRACE-KEY-1a2b3c';
const M = 1_000_000n;
const VICTIM = evmAddress(0x71c7);
const COLLECTOR = evmAddress(0xc011);
const LAYER1 = evmAddress(0x1a1);
const LAYER2 = evmAddress(0x1a2);
const EXCHANGE = evmAddress(0xe8c);
const SEED_BLOCK = 1_000;

function scenario(): { moves: Move[]; seeds: number[] } {
  const moves: Move[] = [];
  let id = 1;
  // The victim's USDT payment: a zero-value call to the token (carrying the fee) and the Transfer event.
  moves.push({ kind: 'native', id, block: SEED_BLOCK, txIndex: 3, from: VICTIM, to: USDT, amount: 0n, logIndex: -1, fee: 52_000n * 20n });
  moves.push({ kind: 'token', id, block: SEED_BLOCK, txIndex: 3, from: VICTIM, to: COLLECTOR, amount: 100_000n * M, logIndex: 7 });
  const usdtSeed = id++;
  // ... and 10 ETH sent directly.
  moves.push({ kind: 'native', id, block: SEED_BLOCK, txIndex: 4, from: VICTIM, to: COLLECTOR, amount: 10n * 10n ** 18n, logIndex: -1, fee: 21_000n * 20n });
  const ethSeed = id++;
  // 12,000 small inbound transfers to the collector (airdrops, dust, other victims), 6 to a block, so its token
  // list runs past the 10,000-result window; the real outflows sit before, at and after the window edge.
  for (let i = 0; i < 12_000; i++) {
    const block = SEED_BLOCK + 1 + Math.floor(i / 6);
    moves.push({ kind: 'token', id: id++, block, txIndex: i % 6, from: evmAddress(0xd0000 + (i % 97)), to: COLLECTOR, amount: BigInt(i % 5), logIndex: 0 });
  }
  const edgeBlock = SEED_BLOCK + 1 + Math.floor(9_999 / 6); // the block holding the 10,000th row
  moves.push({ kind: 'token', id: id++, block: SEED_BLOCK + 500, txIndex: 10, from: COLLECTOR, to: LAYER1, amount: 30_000n * M, logIndex: 2 });
  moves.push({ kind: 'token', id: id++, block: edgeBlock, txIndex: 11, from: COLLECTOR, to: LAYER2, amount: 45_000n * M, logIndex: 5 });
  moves.push({ kind: 'token', id: id++, block: SEED_BLOCK + 1_990, txIndex: 12, from: COLLECTOR, to: EXCHANGE, amount: 20_000n * M, logIndex: 1 });
  moves.push({
    kind: 'native',
    id: id++,
    block: edgeBlock,
    txIndex: 13,
    from: COLLECTOR,
    to: LAYER1,
    amount: 9n * 10n ** 18n,
    logIndex: -1,
    fee: 21_000n * 30n,
  });
  moves.push({ kind: 'token', id: id++, block: SEED_BLOCK + 2_100, txIndex: 1, from: LAYER1, to: EXCHANGE, amount: 30_000n * M, logIndex: 0 });
  moves.push({
    kind: 'native',
    id: id++,
    block: SEED_BLOCK + 2_101,
    txIndex: 1,
    from: LAYER1,
    to: EXCHANGE,
    amount: 8n * 10n ** 18n,
    logIndex: -1,
    fee: 21_000n * 30n,
  });
  moves.push({ kind: 'token', id: id++, block: SEED_BLOCK + 2_200, txIndex: 2, from: LAYER2, to: EXCHANGE, amount: 25_000n * M, logIndex: 9 });
  // Earlier than the window: must not count anywhere.
  moves.push({ kind: 'token', id: id++, block: 10, txIndex: 0, from: LAYER2, to: EXCHANGE, amount: 1n * M, logIndex: 0 });
  return { moves, seeds: [usdtSeed, ethSeed] };
}

function rowsOf(moves: Move[]): { txlist: Row[]; tokentx: Row[] } {
  const txlist: Row[] = [];
  const tokentx: Row[] = [];
  for (const m of moves) {
    const extra = { transactionIndex: String(m.txIndex), timeStamp: String(timeOf(m.block)) };
    if (m.kind === 'native')
      txlist.push(normalRow(m.id, m.block, m.from, m.to, m.amount.toString(), { ...extra, gasUsed: String(m.fee ?? 0n), gasPrice: '1' }));
    else tokentx.push(tokenRow(m.id, m.block, m.from, m.to, m.amount.toString(), { ...extra, logIndex: String(m.logIndex) }));
  }
  return { txlist, tokentx };
}

function fixtureOf(moves: Move[]): FixtureDatasetInput {
  return {
    format: 'chaintrail-fixture',
    version: 1,
    assets: [{ id: 'usdt', chain: 'ethereum', kind: 'token', contract: USDT, symbol: 'USDT', decimals: 6 }],
    transfers: moves.map((m) => ({
      chain: 'ethereum',
      tx: evmHash(m.id),
      type: m.kind,
      logIndex: m.logIndex,
      txIndex: m.txIndex,
      block: m.block,
      time: timeOf(m.block),
      from: m.from,
      to: m.to,
      asset: m.kind === 'native' ? 'native' : 'usdt',
      amount: m.amount.toString(),
      ...(m.fee !== undefined ? { fee: m.fee.toString() } : {}),
    })),
  };
}

/** What must be equal: everything but where the data came from and how many requests it took. */
function comparable(report: TraceReport) {
  return { ...report, sources: [], notes: [], evidence: [] };
}

let server: EtherscanServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('trace over Etherscan equals trace over the same data in one fixture', () => {
  it('past the 10,000-result window, with several pages and a time window', { timeout: 60_000 }, async () => {
    const { moves, seeds } = scenario();
    const blocks = Array.from({ length: SEED_BLOCK + 2_300 }, (_, n) => ({ number: n, timestamp: timeOf(n) }));
    server = await startEtherscanServer({ apiKey: KEY, data: { ...rowsOf(moves), blocks } });
    const explorer = createEtherscanAdapter({ chain: 'ethereum', apiKey: KEY, baseUrl: server.apiUrl, pageSize: 1_000, clock: createVirtualClock() });
    const fixture = createFixtureAdapter({ dataset: fixtureOf(moves) });
    const labels = createLabelStore([
      { chain: 'ethereum', address: EXCHANGE, entity: 'Exchange X', category: 'exchange', jurisdictions: ['SC'], confidence: 1, source: 'test' },
    ]);
    const options = {
      seeds: seeds.map((id) => ({ chain: 'ethereum', tx: evmHash(id) })),
      labels,
      maxHops: 4,
      maxDegree: 20_000,
      from: timeOf(SEED_BLOCK - 5),
      caseJurisdiction: 'DE',
    };
    const viaExplorer = await trace({ ...options, adapters: [explorer] });
    const viaFixture = await trace({ ...options, adapters: [fixture] });

    expect(comparable(viaExplorer.report)).toEqual(comparable(viaFixture.report));
    expect(viaExplorer.graph.order).toBe(viaFixture.graph.order);
    expect(viaExplorer.graph.size).toBe(viaFixture.graph.size);
    // The trace did reach the exchange through both layers: a lost page or a doubled block would show here.
    const toExchange = viaExplorer.report.endpoints.filter((e) => e.kind === 'exchange');
    expect(toExchange.length).toBeGreaterThan(0);
    expect(viaExplorer.report.conservation.every((c) => c.balanced)).toBe(true);
    // And it really went past the window: one restart for the collector's token list.
    const restarts = server
      .listRequests()
      .filter((r) => r.query.get('action') === 'tokentx' && r.query.get('page') === '1' && Number(r.query.get('startblock')) > SEED_BLOCK);
    expect(restarts.length).toBeGreaterThanOrEqual(1);
    expect(server.listRequests().every((r) => Number(r.query.get('page')) * Number(r.query.get('offset')) <= 10_000)).toBe(true);
  });

  it('rate-limit answers slow the trace down but do not change it', async () => {
    const { moves, seeds } = scenario();
    // Without the 12,000 airdrops: a short trace whose every third request is rate-limited.
    const small = moves.filter((m) => !(m.to === COLLECTOR && m.from !== VICTIM));
    server = await startEtherscanServer({ apiKey: KEY, data: rowsOf(small), rateLimited: (n) => n % 3 === 0 });
    const clock = createVirtualClock();
    const explorer = createEtherscanAdapter({ chain: 'ethereum', apiKey: KEY, baseUrl: server.apiUrl, clock });
    const fixture = createFixtureAdapter({ dataset: fixtureOf(small) });
    const options = { seeds: seeds.map((id) => ({ chain: 'ethereum', tx: evmHash(id) })), maxHops: 4 };
    const viaExplorer = await trace({ ...options, adapters: [explorer] });
    const viaFixture = await trace({ ...options, adapters: [fixture] });
    expect(comparable(viaExplorer.report)).toEqual(comparable(viaFixture.report));
    const stats = explorer.stats() as { rateLimited?: number };
    expect(stats.rateLimited).toBeGreaterThan(3);
    expect(clock.sleeps.filter((ms) => ms >= 1_000).length).toBeGreaterThan(0);
  });

  it('reads a hub no further than it takes to tell it one, with the same report', async () => {
    // The collector passes 60,000 USDT to a service-like wallet that pays 300 customers twice each, and the rest on.
    const HUB = evmAddress(0x4b0b);
    const moves: Move[] = [
      { kind: 'native', id: 1, block: SEED_BLOCK, txIndex: 0, from: VICTIM, to: USDT, amount: 0n, logIndex: -1, fee: 52_000n * 20n },
      { kind: 'token', id: 1, block: SEED_BLOCK, txIndex: 0, from: VICTIM, to: COLLECTOR, amount: 100_000n * M, logIndex: 0 },
      { kind: 'token', id: 2, block: SEED_BLOCK + 1, txIndex: 0, from: COLLECTOR, to: HUB, amount: 60_000n * M, logIndex: 0 },
      { kind: 'token', id: 3, block: SEED_BLOCK + 1, txIndex: 1, from: COLLECTOR, to: LAYER1, amount: 40_000n * M, logIndex: 0 },
    ];
    for (let i = 0; i < 600; i++) {
      moves.push({ kind: 'token', id: 10 + i, block: SEED_BLOCK + 2 + i, txIndex: 0, from: HUB, to: evmAddress(0x900000 + (i % 300)), amount: M, logIndex: 0 });
    }
    server = await startEtherscanServer({ apiKey: KEY, data: rowsOf(moves) });
    const explorer = createEtherscanAdapter({ chain: 'ethereum', apiKey: KEY, baseUrl: server.apiUrl, pageSize: 100, clock: createVirtualClock() });
    const fixture = createFixtureAdapter({ dataset: fixtureOf(moves) });
    const options = { seeds: [{ chain: 'ethereum', tx: evmHash(1) }], maxHops: 4, maxDegree: 50 };
    const viaExplorer = await trace({ ...options, adapters: [explorer] });
    const viaFixture = await trace({ ...options, adapters: [fixture] });
    expect(comparable(viaExplorer.report)).toEqual(comparable(viaFixture.report));
    const hub = viaExplorer.report.endpoints.find((e) => e.address.toLowerCase() === HUB);
    expect(hub).toMatchObject({ kind: 'high-degree', amount: String(60_000n * M) });
    expect(hub!.reason).toBe('paid more than 50 different addresses in the window: a service-like hub, not expanded (maxDegree, --max-degree)');
    // Its 51st customer is on the first page of 100: the other five pages of its list are never asked for.
    const hubPages = server.listRequests().filter((r) => r.query.get('action') === 'tokentx' && r.query.get('address') === HUB);
    expect(hubPages.map((r) => r.query.get('page'))).toEqual(['1']);
  });

  it('tells a hub from its pages as the fixture does from its whole list, over drawn wallets and page sizes', async () => {
    // A wallet the collector pays, which pays customers (some more than once) among payments it receives, in a drawn
    // order: over the degree limit it is a hub, read to the page where its limit+1-th customer shows; under it, followed.
    const HUB = evmAddress(0x4b0b);
    const worlds = fc
      .record({ limit: fc.integer({ min: 3, max: 40 }), pageSize: fc.integer({ min: 10, max: 100 }), inflows: fc.integer({ min: 0, max: 60 }) })
      .chain((w) =>
        fc.record({
          limit: fc.constant(w.limit),
          pageSize: fc.constant(w.pageSize),
          inflows: fc.constant(w.inflows),
          customers: fc.integer({ min: 1, max: 3 * w.limit }),
          repeats: fc.integer({ min: 1, max: 3 }),
          order: fc.array(fc.nat(), { minLength: 9 * w.limit + w.inflows, maxLength: 9 * w.limit + w.inflows }),
        }),
      );
    await fc.assert(
      fc.asyncProperty(worlds, async (w) => {
        const events = [
          ...Array.from({ length: w.customers * w.repeats }, (_, i) => ({ pay: i % w.customers })),
          ...Array.from({ length: w.inflows }, (_, j) => ({ from: j })),
        ];
        // A drawn order (a stable sort by drawn keys).
        const keyed = events.map((e, i) => ({ e, k: w.order[i]! }));
        keyed.sort((a, b) => a.k - b.k);
        const moves: Move[] = [
          { kind: 'native', id: 1, block: SEED_BLOCK, txIndex: 0, from: VICTIM, to: USDT, amount: 0n, logIndex: -1, fee: 52_000n * 20n },
          { kind: 'token', id: 1, block: SEED_BLOCK, txIndex: 0, from: VICTIM, to: COLLECTOR, amount: 100_000n * M, logIndex: 0 },
          { kind: 'token', id: 2, block: SEED_BLOCK + 1, txIndex: 0, from: COLLECTOR, to: HUB, amount: 60_000n * M, logIndex: 0 },
        ];
        keyed.forEach(({ e }, i) => {
          const [from, to] = 'pay' in e ? [HUB, evmAddress(0x900000 + e.pay)] : [evmAddress(0x800000 + e.from), HUB];
          moves.push({ kind: 'token', id: 10 + i, block: SEED_BLOCK + 2 + i, txIndex: 0, from, to, amount: M, logIndex: 0 });
        });
        server = await startEtherscanServer({ apiKey: KEY, data: rowsOf(moves) });
        const explorer = createEtherscanAdapter({ chain: 'ethereum', apiKey: KEY, baseUrl: server.apiUrl, pageSize: w.pageSize, clock: createVirtualClock() });
        const options = { seeds: [{ chain: 'ethereum', tx: evmHash(1) }], maxHops: 3, maxDegree: w.limit };
        const viaExplorer = await trace({ ...options, adapters: [explorer] });
        const viaFixture = await trace({ ...options, adapters: [createFixtureAdapter({ dataset: fixtureOf(moves) })] });
        const pages = server.listRequests().filter((r) => r.query.get('action') === 'tokentx' && r.query.get('address') === HUB).length;
        await server.close();
        server = undefined;
        expect(comparable(viaExplorer.report)).toEqual(comparable(viaFixture.report));
        const atHub = viaExplorer.report.endpoints.filter((e) => e.address.toLowerCase() === HUB);
        if (w.customers > w.limit) {
          expect(atHub).toMatchObject([{ kind: 'high-degree', amount: String(60_000n * M) }]);
          expect(atHub[0]!.reason).toMatch(/^paid more than \d+ different addresses/);
          // Its list: the collector's payment, then the events; the page holding its limit+1-th customer is the last read.
          const seen = new Set<number>();
          const at = keyed.findIndex(({ e }) => 'pay' in e && seen.add(e.pay).size > w.limit);
          expect(pages).toBe(Math.ceil((at + 2) / w.pageSize));
        } else expect(atHub.map((e) => e.kind)).not.toContain('high-degree');
      }),
      { numRuns: 40 },
    );
  });
});
