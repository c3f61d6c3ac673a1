import { getChain } from '../core/chain.js';
import { ChaintrailError } from '../core/errors.js';
import { transferId, type AccountTransfer } from '../core/movement.js';
import { fetchFrontier, type FrontierAnswer } from './fetch.js';
import type { FlowNode } from './flow-table.js';
import { assetKeyOf, assetKind, type AssetKind, guard, noteSeedTx, progress, terminalOf, traceAsset, type RunState } from './run-state.js';
import { checkContracts, noteRefetch, readBoxes, traceNewAssets } from './boxes.js';
import { groupBy } from '../core/group.js';
import { orderByKey } from '../core/key-order.js';
import type { AssetRef } from '../core/schema.js';
import type { Terminal } from '../heuristics/classify.js';
import { nodeKey } from './state.js';
import { isBridgeStop, movementsRead, stopFor, type Reached, type StopReason } from './stops.js';
import { NodeFlag } from './node-marks.js';

/**
 * One round of the account engine: settle the taint, ask the stop policy about every address whose taint or hop
 * count changed, continue across bridges first (a continuation adds seeds, so the round starts over), share the node
 * budget out, fetch the frontier's movements in batches, and take them in. False when the trace has nothing left to
 * expand, or a source failed (the state then holds the failure and the unexpanded addresses are marked incomplete).
 */
export async function expandRound(state: RunState): Promise<boolean> {
  await state.flow.settle(state.pace);
  const { candidates, contracts } = await decideStops(state);
  await state.pace();
  const continued = await untilFailure(state, candidates, () => continueAcrossBridges(state));
  if (continued === undefined) return false;
  if (continued) {
    state.recheck = [...candidates, ...contracts];
    return true;
  }
  await state.pace();
  const boxed = await untilFailure(state, candidates, () => followContracts(state, candidates, contracts));
  if (boxed === undefined) return false;
  if (boxed.read) {
    state.recheck = boxed.accounts;
    return true;
  }
  await state.pace();
  const frontier = shareBudget(state, boxed.accounts);
  const refetch = [...state.refetch].sort((a, b) => (a.key < b.key ? -1 : 1));
  state.refetch.clear();
  if (frontier.length === 0 && refetch.length === 0) return false;
  state.round++;
  progress(state, 'expand', frontier.length + refetch.length);
  const answers = await untilFailure(state, frontier, () => fetchRound(state, frontier, refetch));
  if (answers === undefined) return false;
  await takeAnswers(state, frontier, refetch, answers);
  return true;
}

/**
 * Asks the stop policy about the addresses that changed (the flow settled): those it lets go on (by hop and key),
 * and the contracts among them, whose new transactions are read as boxes.
 */
async function decideStops(state: RunState): Promise<{ candidates: FlowNode[]; contracts: FlowNode[] }> {
  const { flow, stops } = state;
  const candidates: FlowNode[] = [];
  const contracts: FlowNode[] = [];
  const changed = [...flow.takeTouched(), ...state.recheck];
  for (let i = 0; i < changed.length; i++) {
    if ((i & 1023) === 1023) await state.pace();
    const node = changed[i]!;
    if (node.hop < 0) continue;
    traceNewAssets(state, node);
    if (node.expanded) {
      noteRefetch(state, node);
      continue;
    }
    const stop = stopFor(reached(state, node), state.policy);
    if (stop) setStop(state, node, stop);
    else {
      // (Only a node stopped before has a stop to take back: most candidates never had one.)
      if (state.marks.has(node, NodeFlag.Stopped)) stops.delete(node.key);
      candidates.push(node);
    }
    if (stop?.kind === 'contract') contracts.push(node);
    if (isBridgeStop(stop)) state.bridgeNodes.add(node);
  }
  state.recheck = [];
  await state.pace();
  return { candidates: byHopAndKey(candidates), contracts: byHopAndKey(contracts) };
}

/** Stops a branch at `node` (its mark says a stop may be there to take back). */
function setStop(state: RunState, node: FlowNode, stop: StopReason): void {
  state.stops.set(node.key, stop);
  state.marks.add(node, NodeFlag.Stopped);
}

/**
 * `nodes` by hop, then key, each once (a node can be both touched and rechecked): the order the budget is shared
 * out and the frontier fetched in. Repeats are dropped after the sort, where they are neighbours.
 */
