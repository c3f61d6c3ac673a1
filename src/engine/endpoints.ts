import { groupBy } from '../core/group.js';
import type { AssetRef, EndpointKind, Label } from '../core/schema.js';
import { isService } from '../core/service.js';
import { freezableStablecoin } from '../core/stablecoins.js';
import { bridgeEntry, findBridge, type BridgeRegistry } from '../heuristics/bridges.js';
import type { BridgeMatchMethod } from '../heuristics/bridge-match.js';
import type { BridgeHandover } from './bridge-continuation.js';
import type { DepositInference } from './deposits.js';
import type { DepositEvidence } from '../heuristics/deposit.js';
import type { Allocation, TaintedEdge } from './allocate.js';
import { addWeights, exactSplit, type Attribution, type SeedVector, type SeedWeights } from './attribution.js';
import { splitNodeKey } from './state.js';
import type { StopReason } from './stops.js';

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
  /** An inferred deposit address: what its movements in this asset showed. */
  depositEvidence?: DepositEvidence;
  /**
   * An inferred deposit address: its confidence (heuristics/deposit.ts `depositConfidence`), stated unless an
   * exchange's deposit address rests on its sweeps alone (so reports of such traces stay as they were).
   */
  depositConfidence?: number;
  /** An inferred deposit address that is a contract (a deposit forwarder). */
  depositForwarder?: true;
  freezable?: { issuer: string };
  bridge?: BridgeData;
  /** The tainted movements into the address (what `txs` lists). */
  inflowEdges: readonly TaintedEdge[];
  /** An inferred deposit address: its tainted sweeps out into the exchange's wallets (`amount` is these plus what it still holds). */
  sweepEdges?: readonly TaintedEdge[];
  /** Endpoints a request names (exchange, freezable): `amount` split by victim payment (src/engine/attribution.ts). */
  victims?: SeedVector;
}

/** A bridge endpoint: the protocol, and what each tainted deposit's event said and where it was continued. */
export interface BridgeData {
  protocol: string;
  name: string;
  /** The destination chain, when the bridge serves one or every deposit here names the same. */
  destinationChain?: string;
  /** A destination chaintrail has no chain id for (solana, sui, …), when every deposit here names the same. */
  destinationNetwork?: string;
  /** The recipient on the destination chain, when every deposit here names the same. */
  recipient?: string;
  deposits?: BridgeDepositData[];
}

export interface BridgeDepositData {
  tx: string;
  event?: string;
  depositId?: string;
  destinationChain?: string;
  destinationChainId?: string;
  destinationNetwork?: string;
  recipient?: string;
  /** THORChain: the memo as sent, and the asset it swaps to (THORChain notation). */
  memo?: string;
  destinationAsset?: string;
  /** What the event says left the source chain, and what the destination should receive. */
  amount?: bigint;
  outputAmount?: bigint;
  /** Tainted part of this deposit (source asset). */
  tainted: bigint;
  continuation?: {
    chain: string;
    tx: string;
    recipient: string;
    asset: AssetRef;
    /** What arrived, and the taint handed over with it. */
    amount: bigint;
    taint: bigint;
    match: BridgeMatchMethod;
    confidence: number;
    reason: string;
  };
  /** Why the deposit was not continued. */
  note?: string;
}

export interface EndpointInput {
  allocation: Allocation;
  /** The tainted movements into each node (`TaintFlow.inflows()`). */
  inflows: ReadonlyMap<string, readonly TaintedEdge[]>;
  expanded: ReadonlySet<string>;
  stops: ReadonlyMap<string, StopReason>;
  deposits: ReadonlyMap<string, DepositInference>;
  assets: ReadonlyMap<string, AssetRef>;
  /** Earliest seed tx per seed node, so every path starts at a victim payment. */
  seedTx: ReadonlyMap<string, string>;
  /** The trace's bridge registry (built-ins plus its own definitions); default the built-in registry. */
  bridges?: BridgeRegistry;
  /** Deposits into bridges and their continuations (src/engine/bridge-continuation.ts). */
  handovers?: readonly BridgeHandover[];
  /**
   * Seed nodes that continue another branch: a bridge continuation's recipient (destination chain) -> the bridge's
   * node on the source chain. Paths of endpoints reached from such a seed start at the victim's payment on the source
   * chain and pass through the deposit and the delivering transaction.
   */
  continuedFrom?: ReadonlyMap<string, string>;
  /** Seed nodes that continue a UTXO chain's branch (THORChain's EVM outbound of a Bitcoin inbound): its path there. */
  pathBefore?: ReadonlyMap<string, readonly string[]>;
}

