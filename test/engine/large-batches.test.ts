import { describe, expect, it } from 'vitest';
import { trace } from '../../src/trace/trace.js';
import { collectEndpoints } from '../../src/engine/endpoints.js';
import type { Allocation, TaintedEdge } from '../../src/engine/allocate.js';
import type { ChainAdapter } from '../../src/adapters/adapter.js';
import type { AccountTransfer } from '../../src/core/movement.js';
import type { AssetRef } from '../../src/core/schema.js';
import { nodeKey, shownFields } from '../../src/engine/state.js';

// More movements in one answer, or more tainted inflows at one endpoint, than a JavaScript call takes as spread
// arguments (about 120,000 on Node 20): a busy exchange wallet or a wide frontier reaches that in a real case.
const N = 200_000;
const USDT: AssetRef = { chain: 'ethereum', kind: 'token', contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 };
const hub = '0x00000000000000000000000000000000000000aa';
const sender = (i: number) => `0x${i.toString(16).padStart(40, '0')}`;
const transfer = (i: number): AccountTransfer => ({
  chain: 'ethereum',
  type: 'token',
  from: sender(i),
  to: hub,
  asset: USDT,
  amount: 1n,
  tx: `0x${i.toString(16).padStart(64, '0')}`,
  logIndex: 0,
  block: i,
  time: 1_760_000_000 + i,
});

describe('engine on very large batches', () => {
  // The stub answers every call with all N movements, whatever maxPerAddress says: the engine must count them itself.
  const stub = (transfers: AccountTransfer[]): ChainAdapter => ({
    kind: 'stub',
    capabilities: { maxAddressesPerCall: 1_000, internalTransfers: true },
    supports: (chain) => chain === 'ethereum',
    getTransfers: async () => ({ transfers, truncated: [] }),
    getTransaction: async (chain, tx) => ({ chain, tx, transfers: transfers.filter((t) => t.tx === tx) }),
    notes: () => [],
    stats: () => ({ requests: 0, cacheHits: 0 }),
  });

  it('takes one adapter answer with more movements than a call can spread', async () => {
    const transfers = Array.from({ length: N }, (_, i) => transfer(i));
    const { report } = await trace({ seeds: [{ chain: 'ethereum', tx: transfers[0]!.tx }], adapters: [stub(transfers)], builtinLabels: false, maxDegree: N });
    expect(report.stats.transfersSeen).toBe(N);
    expect(report.endpoints.map((e) => [e.kind, e.amount])).toEqual([['unspent', '1']]);
  }, 30_000);

  it('reports a hub the source did not cut as high-degree, counting the addresses it paid itself', async () => {
    // One payment into the hub (the seed), then N - 1 payments out of it to different addresses, one more than the degree limit allows.
    const transfers = Array.from({ length: N }, (_, i) => (i === 0 ? transfer(i) : { ...transfer(i), from: hub, to: sender(N + i) }));
    const { report } = await trace({
      seeds: [{ chain: 'ethereum', tx: transfers[0]!.tx }],
      adapters: [stub(transfers)],
      builtinLabels: false,
      maxDegree: N - 2,
      maxMovements: N,
    });
    expect(report.stats.transfersSeen).toBe(1);
    expect(report.endpoints.map((e) => [e.kind, e.amount])).toEqual([['high-degree', '1']]);
  }, 30_000);

  it('reports an endpoint that received more tainted movements than a call can spread', async () => {
    const to = nodeKey('ethereum', hub);
    const edges: TaintedEdge[] = Array.from({ length: N }, (_, i) => {
      const t = transfer(i);
      return { transfer: { id: `${i}`, t, ...shownFields(t), from: nodeKey('ethereum', t.from), to, asset: 'ethereum:usdt' }, taint: 1n };
    });
    const allocation: Allocation = {
      edges,
      edgeCount: edges.length,
      held: new Map([[to, new Map([['ethereum:usdt', BigInt(N)]])]]),
      fees: new Map(),
      overlap: new Map(),
      hops: new Map([[to, 1]]),
      via: new Map([[to, edges[0]!]]),
    };
    const [endpoint, ...rest] = await collectEndpoints({
      allocation,
      inflows: new Map([[to, edges]]),
      expanded: new Set(),
      stops: new Map([[to, { kind: 'hop-limit', reason: 'hop limit 1 reached' }]]),
      deposits: new Map(),
      assets: new Map([['ethereum:usdt', USDT]]),
      seedTx: new Map(),
    });
    expect(rest).toEqual([]);
    expect(endpoint).toMatchObject({ kind: 'hop-limit', amount: BigInt(N), firstSeen: 1_760_000_000, lastSeen: 1_760_000_000 + N - 1 });
    expect(endpoint!.txs).toHaveLength(N);
  }, 30_000);
});
