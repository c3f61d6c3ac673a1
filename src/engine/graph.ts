import type { MultiDirectedGraph } from 'graphology';
import { graphology } from '../core/lazy.js';
import { formatAddress } from '../core/address.js';
import { transferId } from '../core/movement.js';
import { assetKey } from '../core/asset.js';
import { groupBy } from '../core/group.js';
import type { BoxData } from './conversions.js';
import type { TraceOutcome } from './run.js';
import type { TaintedEdge } from './allocate.js';
import { FlowTransfer, type FlowTable } from './flow-table.js';
import { NodeColumnMap } from './allocate.js';
import { ExpandedKeys } from './expanded-keys.js';
import { splitNodeKey, type TracedTransfer } from './state.js';
import { grow } from '../core/typed-arrays.js';

/** The tainted flow as a graphology MultiDirectedGraph: addresses as nodes, movements with taint as edges. */
export type TraceGraph = MultiDirectedGraph;

/**
 * The finished trace as a graphology MultiDirectedGraph: nodes are `chain|address` with what is known of them,
 * edges are the tainted movements with the taint each carried (decimal strings, so any exporter can use them).
 */
export function buildTraceGraph(outcome: TraceOutcome): TraceGraph {
  const graph = new (graphology().MultiDirectedGraph)();
  const endpointKinds = new Map<string, Set<string>>();
  for (const e of outcome.endpoints) {
    const key = `${e.chain}|${e.address}`;
    endpointKinds.set(key, (endpointKinds.get(key) ?? new Set()).add(e.kind));
  }
  const seedNodes = new Set(outcome.seeds.flatMap((s) => s.transfers.map((t) => `${t.chain}|${t.to}`)));
  const { hops, held: holdings } = outcome.allocation;
  const { expanded } = outcome;
  // `id`: the node's id in the flow when the caller knows it; the allocation's columns are then read by id (no lookup
  // of the key in the flow's index) once the id is seen to name this key.
  const addNode = (node: string, id = -1) => {
    if (graph.hasNode(node)) return;
    const byId = id >= 0 && hops instanceof NodeColumnMap && hops.keyAt(id) === node;
    const { chain, address, entity, category, jurisdictions } = nodeIdentity(outcome, node);
    const held = byId && holdings instanceof NodeColumnMap ? holdings.byId(id) : holdings.get(node);
    graph.addNode(node, {
      chain,
      address,
      hops: (byId ? hops.byId(id) : hops.get(node)) ?? null,
      seed: seedNodes.has(node),
      expanded: byId && expanded instanceof ExpandedKeys ? expanded.hasId(id) : expanded.has(node),
      endpoint: [...(endpointKinds.get(node) ?? [])].sort().join(',') || null,
      deposit: outcome.deposits.has(node),
      entity,
      category,
      jurisdictions,
      held: held ? Object.fromEntries([...held].map(([asset, v]) => [asset, v.toString()])) : {},
    });
  };
  // A flow row's ends are told added by node id (an edge's ends are mostly added already: no lookup by key for them).
  let added = new Uint8Array(0);
  let table: FlowTable | undefined;
  const addEnd = (key: string, tr: TracedTransfer | undefined, end: 'from' | 'to') => {
    if (!(tr instanceof FlowTransfer) || tr.table !== (table ??= tr.table)) return addNode(key);
    const id = end === 'from' ? tr.fromId : tr.toId;
    if (id >= added.length) added = grow(added, tr.table.nodes.length, (n) => new Uint8Array(n));
    if (added[id] === 1) return;
    added[id] = 1;
    addNode(key, id);
  };
  const edges = new TraceEdges(outcome);
  for (let i = 0; i < edges.length; i++) {
    const { key, source, target, attributes } = edges.at(i);
    const tr = edges.movement(i);
    addEnd(source, tr, 'from');
    addEnd(target, tr, 'to');
    graph.addEdgeWithKey(key, source, target, attributes);
  }
  return graph;
}

/** Who a node of the trace graph is: its chain, its address as shown, and what its label (or its service) says. */
export interface NodeIdentity {
  chain: string;
  address: string;
  entity: string | null;
  category: string | null;
  jurisdictions: string | null;
}

export function nodeIdentity(outcome: TraceOutcome, node: string): NodeIdentity {
  const { chain, address } = splitNodeKey(node);
  const label = outcome.labels?.get(chain, address);
  const deposit = outcome.deposits.get(node);
  return {
    chain,
    address: formatAddress(chain, address),
    entity: label?.entity ?? deposit?.label.entity ?? null,
    category: label?.category ?? deposit?.kind ?? null,
    // An inferred deposit address answers where its service does, as the report's tables say.
    jurisdictions: (label ?? deposit?.label)?.jurisdictions.join(';') ?? null,
  };
}

/** An edge of the trace graph: its key, its ends (node keys) and its attributes. */
export interface TraceEdge {
  key: string;
  source: string;
  target: string;
  attributes: Record<string, unknown>;
}

/**
 * The trace graph's edges in the order the graph holds them: the tainted movements, then bridge hand-overs and box
 * joins. buildTraceGraph adds them all; transfers.csv reads their order facts (time, tx, log index) without making
 * them, and makes each edge when its row is written, so a trace of millions of movements never holds them all.
 */