/**
 * Every unit of taint still held somewhere becomes part of exactly one endpoint: leaves by their stop reason,
 * expanded addresses as 'unspent'. Taint that an inferred deposit address swept into its exchange is reported at
 * the deposit address, which is what a freeze or disclosure request names, together with what the deposit address
 * still holds (the exchange's customer account, not a balance to freeze).
 */
export function collectEndpoints(input: EndpointInput): EndpointData[] {
  const { allocation, expanded, stops, deposits } = input;
  const into = (node: string, asset: string) => ofAsset(input.inflows.get(node) ?? [], asset);
  const endpoints: EndpointData[] = [];
  // Freezability is a property of the asset: looked up once per asset, not per endpoint.
  const freezable = new Map<string, ReturnType<typeof freezableStablecoin>>();
  const nodes = [...allocation.held.keys()].sort();
  for (const node of nodes) {
    const held = allocation.held.get(node)!;
    const stop = expanded.has(node) ? undefined : stops.get(node);
    for (const assetKey of held.size === 1 ? held.keys() : [...held.keys()].sort()) {
      const amount = held.get(assetKey)!;
      if (amount === 0n) continue;
      const asset = input.assets.get(assetKey)!;
      const edgesIn = into(node, assetKey);
      // An expanded address, or a forwarder contract (a `contract` stop whose later outflows all went to one service).
      const found = deposits.get(node);
      const ownDeposit = found && (expanded.has(node) || found.forwarder) ? found : undefined;
      if (ownDeposit) {
        endpoints.push(depositEndpoint(input, node, asset, assetKey, amount, ownDeposit, []));
        continue;
      }
      if (!stop) {
        if (!freezable.has(assetKey)) freezable.set(assetKey, freezableStablecoin(asset.chain, asset.contract));
        const freeze = freezable.get(assetKey);
        const ep = base(
          input,
          'unspent',
          expanded.has(node) ? 'funds still at this address at the end of the window' : 'not expanded',
          node,
          asset,
          amount,
          edgesIn,
        );
        if (freeze) ep.freezable = { issuer: freeze.issuer };
        endpoints.push(ep);
        continue;
      }
      if (!isService(stop.kind)) {
        const bridge = stop.kind === 'bridge' ? bridgeOf(input, node, assetKey) : undefined;
        const ep = base(input, stop.kind, bridge ? `${stop.reason}; ${bridge.reason}` : stop.reason, node, asset, amount, edgesIn);
        if (stop.label) ep.label = stop.label;
        if (bridge) ep.bridge = bridge.data;
        endpoints.push(ep);
        continue;
      }
      // A service's wallet: split what arrived through inferred deposit addresses from what arrived directly.
      const groups = groupBy(edgesIn, (e) => {
        const dep = deposits.get(e.transfer.from);
        return dep && dep.label.entity === stop.label?.entity ? e.transfer.from : node;
      });
      for (const depositNode of [...groups.keys()].sort()) {
        const sweeps = groups.get(depositNode)!;
        const part = sweeps.reduce((s, e) => s + e.taint, 0n);
        if (depositNode === node) {
          const ep = base(input, stop.kind, stop.reason, node, asset, part, sweeps);
          if (stop.label) ep.label = stop.label;
          ep.depositAddress = ep.address;
          ep.depositInferred = false;
          endpoints.push(ep);
          continue;
        }
        endpoints.push(depositEndpoint(input, depositNode, asset, assetKey, part, deposits.get(depositNode)!, sweeps));
      }
    }
  }
  return mergeSameEndpoint(endpoints);
}

/**
 * An inferred deposit address's exchange endpoint for one asset: what it swept into the exchange's wallets (`sweeps`,
 * the tainted movements into them) or what it still holds, with the evidence that decided.
 */
