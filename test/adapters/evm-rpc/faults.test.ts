import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEvmRpcAdapter } from '../../../src/adapters/evm-rpc/adapter.js';
import { registerStablecoin } from '../../../src/core/stablecoins.js';
import { AdapterError } from '../../../src/core/errors.js';
import { trace } from '../../../src/trace/trace.js';
import { reportToJson } from '../../../src/report/json.js';
import { CHAIN } from '../../support/ganache.js';
import { sharedWorld } from '../../support/shared.js';
import type { SharedWorld } from '../../support/services.js';
import { RPC_FAULTS, startFaultProxy } from '../../support/fault-proxy.js';
import { startRpcProxy } from '../../support/rpc-proxy.js';
import { createVirtualClock } from '../../support/virtual-clock.js';

/**
 * The ganache scam case through a proxy breaking 20 % of the JSON-RPC answers with every kind of transient fault
 * (HTTP 429 with Retry-After, 5xx HTML pages, hung and reset connections, cut-off JSON, and the providers' own
 * -32603 / -32000 header not found / -32000 request timed out / -32005 errors at any position of a batch): the
 * report must not change. Permanent answers still fail at once.
 */
let s: SharedWorld<'scam'>;
const closers: Array<() => Promise<void>> = [];
beforeAll(async () => {
  s = await sharedWorld('scam');
  registerStablecoin({ chain: CHAIN, contract: s.usdt.address, symbol: 'USDT', decimals: 6, issuer: 'Tether Operations Limited' });
}, 150_000);
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

const seeds = () => [
  { chain: CHAIN, tx: s.tx.seed1!.transactionHash },
  { chain: CHAIN, tx: s.tx.seed2!.transactionHash },
];

