import type { AssetRef, TraceReport } from '../core/schema.js';
import type { TraceGraph } from '../engine/graph.js';
import { groupBy } from '../core/group.js';
import { conversionEdgeId, conversionEdgeIds, displayAmount, isoTime, reportAssets } from './assets.js';
import { largest } from '../core/lists.js';

export const CATEGORY_COLORS: Record<string, string> = {
  exchange: '#1971c2',
  bridge: '#7048e8',
  mixer: '#e8590c',
  sanctioned: '#c92a2a',
  scam: '#862e9c',
  service: '#0c8599',
  defi: '#5c940d',
  other: '#868e96',
  victim: '#f59f00',
  unlabeled: '#adb5bd',
};

/** How the graph draws an edge of each kind: a plain transfer, or a conversion's output (a swap, wrap or unwrap paid it). */
export const EDGE_STYLES = {
  transfer: { size: 1.5, color: '#ced4da' },
  conversion: { size: 3, color: '#343a40' },
} as const;
export type EdgeKind = keyof typeof EDGE_STYLES;

export interface NodeInfo {
  chain: string;
  address: string;
  entity: string | null;
  category: string | null;
  jurisdictions: string | null;
  hops: number | null;
  seed: boolean;
  victim: boolean;
  endpoint: string | null;
  role: string;
  taintedIn: string;
  /** Sum of tainted inflows in display units, as a float: for sizing in graph tools only. */
  taintedInValue: number;
  taintedOut: string;
  held: string;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const sum = (m: Map<string, bigint>, k: string, v: bigint) => m.set(k, (m.get(k) ?? 0n) + v);
const fmtTotals = (m: Map<string, bigint>, assets: ReadonlyMap<string, AssetRef>) =>
  [...m.keys()]
    .sort()
    .map((k) => `${displayAmount(assets, k, m.get(k)!.toString())} ${assets.get(k)?.symbol ?? ''}`.trim())
    .join(' + ');
const displayNumber = (m: Map<string, bigint>, assets: ReadonlyMap<string, AssetRef>) =>
  [...m].reduce((s, [k, v]) => s + Number(displayAmount(assets, k, v.toString())), 0);

/**
 * What the HTML report, GEXF and GraphML show of the trace graph: flat, display-ready node info, a layered layout
 * (x = hop, victims at the left, inside a hop ordered to reduce crossings), colour by category, size by tainted
 * amount received (display only: Number, never used for amounts). Deterministic.
 */
export function graphView(graph: TraceGraph, report: TraceReport) {
  const assets = reportAssets(report);
  const seedTxs = new Set(report.seeds.flatMap((s) => (s.tx ? [s.tx] : [])));
  const flows = taintFlows(graph, seedTxs);
  const y = layerPositions(graph);
  const amounts = new Map<string, number>();
  graph.forEachNode((n) => amounts.set(n, displayNumber(flows.taintIn.get(n) ?? flows.taintOut.get(n) ?? new Map(), assets)));
  const max = largest(amounts.values(), 1);
  const nodes = graph.mapNodes((node, a) => {
    const info = nodeInfo(node, a, flows, assets);
    const category = info.category ?? (info.victim ? 'victim' : 'unlabeled');
    const short = info.address.length > 14 ? `${info.address.slice(0, 6)}…${info.address.slice(-4)}` : info.address;
    return {
      key: node,
      x: (a.hops === null || a.hops === undefined ? -1 : Number(a.hops)) * 6,
      y: -(y.get(node) ?? 0),
      size: 4 + 14 * Math.sqrt((amounts.get(node) ?? 0) / max),
      color: CATEGORY_COLORS[category] ?? CATEGORY_COLORS.unlabeled!,
      // Canvas labels stay short (the tooltip and tables have the full text).
      label: `${info.seed ? 'SEED ' : ''}${clip(info.entity ?? short, 24)}`,
      info,
    };
  });
  const conversions = conversionEdgeIds(report);
  const edges = graph.mapEdges((key, a, source, target) => {
    const logIndex = a.logIndex === undefined || a.logIndex === null ? -1 : Number(a.logIndex);
    const kind: EdgeKind =
      conversions.size > 0 && conversions.has(conversionEdgeId(String(a.tx), logIndex, String(graph.getNodeAttribute(target, 'address')), String(a.asset)))
        ? 'conversion'
        : 'transfer';
    return {
      key,
      source,
      target,
      tx: String(a.tx),
      amount: `${displayAmount(assets, String(a.asset), String(a.taint))} ${String(a.symbol ?? '')}`.trim(),
      time: isoTime(Number(a.time)),
      t: Number(a.time),
      seed: seedTxs.has(String(a.tx)) && flows.victims.has(source),
      ...EDGE_STYLES[kind],
      kind,
      raw: {
        chain: String(graph.getNodeAttribute(source, 'chain')),
        type: a.type === undefined || a.type === null ? '' : String(a.type),
        logIndex,
        block: a.block === undefined || a.block === null ? -1 : Number(a.block),
        asset: String(a.asset),
        symbol: String(a.symbol ?? ''),
        amount: String(a.amount),
        taint: String(a.taint),
        taintDisplay: displayAmount(assets, String(a.asset), String(a.taint)),
      },
    };
  });
  return { nodes, edges, conversions: conversions.size > 0 };
}

/** Taint in and out of each node per asset, and the victims (senders of seed payments, outside the trace's hops). */
interface Flows {
  taintIn: Map<string, Map<string, bigint>>;
  taintOut: Map<string, Map<string, bigint>>;
  victims: Set<string>;
}

function taintFlows(graph: TraceGraph, seedTxs: ReadonlySet<string>): Flows {
  const taintIn = new Map<string, Map<string, bigint>>();
  const taintOut = new Map<string, Map<string, bigint>>();
  const victims = new Set<string>();
  graph.forEachEdge((_k, a, source, target) => {
    const v = BigInt(String(a.taint));
    sum(taintIn.get(target) ?? taintIn.set(target, new Map()).get(target)!, String(a.asset), v);
    sum(taintOut.get(source) ?? taintOut.set(source, new Map()).get(source)!, String(a.asset), v);
    if (seedTxs.has(String(a.tx)) && graph.getNodeAttribute(target, 'seed') && graph.getNodeAttribute(source, 'hops') === null) victims.add(source);
  });
  return { taintIn, taintOut, victims };
}

/** Layers: victims at -1, then hops; inside a layer ordered by the mean position of the senders (fewer crossings). */
function layerPositions(graph: TraceGraph): Map<string, number> {
  const layers = groupBy(graph.nodes(), (node) => {
    const hops = graph.getNodeAttribute(node, 'hops');
    return hops === null || hops === undefined ? -1 : Number(hops);
  });
  const y = new Map<string, number>();
  for (const layer of [...layers.keys()].sort((p, q) => p - q)) {
    const nodes = layers.get(layer)!;
    // Each node's weight worked out once, before the sort: it reads the layers above alone, which the sort does not change.
    const weights = new Map<string, number>();
    for (const n of nodes) {
      let sum = 0;
      let count = 0;
      graph.forEachInNeighbor(n, (m) => {
        const at = y.get(m);
        if (at === undefined) return;
        sum += at;
        count++;
      });
      weights.set(n, count ? sum / count : 0);
    }
    nodes.sort((p, q) => weights.get(p)! - weights.get(q)! || (p < q ? -1 : p > q ? 1 : 0));
    nodes.forEach((n, i) => y.set(n, (i - (nodes.length - 1) / 2) * 2));
  }
  return y;
}

/** One node's display-ready info: label, role, taint in, out and held as text. */
function nodeInfo(node: string, a: Record<string, unknown>, flows: Flows, assets: ReadonlyMap<string, AssetRef>): NodeInfo {
  const victim = flows.victims.has(node);
  const endpoint = (a.endpoint as string | null) ?? null;
  const held = new Map(Object.entries((a.held ?? {}) as Record<string, string>).map(([k, v]) => [k, BigInt(v)]));
  return {
    chain: String(a.chain),
    address: String(a.address),
    entity: (a.entity as string | null) ?? null,
    category: (a.category as string | null) ?? null,
    jurisdictions: a.jurisdictions === null || a.jurisdictions === undefined ? null : String(a.jurisdictions) || 'unknown',
    hops: a.hops === null || a.hops === undefined ? null : Number(a.hops),
    seed: Boolean(a.seed),
    victim,
    endpoint,
    role: [
      victim ? 'victim' : '',
      a.seed ? 'seed recipient' : '',
      a.deposit ? 'inferred deposit address' : '',
      endpoint ? `endpoint: ${endpoint}` : '',
      a.expanded ? 'expanded' : '',
    ]
      .filter(Boolean)
      .join(', '),
    taintedIn: fmtTotals(flows.taintIn.get(node) ?? new Map(), assets),
    taintedInValue: displayNumber(flows.taintIn.get(node) ?? new Map(), assets),
    taintedOut: fmtTotals(flows.taintOut.get(node) ?? new Map(), assets),
    held: fmtTotals(held, assets),
  };
}
