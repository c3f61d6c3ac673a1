import { noPacing, type Pacer } from '../core/pace.js';
import { groupBy } from '../core/group.js';
import { orderByKey } from '../core/key-order.js';
import { sortStrings } from '../core/lists.js';
import type { AssetRef, EndpointKind, Label } from '../core/schema.js';
import { isService } from '../core/service.js';
import { freezableStablecoin } from '../core/stablecoins.js';
import { bridgeEntry, findBridge, type BridgeRegistry } from '../heuristics/bridges.js';
import type { BridgeMatchMethod } from '../heuristics/bridge-match.js';
import type { BridgeHandover } from './bridge-continuation.js';
import type { DepositInference } from './deposits.js';
import type { DepositEvidence } from '../heuristics/deposit.js';
import { NodeColumnMap, type Allocation, type TaintedEdge } from './allocate.js';
import { addWeights, exactSplit, type Attribution, type SeedVector, type SeedWeights } from './attribution.js';
import { nodeKey, splitNodeKey } from './state.js';
import type { StopReason } from './stops.js';
import type { NodeInflows } from './flow.js';
import { FlowTransfer } from './flow-table.js';

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
  /** The tainted movements into each node (`TaintFlow.inflows()`: asked for the nodes that hold taint). */
  inflows: NodeInflows;
  /** `hasId`: the same asked by the node's id in the flow's snapshot (TaintFlow's ExpandedKeys). */
  expanded: ReadonlySet<string> & { hasId?(id: number): boolean };
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
 *
 * Endpoints are listed by address (node key), then asset. They are made in the order the allocation holds the
 * addresses (the order its maps were filled in, so that reading them walks memory in order), then put in that order.
 */
export async function collectEndpoints(input: EndpointInput, pace: Pacer = noPacing): Promise<EndpointData[]> {
  const paths = newPaths(input);
  const { held } = input.allocation;
  const at: EndpointsAt = { input, paths, freezable: new Map(), texts: new ReasonTexts(), depositOf: depositLookup(input, held) };
  // Made into one list, each address's endpoints a run of it (no list per address), then the runs put in key order.
  const made: EndpointData[] = [];
  const keys: string[] = [];
  const starts: number[] = [];
  const each = (node: string, held: ReadonlyMap<string, bigint>, id: number | undefined) => {
    const start = made.length;
    endpointsAt(at, node, held, made, id);
    if (made.length > start) {
      keys.push(node);
      starts.push(start);
    }
  };
  // The flow's snapshot is walked by node id, so that no key is looked up per address (see `Place.id`).
  if (held instanceof NodeColumnMap) {
    for (let id = 0; id < held.ids; id++) {
      if ((id & 1023) === 1023) await pace();
      const node = held.keyAt(id);
      const h = node === undefined ? undefined : held.byId(id);
      if (h) each(node!, h, id);
    }
  } else for (const [node, h] of held) each(node, h, undefined);
  await pace();
  const order = orderByKey(keys);
  const endpoints = new Array<EndpointData>(made.length);
  let n = 0;
  for (const g of order) for (let i = starts[g]!, end = starts[g + 1] ?? made.length; i < end; i++) endpoints[n++] = made[i]!;
  await pace();
  if (paths.cyclic) pathsInOrder(input, endpoints);
  return mergeSameEndpoint(endpoints, pace);
}

/** What the endpoints of one trace share while they are made: the input, the paths, freezability per asset. */
interface EndpointsAt {
  input: EndpointInput;
  paths: Paths;
  /** Freezability is a property of the asset: looked up once per asset, not per endpoint. */
  freezable: Map<string, { issuer: string } | undefined>;
  texts: ReasonTexts;
  /** The deposit inferred at a node (`input.deposits`), by its id when it has one. */
  depositOf: DepositLookup;
}

type DepositLookup = (node: string, id: number | undefined) => DepositInference | undefined;

/**
 * `input.deposits` by the node's id in the flow's snapshot (`DepositInference.node`), else by its key. Nothing
 * before the endpoints asks most nodes' keys of a map, so a lookup by key hashed each key here first: a tenth of
 * making the endpoints at 1 M transfers.
 */
