import { beforeAll, describe, expect, it } from 'vitest';
import { createEvmRpcAdapter } from '../../../src/adapters/evm-rpc/adapter.js';
import { tracePosition } from '../../../src/adapters/evm-rpc/map.js';
import type { AccountTransfer } from '../../../src/core/movement.js';
import type { AssetRef } from '../../../src/core/schema.js';
import { CHAIN, type Receipt } from '../../support/ganache.js';
import { ETH } from '../../support/ganache-world.js';
import { sharedWorld } from '../../support/shared.js';
import type { SharedWorld } from '../../support/services.js';
import { startRpcProxy, type ParityTrace } from '../../support/rpc-proxy.js';

let w: SharedWorld<'small'>;
const native: AssetRef = { chain: CHAIN, kind: 'native', symbol: 'ETH', decimals: 18 };
const view = (t: AccountTransfer) => `${t.type} ${t.from}->${t.to} ${t.amount} ${t.asset.symbol} ${t.tx}:${t.logIndex}`;

beforeAll(async () => {
  w = await sharedWorld('small');
}, 120_000);

describe('adaptive block ranges behind a provider-style span cap', { timeout: 60_000 }, () => {
  for (const spanError of ['suggest', 'plain'] as const) {
    it(`loses nothing when eth_getLogs is capped (${spanError === 'suggest' ? 'error suggests a range' : 'bare "block range limit exceeded"'})`, async () => {
      const addresses = [w.a.alice, w.a.bob, w.a.carol, w.a.lookalike];
      const direct = await createEvmRpcAdapter({ url: w.chain.url, chain: CHAIN }).getTransfers({ chain: CHAIN, addresses, direction: 'both', fromTime: 0 });
      const capped = await startRpcProxy({ target: w.chain.url, maxBlockSpan: 3, spanError });
      try {
        const adapter = createEvmRpcAdapter({ url: capped.url, chain: CHAIN, traceFilter: false });
        const result = await adapter.getTransfers({ chain: CHAIN, addresses, direction: 'both', fromTime: 0 });
        expect(result.transfers.filter((t) => t.type === 'token').length).toBe(8);
        expect(result).toEqual(direct);
        const getLogs = capped.calls.filter((c) => c.method === 'eth_getLogs');
        const head = await w.chain.head();
        // Refused wide requests, then chunks of at most 3 blocks covering every block, per direction.
        expect(getLogs.length).toBeGreaterThanOrEqual(2 * Math.ceil((head + 1) / 3));
        const served = getLogs
          .map((c) => c.params[0] as { fromBlock: string; toBlock: string; topics: (string[] | null)[] })
          .filter((f) => Number(f.toBlock) - Number(f.fromBlock) < 3 && f.topics[1] !== null)
          .map((f) => [Number(f.fromBlock), Number(f.toBlock)] as const)
          .sort((x, y) => x[0] - y[0]);
        let next = 0;
        for (const [from, to] of served) {
          expect(from).toBe(next);
          next = to + 1;
        }
        expect(next).toBe(head + 1);
      } finally {
        await capped.close();
      }
    });
  }
});

/** What a tracing node (Erigon, Reth, Nethermind) would answer for the world's real transactions. */
function tracesOf(world: SharedWorld<'small'>): ParityTrace[] {
  const call = (r: Receipt, from: string, to: string, value: bigint, traceAddress: number[], extra: Partial<ParityTrace> = {}): ParityTrace => ({
    type: 'call',
    action: { callType: 'call', from, to, gas: '0x0', input: '0x', value: `0x${value.toString(16)}` },
    result: { gasUsed: '0x0', output: '0x' },
    blockHash: `0x${'00'.repeat(32)}`,
    blockNumber: Number(r.blockNumber),
    subtraces: 0,
    traceAddress,
    transactionHash: r.transactionHash,
    transactionPosition: Number(r.transactionIndex),
    ...extra,
  });
  const { tx, a, forwarder, usdt } = world;
  const reward: ParityTrace = {
    type: 'reward',
    action: { author: a.carol, rewardType: 'block', value: '0x4563918244f40000' },
    result: null,
    blockNumber: Number(tx.forward!.blockNumber),
    traceAddress: [],
    transactionHash: null,
    transactionPosition: null,
  };
  return [
    call(tx.ethAliceBob!, a.alice, a.bob, ETH, []),
    call(tx.aliceBob!, a.alice, usdt.address, 0n, []),
    call(tx.forward!, a.dave, forwarder.address, 2n * ETH, [], { subtraces: 1 }),
    call(tx.forward!, forwarder.address, a.carol, 2n * ETH, [0]),
    // delegatecall carries the caller's value context but moves nothing
    call(tx.forward!, forwarder.address, a.carol, 2n * ETH, [0, 0], {
      action: { callType: 'delegatecall', from: forwarder.address, to: a.carol, value: '0x1' },
    }),
    reward,
    call(tx.reverted!, a.dave, forwarder.address, 3n * ETH, [], { error: 'Reverted', subtraces: 1 }),
    call(tx.reverted!, forwarder.address, a.carol, 3n * ETH, [0]),
    call(tx.ethBobCarol!, a.bob, a.carol, ETH / 2n, []),
  ];
}

