/**
 * getTransactionMovements and getContracts of the JSON-RPC source on generated swap worlds (real ganache, real
 * signed transactions through AMM pools, a router, a WETH9-style wrapper and a splitter). The reference is
 * test/support/swap-oracle.ts, which reads the chain its own way (struct-log traces, receipts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEvmRpcAdapter } from '../../../src/adapters/evm-rpc/adapter.js';
import type { AccountTransfer } from '../../../src/core/movement.js';
import { CHAIN } from '../../support/ganache.js';
import { startRpcProxy } from '../../support/rpc-proxy.js';
import { readTxMovements, type Movement } from '../../support/swap-oracle.js';
import { buildSwapWorld, drawSwapPlan, type SwapWorld } from '../../support/swap-world.js';

type Proxy = Awaited<ReturnType<typeof startRpcProxy>>;
const key = (from: string, to: string, asset: string, amount: bigint) => `${from}>${to}:${asset}:${amount}`;
const ofAdapter = (list: AccountTransfer[]) => list.map((m) => key(m.from, m.to, m.type === 'token' ? m.asset.contract! : 'native', m.amount)).sort();
const ofOracle = (list: Movement[]) => list.map((m) => key(m.from, m.to, m.raw, m.amount)).sort();

/** The calls of each HTTP request the proxy received, in arrival order. */
function requestsOf(proxy: Proxy): string[][] {
  const out: string[][] = [];
  let at = 0;
  for (const size of proxy.batchSizes) {
    out.push(proxy.calls.slice(at, at + size).map((c) => c.method));
    at += size;
  }
  return out;
}

/** The oracle's movements of the laundering transactions, read straight from the node. */
async function oracleMovements(world: SwapWorld, hashes: string[]): Promise<Movement[]> {
  const weth = world.tokens.WETH.address.toLowerCase();
  const code = new Map<string, boolean>();
  for (const h of hashes) {
    const tx = (await world.chain.request('eth_getTransactionByHash', [h])) as { to: string | null };
    const to = tx.to?.toLowerCase();
    if (to && !code.has(to)) code.set(to, ((await world.chain.request('eth_getCode', [to, 'latest'])) as string) !== '0x');
  }
  const read = await Promise.all(hashes.map((h) => readTxMovements(world.chain.request, h, weth, (a) => code.get(a) === true)));
  return read.flatMap((t) => t.movements);
}

const seeds = fc.sample(fc.integer({ min: 1, max: 2 ** 31 - 1 }), 3);

describe.each(seeds)('transaction movements, swap world seed %i', (seed) => {
  it('match the oracle in one batched request, contracts from code, and say when internal value is not visible', async () => {
    const world = await buildSwapWorld(drawSwapPlan(seed));
    const proxy = await startRpcProxy({ target: world.chain.url });
    const noTrace = await startRpcProxy({
      target: world.chain.url,
      intercept: (call) =>
        call.method === 'debug_traceTransaction'
          ? { error: { code: -32601, message: 'the method debug_traceTransaction does not exist/is not available' } }
          : undefined,
    });
    try {
      const weth = world.tokens.WETH.address.toLowerCase();
      const hashes = world.txs.filter((t) => t.role === 'launder').map((t) => t.hash);
      const expected = await oracleMovements(world, hashes);
      expect(expected.some((m) => m.kind === 'internal')).toBe(true);

      const adapter = createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, wrappedNative: [weth], traceFilter: false });
      const got = await adapter.getTransactionMovements(CHAIN, hashes);
      expect(ofAdapter(got.movements)).toEqual(ofOracle(expected));
      expect(got.internalVisible).toBe(true);
      // One HTTP request carried every receipt, transaction and trace.
      const carrying = requestsOf(proxy).filter((r) => r.includes('eth_getTransactionReceipt'));
      expect(carrying).toHaveLength(1);
      expect(carrying[0]!.filter((m) => m === 'eth_getTransactionReceipt')).toHaveLength(hashes.length);
      expect(carrying[0]!.filter((m) => m === 'debug_traceTransaction')).toHaveLength(hashes.length);
      for (const m of got.movements.filter((x) => x.type === 'token')) expect(m.asset.symbol).not.toBe('?');
      for (const m of got.movements) expect(m.tx).toMatch(/^0x[0-9a-f]{64}$/);

      const addresses = [...new Set([...expected.flatMap((m) => [m.from, m.to]), ...world.clean, ...Object.values(world.actors)])];
      const contracts = await adapter.getContracts(CHAIN, addresses);
      expect([...contracts].sort()).toEqual(addresses.filter((a) => world.contracts.has(a)).sort());
      for (const a of world.clean) expect(contracts.has(a)).toBe(false);
      proxy.reset();
      await adapter.getContracts(CHAIN, addresses);
      expect(proxy.count('eth_getCode')).toBe(0); // remembered

      const blind = createEvmRpcAdapter({ url: noTrace.url, chain: CHAIN, wrappedNative: [weth], traceFilter: false });
      const seen = await blind.getTransactionMovements(CHAIN, hashes);
      expect(seen.internalVisible).toBe(false);
      expect(seen.notes.join(' ')).toMatch(/Internal native value is not visible .*conversions are missing/);
      expect(ofAdapter(seen.movements)).toEqual(ofOracle(expected.filter((m) => m.kind !== 'internal')));
      expect(blind.notes(CHAIN).join(' ')).toMatch(/not visible/);
    } finally {
      await Promise.all([proxy.close(), noTrace.close()]);
      await world.chain.close();
    }
  }, 240_000);
});
