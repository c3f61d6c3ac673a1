import { noPacing, type Pacer } from '../core/pace.js';
import { getChain } from '../core/chain.js';
import { assetKeyOf } from './run-state.js';
import { compareTransfers, transferId, type AccountTransfer } from '../core/movement.js';
import type { AssetRef, Label } from '../core/schema.js';
import { isService, type ServiceCategory } from '../core/service.js';
import type { LabelStore } from '../labels/store.js';
import { findBridge, type BridgeRegistry } from '../heuristics/bridges.js';
import { classifyByLabel } from '../heuristics/classify.js';
import {
  depositConfidence,
  inferDepositAddress,
  withinDustShare,
  type DepositEvidence,
  type DepositMovement,
  type DepositRule,
  type DepositTransfer,
} from '../heuristics/deposit.js';
import type { FlowColumns, FlowNode, TaintFlow } from './flow.js';
import { nodeKey, splitNodeKey } from './state.js';
import { grow } from '../core/typed-arrays.js';

/** An unlabeled address the trace found to be a service's deposit address, and the evidence per asset key. */
export interface DepositInference {
  /** The label of the service wallet it swept into (entity, category, jurisdictions). */
  label: Label;
  /** The endpoint kind: the service's category. */
  kind: ServiceCategory;
  /** Node keys of the service's wallets it swept into. */
  sweptTo: Set<string>;
  evidence: ReadonlyMap<string, DepositEvidence>;
  /** `depositConfidence` of the wallet's label and the acts that fit (heuristics/deposit.ts). */
  confidence: number;
  /** Gas top-ups or an activation by the service support the sweeps. */
  corroborated: boolean;
  /** The address's node id in the flow: the endpoints find it by id (no key hashed per address). */
  node: number;
  /** A contract (a deposit forwarder) whose later outflows, read apart, all went to the service's wallets. */
  forwarder?: true;
}

/** What the rule needs besides the flow: the trace's bridges, and forwarder contracts' own movements. */
export interface DepositSources {
  bridges?: BridgeRegistry;
  /** Contracts that kept taint (`contract` stops), by node key: every movement read for them (engine/forwarders.ts). */
  forwarders?: ReadonlyMap<string, readonly AccountTransfer[]>;
  /** Native value sent to deposit addresses, read apart when the trace does not follow native value (gas top-ups, activation). */
  nativeInflows?: ReadonlyMap<string, readonly AccountTransfer[]>;
}

/** A counterparty's class: the service whose wallet it is, or the mixer/bridge it is. */
type Counterparty = { service: Label } | { barrier: string } | null;

/**
 * Expanded, unlabeled addresses whose outflows all (or all but dust) go to one service's labeled wallets: the
 * engine read every movement of an expanded address in the window, so its sweeps are known however late they came.
 * An address at the hop limit is not expanded, so its sweeps are not read (it stays a `hop-limit` endpoint).
 * Contracts that kept taint are read the same way from their own movements (`sources.forwarders`): a deposit
 * forwarder that flushed everything to the service's hot wallet is the service's deposit address.
 */
export async function inferDeposits(
  flow: TaintFlow,
  labels: LabelStore | undefined,
  rule: DepositRule,
  sources: DepositSources = {},
  pace: Pacer = noPacing,
): Promise<Map<string, DepositInference>> {
  const deposits = new Map<string, DepositInference>();
  if (!labels) return deposits;
  const { decide: decideAt, paidService } = depositDecider(flow, labels, rule, sources);
  // The flow's expanded nodes, read as they are (no lookup by key); in any order: the result is looked up, never listed.
  let n = 0;
  for (const node of flow.expanded.nodes) {
    if ((++n & 1023) === 0) await pace();
    // Most addresses never paid a service: passed over without sorting or reading their movements.
    if (!paidService(node)) continue;
    const inference = decideAt(node.key, false, node);
    if (inference) deposits.set(node.key, inference);
  }
  for (const key of sources.forwarders?.keys() ?? []) {
    const inference = decideAt(key, true);
    if (inference) deposits.set(key, inference);
  }
  return deposits;
}

