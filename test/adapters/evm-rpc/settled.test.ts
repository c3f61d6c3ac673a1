import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvmRpcAdapter } from '../../../src/adapters/evm-rpc/adapter.js';
import { blockOf } from '../../../src/adapters/evm-rpc/call-cache.js';
import { createResponseCache } from '../../../src/cache/store.js';
import { nativeAsset } from '../../../src/core/asset.js';
import { CHAIN } from '../../support/ganache.js';
import { sharedWorld } from '../../support/shared.js';
import type { SharedWorld } from '../../support/services.js';
import { startRpcProxy } from '../../support/rpc-proxy.js';

let w: SharedWorld<'small'>;
let proxy: Awaited<ReturnType<typeof startRpcProxy>>;
beforeAll(async () => {
  w = await sharedWorld('small');
  proxy = await startRpcProxy({ target: w.chain.url });
}, 120_000);
afterAll(async () => {
  await proxy?.close();
});

describe('answers about settled blocks', () => {
  it('are cached for good below the reorg margin, while those near the head expire and are asked again', { timeout: 60_000 }, async () => {
    let now = 1_000_000;
    const head = await w.chain.head();
    for (const margin of [2, Math.floor(head / 2)]) {
      const cache = createResponseCache({ path: ':memory:', volatileTtlSeconds: 600, now: () => now });
      proxy.reset();
      const query = { chain: CHAIN, addresses: [w.a.alice, w.a.bob, w.a.carol], direction: 'both' as const, assets: [nativeAsset(CHAIN)] };
      const first = await createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, cache, reorgMarginBlocks: margin }).getTransfers(query);
      now += 601; // every volatile answer has expired
      proxy.reset();
      const again = await createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, cache, reorgMarginBlocks: margin }).getTransfers(query);
      expect(again).toEqual(first);
      const blocks = proxy.calls.filter((c) => c.method === 'eth_getBlockByNumber').map((c) => Number(c.params[0]));
      // Blocks deeper than the margin came from the cache; the newer ones were asked again.
      expect(blocks.filter((b) => b <= head - margin)).toEqual([]);
      expect(new Set(blocks.filter((b) => b > head - margin))).toEqual(new Set(Array.from({ length: margin }, (_, i) => head - i)));
    }
  });

  it('reads the block an answer is about from the call or from the answer', () => {
    expect(blockOf({ method: 'eth_getBlockByNumber', params: ['0x1f', true] }, {})).toBe(31);
    expect(blockOf({ method: 'eth_getBlockByNumber', params: ['latest', true] }, {})).toBeUndefined();
    expect(blockOf({ method: 'eth_getLogs', params: [{ fromBlock: '0x1', toBlock: '0x20' }] }, [])).toBe(32);
    expect(blockOf({ method: 'eth_getTransactionReceipt', params: ['0xab'] }, { blockNumber: '0x10' })).toBe(16);
    expect(blockOf({ method: 'eth_getTransactionByHash', params: ['0xab'] }, { blockNumber: null })).toBeUndefined();
    expect(blockOf({ method: 'trace_transaction', params: ['0xab'] }, [{ blockNumber: 7 }, { blockNumber: 7 }])).toBe(7);
    expect(blockOf({ method: 'eth_call', params: [{}, 'latest'] }, '0x')).toBeUndefined();
  });
});
