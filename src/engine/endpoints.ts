import type { AssetRef, EndpointKind, Label } from '../core/schema.js';
import { freezableStablecoin } from '../core/stablecoins.js';
import { bridgeEntry, findBridge } from '../heuristics/bridges.js';
import type { Allocation, TaintedEdge } from './allocate.js';
import { splitNodeKey } from './state.js';

/** Why an address was not expanded (or, for expanded ones, nothing: their remainder is 'unspent'). */
export interface StopReason {
  kind: Exclude<EndpointKind, 'unspent'>;
  reason: string;
  label?: Label;
}

export interface DepositInference {
  label: Label;
  sweptTo: Set<string>;
}

export interface EndpointData {
  kind: EndpointKind;
  reason: string;
  chain: string;
  address: string;
  asset: AssetRef;
  amount: bigint;
  hops: number;
  firstSeen: number;
  lastSeen: number;
  txs: string[];
  path: string[];
  label?: Label;
  depositAddress?: string;
  depositInferred?: boolean;
  sweptTo?: string[];
  freezable?: { issuer: string };
  bridge?: { protocol: string; name: string; destinationChain?: string };
}

export interface EndpointInput {
  allocation: Allocation;
  expanded: ReadonlySet<string>;
  stops: ReadonlyMap<string, StopReason>;
  deposits: ReadonlyMap<string, DepositInference>;
  assets: ReadonlyMap<string, AssetRef>;
  /** Earliest seed tx per seed node, so every path starts at a victim payment. */
  seedTx: ReadonlyMap<string, string>;
}

/**
 * Every unit of taint still held somewhere becomes part of exactly one endpoint: leaves by their stop reason,
 * expanded addresses as 'unspent'. Taint that an inferred deposit address swept into its exchange is reported at
 * the deposit address, which is what a freeze or disclosure request names.
 */
export function collectEndpoints(input: EndpointInput): EndpointData[] {
  const { allocation, expanded, stops, deposits } = input;
  const inbound = new Map<string, TaintedEdge[]>();
  for (const e of allocation.edges) {
    const list = inbound.get(e.transfer.to);
    if (list) list.push(e);
    else inbound.set(e.transfer.to, [e]);
  }
  const endpoints: EndpointData[] = [];
  const nodes = [...allocation.held.keys()].sort();
  for (const node of nodes) {
    const held = allocation.held.get(node)!;
    const stop = expanded.has(node) ? undefined : stops.get(node);
    for (const assetKey of [...held.keys()].sort()) {
      const amount = held.get(assetKey)!;
      if (amount === 0n) continue;
      const asset = input.assets.get(assetKey)!;
      const edgesIn = (inbound.get(node) ?? []).filter((e) => e.transfer.asset === assetKey);
      if (!stop) {
        const freeze = freezableStablecoin(asset.chain, asset.contract);
        endpoints.push({
          ...base(input, node, asset, amount, edgesIn),
          kind: 'unspent',
          reason: expanded.has(node) ? 'funds still at this address at the end of the window' : 'not expanded',
          ...(freeze ? { freezable: { issuer: freeze.issuer } } : {}),
        });
        continue;
      }
      if (stop.kind !== 'exchange') {
        const bridge = stop.kind === 'bridge' ? bridgeOf(node) : undefined;
        endpoints.push({
          ...base(input, node, asset, amount, edgesIn),
          kind: stop.kind,
          reason: bridge ? `${stop.reason}; ${bridge.reason}` : stop.reason,
          ...(stop.label ? { label: stop.label } : {}),
          ...(bridge ? { bridge: { protocol: bridge.protocol, name: bridge.name, ...(bridge.destinationChain ? { destinationChain: bridge.destinationChain } : {}) } } : {}),
        });
        continue;
      }
      // Exchange wallet: split what arrived through inferred deposit addresses from what arrived directly.
      const groups = new Map<string, TaintedEdge[]>();
      for (const e of edgesIn) {
        const dep = deposits.get(e.transfer.from);
        const key = dep && dep.label.entity === stop.label?.entity ? e.transfer.from : node;
        const list = groups.get(key);
        if (list) list.push(e);
        else groups.set(key, [e]);
      }
      for (const depositNode of [...groups.keys()].sort()) {
        const sweeps = groups.get(depositNode)!;
        const part = sweeps.reduce((s, e) => s + e.taint, 0n);
        if (depositNode === node) {
          endpoints.push({
            ...base(input, node, asset, part, sweeps),
            kind: 'exchange',
            reason: stop.reason,
            ...(stop.label ? { label: stop.label } : {}),
            depositAddress: splitNodeKey(node).address,
            depositInferred: false,
          });
          continue;
        }
        const intoDeposit = (inbound.get(depositNode) ?? []).filter((e) => e.transfer.asset === assetKey);
        const ep = base(input, depositNode, asset, part, intoDeposit);
        const entity = deposits.get(depositNode)!.label;
        endpoints.push({
          ...ep,
          txs: [...new Set([...ep.txs, ...sweeps.map((e) => e.transfer.t.tx)])].sort(),
          kind: 'exchange',
          reason: `unlabeled address forwarded what it received to ${entity.entity}'s labeled wallet: inferred deposit address`,
          label: entity,
          depositAddress: splitNodeKey(depositNode).address,
          depositInferred: true,
          sweptTo: [...deposits.get(depositNode)!.sweptTo].map((n) => splitNodeKey(n).address).sort(),
        });
      }
    }
  }
  return mergeSameEndpoint(endpoints);
}