describe('native value through trace_filter', { timeout: 60_000 }, () => {
  it('reveals internal transfers, skips reverted frames and still splits capped ranges', async () => {
    const tracing = await startRpcProxy({ target: w.chain.url, traces: tracesOf(w), maxBlockSpan: 4 });
    try {
      const adapter = createEvmRpcAdapter({ url: tracing.url, chain: CHAIN });
      const { transfers } = await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.carol, w.a.dave], direction: 'both', assets: [native] });
      const fee = (r: Receipt) => BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice);
      expect(transfers.map(view)).toEqual([
        `native ${w.a.dave}->${w.forwarder.address} ${2n * ETH} ETH ${w.tx.forward!.transactionHash}:-1`,
        `internal ${w.forwarder.address}->${w.a.carol} ${2n * ETH} ETH ${w.tx.forward!.transactionHash}:${tracePosition([0])}`,
        `native ${w.a.bob}->${w.a.carol} ${ETH / 2n} ETH ${w.tx.ethBobCarol!.transactionHash}:-1`,
      ]);
      expect(transfers[0]!.fee).toBe(fee(w.tx.forward!));
      expect(transfers[1]!.fee).toBeUndefined();
      expect(transfers[1]!.time).toBe(await w.chain.blockTime(Number(w.tx.forward!.blockNumber)));
      expect(transfers[1]!.txIndex).toBe(0);
      expect(adapter.capabilities.internalTransfers).toBe(true);
      expect(adapter.notes(CHAIN)).toEqual([]);
      expect(tracing.count('eth_getBlockByNumber')).toBeLessThan(10); // no block scan: only headers for times
      expect(tracing.count('trace_filter')).toBeGreaterThan(4); // probe + split chunks per direction
    } finally {
      await tracing.close();
    }
  });

  it('resolves a seed transaction with its internal transfers through trace_transaction', async () => {
    const tracing = await startRpcProxy({ target: w.chain.url, traces: tracesOf(w) });
    try {
      const adapter = createEvmRpcAdapter({ url: tracing.url, chain: CHAIN });
      const { transfers } = await adapter.getTransaction(CHAIN, w.tx.forward!.transactionHash);
      expect(transfers.map((t) => `${t.type} ${t.from}->${t.to} ${t.amount}`)).toEqual([
        `native ${w.a.dave}->${w.forwarder.address} ${2n * ETH}`,
        `internal ${w.forwarder.address}->${w.a.carol} ${2n * ETH}`,
      ]);
      expect(tracing.count('trace_transaction')).toBe(1);
    } finally {
      await tracing.close();
    }
  });

  it('the traceFilter option forces the block scan even on a tracing node', async () => {
    const tracing = await startRpcProxy({ target: w.chain.url, traces: tracesOf(w) });
    try {
      const adapter = createEvmRpcAdapter({ url: tracing.url, chain: CHAIN, traceFilter: false });
      const { transfers } = await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.carol], direction: 'in', assets: [native] });
      expect(transfers.map((t) => t.type)).toEqual(['native']);
      expect(tracing.count('trace_filter')).toBe(0);
    } finally {
      await tracing.close();
    }
  });
});
