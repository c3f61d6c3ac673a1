import type { MultiDirectedGraph } from 'graphology';
import { graphology } from '../core/lazy.js';
import { formatAddress } from '../core/address.js';
import { transferId } from '../core/movement.js';
import { assetKey } from '../core/asset.js';
import { groupBy } from '../core/group.js';
import type { BoxData } from './conversions.js';
import type { TraceOutcome } from './run.js';
import { splitNodeKey } from './state.js';

/** The tainted flow as a graphology MultiDirectedGraph: addresses as nodes, movements with taint as edges. */
export type TraceGraph = MultiDirectedGraph;

/**
 * The finished trace as a graphology MultiDirectedGraph: nodes are `chain|address` with what is known of them,
 * edges are the tainted movements with the taint each carried (decimal strings, so any exporter can use them).
 */
export function buildTraceGraph(outcome: TraceOutcome): TraceGraph {
  const graph = new (graphology().MultiDirectedGraph)();
  const { allocation } = outcome;
  const endpointKinds = new Map<string, Set<string>>();
  for (const e of outcome.endpoints) {
    const key = `${e.chain}|${e.address}`;
    endpointKinds.set(key, (endpointKinds.get(key) ?? new Set()).add(e.kind));
  }
  const seedNodes = new Set(outcome.seeds.flatMap((s) => s.transfers.map((t) => `${t.chain}|${t.to}`)));
  const addNode = (node: string) => {
    if (graph.hasNode(node)) return;
    const { chain, address } = splitNodeKey(node);
    const label = outcome.labels?.get(chain, address);
    const held = allocation.held.get(node);
    graph.addNode(node, {
      chain,
      address: formatAddress(chain, address),
      hops: allocation.hops.get(node) ?? null,
      seed: seedNodes.has(node),
      expanded: outcome.expanded.has(node),
      endpoint: [...(endpointKinds.get(node) ?? [])].sort().join(',') || null,
      deposit: outcome.deposits.has(node),
      entity: label?.entity ?? outcome.deposits.get(node)?.label.entity ?? null,
      category: label?.category ?? outcome.deposits.get(node)?.kind ?? null,
      // An inferred deposit address answers where its service does, as the report's tables say.
      jurisdictions: (label ?? outcome.deposits.get(node)?.label)?.jurisdictions.join(';') ?? null,
      held: held ? Object.fromEntries([...held].map(([asset, v]) => [asset, v.toString()])) : {},
    });
  };
  for (const e of allocation.edges) {
    addNode(e.transfer.from);
    addNode(e.transfer.to);
    const t = e.transfer.t;
    graph.addEdgeWithKey(e.transfer.id ?? transferId(t), e.transfer.from, e.transfer.to, {
      tx: t.tx,
      type: t.type,
      logIndex: t.logIndex,
      asset: e.transfer.asset,
      symbol: t.asset.symbol,
      amount: t.amount.toString(),
      taint: e.taint.toString(),
      time: t.time,
      block: t.block,
    });
  }
  // A bridge hand-over joins the chains: from the bridge on the source chain to whoever delivered on the destination
  // chain (the delivery itself is an edge above). `tx` is the deposit, `delivery` the destination transaction.
  for (const h of outcome.handovers ?? []) {
    const c = h.continuation;
    const deliverer = c && `${c.transfer.chain}|${c.transfer.from}`;
    if (!c || !deliverer || !graph.hasNode(deliverer)) continue;
    addNode(h.bridgeNode);
    graph.addEdgeWithKey(`bridge|${h.bridgeNode}|${h.tx}|${transferId(c.transfer)}`, h.bridgeNode, deliverer, {
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
    });
  }
  for (const box of outcome.boxes ?? []) addBoxEdges(graph, box, addNode);
  return graph;
}

/**
 * A box joins its contracts: from each contract a tainted input entered to each other contract of the same
 * transaction that paid a tainted output (a router in, the pool out; two pools in a row), so a path can be walked
 * from the victim to every recipient. Its taint is the outputs' taint shared by what each input contract took in.
 */
function addBoxEdges(graph: TraceGraph, box: BoxData, addNode: (node: string) => void): void {
  const into = [...groupBy(box.inputs, (e) => e.transfer.to)].map(([to, edges]) => [to, edges.reduce((s, e) => s + e.taint, 0n)] as const);
  const takenIn = into.reduce((s, [, v]) => s + v, 0n);
  for (const [from, outputs] of groupBy(box.outputs, (e) => e.transfer.from)) {
    const paid = outputs.reduce((s, e) => s + e.taint, 0n);
    const first = outputs[0]!.transfer;
    for (const [to, taken] of into) {
      if (to === from) continue;
      addNode(to);
      addNode(from);
      graph.addEdgeWithKey(`box|${box.tx}|${to}|${from}`, to, from, {
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
