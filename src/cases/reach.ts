import { normalizeAddress } from '../core/address.js';
import { groupBy } from '../core/group.js';
import type { AssetRef, TraceReport } from '../core/schema.js';
import type { TraceGraph } from '../engine/graph.js';
import { reportAssets } from '../report/assets.js';
import type { Payment } from './schema.js';

/** Roles of a reached address besides the endpoint kinds (exchange, unspent, bridge, …). */
export type ReachedRole = 'seed' | 'intermediate' | 'swept' | string;

/** One address a case's tainted funds reached, per asset: what the case database keeps of a trace for convergence. */
export interface ReachedAddress {
  chain: string;
  /** Normalized (EVM lower-case hex): the form SQL compares. */
  address: string;
  assetKey: string;
  asset: AssetRef;
  /** Tainted base units received (sum over the tainted transfers into the address). */
  amount: string;
  /** Unix seconds of the first and last tainted transfer into the address. */
  firstSeen: number;
  lastSeen: number;
  hops: number | null;
  /**
   * The endpoint kind when a branch stopped here (exchange, unspent, bridge, mixer, …, `contract`: taint a contract
   * such as a DEX pool kept in a swap, which many unrelated traders share); otherwise `seed` (received
   * victim payments), `intermediate` (expanded and passed funds on) or `swept` (an exchange wallet a deposit address
   * swept into: not expanded, the deposit address is the endpoint).
   */
  role: ReachedRole;
  entity?: string;
  category?: string;
  /** `chain|key` of the case's payments whose funds can reach this address along tainted transfers in time order. */
  payments: string[];
}

const txNorm = (tx: string) => tx.toLowerCase().replace(/^0x/, '');

function safeNormalize(chain: string, address: string): string {
  try {
    return normalizeAddress(chain, address);
  } catch {
    return address;
  }
}

interface EdgeAttrs {
  /** 'box' joins a transaction's contracts (engine/graph.ts): a path, not a movement. */
  type?: string;
  tx: string;
  logIndex: number;
  asset: string;
  taint: string;
  time: number;
}

interface TaintedEdge {
  source: string;
  target: string;
  attrs: EdgeAttrs;
  taint: bigint;
}

/** Tainted base units a node received of one asset, and when the first and last came. */
interface Acc {
  amount: bigint;
  first: number;
  last: number;
}

type ReportEndpoint = TraceReport['endpoints'][number];

/**
 * The addresses a trace reached (every node with a tainted inflow), with amount, times, role and the payments that
 * lead there. Payment attribution: a payment reaches an address when a chain of tainted transfers, each no earlier
 * than the one before, leads from the payment's recipient to it: an upper bound of whose money is there under any
 * taint model.
 */
export function reachedAddresses(result: { report: TraceReport; graph: TraceGraph }, payments: readonly Payment[]): ReachedAddress[] {
  const { report, graph } = result;
  const assets = reportAssets(report);
  const endpoints = endpointIndex(report);
  const tainted: TaintedEdge[] = [];
  graph.forEachEdge((_edge, attrs, source, target) => {
    const taint = BigInt((attrs as EdgeAttrs).taint);
    if (taint > 0n) tainted.push({ source, target, attrs: attrs as EdgeAttrs, taint });
  });
  const reachedBy = paymentsReaching(payments, tainted, graph);

  const rows: ReachedAddress[] = [];
  for (const [node, perAsset] of inflows(tainted)) {
    const attrs = graph.getNodeAttributes(node) as NodeAttrs;
    const sep = node.indexOf('|');
    const chain = node.slice(0, sep);
    const address = node.slice(sep + 1);
    for (const [assetKey, acc] of perAsset) {
      const endpoint = endpoints.get(`${chain}|${address}|${assetKey}`);
      rows.push(
        reachedRow({ chain, address, assetKey, acc, attrs, endpoint, reportAsset: assets.get(assetKey), payments: [...(reachedBy.get(node) ?? [])].sort() }),
      );
    }
  }
  return rows.sort((a, b) => (a.chain + a.address + a.assetKey < b.chain + b.address + b.assetKey ? -1 : 1));
}

/** The report's endpoints by `chain|address|assetKey` (normalized as the graph's keys), first one kept. */
function endpointIndex(report: TraceReport): Map<string, ReportEndpoint> {
  const endpoints = new Map<string, ReportEndpoint>();
  for (const e of report.endpoints) {
    const asset = `${e.asset.chain}:${e.asset.kind === 'native' ? 'native' : safeNormalize(e.asset.chain, e.asset.contract ?? '')}`;
    const key = `${e.chain}|${safeNormalize(e.chain, e.address)}|${asset}`;
    if (!endpoints.has(key)) endpoints.set(key, e);
  }
  return endpoints;
}