function depositLookup(input: EndpointInput, held: EndpointInput['allocation']['held']): DepositLookup {
  const { deposits } = input;
  if (!(held instanceof NodeColumnMap)) return (node) => deposits.get(node);
  const byId = new Map<number, DepositInference>();
  for (const deposit of deposits.values()) byId.set(deposit.node, deposit);
  return (node, id) => (id !== undefined ? byId.get(id) : deposits.get(node));
}

/** The endpoints of one address, by asset (sorted), added to `out`: what it holds, as its deposit inference or its stop says. */
function endpointsAt(at: EndpointsAt, node: string, held: ReadonlyMap<string, bigint>, out: EndpointData[], id: number | undefined): void {
  const { input, freezable } = at;
  const byId = id !== undefined && input.expanded.hasId !== undefined && input.inflows.byId !== undefined;
  const isExpanded = byId ? input.expanded.hasId!(id) : input.expanded.has(node);
  const stop = isExpanded ? undefined : input.stops.get(node);
  const inflows = (byId ? input.inflows.byId!(id) : input.inflows.get(node)) ?? [];
  const here: Place = { node, id, paths: at.paths, texts: at.texts, input, into: inflows[0] };
  // An expanded address, or a forwarder contract (a `contract` stop whose later outflows all went to one service).
  const found = at.depositOf(node, id);
  const ownDeposit = found && (isExpanded || found.forwarder) ? found : undefined;
  for (const assetKey of held.size === 1 ? held.keys() : [...held.keys()].sort()) {
    const amount = held.get(assetKey)!;
    if (amount === 0n) continue;
    const asset = input.assets.get(assetKey)!;
    const edgesIn = ofAsset(inflows, assetKey);
    if (ownDeposit) {
      out.push(depositEndpoint(here, asset, assetKey, amount, ownDeposit, edgesIn, []));
    } else if (!stop) {
      if (!freezable.has(assetKey)) {
        const coin = freezableStablecoin(asset.chain, asset.contract);
        // One object per asset, shared by its endpoints (the report makes its own).
        freezable.set(assetKey, coin ? { issuer: coin.issuer } : undefined);
      }
      const freeze = freezable.get(assetKey);
      const reason = isExpanded ? 'funds still at this address at the end of the window' : 'not expanded';
      const ep = base(here, 'unspent', reason, asset, amount, edgesIn);
      if (freeze) ep.freezable = freeze;
      out.push(ep);
    } else if (!isService(stop.kind)) {
      const bridge = stop.kind === 'bridge' ? bridgeOf(input, node, assetKey) : undefined;
      const ep = base(here, stop.kind, here.texts.shared(bridge ? `${stop.reason}; ${bridge.reason}` : stop.reason), asset, amount, edgesIn);
      if (stop.label) ep.label = stop.label;
      if (bridge) ep.bridge = bridge.data;
      out.push(ep);
    } else serviceEndpoints(here, at.depositOf, stop, asset, assetKey, edgesIn, out);
  }
}

/** A service's wallet: what arrived through inferred deposit addresses (one endpoint each) apart from what arrived directly. */
function serviceEndpoints(
  here: Place,
  depositOf: DepositLookup,
  stop: StopReason,
  asset: AssetRef,
  assetKey: string,
  edgesIn: readonly TaintedEdge[],
  out: EndpointData[],
): void {
  const { input, node } = here;
  const groups = groupBy(edgesIn, (e) => {
    const t = e.transfer;
    const dep = depositOf(t.from, t instanceof FlowTransfer ? t.fromId : undefined);
    return dep && dep.label.entity === stop.label?.entity ? t.from : node;
  });
  for (const depositNode of groups.size === 1 ? groups.keys() : [...groups.keys()].sort()) {
    const sweeps = groups.get(depositNode)!;
    const part = sweeps.reduce((s, e) => s + e.taint, 0n);
    if (depositNode === node) {
      const ep = base(here, stop.kind, here.texts.shared(stop.reason), asset, part, sweeps);
      if (stop.label) ep.label = stop.label;
      ep.depositAddress = ep.address;
      ep.depositInferred = false;
      out.push(ep);
      continue;
    }
    // By the deposit address's id when a sweep out of it is a row of the flow (its sender), else by its key.
    const sweep = sweeps[0]!.transfer;
    const id = sweep instanceof FlowTransfer && input.inflows.byId ? sweep.fromId : undefined;
    const into = ofAsset((id !== undefined ? input.inflows.byId!(id) : input.inflows.get(depositNode)) ?? [], assetKey);
    const there: Place = { node: depositNode, id, paths: here.paths, texts: here.texts, input, into: into[0] };
    out.push(depositEndpoint(there, asset, assetKey, part, input.deposits.get(depositNode)!, into, sweeps));
  }
}

