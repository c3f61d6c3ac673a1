import type { TracedTransfer } from './state.js';

export interface TaintedEdge {
  transfer: TracedTransfer;
  taint: bigint;
}

export interface Allocation {
  /** Tainted movements in chronological order (the flow's list is made when first read: most traces never read it). */
  readonly edges: TaintedEdge[];
  /** How many tainted movements: `edges.length`, known without making the list. */
  readonly edgeCount: number;
  /** Taint still held, per node and asset: ledgers of expanded nodes and everything that reached a leaf. */
  held: ReadonlyMap<string, ReadonlyMap<string, bigint>>;
  /** Taint spent on fees, per asset. */
  fees: Map<string, bigint>;
  /** Taint a seed's sender already held when it paid the seed (overlapping seeds), per asset. */
  overlap: Map<string, bigint>;
  /** Smallest hop count per node (seed recipients are 0) and the edge that gives it. */
  hops: ReadonlyMap<string, number>;
  via: ReadonlyMap<string, TaintedEdge>;
}

/**
 * A read-only map over nodes by id, as the flow's snapshot gives `hops`, `via` and `held`: one index of node keys
 * to ids serves all three, and each value is read from columns by id when asked, so the snapshot keeps no map per
 * node. Keys iterate in id order (the order the flow met the nodes), as the maps filled in that order did.
 */
export class NodeColumnMap<V> implements ReadonlyMap<string, V> {
  constructor(
    /** Node key -> id, for every node of any of the maps over the same snapshot (a Map, or a lookup over one). */
    private readonly index: { get(key: string): number | undefined },
    /** Keys by id (undefined: no node of this snapshot). */
    private readonly keyOf: readonly (string | undefined)[],
    /** The value of a node by id; undefined when the node is not in this map. */
    private readonly read: (id: number) => V | undefined,
    readonly size: number,
  ) {}

  get(key: string): V | undefined {
    const id = this.index.get(key);
    return id === undefined ? undefined : this.read(id);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** The id of `key`'s node (undefined: none of this snapshot), for readers that walk by id: no key hashed per step. */
  idOf(key: string): number | undefined {
    return this.index.get(key);
  }

  /** The key of node `id` (undefined: none of this snapshot). */
  keyAt(id: number): string | undefined {
    return this.keyOf[id];
  }

  /** The value of node `id`, as `get` gives it for its key. */
  byId(id: number): V | undefined {
    return this.keyOf[id] === undefined ? undefined : this.read(id);
  }

  /** One past the largest id. */
  get ids(): number {
    return this.keyOf.length;
  }

  *entries(): MapIterator<[string, V]> {
    const { keyOf } = this;
    for (let id = 0; id < keyOf.length; id++) {
      const key = keyOf[id];
      if (key === undefined) continue;
      const v = this.read(id);
      if (v !== undefined) yield [key, v];
    }
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}