export function byHopAndKey(nodes: readonly FlowNode[]): FlowNode[] {
  const keys = new Array<string>(nodes.length);
  const hops = new Int32Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    keys[i] = nodes[i]!.key;
    hops[i] = nodes[i]!.hop;
  }
  const order = orderByKey(keys, hops);
  const out: FlowNode[] = [];
  for (let i = 0; i < order.length; i++) {
    const node = nodes[order[i]!]!;
    if (out.length === 0 || out[out.length - 1] !== node) out.push(node);
  }
  return out;
}

/**
 * Asks the sources which candidates are contracts (they stop as accounts: the policy says 'contract'), then reads
 * the transactions taint entered the contracts by as boxes. `read`: boxes were added (the round starts over).
 */
async function followContracts(state: RunState, candidates: FlowNode[], contracts: FlowNode[]): Promise<{ accounts: FlowNode[]; read: boolean }> {
  await checkContracts(state, candidates);
  const accounts: FlowNode[] = [];
  const all = [...contracts];
  for (const node of candidates) {
    if (!node.contract) accounts.push(node);
    else {
      setStop(state, node, stopFor(reached(state, node), state.policy)!);
      all.push(node);
    }
  }
  return { accounts, read: await readBoxes(state, all) };
}

/** What the stop policy needs to know of a reached address. */
function reached(state: RunState, node: FlowNode, failure?: ChaintrailError): Reached {
  return new ReachedAddress(state, node, failure);
}

/**
 * A reached address as the stop policy reads it: each fact read when the policy asks for it, as it asks in order
 * and stops at the first that decides (the taint received, a list per address, is read only when the other facts
 * let the address go on).
 */
class ReachedAddress implements Reached {
  constructor(
    private readonly state: RunState,
    private readonly node: FlowNode,
    readonly failure: ChaintrailError | undefined,
  ) {}

  get hop(): number {
    return this.node.hop;
  }

  get terminal(): Terminal | undefined {
    return terminalOf(this.state, this.node);
  }

  get received(): Iterable<readonly [string, bigint]> {
    return this.state.flow.receivedBy(this.node);
  }

  get highDegree(): boolean {
    return this.state.highDegree.has(this.node);
  }

  get listCut(): boolean {
    return this.state.listCut.has(this.node);
  }

  get budgetCut(): boolean {
    return this.state.budgetCut.has(this.node);
  }

  get contract(): boolean {
    return this.node.contract;
  }
}

/**
 * A source that fails after its retries, or an interruption (the caller's AbortSignal), ends the trace: what was
 * traced so far is kept, and `nodes` (about to be expanded) are marked incomplete. Undefined then.
 */
async function untilFailure<T>(state: RunState, nodes: readonly FlowNode[], work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ChaintrailError)) throw error;
    state.failure = error;
    for (const node of nodes) setStop(state, node, stopFor(reached(state, node, error), state.policy)!);
    return undefined;
  }
}

/**
 * Cross-chain continuation (src/engine/bridge-continuation.ts): tainted deposits into bridges continue on their
 * destination chain as seeds carrying the handed-over taint, when a source serves that chain. True when seeds were
 * added or their taint changed.
 */
async function continueAcrossBridges(state: RunState): Promise<boolean> {
  const { flow, bridging, settings } = state;
  const inflows = [...state.bridgeNodes].flatMap((node) => flow.taintedInflows(node).map((e) => ({ transfer: e.t, taint: e.taint })));
  if (inflows.length === 0 || !(await guard(state, () => bridging.step(inflows)))) return false;
  for (const c of bridging.seeds()) {
    const t = c.transfer;
    // A continuation on a UTXO chain (THORChain to Bitcoin) seeds the UTXO engine at its output (run.ts).
    if (getChain(t.chain).family === 'utxo') continue;
    const key = assetKeyOf(t.asset);
    traceAsset(state, key, t.asset);
    // Crossing the bridge is one more hop: the hop limit holds for the whole path, across chains.
    flow.seed(flow.add(t, key) ?? flow.find(t)!, c.taint, (flow.lookup(c.from)?.hop ?? 0) + 1);
    const node = nodeKey(t.chain, t.to);
    if (!state.continuedFrom.has(node)) state.continuedFrom.set(node, c.from);
    noteSeedTx(state, node, t);
    if (settings.from === undefined && t.time < state.fetchWindow.from) state.fetchWindow.from = t.time;
  }
  return true;
}

