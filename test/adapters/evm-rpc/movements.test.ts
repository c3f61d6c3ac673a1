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
import { startRpcProxy, type Answer, type ParityTrace } from '../../support/rpc-proxy.js';
import { readTxMovements, type Movement, type TxMovements } from '../../support/swap-oracle.js';
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

/** The oracle's reading of the laundering transactions, straight from the node. */
async function oracleRead(world: SwapWorld, hashes: string[]): Promise<TxMovements[]> {
  const weth = world.tokens.WETH.address.toLowerCase();
  const code = new Map<string, boolean>();
  for (const h of hashes) {
    const tx = (await world.chain.request('eth_getTransactionByHash', [h])) as { to: string | null };
    const to = tx.to?.toLowerCase();
    if (to && !code.has(to)) code.set(to, ((await world.chain.request('eth_getCode', [to, 'latest'])) as string) !== '0x');
  }
  return Promise.all(hashes.map((h) => readTxMovements(world.chain.request, h, weth, (a) => code.get(a) === true)));
}

const hex = (n: bigint) => `0x${n.toString(16)}`;
const REVERTED = { type: 'CALL', from: `0x${'aa'.repeat(20)}`, to: `0x${'bb'.repeat(20)}`, value: '0x5', error: 'execution reverted' };

/**
 * What a geth node answers debug_traceTransaction with {tracer: 'callTracer'}: the oracle's internal calls as
 * frames under the top call, plus a reverted frame carrying value (with a value call inside) that moved nothing.
 */
function callTracerAnswers(read: TxMovements[], txs: Map<string, { from: string; to: string; value: string }>): (hash: string) => Answer {
  return (hash) => {
    const t = read.find((r) => r.hash === hash)!;
    const tx = txs.get(hash)!;
    const calls = t.movements.filter((m) => m.kind === 'internal').map((m) => ({ type: 'CALL', from: m.from, to: m.to, value: hex(m.amount) }));
    return {
      result: { type: 'CALL', from: tx.from, to: tx.to, value: tx.value, calls: [...calls, { ...REVERTED, calls: [{ ...REVERTED, error: undefined }] }] },
    };
  };
}

/** The same as parity traces (trace_transaction), with the reverted frame and its child. */
function parityTraces(read: TxMovements[], txs: Map<string, { from: string; to: string; value: string }>): ParityTrace[] {
  return read.flatMap((t, p) => {
    const tx = txs.get(t.hash)!;
    const base = { blockNumber: 1, transactionHash: t.hash, transactionPosition: p };
    const call = (from: string, to: string, value: string, traceAddress: number[], error?: string): ParityTrace => ({
      ...base,
      type: 'call',
      action: { callType: 'call', from, to, value },
      traceAddress,
      ...(error ? { error } : {}),
    });
    const internal = t.movements.filter((m) => m.kind === 'internal');
    return [
      call(tx.from, tx.to, tx.value, []),
      ...internal.map((m, i) => call(m.from, m.to, hex(m.amount), [i])),
      call(REVERTED.from, REVERTED.to, '0x5', [internal.length], 'Reverted'),
      call(REVERTED.to, REVERTED.from, '0x7', [internal.length, 0]),
    ];
  });
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
      const read = await oracleRead(world, hashes);
      const expected = read.flatMap((t) => t.movements);
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
      // Token metadata was asked only of the contracts whose logs moved value (the oracle's token and wrapper
      // contracts): the pools' Swap and Sync events, and the router's calls, are no tokens and give no note.
      const tokens = new Set(expected.filter((m) => m.raw !== 'native').map((m) => m.raw));
      const asked = new Set(proxy.calls.filter((c) => c.method === 'eth_call').map((c) => (c.params[0] as { to: string }).to.toLowerCase()));
      expect(asked.size).toBeGreaterThan(0);
      for (const contract of asked) expect(tokens.has(contract)).toBe(true);
      expect(got.notes.join(' ')).not.toMatch(/did not answer symbol/);
      expect(adapter.notes(CHAIN).join(' ')).not.toMatch(/did not answer symbol/);
      // chain id, the batch, block headers, token metadata; asked again, only the batch goes out.
      expect(requestsOf(proxy).length).toBeLessThanOrEqual(4);
      proxy.reset();
      proxy.batchSizes.length = 0;
      expect(ofAdapter((await adapter.getTransactionMovements(CHAIN, hashes)).movements)).toEqual(ofOracle(expected));
      expect(proxy.httpRequests()).toBe(1);
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

      // geth's callTracer and parity's trace_transaction give the same movements; reverted frames move nothing.
      const txs = new Map<string, { from: string; to: string; value: string }>();
      for (const h of hashes) txs.set(h, (await world.chain.request('eth_getTransactionByHash', [h])) as { from: string; to: string; value: string });
      const answer = callTracerAnswers(read, txs);
      const geth = await startRpcProxy({
        target: world.chain.url,
        intercept: (call) => (call.method === 'debug_traceTransaction' ? answer(String(call.params[0])) : undefined),
      });
      const parity = await startRpcProxy({ target: world.chain.url, traces: parityTraces(read, txs) });
      try {
        const viaGeth = await createEvmRpcAdapter({ url: geth.url, chain: CHAIN, wrappedNative: [weth] }).getTransactionMovements(CHAIN, hashes);
        expect(ofAdapter(viaGeth.movements)).toEqual(ofOracle(expected));
        const viaParity = createEvmRpcAdapter({ url: parity.url, chain: CHAIN, wrappedNative: [weth], traceFilter: true });
        expect(ofAdapter((await viaParity.getTransactionMovements(CHAIN, hashes)).movements)).toEqual(ofOracle(expected));
        expect(parity.count('trace_transaction')).toBe(hashes.length);
        expect(parity.count('debug_traceTransaction')).toBe(0);
      } finally {
        await Promise.all([geth.close(), parity.close()]);
      }
    } finally {
      await Promise.all([proxy.close(), noTrace.close()]);
      await world.chain.close();
    }
  }, 240_000);
});