/**
 * An inferred deposit address's exchange endpoint for one asset: what it swept into the exchange's wallets (`sweeps`,
 * the tainted movements into them) or what it still holds, with the evidence that decided.
 */
function depositEndpoint(
  place: Place,
  asset: AssetRef,
  assetKey: string,
  amount: bigint,
  deposit: DepositInference,
  edgesIn: readonly TaintedEdge[],
  sweeps: readonly TaintedEdge[],
): EndpointData {
  const evidence = deposit.evidence.get(assetKey);
  const ep = base(place, deposit.kind, place.texts.deposit(deposit, evidence), asset, amount, edgesIn);
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

/**
 * What the endpoints at one address share: where it is, its hop count and its path, worked out with its first
 * endpoint (paths are memoized in `paths` in the order endpoints are made, see `pathTo`).
 */
interface Place {
  readonly node: string;
  /** The node's id in the flow's snapshot (the allocation's NodeColumnMaps), when the endpoints are walked by id. */
  readonly id: number | undefined;
  readonly input: EndpointInput;
  readonly paths: Paths;
  readonly texts: ReasonTexts;
  /** A tainted movement into the address, if any: its flow node holds the address's chain and address strings. */
  readonly into: TaintedEdge | undefined;
  at?: { chain: string; address: string; hops: number; path: PathStep };
}

function where(place: Place): NonNullable<Place['at']> {
  if (place.at) return place.at;
  const { node, input } = place;
  // The flow node's own strings when a movement into it says which (no copies of them per endpoint).
  const end = place.into?.transfer;
  const own = end instanceof FlowTransfer && end.toNode.key === node ? end.toNode : undefined;
  const { chain, address } = own ?? splitNodeKey(node);
  const { hops } = input.allocation;
  const id = place.id;
  const hop = id !== undefined && hops instanceof NodeColumnMap && hops.keyAt(id) === node ? hops.byId(id) : hops.get(node);
  const path = pathFrom(input, place.paths.nodes.of(node, id), place.paths, undefined);
  return (place.at = { chain, address, hops: hop ?? 0, path });
}

/**
 * Reasons by their text, each kept once: a reason built from parts (a deposit address's evidence) is a chain of
 * string pieces until something reads it whole, and many endpoints give the same. A deposit address's reason is
 * also kept by its evidence: its endpoint is made at the address and again at each wallet it swept to (then
 * merged), and the reason is built and hashed once.
 */
class ReasonTexts {
  private readonly byText = new Map<string, string>();
  private readonly byDeposit = new Map<DepositInference | DepositEvidence, string>();

  /** `reason` as the endpoints that give the same text share it. */
  shared(reason: string): string {
    let text = this.byText.get(reason);
    if (text === undefined) this.byText.set(reason, (text = reason));
    return text;
  }

  /** `depositReason(deposit, evidence)`, shared. */
  deposit(deposit: DepositInference, evidence: DepositEvidence | undefined): string {
    // Without evidence the reason rests on the inference alone.
    const key = evidence ?? deposit;
    let text = this.byDeposit.get(key);
    if (text === undefined) this.byDeposit.set(key, (text = this.shared(depositReason(deposit, evidence))));
    return text;
  }
}

/** An endpoint's common fields, always created in the same order (one object shape for every endpoint). */
function base(place: Place, kind: EndpointKind, reason: string, asset: AssetRef, amount: bigint, edgesIn: readonly TaintedEdge[]): EndpointData {
  const at = where(place);
  // A loop, not Math.min(...times): a busy endpoint can have more inflows than a call takes as arguments.
  let firstSeen = Number.POSITIVE_INFINITY;
  let lastSeen = Number.NEGATIVE_INFINITY;
  for (const e of edgesIn) {
    if (e.transfer.time < firstSeen) firstSeen = e.transfer.time;
    if (e.transfer.time > lastSeen) lastSeen = e.transfer.time;
  }
  return new FlowEndpoint(
    kind,
    reason,
    at.chain,
    at.address,
    asset,
    amount,
    at.hops,
    edgesIn.length ? firstSeen : 0,
    edgesIn.length ? lastSeen : 0,
    edgesIn,
    at.path,
  );
}

/**
 * An endpoint of the account flow. Its `txs` and `path` are made each time they are read, from its inflows and its
 * path's steps (the strings a report shows are made for the report: a report written as it is made keeps none of
 * them); a value assigned to either (merged endpoints, paths asked again in order) is kept instead.
 */
class FlowEndpoint implements EndpointData {
  // Declared only: set on the endpoints that have them (most have none), so the others hold no slot for them.
  declare label?: Label;
  declare depositAddress?: string;
  declare depositInferred?: boolean;
  declare sweptTo?: string[];
  declare depositEvidence?: DepositEvidence;
  declare depositConfidence?: number;
  declare depositForwarder?: true;
  declare bridge?: BridgeData;
  declare sweepEdges?: readonly TaintedEdge[];
  declare victims?: SeedVector;
  /** A slot of its own: most endpoints of a stablecoin trace have one (an added property would cost a store per endpoint). */
  freezable?: { issuer: string } = undefined;
  private ownTxs: string[] | undefined = undefined;
  private ownPath: string[] | undefined = undefined;

  constructor(
    public kind: EndpointKind,
    public reason: string,
    public chain: string,
    public address: string,
    public asset: AssetRef,
    public amount: bigint,
    public hops: number,
    public firstSeen: number,
    public lastSeen: number,
    readonly inflowEdges: readonly TaintedEdge[],
    private readonly step: PathStep,
  ) {}

  get txs(): string[] {
    return this.ownTxs ?? txsOf(this.inflowEdges);
  }

  set txs(value: string[]) {
    this.ownTxs = value;
  }

  get path(): string[] {
    return this.ownPath ?? pathArray(this.step);
  }

  set path(value: string[]) {
    this.ownPath = value;
  }
}

/** The transactions of `edges`, each once, sorted (sorted, then repeats dropped: no set of them). */
function txsOf(edges: readonly TaintedEdge[]): string[] {
  const txs = edges.map((e) => e.transfer.tx);
  if (txs.length < 2) return txs;
  sortStrings(txs);
  let n = 1;
  for (let i = 1; i < txs.length; i++) if (txs[i] !== txs[n - 1]) txs[n++] = txs[i]!;
  txs.length = n;
  return txs;
}

/**
 * A path as steps linked to the one before: a node's path is its parent's plus the movement that gave it its hop
 * count, so every node on a path holds one step, not a copy of the path; a seed's step holds its transactions
 * (`txs`: its payment, after the path of the branch it continues). The strings are made when a path is read, each
 * step's once: the paths of a report share their steps, and so their strings.
 */
class PathStep {
  /** The edge's transaction hash, once a path through this step was read. */
  private tx: string | undefined = undefined;
  /** Transactions on the path up to and with this step: a path is filled in one walk, without counting it first. */
  readonly length: number;

  constructor(
    readonly before: PathStep | undefined,
    readonly edge: TaintedEdge | undefined,
    readonly txs: readonly string[] | undefined,
  ) {
    this.length = (before?.length ?? 0) + (edge ? 1 : (txs?.length ?? 0));
  }

  /** The edge's transaction hash (a step with an edge). */
  edgeTx(): string {
    return (this.tx ??= this.edge!.transfer.tx);
  }
}

/** The transactions of a path, from the victim's payment on. */
function pathArray(step: PathStep): string[] {
  // Filled from the end at its known length: a report holds every path, and one grown by push() holds room for 16 or more.
  let n = step.length;
  const out = new Array<string>(n);
  for (let s: PathStep | undefined = step; s; s = s.before) {
    if (s.edge) out[--n] = s.edgeTx();
    else if (s.txs) for (let i = s.txs.length - 1; i >= 0; i--) out[--n] = s.txs[i]!;
  }
  return out;
}

const rootStep = (txs: readonly string[], before?: PathStep): PathStep => new PathStep(before, undefined, txs);

/**
 * Paths memoized per node: endpoints share most of their paths, so each node's is built once, from its parent's (the
 * node the edge giving its hop count came from). `cyclic`: a walk met a cycle (edges, or bridge continuations back to
 * where they came from), where what the memo holds depends on the order the paths were asked in.
 */
interface Paths {
  nodes: PathNodes;
  /** By node number (PathNodes): an array, not a map of keys. */
  memo: (PathStep | undefined)[];
  cyclic: boolean;
  /** The steps of the walks under way (`pathFrom`), each from the top the walk before it left. */
  walk: { nodes: number[]; edges: TaintedEdge[]; top: number };
}

const newPaths = (input: EndpointInput): Paths => {
  const nodes = new PathNodes(input.allocation.via);
  // Dense from the start: ids come in no order, and an array written far past its end turns into a slow dictionary.
  return { nodes, memo: new Array<PathStep | undefined>(nodes.flowIds).fill(undefined), cyclic: false, walk: { nodes: [], edges: [], top: 0 } };
};

/**
 * Numbers for the nodes a path walk meets, so that a step hashes no key: the flow snapshot's own node ids when `via`
 * is its NodeColumnMap (an edge's sender is then its flow node), keys numbered here past them otherwise (any other
 * allocation, or a key the snapshot has no node for).
 */
class PathNodes {
  private readonly columns: NodeColumnMap<TaintedEdge> | undefined;
  /** Ids below this are the snapshot's. */
  readonly flowIds: number;
  private readonly numbers = new Map<string, number>();
  private readonly keys: string[] = [];

  constructor(readonly via: ReadonlyMap<string, TaintedEdge>) {
    this.columns = via instanceof NodeColumnMap ? via : undefined;
    this.flowIds = this.columns?.ids ?? 0;
  }

  /** The number of node `key`; `id`: its id in the snapshot, if the caller knows it (then no key is looked up). */
  of(key: string, id?: number): number {
    if (id !== undefined && this.columns?.keyAt(id) === key) return id;
    const own = this.columns?.idOf(key);
    if (own !== undefined) return own;
    let n = this.numbers.get(key);
    if (n === undefined) {
      n = this.flowIds + this.keys.length;
      this.numbers.set(key, n);
      this.keys.push(key);
    }
    return n;
  }

  key(n: number): string {
    return n < this.flowIds ? this.columns!.keyAt(n)! : this.keys[n - this.flowIds]!;
  }

  /** The edge that gives node `n` its hop count, if any. */
  edgeInto(n: number): TaintedEdge | undefined {
    return n < this.flowIds ? this.columns!.byId(n) : this.via.get(this.keys[n - this.flowIds]!);
  }

  /** The node `edge` came from. */
  sender(edge: TaintedEdge): number {
    const t = edge.transfer;
    if (this.columns && t instanceof FlowTransfer) {
      const id = t.fromId;
      if (id < this.flowIds && this.columns.keyAt(id) !== undefined) return id;
    }
    return this.of(t.from);
  }
}

/**
 * The paths of `endpoints` asked again in their order, each address's from scratch: when a walk met a cycle, the
 * paths are those this order gives.
 */
function pathsInOrder(input: EndpointInput, endpoints: readonly EndpointData[]): void {
  const paths = newPaths(input);
  for (const ep of endpoints) ep.path = pathArray(pathTo(input, nodeKey(ep.chain, ep.address), paths));
}

/** The transactions from a victim payment to `node` (see `pathFrom`). */
function pathTo(input: EndpointInput, node: string, paths: Paths): PathStep {
  return pathFrom(input, paths.nodes.of(node), paths, undefined);
}

/** Keeps node `n`'s path step (the memo grown densely past its end for numbers beyond the snapshot's). */
function remember(paths: Paths, n: number, step: PathStep): void {
  const { memo } = paths;
  while (memo.length <= n) memo.push(undefined);
  memo[n] = step;
}

/**
 * The transactions from a victim payment to node `node`: its parent's path and the transaction of the edge from it.
 * The walk follows hop counts down, so it ends; were the edges ever to form a cycle, it is walked again watching for one.
 */
function pathFrom(input: EndpointInput, node: number, paths: Paths, visiting: Set<number> | undefined): PathStep {
  const { memo, nodes, walk } = paths;
  let known = memo[node];
  if (known) return known;
  // Walk up to the first node whose path is known (or a seed), then fill the memo on the way back. The steps go on
  // the shared walk from its top (no arrays per call); a seed that continues a bridge deposit walks again above them.
  const base = walk.top;
  let n = base;
  let current = node;
  let seen: Set<number> | undefined;
  while (!known && !seen?.has(current)) {
    const edge = nodes.edgeInto(current);
    if (!edge) break;
    if (n - base > nodes.via.size && !seen) {
      // More steps than edges: a cycle. Walk again, stopping where it closes.
      paths.cyclic = true;
      seen = new Set();
      n = base;
      current = node;
      continue;
    }
    seen?.add(current);
    walk.nodes[n] = current;
    walk.edges[n++] = edge;
    current = nodes.sender(edge);
    known = memo[current];
  }
  walk.top = n;
  let path: PathStep = known ?? rootPath(input, current, paths, visiting ?? new Set());
  walk.top = base;
  if (!known) remember(paths, current, path);
  for (let i = n - 1; i >= base; i--) {
    path = new PathStep(path, walk.edges[i]!, undefined);
    remember(paths, walk.nodes[i]!, path);
  }
  return path;
}

/** A seed's path: its payment, after the source chain's path when the seed continues a bridge deposit. */
function rootPath(input: EndpointInput, node: number, paths: Paths, visiting: Set<number>): PathStep {
  const seed = paths.nodes.key(node);
  const own = input.seedTx.has(seed) ? [input.seedTx.get(seed)!] : [];
  const from = input.continuedFrom?.get(seed);
  const before = input.pathBefore?.get(seed);
  if (before) return rootStep([...before, ...own]);
  if (from === undefined) return rootStep(own);
  if (visiting.has(node)) {
    paths.cyclic = true;
    return rootStep(own);
  }
  visiting.add(node);
  return rootStep(own, pathFrom(input, paths.nodes.of(from), paths, visiting));
}

/**
 * Two exchange wallets can receive from the same inferred deposit address: one endpoint per deposit address. (Only
 * inferred deposits can repeat: every other endpoint is the one of its address and asset.)
 */
async function mergeSameEndpoint(list: EndpointData[], pace: Pacer): Promise<EndpointData[]> {
  // By address, then chain and asset among the few endpoints there: no key string made and hashed per endpoint.
  const byAddress = new Map<string, EndpointData[]>();
  // The list itself unless some endpoint was merged into an earlier one (then those are left out, by index).
  let merged: Uint8Array | undefined;
  for (let i = 0; i < list.length; i++) {
    if ((i & 1023) === 1023) await pace();
    const e = list[i]!;
    if (!e.depositInferred) continue;
    const there = byAddress.get(e.address);
    const prev = there?.find((p) => p.chain === e.chain && p.asset.chain === e.asset.chain && (p.asset.contract ?? '') === (e.asset.contract ?? ''));
    if (!prev) {
      if (there) there.push(e);
      else byAddress.set(e.address, [e]);
      continue;
    }
    (merged ??= new Uint8Array(list.length))[i] = 1;
    prev.amount += e.amount;
    prev.firstSeen = Math.min(prev.firstSeen, e.firstSeen);
    prev.lastSeen = Math.max(prev.lastSeen, e.lastSeen);
    prev.txs = sortStrings([...new Set([...prev.txs, ...e.txs])]);
    prev.sweepEdges = [...(prev.sweepEdges ?? []), ...(e.sweepEdges ?? [])];
    if (prev.sweptTo || e.sweptTo) prev.sweptTo = sortStrings([...new Set([...(prev.sweptTo ?? []), ...(e.sweptTo ?? [])])]);
  }
  return merged ? list.filter((_, i) => merged![i] === 0) : list;
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
