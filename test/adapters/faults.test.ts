import { afterEach, describe, expect, it } from 'vitest';
import { createEtherscanAdapter } from '../../src/adapters/etherscan/adapter.js';
import { createTronGridAdapter } from '../../src/adapters/tron/adapter.js';
import { createEsploraAdapter } from '../../src/adapters/esplora/adapter.js';
import type { ChainAdapter } from '../../src/adapters/adapter.js';
import { trace, type TraceOptions, type TraceResult } from '../../src/engine/trace.js';
import { reportToJson } from '../../src/report/json.js';
import { TraceIncompleteError } from '../../src/core/errors.js';
import { createVirtualClock } from '../support/virtual-clock.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startEtherscanServer, type Row } from '../support/etherscan-server.js';
import { evmAddress, timeOf, tokenRow } from '../support/etherscan-data.js';
import { startTronServer, trc20, tronAddress, type Trc20Rec } from '../support/trongrid-server.js';
import { EsploraIndex, loadEarlyBlocks, startEsploraServer } from '../support/esplora-server.js';
import type { TestServer } from '../support/http-test-server.js';

/**
 * Fault injection: the same trace through a proxy that breaks 20 % of the answers (seeded: 429s, 5xx, hung
 * connections, resets, malformed and truncated JSON) must give a report byte-identical to the fault-free run.
 */

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
const keep = <T extends TestServer>(s: T): T => (closers.push(() => s.close()), s);

async function compare(server: TestServer, make: (url: string) => ChainAdapter, options: Omit<TraceOptions, 'adapters'>, seed = 7) {
  const clean = await trace({ ...options, adapters: [make(server.url)] });
  const proxy = keep(await startFaultProxy(server.url, { rate: 0.2, seed, holdMs: 1_500 }));
  const faulty = await trace({ ...options, adapters: [make(proxy.url)] });
  // Only where the answers came from may differ: the proxy's port instead of the server's.
  const same = (r: TraceResult) => reportToJson(r.report).replaceAll(proxy.url, server.url);
  return { clean, faulty, proxy, same };
}

const injectedTotal = (p: FaultProxy) => Object.values(p.injected).reduce((a, b) => a + b, 0);
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
    const { clean, faulty, proxy, same } = await compare(
      server,
      (url) => createEtherscanAdapter({ chain: 'ethereum', apiKey: 'k', baseUrl: `${url}/v2/api`, concurrency: 4, ...fast() }),
      { seeds: [{ chain: 'ethereum', address: evmAddress(2), from: timeOf(0), to: timeOf(99) }] },
    );
    expect(clean.report.stats.addressesExpanded).toBeGreaterThan(30);
    expect(injectedTotal(proxy)).toBeGreaterThan(5);
    expect(Object.values(proxy.injected).filter((v) => v > 0).length).toBeGreaterThanOrEqual(4);
    expect(same(faulty)).toBe(same(clean));
  });

  it('TronGrid', { timeout: 120_000 }, async () => {
    const T0 = 1_700_000_000_000;
    const tokens: Trc20Rec[] = [trc20(1, tronAddress(1), tronAddress(2), '900000000', T0)];
    for (let i = 0; i < 9; i++) {
      tokens.push(trc20(10 + i, tronAddress(2), tronAddress(100 + i), '100000000', T0 + 60_000 * (i + 1)));
      for (let j = 0; j < 3; j++) tokens.push(trc20(100 + i * 10 + j, tronAddress(100 + i), tronAddress(1000 + i * 10 + j), '30000000', T0 + 3_600_000 + 60_000 * (i * 3 + j)));
    }
    const server = keep(await startTronServer({ data: { trc20: tokens } }));
    const { clean, faulty, proxy, same } = await compare(server, (url) => createTronGridAdapter({ baseUrl: url, concurrency: 4, ...fast() }), {
      seeds: [{ chain: 'tron', address: tronAddress(2), from: (T0 - 1000) / 1000, to: (T0 + 86_400_000) / 1000 }],
    });
    expect(clean.report.stats.addressesExpanded).toBeGreaterThan(20);
    expect(injectedTotal(proxy)).toBeGreaterThan(5);
    expect(same(faulty)).toBe(same(clean));
  });

  it('Esplora, tracing real 2009 blocks', { timeout: 120_000 }, async () => {
    const blocks = loadEarlyBlocks();
    const server = keep(await startEsploraServer(new EsploraIndex('bitcoin', blocks)));
    const coinbase9 = blocks.find((b) => b.height === 9)!.transactions[0]!.txid;
    const { clean, faulty, proxy, same } = await compare(server, (url) => createEsploraAdapter({ url, chain: 'bitcoin', concurrency: 4, ...fast() }), {
      seeds: [{ chain: 'bitcoin', tx: coinbase9, logIndex: 0 }],
      maxHops: 6,
    });
    expect(clean.report.stats.addressesExpanded).toBeGreaterThan(2);
    expect(injectedTotal(proxy)).toBeGreaterThan(0);
    expect(same(faulty)).toBe(same(clean));
  });

  it('when retries run out, the trace stops with a typed error naming the request and keeps a partial, incomplete report', { timeout: 60_000 }, async () => {
    const rows: Row[] = [tokenRow(1, 10, evmAddress(1), evmAddress(2), '1000'), tokenRow(2, 11, evmAddress(2), evmAddress(3), '600'), tokenRow(3, 12, evmAddress(3), evmAddress(4), '600')];
    const server = keep(await startEtherscanServer({ data: { tokentx: rows, blocks: Array.from({ length: 20 }, (_, b) => ({ number: b, timestamp: timeOf(b) })) }, apiKey: 'k' }));
    // Every request about address 3 fails, always.
    const proxy = keep(await startFaultProxy(server.url, { rate: 0 }));
    const broken = keep(await startFaultProxy(server.url, { rate: 1, kinds: ['503'], maxConsecutive: 1_000 }));
    const adapter = createEtherscanAdapter({ chain: 'ethereum', apiKey: 'k', baseUrl: `${proxy.url}/v2/api`, ...fast(), retries: 2 });
    const inner = adapter.getTransfers.bind(adapter);
    const viaBroken = createEtherscanAdapter({ chain: 'ethereum', apiKey: 'k', baseUrl: `${broken.url}/v2/api`, ...fast(), retries: 2 });
    adapter.getTransfers = (q) => (q.addresses.includes(evmAddress(3)) ? viaBroken.getTransfers(q) : inner(q));
    const error = await trace({ seeds: [{ chain: 'ethereum', address: evmAddress(2), from: timeOf(0), to: timeOf(19) }], adapters: [adapter] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceIncompleteError);
    const incomplete = error as TraceIncompleteError<TraceResult>;
    // It names the request that failed, and the cause carries its (redacted) URL.
    expect(incomplete.shortMessage).toMatch(/Etherscan request failed after 3 attempts \(HTTP 503\): \S+/);
    expect(JSON.stringify((incomplete.cause as TraceIncompleteError).details)).toContain(`${broken.url}/v2/api`);
    expect(incomplete.partial.report.complete).toBe(false);
    expect(incomplete.partial.report.endpoints.find((e) => e.kind === 'incomplete')?.address.toLowerCase()).toBe(evmAddress(3));
  });
});
