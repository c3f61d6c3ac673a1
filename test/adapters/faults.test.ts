import { afterEach, describe, expect, it } from 'vitest';
import { createEtherscanAdapter } from '../../src/adapters/etherscan/adapter.js';
import { createTronGridAdapter } from '../../src/adapters/tron/adapter.js';
import { createEsploraAdapter } from '../../src/adapters/esplora/adapter.js';
import type { ChainAdapter } from '../../src/adapters/adapter.js';
import { trace, type TraceOptions, type TraceResult } from '../../src/trace/trace.js';
import { reportToJson } from '../../src/report/json.js';
import { TraceIncompleteError } from '../../src/core/errors.js';
import { createVirtualClock } from '../support/virtual-clock.js';
import { ETHERSCAN_FAULTS, startFaultProxy, TRONGRID_FAULTS, type BodyFault } from '../support/fault-proxy.js';
import { startEtherscanServer, type Row } from '../support/etherscan-server.js';
import { evmAddress, timeOf, tokenRow } from '../support/etherscan-data.js';
import { startTronServer, trc20, tronAddress, type Trc20Rec } from '../support/trongrid-server.js';
import { EsploraIndex, loadEarlyBlocks, loadEarlyRawBlocks, startEsploraServer } from '../support/esplora-server.js';
import { createBitcoinCoreAdapter } from '../../src/adapters/bitcoin-core/adapter.js';
import { decodeBlock } from '../../src/adapters/bitcoin/block.js';
import { bitcoinLib } from '../../src/core/bitcoin-network.js';
import { startCoreServer } from './bitcoin-core/core-server.js';
import type { TestServer } from '../support/http-test-server.js';

const bitcoin = bitcoinLib();

/**
 * Fault injection: the same trace through a proxy that breaks 20 % of the answers (seeded: 429s, 5xx, hung
 * connections, resets, malformed and truncated JSON) must give a report byte-identical to the fault-free run.
 */

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
const keep = <T extends TestServer>(s: T): T => {
  closers.push(() => s.close());
  return s;
};

/**
 * The trace through a fault proxy, seed after seed (each seed breaks other requests in other ways) until every
 * kind of fault has been injected at least once: every faulty run's report must equal the fault-free one.
 */
async function survives(
  server: TestServer,
  make: (url: string) => ChainAdapter,
  options: Omit<TraceOptions, 'adapters'>,
  bodyFaults: Record<string, BodyFault> = {},
  maxSeeds = 12,
) {
  const clean = await trace({ ...options, adapters: [make(server.url)] });
  const baseline = reportToJson(clean.report);
  const injected: Record<string, number> = {};
  let seeds = 0;
  for (let seed = 1; seed <= maxSeeds; seed++) {
    const proxy = keep(await startFaultProxy(server.url, { rate: 0.2, seed, holdMs: 1_500, bodyFaults }));
    const faulty = await trace({ ...options, adapters: [make(proxy.url)] });
    // Only where the answers came from may differ: the proxy's port instead of the server's.
    expect(reportToJson(faulty.report).replaceAll(proxy.url, server.url), `seed ${seed}`).toBe(baseline);
    for (const [kind, n] of Object.entries(proxy.injected)) injected[kind] = (injected[kind] ?? 0) + n;
    seeds = seed;
    if (Object.values(injected).every((n) => n > 0)) break;
  }
  const total = Object.values(injected).reduce((a, b) => a + b, 0);
  console.log(`${clean.report.sources.map((x) => x.kind).join(',')}: ${total} faults survived over ${seeds} seeded runs`, JSON.stringify(injected));
  // Every kind was met (and survived).
  expect(
    Object.entries(injected)
      .filter(([, n]) => n === 0)
      .map(([k]) => k),
  ).toEqual([]);
  return { clean, injected, total };
}