/** Protocol and destination of a bridge in the registry (src/heuristics/bridges.ts), if the address is one. */
function bridgeOf(node: string) {
  const { chain, address } = splitNodeKey(node);
  const bridge = findBridge(chain, address);
  return bridge ? bridgeEntry(bridge) : undefined;
}

const pathMemos = new WeakMap<EndpointInput, Map<string, readonly string[]>>();
const paths = (input: EndpointInput) => {
  let memo = pathMemos.get(input);
  if (!memo) pathMemos.set(input, (memo = new Map()));
  return memo;
};

function base(input: EndpointInput, node: string, asset: AssetRef, amount: bigint, edgesIn: TaintedEdge[]) {
  const { chain, address } = splitNodeKey(node);
  // A reduce, not Math.min(...times): a busy endpoint can have more inflows than a call takes as arguments.
  let firstSeen = Number.POSITIVE_INFINITY;
  let lastSeen = Number.NEGATIVE_INFINITY;
  for (const e of edgesIn) {
    if (e.transfer.t.time < firstSeen) firstSeen = e.transfer.t.time;
    if (e.transfer.t.time > lastSeen) lastSeen = e.transfer.t.time;
  }
  return {
    chain,
    address,
    asset,
    amount,
    hops: input.allocation.hops.get(node) ?? 0,
    firstSeen: edgesIn.length ? firstSeen : 0,
    lastSeen: edgesIn.length ? lastSeen : 0,
    txs: [...new Set(edgesIn.map((e) => e.transfer.t.tx))].sort(),
    path: pathTo(input, node, paths(input)),
  };
}

function pathTo(input: EndpointInput, node: string, memo: Map<string, readonly string[]>): string[] {
  // Walk up to the first node whose path is known (or a seed), then fill the memo on the way back: endpoints share
  // most of their paths, so each node's path is built once.
  const chain: string[] = [];
  const seen = new Set<string>();
  let current = node;
  let known = memo.get(current);
  while (!known && !seen.has(current)) {
    const edge = input.allocation.via.get(current);
    if (!edge) break;
    seen.add(current);
    chain.push(current);
    current = edge.transfer.from;
    known = memo.get(current);
  }
  let path: readonly string[] = known ?? (input.seedTx.has(current) ? [input.seedTx.get(current)!] : []);
  if (!known) memo.set(current, path);
  for (let i = chain.length - 1; i >= 0; i--) {
    path = [...path, input.allocation.via.get(chain[i]!)!.transfer.t.tx];
    memo.set(chain[i]!, path);
  }
  return [...path];
}

/** Two exchange wallets can receive from the same inferred deposit address: one endpoint per deposit address. */
function mergeSameEndpoint(list: EndpointData[]): EndpointData[] {
  const byKey = new Map<string, EndpointData>();
  for (const e of list) {
    const key = `${e.kind}|${e.chain}|${e.address}|${e.asset.chain}|${e.asset.contract ?? ''}`;
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, e);
      continue;
    }
    prev.amount += e.amount;
    prev.firstSeen = Math.min(prev.firstSeen, e.firstSeen);
    prev.lastSeen = Math.max(prev.lastSeen, e.lastSeen);
    prev.txs = [...new Set([...prev.txs, ...e.txs])].sort();
    if (prev.sweptTo || e.sweptTo) prev.sweptTo = [...new Set([...(prev.sweptTo ?? []), ...(e.sweptTo ?? [])])].sort();
  }
  return [...byKey.values()];
}