export class TraceEdges {
  readonly length: number;
  private readonly movements: readonly TaintedEdge[];
  /** Bridge hand-overs and box joins (a few per bridge or swap), made at once. */
  private readonly joins: TraceEdge[];

  constructor(outcome: TraceOutcome) {
    this.movements = outcome.allocation.edges;
    this.joins = joinEdges(outcome, this.movements);
    this.length = this.movements.length + this.joins.length;
  }

  /** Edge `i`, made now. */
  at(i: number): TraceEdge {
    const e = this.movements[i];
    return e ? movementEdge(e) : this.joins[i - this.movements.length]!;
  }

  /** Edge `i`'s movement (undefined for a bridge hand-over or box join). */
  movement(i: number): TracedTransfer | undefined {
    return this.movements[i]?.transfer;
  }

  /** Edge `i`'s time (unix seconds), read without making it. */
  time(i: number): number {
    const e = this.movements[i];
    return e ? e.transfer.time : Number(this.joins[i - this.movements.length]!.attributes.time);
  }

  /** Edge `i`'s transaction. */
  tx(i: number): string {
    const e = this.movements[i];
    return e ? e.transfer.tx : String(this.joins[i - this.movements.length]!.attributes.tx);
  }

  /** Edge `i`'s log index (undefined when its movement has none). */
  logIndex(i: number): number | undefined {
    const e = this.movements[i];
    return (e ? e.transfer.logIndex : this.joins[i - this.movements.length]!.attributes.logIndex) as number | undefined;
  }
}

function movementEdge(e: TaintedEdge): TraceEdge {
  // A flow row's movement object is made for this edge and not kept (every tainted movement is read once here).
  const t = e.transfer instanceof FlowTransfer ? e.transfer.table.movementAt(e.transfer.m) : e.transfer.t;
  return {
    key: e.transfer.id ?? transferId(t),
    source: e.transfer.from,
    target: e.transfer.to,
    attributes: {
      tx: t.tx,
      type: t.type,
      logIndex: t.logIndex,
      asset: e.transfer.asset,
      symbol: t.asset.symbol,
      amount: t.amount.toString(),
      taint: e.taint.toString(),
      time: t.time,
      block: t.block,
    },
  };
}

/** The edges that join what the movements do not: bridge hand-overs between chains, and box joins between contracts. */
function joinEdges(outcome: TraceOutcome, movements: readonly TaintedEdge[]): TraceEdge[] {
  const joins: TraceEdge[] = [];
  // A bridge hand-over joins the chains: from the bridge on the source chain to whoever delivered on the destination
  // chain (the delivery itself is a movement edge). `tx` is the deposit, `delivery` the destination transaction. Only
  // to a deliverer the graph holds (an end of an edge before it): the movements' ends are listed when one is asked.
  let ends: Set<string> | undefined;
  for (const h of outcome.handovers ?? []) {
    const c = h.continuation;
    const deliverer = c && `${c.transfer.chain}|${c.transfer.from}`;
    if (!c || !deliverer) continue;
    ends ??= new Set(movements.flatMap((e) => [e.transfer.from, e.transfer.to]));
    if (!ends.has(deliverer)) continue;
    ends.add(h.bridgeNode);
    joins.push({
      key: `bridge|${h.bridgeNode}|${h.tx}|${transferId(c.transfer)}`,
      source: h.bridgeNode,
      target: deliverer,
      attributes: {
        tx: h.tx,
        type: 'bridge',
        logIndex: c.transfer.logIndex,
        asset: assetKey(c.transfer.asset),
        symbol: c.transfer.asset.symbol,
        amount: c.transfer.amount.toString(),
        taint: c.taint.toString(),
        time: c.transfer.time,
        block: c.transfer.block,
        delivery: c.transfer.tx,
      },
    });
  }
  for (const box of outcome.boxes ?? []) boxEdges(box, (key, source, target, attributes) => joins.push({ key, source, target, attributes }));
  return joins;
}

/**
 * A box joins its contracts: from each contract a tainted input entered to each other contract of the same
 * transaction that paid a tainted output (a router in, the pool out; two pools in a row), so a path can be walked
 * from the victim to every recipient. Its taint is the outputs' taint shared by what each input contract took in.
 */
function boxEdges(box: BoxData, edge: (key: string, source: string, target: string, attributes: Record<string, unknown>) => void): void {
  const into = [...groupBy(box.inputs, (e) => e.transfer.to)].map(([to, edges]) => [to, edges.reduce((s, e) => s + e.taint, 0n)] as const);
  const takenIn = into.reduce((s, [, v]) => s + v, 0n);
  for (const [from, outputs] of groupBy(box.outputs, (e) => e.transfer.from)) {
    const paid = outputs.reduce((s, e) => s + e.taint, 0n);
    const first = outputs[0]!.transfer;
    for (const [to, taken] of into) {
      if (to === from) continue;
      edge(`box|${box.tx}|${to}|${from}`, to, from, {
        tx: box.tx,
        type: 'box',
        logIndex: first.t.logIndex,
        asset: first.asset,
        symbol: first.t.asset.symbol,
        amount: outputs.reduce((s, e) => s + e.transfer.t.amount, 0n).toString(),
        taint: ((paid * taken) / (takenIn || 1n)).toString(),
        time: box.time,
        block: box.block,
      });
    }
  }
}