/** The candidates the node budget still has room for; the rest stop at the budget. */
function shareBudget(state: RunState, candidates: FlowNode[]): FlowNode[] {
  const room = Math.max(0, state.settings.maxNodes - state.expanded.size);
  for (const node of candidates.slice(room)) {
    state.budgetCut.add(node);
    setStop(state, node, stopFor(reached(state, node), state.policy)!);
  }
  return candidates.slice(0, room);
}

/** The frontier's movements in every traced asset, and the refetched addresses' in the assets traced since their fetch. */
async function fetchRound(state: RunState, frontier: readonly FlowNode[], refetch: readonly FlowNode[]): Promise<FrontierAnswer<FlowNode>[]> {
  const { settings, run } = state;
  // A frontier address is read until it shows itself a hub; an expanded one refetched for new assets, to the read bound.
  const fetch = (nodes: readonly FlowNode[], assetsByChain: ReadonlyMap<string, AssetRef[]>, maxPayees?: number) =>
    guard(state, () =>
      fetchFrontier({
        nodes,
        adapters: state.adapters,
        assetsByChain,
        window: state.fetchWindow,
        maxMovements: movementsRead(settings),
        ...(maxPayees !== undefined ? { maxPayees } : {}),
        concurrency: run.concurrency,
        ...(run.signal ? { signal: run.signal } : {}),
        pace: state.pace,
        ids: { tables: state.tables, of: (table, list) => state.flow.addressIds(table, list) },
      }),
    );
  const jobs = frontier.length > 0 ? [fetch(frontier, state.assetsByChain, settings.maxDegree)] : [];
  for (const [group, nodes] of groupBy(refetch, (n) => `${n.chain}|${state.fetchedAssets.get(n) ?? 0}`)) {
    const chain = group.slice(0, group.lastIndexOf('|'));
    const newer = (state.assetsByChain.get(chain) ?? []).slice(state.fetchedAssets.get(nodes[0]!) ?? 0);
    jobs.push(fetch(nodes, new Map([[chain, newer]])));
  }
  return (await Promise.all(jobs)).flat();
}

/**
 * Takes a round's answers in: counts each fetched address's movements, sets hubs aside (their stop is decided next
 * round), adds the movements of the addresses this round really expands to the flow, and expands them.
 */
async function takeAnswers(
  state: RunState,
  frontier: readonly FlowNode[],
  refetch: readonly FlowNode[],
  answers: readonly FrontierAnswer<FlowNode>[],
): Promise<void> {
  const roundStart = state.stamp + 1;
  const ends = await countPayees(state, answers);
  const keep: FlowNode[] = [];
  for (const node of frontier) {
    if (node.payees > state.settings.maxDegree) {
      state.flow.unmarkFetched(node);
      (node.payees === Number.POSITIVE_INFINITY ? state.listCut : state.highDegree).add(node);
      state.recheck.push(node);
    } else keep.push(node);
  }
  await addMovements(state, answers, ends, roundStart);
  for (const node of keep) state.flow.expand(node);
  for (const node of [...keep, ...refetch]) state.fetchedAssets.set(node, state.assetsByChain.get(node.chain)?.length ?? 0);
}

/**
 * Each address's payees are counted in its own answer: the different addresses it paid (a service pays many
 * customers; a collector, however many victims paid it, forwards to a few wallets, as often as it likes). The ends'
 * node ids are looked up once, for the count and for the flow (returned in answer order, two per movement; -1: no
 * node yet). A batch's stamp marks its addresses as fetched; a hub's stamp is taken back later, as its own movements
 * are not kept: only those of addresses this round really expands.
 */