function depositEndpoint(
  input: EndpointInput,
  node: string,
  asset: AssetRef,
  assetKey: string,
  amount: bigint,
  deposit: DepositInference,
  sweeps: readonly TaintedEdge[],
): EndpointData {
  const evidence = deposit.evidence.get(assetKey);
  const ep = base(input, deposit.kind, depositReason(deposit, evidence), node, asset, amount, ofAsset(input.inflows.get(node) ?? [], assetKey));
  // `txs` lists what came in; the sweeps out are listed apart (outflows, depositEvidence.sweepTxs).
  if (sweeps.length > 0) ep.sweepEdges = sweeps;
  ep.label = deposit.label;
  ep.depositAddress = ep.address;
  ep.depositInferred = true;
  ep.sweptTo = [...deposit.sweptTo].map((n) => splitNodeKey(n).address).sort();
  if (evidence) ep.depositEvidence = evidence;
  if (deposit.corroborated || deposit.forwarder || deposit.kind !== 'exchange') ep.depositConfidence = deposit.confidence;
  if (deposit.forwarder) ep.depositForwarder = true;
  return ep;
}

/** Says which behaviour decided: the deposits, the sweeps, the share swept and how long after receipt; the service's own acts. */
function depositReason(deposit: DepositInference, ev: DepositEvidence | undefined): string {
  const dust = [...deposit.evidence.values()].some((e) => e.elsewhere > 0n);
  const who = deposit.forwarder ? 'unlabeled contract (a deposit forwarder) paid' : 'unlabeled address paid';
  const head = `${who} all${dust ? ' but dust' : ''} of its outflows to ${deposit.label.entity}'s labeled ${deposit.sweptTo.size === 1 ? 'wallet' : 'wallets'}: inferred deposit address`;
  if (!ev) return head;
  const share = ev.received > 0n ? `${formatShare(ev.swept, ev.received)} of what it received` : 'funds it held before the window';
  const delay = ev.sweepDelaySeconds
    ? `, ${ev.sweepDelaySeconds.min === ev.sweepDelaySeconds.max ? duration(ev.sweepDelaySeconds.min) : `${duration(ev.sweepDelaySeconds.min)} to ${duration(ev.sweepDelaySeconds.max)}`} after receipt`
    : '';
  const acts = [
    ...(ev.gasTopUps ? [`${plural(ev.gasTopUps.length, 'gas top-up')} from ${deposit.label.entity}'s wallets before its token sweeps`] : []),
    ...(ev.activation ? [`activated by ${deposit.label.entity}'s wallet`] : []),
  ];
  return `${head} (${plural(ev.deposits, 'deposit')}; ${plural(ev.sweeps, 'sweep')} carrying ${share}${delay}${acts.map((a) => `; ${a}`).join('')})`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** swept/received as a percentage with two decimals, rounded down (bigint: exact for any amount). */
function formatShare(part: bigint, whole: bigint): string {
  const bp = (part * 10_000n) / whole;
  return `${bp / 100n}.${String(bp % 100n).padStart(2, '0')} %`;
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** The movements of one asset: the list itself when they all are (one asset is the common case). */
function ofAsset(list: readonly TaintedEdge[], asset: string): readonly TaintedEdge[] {
  for (const e of list) if (e.transfer.asset !== asset) return list.filter((x) => x.transfer.asset === asset);
  return list;
}

/**
 * Protocol and destination of a bridge in the registry (src/heuristics/bridges.ts), if the address is one, with
 * what the deposit events of the tainted movements into it said (recipient, deposit id) and where they continued.
 */
function bridgeOf(input: EndpointInput, node: string, asset: string): { data: BridgeData; reason: string } | undefined {
  const { chain, address } = splitNodeKey(node);
  const bridge = findBridge(chain, address, input.bridges);
  if (!bridge) return undefined;
  const entry = bridgeEntry(bridge);
  const own = (input.handovers ?? []).filter((h) => h.bridgeNode === node && h.asset === asset).sort((a, b) => a.time - b.time || (a.tx < b.tx ? -1 : 1));
  const deposits = own.map(depositData);
  const exits = own.flatMap((h) => (h.exit ? [h.exit] : []));
  const same = <T>(values: (T | undefined)[]): T | undefined =>
    values.length > 0 && values.every((v) => v !== undefined && v === values[0]) ? values[0] : undefined;
  const destinationChain = exits.length === own.length ? (same(exits.map((e) => e.destinationChain)) ?? entry.destinationChain) : entry.destinationChain;
  const recipient = exits.length === own.length ? same(exits.map((e) => e.recipient)) : undefined;
  const destinationNetwork = exits.length === own.length && !destinationChain ? same(exits.map((e) => e.destinationNetwork)) : undefined;
  const data: BridgeData = {
    protocol: bridge.protocol,
    name: bridge.name,
    ...(destinationChain ? { destinationChain } : {}),
    ...(destinationNetwork ? { destinationNetwork } : {}),
    ...(recipient ? { recipient } : {}),
    ...(deposits.length > 0 ? { deposits } : {}),
  };
  if (own.length === 0) return { data, reason: entry.reason };
  const parts = own.map((h) => {
    const said = h.exit ? h.exit.reason : entry.reason;
    const c = h.continuation;
    if (c)
      return `${said}; continued on ${c.transfer.chain} at ${c.transfer.to} (${c.match.method === 'protocol-id' ? 'matched by deposit id' : `matched by amount and time, confidence ${c.match.confidence}`})`;
    return `${said}; not continued: ${h.note ?? 'no arrival found'}`;
  });
  return { data, reason: [...new Set(parts)].join('; ') };
}

function depositData(h: BridgeHandover): BridgeDepositData {
  const e = h.exit;
  const c = h.continuation;
  return {
    tx: h.tx,
    ...(e ? { event: e.event } : {}),
    ...(e?.protocolId !== undefined ? { depositId: e.protocolId } : {}),
    ...(e?.destinationChain ? { destinationChain: e.destinationChain } : {}),
    ...(e?.destinationChainId ? { destinationChainId: e.destinationChainId } : {}),
    ...(e?.destinationNetwork ? { destinationNetwork: e.destinationNetwork } : {}),
    ...(e?.recipient ? { recipient: e.recipient } : {}),
    ...(e?.memo !== undefined ? { memo: e.memo } : {}),
    ...(e?.destinationAsset ? { destinationAsset: e.destinationAsset } : {}),
    ...(e ? { amount: e.amount } : {}),
    ...(e?.outputAmount !== undefined ? { outputAmount: e.outputAmount } : {}),
    tainted: h.tainted,
    ...(c
      ? {
          continuation: {
            chain: c.transfer.chain,
            tx: c.transfer.tx,
            recipient: c.transfer.to,
            asset: c.transfer.asset,
            amount: c.transfer.amount,
            taint: c.taint,
            match: c.match.method,
            confidence: c.match.confidence,
            reason: c.match.reason,
          },
        }
      : {}),
    ...(h.note ? { note: h.note } : {}),
  };
}

const pathMemos = new WeakMap<EndpointInput, Map<string, readonly string[]>>();
const paths = (input: EndpointInput) => {
  let memo = pathMemos.get(input);
  if (!memo) pathMemos.set(input, (memo = new Map()));
  return memo;
};

/** An endpoint's common fields, always created in the same order (one object shape for every endpoint). */
function base(
  input: EndpointInput,
  kind: EndpointKind,
  reason: string,
  node: string,
  asset: AssetRef,
  amount: bigint,
  edgesIn: readonly TaintedEdge[],
): EndpointData {
  const { chain, address } = splitNodeKey(node);
  // A reduce, not Math.min(...times): a busy endpoint can have more inflows than a call takes as arguments.
  let firstSeen = Number.POSITIVE_INFINITY;
  let lastSeen = Number.NEGATIVE_INFINITY;
  for (const e of edgesIn) {
    if (e.transfer.t.time < firstSeen) firstSeen = e.transfer.t.time;
    if (e.transfer.t.time > lastSeen) lastSeen = e.transfer.t.time;
  }
  return {
    kind,
    reason,
    chain,
    address,
    asset,
    amount,
    hops: input.allocation.hops.get(node) ?? 0,
    firstSeen: edgesIn.length ? firstSeen : 0,
    lastSeen: edgesIn.length ? lastSeen : 0,
    txs: edgesIn.length === 1 ? [edgesIn[0]!.transfer.t.tx] : [...new Set(edgesIn.map((e) => e.transfer.t.tx))].sort(),
    path: pathTo(input, node, paths(input)),
    inflowEdges: edgesIn,
  };
}

function pathTo(input: EndpointInput, node: string, memo: Map<string, readonly string[]>, visiting: Set<string> = new Set()): string[] {
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
  let path: readonly string[] = known ?? rootPath(input, current, memo, visiting);
  if (!known) memo.set(current, path);
  for (let i = chain.length - 1; i >= 0; i--) {
    path = [...path, input.allocation.via.get(chain[i]!)!.transfer.t.tx];
    memo.set(chain[i]!, path);
  }
  return [...path];
}

/** A seed's path: its payment, after the source chain's path when the seed continues a bridge deposit. */
function rootPath(input: EndpointInput, seed: string, memo: Map<string, readonly string[]>, visiting: Set<string>): readonly string[] {
  const own = input.seedTx.has(seed) ? [input.seedTx.get(seed)!] : [];
  const from = input.continuedFrom?.get(seed);
  const before = input.pathBefore?.get(seed);
  if (before) return [...before, ...own];
  if (from === undefined || visiting.has(seed)) return own;
  visiting.add(seed);
  return [...pathTo(input, from, memo, visiting), ...own];
}

/**
 * Two exchange wallets can receive from the same inferred deposit address: one endpoint per deposit address. (Only
 * inferred deposits can repeat: every other endpoint is the one of its address and asset.)
 */
function mergeSameEndpoint(list: EndpointData[]): EndpointData[] {
  const byKey = new Map<string, EndpointData>();
  const out: EndpointData[] = [];
  for (const e of list) {
    if (!e.depositInferred) {
      out.push(e);
      continue;
    }
    const key = `${e.chain}|${e.address}|${e.asset.chain}|${e.asset.contract ?? ''}`;
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, e);
      out.push(e);
      continue;
    }
    prev.amount += e.amount;
    prev.firstSeen = Math.min(prev.firstSeen, e.firstSeen);
    prev.lastSeen = Math.max(prev.lastSeen, e.lastSeen);
    prev.txs = [...new Set([...prev.txs, ...e.txs])].sort();
    prev.sweepEdges = [...(prev.sweepEdges ?? []), ...(e.sweepEdges ?? [])];
    if (prev.sweptTo || e.sweptTo) prev.sweptTo = [...new Set([...(prev.sweptTo ?? []), ...(e.sweptTo ?? [])])].sort();
  }
  return out;
}