/**
 * Decides the inferred deposit addresses (`deposits`, changed in place) again once their native inflows, read apart
 * (`sources.nativeInflows`), are known. Only an address with some is decided again: native inflows are read for
 * inferred deposit addresses alone, and every other address's movements are what the first pass weighed, so the
 * result is what `inferDeposits` with them gives (without a second pass over every expanded address).
 */
export function withNativeInflows(
  deposits: Map<string, DepositInference>,
  flow: TaintFlow,
  labels: LabelStore | undefined,
  rule: DepositRule,
  sources: DepositSources & { nativeInflows: ReadonlyMap<string, readonly AccountTransfer[]> },
): void {
  if (!labels) return;
  const { decide: decideAt } = depositDecider(flow, labels, rule, sources);
  for (const [key, list] of sources.nativeInflows) {
    if (list.length === 0 || !deposits.has(key)) continue;
    const inference = decideAt(key, sources.forwarders?.has(key) ?? false);
    if (inference) deposits.set(key, inference);
    else deposits.delete(key);
  }
}

/** The deposit rule at one address, and the screen before it. */
interface DepositDecider {
  /** The rule at an expanded address, or a forwarder contract read apart (`forwarder`). */
  decide(key: string, forwarder: boolean, known?: FlowNode): DepositInference | undefined;
  /** Whether the node paid a service's wallet a non-zero amount in some row: the rule passes no address that did not. */
  paidService(node: FlowNode): boolean;
}

/**
 * The deposit rule at one address (an expanded address, or a forwarder contract read apart), each counterparty
 * classified once (by its node key: the flow's own strings, so no key is built per movement).
 */
function depositDecider(flow: TaintFlow, labels: LabelStore, rule: DepositRule, sources: DepositSources): DepositDecider {
  // A counterparty's class rests on chain and address alone: a flow node's is kept by its id (`ofNode` below); the
  // rare movements given as objects (a forwarder's, native inflows read apart) are classified as they come.
  const classify = (chain: string, address: string): Counterparty => {
    const terminal = classifyByLabel(labels, chain, address);
    const bridge = terminal ? undefined : findBridge(chain, address, sources.bridges);
    return isService(terminal?.kind)
      ? { service: terminal.label }
      : terminal?.kind === 'mixer' || terminal?.kind === 'bridge'
        ? { barrier: terminal.reason }
        : bridge
          ? { barrier: `bridge ${bridge.name}` }
          : null;
  };
  // A flow node's class by its id (most counterparties are nodes of the flow): the class's place in `found` per id
  // (0: not asked, -1: none), so that neither the node object nor its address is read again for a node asked before.
  const found: Counterparty[] = [];
  let byNode = new Int32Array(0);
  const ofNode = (id: number, nodes: FlowColumns['nodes']): Counterparty => {
    if (id >= byNode.length) byNode = grow(byNode, id + 1, (n) => new Int32Array(n));
    let code = byNode[id]!;
    if (code === 0) {
      const node = nodes[id]!;
      const c = classify(node.chain, node.address);
      byNode[id] = code = c === null ? -1 : found.push(c);
    }
    return code < 0 ? null : found[code - 1]!;
  };
  const serviceOf = (id: number, nodes: FlowColumns['nodes']) => {
    const c = ofNode(id, nodes);
    return c !== null && 'service' in c ? c.service : undefined;
  };
  // The addresses that paid a service's wallet, found for every node in one pass over the rows when first asked.
  let payers: Uint8Array | undefined;
  const paidService = (node: FlowNode) => (payers ??= servicePayers(flow.columns, serviceOf))[node.id] === 1;
  const decideAt = (key: string, forwarder: boolean, known?: FlowNode): DepositInference | undefined => {
    const node = known ?? flow.lookup(key);
    if (!node) return undefined;
    let transfers: readonly Move[];
    let columns: FlowColumns | undefined;
    if (forwarder) {
      transfers = (sources.forwarders?.get(key) ?? []).filter((t) => t.from !== t.to).map((t) => ({ t, asset: assetKeyOf(t.asset), whole: t }));
    } else {
      const own = flow.rowsOf(node);
      columns = own.columns;
      if (!mayBeDeposit(node, own.rows, columns, serviceOf, rule)) return undefined;
      transfers = rowMoves(own.rows, columns);
    }
    const { chain, address } = splitNodeKey(key);
    if (labels.get(chain, address)) return undefined;
    const moves = withNative(transfers, sources.nativeInflows?.get(key), flow);
    const taintedAssets = new Set(flow.receivedBy(node).flatMap(([asset, v]) => (v > 0n ? [asset] : [])));
    // A movement read from a flow row names its counterparty by node id; one given as an object, by address.
    const classOf = (m: Move, incoming: boolean): Counterparty =>
      columns && typeof m.whole === 'number'
        ? ofNode(incoming ? columns.from[m.whole]! : columns.to[m.whole]!, columns.nodes)
        : classify(chain, incoming ? m.t.from : m.t.to);
    const inference = decide(chain, address, node.id, moves, taintedAssets, classOf, rule);
    return inference && forwarder ? { ...inference, forwarder: true } : inference;
  };
  return { decide: decideAt, paidService };
}