async function countPayees(state: RunState, answers: readonly FrontierAnswer<FlowNode>[]): Promise<Int32Array> {
  const { flow } = state;
  const limit = state.settings.maxDegree;
  const hubs: FlowNode[] = [];
  // Per fetched sender of the answer at hand, the addresses it paid (by the source's address id, or the address): no
  // more than one past the limit is kept.
  const payees = new Map<number, Set<number | string>>();
  const pays = (sender: number, payee: number | string) => {
    let set = payees.get(sender);
    if (!set) payees.set(sender, (set = new Set()));
    if (set.size <= limit) set.add(payee);
  };
  const ends = new Int32Array(2 * answers.reduce((n, a) => n + (a.ids ? a.ids.from.length : a.transfers.length), 0));
  let end = 0;
  for (const answer of answers) {
    await state.pace();
    const batch = ++state.stamp;
    for (const node of answer.nodes) flow.markFetched(node, batch);
    for (const address of answer.truncated) {
      const node = flow.peek(answer.chain, address);
      if (node) hubs.push(node);
    }
    if (answer.ids) {
      const { table, from, to } = answer.ids;
      const space = flow.idSpace(table);
      for (let i = 0; i < from.length; i++) {
        const f = flow.peekNodeId(space, from[i]!);
        const t = to[i] === from[i] ? f : flow.peekNodeId(space, to[i]!);
        if (to[i] !== from[i] && flow.fetchedInBatch(f, batch)) pays(f, to[i]!);
        ends[end++] = f;
        ends[end++] = t;
      }
    } else {
      for (const t of answer.transfers) {
        const from = flow.peek(t.chain, t.from)?.id ?? -1;
        const to = t.to === t.from ? from : (flow.peek(t.chain, t.to)?.id ?? -1);
        if (t.to !== t.from && flow.fetchedInBatch(from, batch)) pays(from, t.to);
        ends[end++] = from;
        ends[end++] = to;
      }
    }
    for (const [sender, set] of payees) flow.setPayees(sender, set.size);
    payees.clear();
  }
  // A cut list that already shows more payees than the limit is a hub by what it paid (the source may stop there).
  for (const node of hubs) if (node.payees <= limit) flow.markHub(node);
  return ends;
}

/** Adds the movements of addresses fetched this round to the flow; zero-value, look-alike and untraced ones are counted, not followed. */
async function addMovements(state: RunState, answers: readonly FrontierAnswer<FlowNode>[], ends: Int32Array, roundStart: number): Promise<void> {
  const { flow } = state;
  let end = 0;
  for (const answer of answers) {
    await state.pace();
    if (answer.ids) {
      const { table, row, from, to } = answer.ids;
      const space = flow.idSpace(table);
      const { amounts } = table;
      for (let i = 0; i < row.length; i++) {
        if ((i & 4095) === 4095) await state.pace();
        const f = ends[end++]!;
        const t = ends[end++]!;
        if (!(flow.fetchedSince(f, roundStart) || flow.fetchedSince(t, roundStart))) continue;
        const r = row[i]!;
        const asset = table.asset(r);
        const kind = assetKind(state, asset);
        // (A table that keeps its amounts as a column tells a zero without a bigint made; the flow copies the cell.)
        if ((amounts ? amounts.zero(r) : table.amount(r) === 0n) || kind.lookalike || !kind.traced) {
          if (ignored(state, kind, table.amount(r), asset.kind === 'native' ? table.fee(r) : undefined, () => table.transfer(r))) continue;
        }
        // (An end first met in this round has no node yet: the flow makes it.)
        const fromId = f >= 0 ? f : flow.nodeIdOf(space, from[i]!);
        flow.addRow(space, r, kind.key, fromId, t >= 0 ? t : to[i] === from[i] ? fromId : flow.nodeIdOf(space, to[i]!));
      }
    } else {
      for (let i = 0; i < answer.transfers.length; i++) {
        if ((i & 4095) === 4095) await state.pace();
        const t = answer.transfers[i]!;
        const from = ends[end++]!;
        const to = ends[end++]!;
        if (!(flow.fetchedSince(from, roundStart) || flow.fetchedSince(to, roundStart))) continue;
        const kind = assetKind(state, t.asset);
        if (ignored(state, kind, t.amount, t.asset.kind === 'native' ? t.fee : undefined, () => t)) continue;
        flow.add(t, kind.key, from >= 0 ? flow.nodeAt(from) : undefined, to >= 0 ? flow.nodeAt(to) : undefined);
      }
    }
  }
}

/**
 * Counts a movement the flow does not follow, by its kind: zero-value (unless it is a native fee-only movement: a
 * zero-value transaction still costs its sender gas, so it debits the sender's ledger), look-alike token, untraced
 * asset. False for a movement to follow.
 */
function ignored(state: RunState, kind: AssetKind, amount: bigint, nativeFee: bigint | undefined, movement: () => AccountTransfer): boolean {
  const { ignoredIds } = state;
  const feeOnly = amount === 0n && nativeFee !== undefined && nativeFee > 0n;
  if (amount === 0n && !feeOnly) ignoredIds.zeroValue.add(transferId(movement()));
  else if (kind.lookalike) ignoredIds.lookalikeToken.add(transferId(movement()));
  else if (!kind.traced) ignoredIds.untracedAsset.add(transferId(movement()));
  else return false;
  return true;
}