/** What the tainted transfers bring each node, per asset. */
function inflows(tainted: readonly TaintedEdge[]): Map<string, Map<string, Acc>> {
  const byNode = new Map<string, Map<string, Acc>>();
  for (const { target, attrs: a, taint } of tainted) {
    if (a.type === 'box') continue;
    let perAsset = byNode.get(target);
    if (!perAsset) byNode.set(target, (perAsset = new Map()));
    const prev = perAsset.get(a.asset);
    perAsset.set(
      a.asset,
      prev
        ? { amount: prev.amount + taint, first: Math.min(prev.first, a.time), last: Math.max(prev.last, a.time) }
        : { amount: taint, first: a.time, last: a.time },
    );
  }
  return byNode;
}

/** Per node, the `chain|key` of every payment whose funds arrive there along tainted transfers in time order. */
function paymentsReaching(payments: readonly Payment[], tainted: readonly TaintedEdge[], graph: TraceGraph): Map<string, Set<string>> {
  const out = groupBy(tainted, (e) => e.source);
  const byTx = groupBy(tainted, (e) => txNorm(e.attrs.tx));
  const reachedBy = new Map<string, Set<string>>();
  for (const p of payments) {
    const id = `${p.chain}|${p.key}`;
    for (const node of arrivals(p, out, byTx, graph).keys()) {
      const set = reachedBy.get(node);
      if (set) set.add(id);
      else reachedBy.set(node, new Set([id]));
    }
  }
  return reachedBy;
}

/** Earliest arrival of one payment's funds at each node it reaches. */
function arrivals(p: Payment, out: Map<string, TaintedEdge[]>, byTx: Map<string, TaintedEdge[]>, graph: TraceGraph): Map<string, number> {
  const arrival = new Map<string, number>();
  const queue: string[] = [];
  const arrive = (node: string, time: number) => {
    const known = arrival.get(node);
    if (known !== undefined && known <= time) return;
    arrival.set(node, time);
    queue.push(node);
  };
  if (p.tx !== undefined) {
    for (const e of byTx.get(txNorm(p.tx)) ?? []) {
      if ((p.logIndex === undefined || e.attrs.logIndex === p.logIndex) && e.target.startsWith(`${p.chain}|`)) arrive(e.target, e.attrs.time);
    }
  } else if (p.address !== undefined) {
    const node = `${p.chain}|${p.address}`;
    if (graph.hasNode(node)) arrive(node, p.time);
  }
  while (queue.length > 0) {
    const node = queue.pop()!;
    const at = arrival.get(node)!;
    for (const e of out.get(node) ?? []) if (e.attrs.time >= at) arrive(e.target, e.attrs.time);
  }
  return arrival;
}

interface NodeAttrs {
  chain: string;
  hops: number | null;
  seed: boolean;
  expanded: boolean;
  entity: string | null;
  category: string | null;
}

/** One row: the asset as the report names it (or as the graph key says), the role, the label of node or endpoint. */
function reachedRow(r: {
  chain: string;
  address: string;
  assetKey: string;
  acc: Acc;
  attrs: NodeAttrs;
  endpoint: ReportEndpoint | undefined;
  reportAsset: AssetRef | undefined;
  payments: string[];
}): ReachedAddress {
  const { chain, assetKey, attrs, endpoint, reportAsset } = r;
  const contract = assetKey.slice(assetKey.indexOf(':') + 1);
  const asset: AssetRef = reportAsset
    ? { ...reportAsset, ...(reportAsset.kind === 'token' ? { contract } : {}) }
    : { chain, kind: contract === 'native' ? 'native' : 'token', ...(contract === 'native' ? {} : { contract }), symbol: '?', decimals: 0 };
  const role = endpoint?.kind ?? (attrs.seed ? 'seed' : attrs.expanded ? 'intermediate' : 'swept');
  const entity = attrs.entity ?? endpoint?.entity;
  const category = attrs.category ?? endpoint?.category;
  return {
    chain,
    address: r.address,
    assetKey,
    asset,
    amount: r.acc.amount.toString(),
    firstSeen: r.acc.first,
    lastSeen: r.acc.last,
    hops: attrs.hops ?? endpoint?.hops ?? null,
    role,
    ...(entity ? { entity } : {}),
    ...(category ? { category } : {}),
    payments: r.payments,
  };
}