/** A movement as the rule reads it, with its asset key; `whole`: its movement object, or the flow row to make it from. */
interface Move {
  t: DepositTransfer;
  asset: string;
  whole: AccountTransfer | number;
}

/** What a row says, for the rule: its values, no movement object (only what the rule reads; a native's kind is all it needs of the asset). */
const NATIVE: Pick<AssetRef, 'kind'> = { kind: 'native' };
const TOKEN: Pick<AssetRef, 'kind'> = { kind: 'token' };

/** The node's movements (chronologically, rows in that order) other than to itself, read from the columns. */
function rowMoves(rows: readonly number[], c: FlowColumns): Move[] {
  const out: Move[] = [];
  for (const m of rows) {
    const from = c.from[m]!;
    const to = c.to[m]!;
    if (from === to) continue;
    const a = c.asset[m]!;
    const t = {
      tx: c.txOf(m),
      time: c.time[m]!,
      amount: c.amount.get(m),
      from: c.nodes[from]!.address,
      to: c.nodes[to]!.address,
      asset: c.isNative(a) ? NATIVE : TOKEN,
    };
    out.push({ t, asset: c.assets[a]!, whole: m });
  }
  return out;
}

/**
 * The address's movements with the native inflows read apart (each movement once), chronologically. (Rare: only an
 * inferred deposit address's native inflows are read apart; its rows' movements are then taken as objects.)
 */
function withNative(moves: readonly Move[], native: readonly AccountTransfer[] | undefined, flow: TaintFlow): readonly Move[] {
  if (!native || native.length === 0) return moves;
  const own = moves.map((m) => {
    const t = typeof m.whole === 'number' ? flow.movementOf(m.whole) : m.whole;
    return { t, asset: m.asset, whole: t };
  });
  const ids = new Set(own.map((m) => transferId(m.t)));
  const extra = native.filter((t) => !ids.has(transferId(t))).map((t) => ({ t, asset: assetKeyOf(t.asset), whole: t }));
  return [...own, ...extra].sort((a, b) => compareTransfers(a.t, b.t));
}