/** Whether a request (to a service: an exchange, instant exchange, payment, gambling or custody service; or to the issuer of a freezable token) names this endpoint. */
export const requestable = (e: Pick<EndpointData, 'kind' | 'freezable'>) => isService(e.kind) || e.freezable !== undefined;

/** The addresses whose movements and ledgers the attribution must keep: those of the endpoints a request names. */
export const requestNodes = (endpoints: readonly EndpointData[]) => new Set(endpoints.filter(requestable).map((e) => `${e.chain}|${e.address}`));

/**
 * Splits the amount of every endpoint a request names by victim payment: an inferred deposit address by its sweeps,
 * an expanded address by what its ledger still holds, any other by the tainted movements into it. The amount is
 * the engine's; only its split comes from the attribution, in whole base units that add up to it exactly.
 */
export function attributeEndpoints(
  endpoints: readonly EndpointData[],
  attribution: Attribution,
  expanded: ReadonlySet<string>,
  assetKeyOf: (a: AssetRef) => string,
): void {
  for (const ep of endpoints) {
    if (!requestable(ep)) continue;
    const node = `${ep.chain}|${ep.address}`;
    const of = (edges: readonly TaintedEdge[]) => edges.reduce((acc, e) => addWeights(acc, attribution.ofEdge(e)), new Map() as SeedWeights);
    // An expanded address is split by what its ledger still holds, plus (an inferred deposit) what it swept out.
    const held = expanded.has(node) ? attribution.held(node, assetKeyOf(ep.asset)) : undefined;
    const w = ep.sweepEdges ? (held ? addWeights(of(ep.sweepEdges), held) : of(ep.sweepEdges)) : (held ?? of(ep.inflowEdges));
    ep.victims = exactSplit(w, ep.amount);
  }
}