/** Core keeps the request's id in its error envelope; HTTP 500 carries a failed single call (JSON-RPC 1.0). */
const CORE_FAULTS: Record<string, BodyFault> = {
  'core -28 warming up': (upstream, pick) => {
    const parsed = JSON.parse(upstream.text) as { id: unknown } | { id: unknown }[];
    const error = { code: -28, message: 'Loading block index…' };
    const at = Array.isArray(parsed) ? pick(parsed.length) : 0;
    const body = Array.isArray(parsed)
      ? parsed.map((item, i) => (i === at ? { result: null, error, id: item.id } : item))
      : { result: null, error, id: parsed.id };
    return { status: Array.isArray(parsed) ? 200 : 500, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  },
  'core work queue': () => ({ status: 503, body: 'Work queue depth exceeded', headers: { 'content-type': 'text/plain' } }),
};
// Short timeouts so a hung connection costs little; a virtual clock so backoff costs nothing.
const fast = () => ({ timeoutMs: 400, retries: 4, clock: createVirtualClock(), rateLimit: false as const });

describe('fault injection: 20 % broken answers change nothing', () => {
  it('Etherscan', { timeout: 120_000 }, async () => {
    const rows: Row[] = [];
    let n = 1;
    rows.push(tokenRow(n++, 10, evmAddress(1), evmAddress(2), '1000000000000'));
    for (let i = 0; i < 8; i++) {
      rows.push(tokenRow(n++, 20 + i, evmAddress(2), evmAddress(100 + i), '100000000000'));
      for (let j = 0; j < 4; j++) rows.push(tokenRow(n++, 40 + i * 4 + j, evmAddress(100 + i), evmAddress(1000 + i * 10 + j), '20000000000'));
    }
    const blocks = Array.from({ length: 100 }, (_, b) => ({ number: b, timestamp: timeOf(b) }));
    const server = keep(await startEtherscanServer({ data: { tokentx: rows, blocks }, apiKey: 'k' }));
    const { clean, total } = await survives(
      server,
      (url) => createEtherscanAdapter({ chain: 'ethereum', apiKey: 'k', baseUrl: `${url}/v2/api`, concurrency: 4, ...fast() }),
      { seeds: [{ chain: 'ethereum', address: evmAddress(2), from: timeOf(0), to: timeOf(99) }] },
      ETHERSCAN_FAULTS,
    );
    expect(clean.report.stats.addressesExpanded).toBeGreaterThan(30);
    expect(total).toBeGreaterThan(5);
  });

  it('TronGrid', { timeout: 120_000 }, async () => {
    const T0 = 1_700_000_000_000;
    const tokens: Trc20Rec[] = [trc20(1, tronAddress(1), tronAddress(2), '900000000', T0)];
    for (let i = 0; i < 9; i++) {
      tokens.push(trc20(10 + i, tronAddress(2), tronAddress(100 + i), '100000000', T0 + 60_000 * (i + 1)));
      for (let j = 0; j < 3; j++)
        tokens.push(trc20(100 + i * 10 + j, tronAddress(100 + i), tronAddress(1000 + i * 10 + j), '30000000', T0 + 3_600_000 + 60_000 * (i * 3 + j)));
    }
    const server = keep(await startTronServer({ data: { trc20: tokens } }));
    const { clean, total } = await survives(
      server,
      (url) => createTronGridAdapter({ baseUrl: url, concurrency: 4, ...fast() }),
      { seeds: [{ chain: 'tron', address: tronAddress(2), from: (T0 - 1000) / 1000, to: (T0 + 86_400_000) / 1000 }] },
      TRONGRID_FAULTS,
    );
    expect(clean.report.stats.addressesExpanded).toBeGreaterThan(20);
    expect(total).toBeGreaterThan(5);
  });

  it('Esplora, tracing real 2009 blocks', { timeout: 120_000 }, async () => {
    const blocks = loadEarlyBlocks();
    const server = keep(await startEsploraServer(new EsploraIndex('bitcoin', blocks)));
    const coinbase9 = blocks.find((b) => b.height === 9)!.transactions[0]!.txid;
    const { clean } = await survives(server, (url) => createEsploraAdapter({ url, chain: 'bitcoin', concurrency: 4, ...fast() }), {
      seeds: [{ chain: 'bitcoin', tx: coinbase9, logIndex: 0 }],
      maxHops: 6,
    });
    expect(clean.report.stats.addressesExpanded).toBeGreaterThan(2);
  });

  it('Bitcoin Core, tracing real 2009 blocks', { timeout: 120_000 }, async () => {
    const raws = loadEarlyRawBlocks();
    const rawHex = new Map<string, string>();
    const blocks = raws.map((raw, i) => {
      for (const tx of bitcoin.Block.fromBuffer(Buffer.from(raw)).transactions ?? []) rawHex.set(tx.getId(), tx.toHex());
      const b = decodeBlock(raw, 'bitcoin');
      return { height: i + 1, hash: b.hash, time: b.time, transactions: b.transactions };
    });
    const server = keep(await startCoreServer(new EsploraIndex('bitcoin', blocks), rawHex, { user: 'u', password: 'core-password-1' }));
    const coinbase9 = blocks.find((b) => b.height === 9)!.transactions[0]!.txid;
    const { clean } = await survives(
      server,
      (url) => {
        const { rateLimit: _none, ...timing } = fast(); // a node of one's own: no rate limit to set
        return createBitcoinCoreAdapter({ url, user: 'u', password: 'core-password-1', chain: 'bitcoin', env: {}, concurrency: 4, ...timing });
      },
      { seeds: [{ chain: 'bitcoin', tx: coinbase9, logIndex: 0 }], maxHops: 6 },
      CORE_FAULTS,
      30, // few requests per trace: more seeded runs to meet every kind
    );
    expect(clean.report.endpoints.length).toBeGreaterThan(0);
  });

  it('when retries run out, the trace stops with a typed error naming the request and keeps a partial, incomplete report', { timeout: 60_000 }, async () => {
    const rows: Row[] = [
      tokenRow(1, 10, evmAddress(1), evmAddress(2), '1000'),
      tokenRow(2, 11, evmAddress(2), evmAddress(3), '600'),
      tokenRow(3, 12, evmAddress(3), evmAddress(4), '600'),
    ];
    const server = keep(
      await startEtherscanServer({ data: { tokentx: rows, blocks: Array.from({ length: 20 }, (_, b) => ({ number: b, timestamp: timeOf(b) })) }, apiKey: 'k' }),
    );
    // Every request about address 3 fails, always.
    const proxy = keep(await startFaultProxy(server.url, { rate: 0 }));
    const broken = keep(await startFaultProxy(server.url, { rate: 1, kinds: ['503'], maxConsecutive: 1_000 }));
    const adapter = createEtherscanAdapter({ chain: 'ethereum', apiKey: 'k', baseUrl: `${proxy.url}/v2/api`, ...fast(), retries: 2 });
    const inner = adapter.getTransfers.bind(adapter);
    const viaBroken = createEtherscanAdapter({ chain: 'ethereum', apiKey: 'k', baseUrl: `${broken.url}/v2/api`, ...fast(), retries: 2 });
    adapter.getTransfers = (q) => (q.addresses.includes(evmAddress(3)) ? viaBroken.getTransfers(q) : inner(q));
    const error = await trace({ seeds: [{ chain: 'ethereum', address: evmAddress(2), from: timeOf(0), to: timeOf(19) }], adapters: [adapter] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TraceIncompleteError);
    const incomplete = error as TraceIncompleteError<TraceResult>;
    // It names the request that failed, and the cause carries its (redacted) URL.
    expect(incomplete.shortMessage).toMatch(/Etherscan request failed after 3 attempts \(HTTP 503\): \S+/);
    expect(JSON.stringify((incomplete.cause as TraceIncompleteError).details)).toContain(`${broken.url}/v2/api`);
    expect(incomplete.partial.report.complete).toBe(false);
    expect(incomplete.partial.report.endpoints.find((e) => e.kind === 'incomplete')?.address.toLowerCase()).toBe(evmAddress(3));
  });
});