/** The deposit rule over one address's movements (chronological), each counterparty classified. */
function decide(
  chain: string,
  address: string,
  node: number,
  moves: readonly Move[],
  taintedAssets: ReadonlySet<string>,
  classOf: (move: Move, incoming: boolean) => Counterparty,
  rule: DepositRule,
): DepositInference | undefined {
  const inflows: DepositMovement[] = [];
  const outflows: DepositMovement[] = [];
  const walletLabels = new Map<string, Label>();
  for (const move of moves) {
    const { t, asset } = move;
    if (t.amount === 0n) continue;
    const incoming = t.to === address;
    const c = classOf(move, incoming);
    const service = c && 'service' in c ? c.service : undefined;
    if (service && !incoming) walletLabels.set(t.to, service);
    const m: DepositMovement = { t, asset, service: service?.entity };
    if (c && 'barrier' in c && !incoming) m.barrier = c.barrier;
    (incoming ? inflows : outflows).push(m);
  }
  const decision = inferDepositAddress({ inflows, outflows, taintedAssets, activates: getChain(chain).family === 'tron' }, rule);
  if (!decision) return undefined;
  const label = walletLabels.get(decision.wallets[0]!)!;
  return {
    label,
    kind: label.category as ServiceCategory,
    sweptTo: new Set(decision.wallets.map((w) => nodeKey(chain, w))),
    evidence: decision.evidence,
    confidence: depositConfidence(label.confidence, decision.acts),
    corroborated: decision.corroborated,
    node,
  };
}

/**
 * A quick look before the evidence is collected: most addresses never pay a service, or pay someone else more
 * than dust, and are passed over after a label lookup or two. The payments that could rule the address out (not
 * native value, not below the floor, more than dust of what it received) are looked at first: the first of them that
 * does not go to a service ends the look, so most addresses cost one counterparty's classification. It reads the
 * flow's columns (`rows`: the node's movements, chronologically), so the addresses it passes over cost no view.
 */
function mayBeDeposit(
  node: FlowNode,
  rows: readonly number[],
  c: FlowColumns,
  serviceOf: (id: number, nodes: FlowColumns['nodes']) => Label | undefined,
  rule: DepositRule,
): boolean {
  const id = node.id;
  let paysService = false;
  // What the address received in the asset last asked (one asset is the common case).
  let receivedAsset = -1;
  let received = 0n;
  for (const m of rows) {
    if (c.from[m] !== id || c.to[m] === id) continue;
    const amount = c.amount.get(m);
    if (amount === 0n) continue;
    // (Native value passed on may be gas money: the heuristic weighs it.)
    const a = c.asset[m]!;
    if (c.isNative(a) || amount < (rule.minValue?.get(c.assets[a]!) ?? 0n)) continue;
    if (a !== receivedAsset) {
      receivedAsset = a;
      received = receivedOf(id, rows, c, a);
    }
    if (withinDustShare(amount, received, rule)) continue;
    if (!serviceOf(c.to[m]!, c.nodes)) return false;
    paysService = true;
  }
  if (paysService) return true;
  for (const m of rows) if (c.from[m] === id && c.to[m] !== id && !c.amount.zero(m) && serviceOf(c.to[m]!, c.nodes)) return true;
  return false;
}

/**
 * Node ids (1) that paid a service's wallet a non-zero amount in some row: `mayBeDeposit` passes no address without
 * such a payment. Each recipient is classified once (`serviceOf` keeps the class by node id).
 */
function servicePayers(c: FlowColumns, serviceOf: (id: number, nodes: FlowColumns['nodes']) => Label | undefined): Uint8Array {
  const out = new Uint8Array(c.nodes.length);
  for (let m = 0; m < c.size; m++) {
    const from = c.from[m]!;
    const to = c.to[m]!;
    if (from === to || out[from] === 1 || c.amount.zero(m)) continue;
    if (serviceOf(to, c.nodes)) out[from] = 1;
  }
  return out;
}

function receivedOf(id: number, rows: readonly number[], c: FlowColumns, asset: number): bigint {
  let sum = 0n;
  for (const m of rows) if (c.to[m] === id && c.from[m] !== id && c.asset[m] === asset) sum += c.amount.get(m);
  return sum;
}
