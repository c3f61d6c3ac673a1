import pLimit from 'p-limit';
import type { AccountTransfer } from '../core/movement.js';
import type { AssetRef } from '../core/schema.js';
import type { ChainAdapter } from '../adapters/adapter.js';
import { adapterFor } from './sources.js';
import { nodeKey, splitNodeKey } from './state.js';

export interface FrontierRequest {
  nodes: readonly string[];
  adapters: readonly ChainAdapter[];
  assetsByChain: ReadonlyMap<string, AssetRef[]>;
  window: { from?: number; to?: number };
  maxDegree: number;
  concurrency: number;
  signal?: AbortSignal;
}

export interface FrontierResult {
  transfers: AccountTransfer[];
  /** Nodes with more movements than maxDegree: not expanded, reported high-degree. */
  highDegree: Set<string>;
}

/** Fetches both directions for a whole frontier, in batches as large as each source takes. */
export async function fetchFrontier(req: FrontierRequest): Promise<FrontierResult> {
  const byChain = new Map<string, string[]>();
  for (const node of req.nodes) {
    const { chain, address } = splitNodeKey(node);
    const list = byChain.get(chain);
    if (list) list.push(address);
    else byChain.set(chain, [address]);
  }
  const limit = pLimit(req.concurrency);
  const jobs: Promise<{ chain: string; addresses: string[]; transfers: AccountTransfer[]; truncated: string[] }>[] = [];
  for (const [chain, addresses] of [...byChain].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const adapter = adapterFor(req.adapters, chain);
    const size = Math.max(1, adapter.capabilities.maxAddressesPerCall);
    for (let i = 0; i < addresses.length; i += size) {
      const batch = addresses.slice(i, i + size);
      jobs.push(
        limit(async () => {
          req.signal?.throwIfAborted();
          const assets = req.assetsByChain.get(chain);
          const result = await adapter.getTransfers({
            chain,
            addresses: batch,
            direction: 'both',
            ...(req.window.from !== undefined ? { fromTime: req.window.from } : {}),
            ...(req.window.to !== undefined ? { toTime: req.window.to } : {}),
            ...(assets ? { assets } : {}),
            maxPerAddress: req.maxDegree,
            ...(req.signal ? { signal: req.signal } : {}),
          });
          return { chain, addresses: batch, ...result };
        }),
      );
    }
  }
  const results = await Promise.all(jobs);
  const transfers: AccountTransfer[] = [];
  const highDegree = new Set<string>();
  for (const r of results) {
    for (const a of r.truncated) highDegree.add(nodeKey(r.chain, a));
    // A source that ignores maxPerAddress still must not make us expand a hub.
    const degree = new Map<string, number>(r.addresses.map((a) => [a, 0]));
    for (const t of r.transfers) {
      const n = degree.get(t.from);
      if (n !== undefined) degree.set(t.from, n + 1);
      if (t.to === t.from) continue;
      const m = degree.get(t.to);
      if (m !== undefined) degree.set(t.to, m + 1);
    }
    for (const [a, n] of degree) if (n > req.maxDegree) highDegree.add(nodeKey(r.chain, a));
    // No spread: one answer can hold more movements than a call takes as arguments.
    for (const t of r.transfers) transfers.push(t);
  }
  return { transfers, highDegree };
}
