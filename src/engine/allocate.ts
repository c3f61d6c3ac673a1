import type { TracedTransfer } from './state.js';

export interface TaintedEdge {
  transfer: TracedTransfer;
  taint: bigint;
}

export interface Allocation {
  /** Tainted movements in chronological order. */
  edges: TaintedEdge[];
  /** Taint still held, per node and asset: ledgers of expanded nodes and everything that reached a leaf. */
  held: Map<string, Map<string, bigint>>;
  /** Taint spent on fees, per asset. */
  fees: Map<string, bigint>;
  /** Taint a seed's sender already held when it paid the seed (overlapping seeds), per asset. */
  overlap: Map<string, bigint>;
  /** Smallest hop count per node (seed recipients are 0) and the edge that gives it. */
  hops: Map<string, number>;
  via: Map<string, TaintedEdge>;
}
