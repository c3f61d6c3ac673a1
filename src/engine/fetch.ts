import { groupBy } from '../core/group.js';
import pLimit from 'p-limit';
import type { AccountTransfer } from '../core/movement.js';
import type { Pacer } from '../core/pace.js';
import type { AssetRef } from '../core/schema.js';
import type { ChainAdapter, TransferIds, TransferTable } from '../adapters/adapter.js';
import { adapterFor } from './sources.js';

/** An address to read: a flow node, or a chain and address. */
export type FrontierNode = { chain: string; address: string };

export interface FrontierRequest<N extends FrontierNode = FrontierNode> {
  /** The addresses to read (flow nodes give their own strings, which a source's index may hold already). */
  nodes: readonly N[];
  adapters: readonly ChainAdapter[];
  assetsByChain: ReadonlyMap<string, AssetRef[]>;
  window: { from?: number; to?: number };
  /** The most movements read per address: the source cuts a longer list (`truncated`). */
  maxMovements: number;
  /** The source may stop reading an address once it paid more different addresses than this (a hub, not followed). */
  maxPayees?: number;
  concurrency: number;
  signal?: AbortSignal;
  /** Turns of the event loop between batches (core/pace.ts): a source that answers without waiting gives none. */
  pace?: Pacer;
  /**
   * Each source's table (adapter.ts TransferIds), as its answers gave it (filled here), and the ids of nodes' addresses
   * in a table: a request to a source that answered by ids before names its addresses by their ids too (a source's
   * index of addresses by string is a wait for memory per address).
   */
  ids?: { tables: WeakMap<ChainAdapter, TransferTable>; of(table: TransferTable, nodes: readonly N[]): Int32Array };
}

/**
 * One source answer: the movements of a batch of addresses, and those of its addresses the source cut short. The
 * movements come as objects, or by ids from a source that keeps a table (adapter.ts TransferIds): then the answer's
 * objects are never read.
 */
export type FrontierAnswer<N extends FrontierNode = FrontierNode> = {
  chain: string;
  /** The batch's addresses, as the request gave them (the engine's nodes: no lookup by address to find them). */
  nodes: N[];
  /** Addresses with more movements than maxMovements (the source stopped collecting them). */
  truncated: string[];
} & ({ transfers: AccountTransfer[]; ids?: undefined } | { ids: TransferIds; transfers?: undefined });

/**
 * Fetches both directions for a whole frontier, in batches as large as each source takes. Answers come in batch
 * order, as the sources gave them: the engine counts each address's movements in its own answer (a source that
 * ignores maxPerAddress still must not make it expand a hub) as it takes them in, without a pass of its own here.
 */
export async function fetchFrontier<N extends FrontierNode>(req: FrontierRequest<N>): Promise<FrontierAnswer<N>[]> {
  const byChain = groupBy(req.nodes, (n) => n.chain);
  const limit = pLimit(req.concurrency);
  const jobs: Promise<FrontierAnswer<N>>[] = [];
  for (const [chain, nodes] of [...byChain].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const adapter = adapterFor(req.adapters, chain);
    const size = Math.max(1, adapter.capabilities.maxAddressesPerCall);
    for (let i = 0; i < nodes.length; i += size) {
      const batchNodes = nodes.slice(i, i + size);
      const batch = batchNodes.map((n) => n.address);
      const table = req.ids?.tables.get(adapter);
      const addressIds = table ? { table, ids: req.ids!.of(table, batchNodes) } : undefined;
      jobs.push(
        limit(async () => {
          await req.pace?.();
          req.signal?.throwIfAborted();
          const assets = req.assetsByChain.get(chain);
          const result = await adapter.getTransfers({
            chain,
            addresses: batch,
            direction: 'both',
            ...(req.window.from !== undefined ? { fromTime: req.window.from } : {}),
            ...(req.window.to !== undefined ? { toTime: req.window.to } : {}),
            ...(assets ? { assets } : {}),
            maxPerAddress: req.maxMovements,
            ...(req.maxPayees !== undefined ? { maxPayees: req.maxPayees } : {}),
            ...(addressIds ? { addressIds } : {}),
            ...(req.signal ? { signal: req.signal } : {}),
          });
          const ids = usableIds(result.ids);
          if (ids) req.ids?.tables.set(adapter, ids.table);
          const head = { chain, nodes: batchNodes, truncated: result.truncated };
          return ids ? { ...head, ids } : { ...head, transfers: result.transfers };
        }),
      );
    }
  }
  return Promise.all(jobs);
}

/** A source's ids, when they are whole: one row and two address ids per transfer, each within the table. */
function usableIds(ids: TransferIds | undefined): TransferIds | undefined {
  if (!ids) return undefined;
  const { table, row, from, to } = ids;
  const n = row.length;
  if (from.length !== n || to.length !== n) return undefined;
  for (let i = 0; i < n; i++) {
    if (!(row[i]! >= 0 && row[i]! < table.rows && from[i]! >= 0 && from[i]! < table.addresses && to[i]! >= 0 && to[i]! < table.addresses)) return undefined;
  }
  return ids;
}

/** An answer's movements as objects (made from its table when it came by ids). */
export function transfersOf(answer: FrontierAnswer): AccountTransfer[] {
  if (answer.transfers) return answer.transfers;
  const { table, row } = answer.ids;
  return Array.from(row, (r) => table.transfer(r));
}