describe('EVM JSON-RPC under fault injection', () => {
  // Seeded runs until every kind of fault has been met and, with batching, a JSON-RPC fault has landed inside a
  // batch past its first element. An address seed reads native value by scanning blocks in batches of headers.
  for (const [name, rpcBatchSize, traceOptions] of [
    ['two victim payments', 1, () => ({ seeds: seeds(), maxHops: 4, minValue: '1' })],
    [
      'an address seed (native value by batched block scans)',
      7,
      () => ({ seeds: [{ chain: CHAIN, address: s.a.collectorA, from: 0, to: 4_102_444_800 }], maxHops: 2, minValue: '1' }),
    ],
    ['another address seed', 100, () => ({ seeds: [{ chain: CHAIN, address: s.a.collectorB, from: 0, to: 4_102_444_800 }], maxHops: 3, minValue: '1' })],
  ] as const) {
    it(`gives the byte-identical report with 20 % of answers broken: ${name}, batches of ${rpcBatchSize}`, { timeout: 240_000 }, async () => {
      const options = traceOptions();
      const clean = await trace({ ...options, adapters: [createEvmRpcAdapter({ url: s.chain.url, chain: CHAIN, rpcBatchSize })] });
      const baseline = reportToJson(clean.report);
      const injected: Record<string, number> = {};
      const inBatch: number[] = [];
      let seed = 0;
      const done = () =>
        Object.keys(injected).length > 0 && Object.values(injected).every((n) => n > 0) && (rpcBatchSize === 1 || inBatch.some((at) => at > 0));
      while (++seed <= 40 && !done()) {
        const proxy = await startFaultProxy(s.chain.url, { rate: 0.2, seed, holdMs: 1_000, bodyFaults: RPC_FAULTS });
        closers.push(() => proxy.close());
        const adapter = createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, rpcBatchSize, timeoutMs: 300, retries: 5, clock: createVirtualClock() });
        const faulty = await trace({ ...options, adapters: [adapter] });
        expect(reportToJson(faulty.report).replaceAll(proxy.url, s.chain.url), `seed ${seed}`).toBe(baseline);
        for (const [kind, n] of Object.entries(proxy.injected)) injected[kind] = (injected[kind] ?? 0) + n;
        inBatch.push(...proxy.picks.filter((p) => p.of > 1).map((p) => p.at));
      }
      const total = Object.values(injected).reduce((a, b) => a + b, 0);
      console.log(
        `EVM RPC, ${name}, batches of ${rpcBatchSize}: ${total} faults survived over ${seed - 1} seeded runs`,
        JSON.stringify(injected),
        `JSON-RPC faults at batch positions ${JSON.stringify(inBatch)}`,
      );
      expect(
        Object.entries(injected)
          .filter(([, n]) => n === 0)
          .map(([k]) => k),
      ).toEqual([]);
      if (rpcBatchSize > 1) expect(inBatch.some((at) => at > 0)).toBe(true);
      expect(clean.report.endpoints.length).toBeGreaterThan(1);
    });
  }

  it('retries a transient error at any position of a batch, keeping every answer in its place', { timeout: 60_000 }, async () => {
    // Block headers for timestamps travel in one batch; each run breaks a different element, once.
    for (const position of [0, 1, 2, 4]) {
      let broken = false;
      let seen = 0;
      const proxy = await startRpcProxy({
        target: s.chain.url,
        intercept: (c) => {
          if (c.method !== 'eth_getBlockByNumber' || broken) return undefined;
          if (seen++ !== position) return undefined;
          broken = true;
          return { error: { code: -32603, message: 'internal error' } };
        },
      });
      // The same proxy without the fault answers the baseline (it words ganache's own errors alike).
      const plain = await startRpcProxy({ target: s.chain.url });
      closers.push(
        () => proxy.close(),
        () => plain.close(),
      );
      const options = { seeds: seeds(), maxHops: 2, minValue: '1' };
      const clean = await trace({ ...options, adapters: [createEvmRpcAdapter({ url: plain.url, chain: CHAIN })] });
      const faulty = await trace({ ...options, adapters: [createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, clock: createVirtualClock() })] });
      expect(broken).toBe(true);
      expect(Math.max(...proxy.batchSizes)).toBeGreaterThan(position);
      expect(reportToJson(faulty.report).replaceAll(proxy.url, plain.url)).toBe(reportToJson(clean.report));
    }
  });

  it('fails with a typed error naming the method and the last fault when the retries run out', { timeout: 60_000 }, async () => {
    const proxy = await startRpcProxy({
      target: s.chain.url,
      intercept: (c) => (c.method === 'eth_getLogs' ? { error: { code: -32603, message: 'internal error' } } : undefined),
    });
    closers.push(() => proxy.close());
    const clock = createVirtualClock();
    const adapter = createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, retries: 2, clock });
    const error = await adapter.getTransfers({ chain: CHAIN, addresses: [s.a.collectorA], direction: 'out' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).shortMessage).toMatch(
      /^EVM RPC request failed after 3 attempts \(eth_getLogs failed: internal error \(code -32603\)\): eth_getLogs at http:\/\/127\.0\.0\.1:\d+;/,
    );
    expect(proxy.count('eth_getLogs')).toBe(3);
    // Backed off between attempts, with jitter around a doubling base.
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps[1]!).toBeGreaterThan(clock.sleeps[0]! / 2);
  });

  it('says a lagging or pruned node kept missing a block when "header not found" persists', { timeout: 60_000 }, async () => {
    const proxy = await startRpcProxy({
      target: s.chain.url,
      intercept: (c) => (c.method === 'eth_getBlockByNumber' ? { error: { code: -32000, message: 'header not found' } } : undefined),
    });
    closers.push(() => proxy.close());
    const adapter = createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, retries: 1, clock: createVirtualClock() });
    const error = await adapter.getTransfers({ chain: CHAIN, addresses: [s.a.collectorA], direction: 'out', fromTime: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).shortMessage).toMatch(
      /after 2 attempts \(eth_getBlockByNumber failed: header not found \(code -32000\)\).*kept missing that block.*archive node/,
    );
  });

  it.each([
    [
      'method not found',
      'eth_getLogs',
      { code: -32601, message: 'the method eth_getLogs does not exist/is not available' },
      /eth_getLogs failed at .*: the method eth_getLogs does not exist\/is not available \(code -32601\)/,
    ],
    [
      'invalid params',
      'eth_getLogs',
      { code: -32602, message: 'invalid argument 0: hex string has leading zero digits after 0x' },
      /eth_getLogs failed at .*: invalid argument 0: hex string has leading zero digits after 0x \(code -32602\)/,
    ],
    [
      'missing trie node on a pruned node',
      'eth_getLogs',
      { code: -32000, message: 'missing trie node 3f1a5c (path ) state 0x3f1a is not available' },
      /lacks the requested historical data .*archive node/,
    ],
  ])('fails at once, without retries, on a permanent answer: %s', { timeout: 60_000 }, async (_name, method, rpcError, message) => {
    const proxy = await startRpcProxy({ target: s.chain.url, intercept: (c) => (c.method === method ? { error: rpcError } : undefined) });
    closers.push(() => proxy.close());
    const clock = createVirtualClock();
    const adapter = createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, clock });
    const error = await adapter
      .getTransfers({
        chain: CHAIN,
        addresses: [s.a.collectorA],
        direction: 'out',
        assets: [{ chain: CHAIN, kind: 'token', contract: s.usdt.address, symbol: 'USDT', decimals: 6 }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).shortMessage).toMatch(message);
    expect(proxy.count(method)).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });
});
