import { ChaintrailError } from '../core/errors.js';
import { transferId } from '../core/movement.js';
import { classifyByLabel, type Terminal } from '../heuristics/classify.js';
import { fetchFrontier, type FrontierAnswer } from './fetch.js';
import type { FlowNode } from './flow.js';
import { assetKeyOf, assetKind, guard, noteSeedTx, progress, traceAsset, type RunState } from './run-state.js';
import { nodeKey, splitNodeKey } from './state.js';
import { isBridgeStop, stopFor, type Reached } from './stops.js';

/**
 * One round of the account engine: settle the taint, ask the stop policy about every address whose taint or hop
 * count changed, continue across bridges first (a continuation adds seeds, so the round starts over), share the node
 * budget out, fetch the frontier's movements in batches, and take them in. False when the trace has nothing left to
 * expand, or a source failed (the state then holds the failure and the unexpanded addresses are marked incomplete).
 */
export async function expandRound(state: RunState): Promise<boolean> {
  const candidates = decideStops(state);
  const continued = await untilFailure(state, candidates, () => continueAcrossBridges(state));
  if (continued === undefined) return false;
  if (continued) {
    state.recheck = candidates;
    return true;
  }
  const frontier = shareBudget(state, candidates);
  if (frontier.length === 0) return false;
  state.round++;
  progress(state, 'expand', frontier.length);
  const answers = await untilFailure(state, frontier, () => fetchRound(state, frontier));
  if (answers === undefined) return false;
  takeAnswers(state, frontier, answers);
  return true;
}

/** Settles the flow and asks the stop policy about the addresses that changed; those it lets go on, by hop and key. */
function decideStops(state: RunState): FlowNode[] {
  const { flow, stops } = state;
  flow.settle();
  const candidates: FlowNode[] = [];
  for (const node of [...flow.takeTouched(), ...state.recheck]) {
    if (node.expanded || node.hop < 0) continue;
    stops.delete(node.key);
    const stop = stopFor(reached(state, node), state.policy);
    if (stop) stops.set(node.key, stop);
    else candidates.push(node);
    if (isBridgeStop(stop)) state.bridgeNodes.add(node);
  }
  state.recheck = [];
  return [...new Set(candidates)].sort((a, b) => a.hop - b.hop || (a.key < b.key ? -1 : 1));
}

/** What the stop policy needs to know of a reached address. */
function reached(state: RunState, node: FlowNode): Reached {
  return {
    hop: node.hop,
    terminal: terminalOf(state, node),
    received: state.flow.receivedBy(node),
    highDegree: state.highDegree.has(node),
    budgetCut: state.budgetCut.has(node),
  };
}

/** The address's labels, classified once (heuristics/classify.ts); kept for the report. */
function terminalOf(state: RunState, node: FlowNode): Terminal | undefined {
  let terminal = state.terminals.get(node.key);
  if (terminal === undefined && !state.terminals.has(node.key)) {
    const { chain, address } = splitNodeKey(node.key);
    const found = classifyByLabel(state.labels, chain, address);
    if (found) state.terminals.set(node.key, (terminal = found));
  }
  return terminal;
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
    for (const node of nodes) state.stops.set(node.key, stopFor({ ...reached(state, node), failure: error }, state.policy)!);
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
    state.stops.set(node.key, stopFor(reached(state, node), state.policy)!);
  }
  return candidates.slice(0, room);
}

function fetchRound(state: RunState, frontier: readonly FlowNode[]): Promise<FrontierAnswer[]> {
  const { settings, run } = state;
  return guard(state, () =>
    fetchFrontier({
      nodes: frontier.map((n) => n.key),
      adapters: state.adapters,
      assetsByChain: state.assetsByChain,
      window: state.fetchWindow,
      maxDegree: settings.maxDegree,
      concurrency: run.concurrency,
      ...(run.signal ? { signal: run.signal } : {}),
    }),
  );
}

/**
 * Takes a round's answers in: counts each fetched address's movements, sets hubs aside (their stop is decided next
 * round), adds the movements of the addresses this round really expands to the flow, and expands them.
 */
function takeAnswers(state: RunState, frontier: readonly FlowNode[], answers: readonly FrontierAnswer[]): void {
  const roundStart = state.stamp + 1;
  const ends = countMovements(state, answers);
  const keep: FlowNode[] = [];
  for (const node of frontier) {
    if (node.degree > state.settings.maxDegree) {
      state.flow.unmarkFetched(node);
      state.highDegree.add(node);
      state.recheck.push(node);
    } else keep.push(node);
  }
  addMovements(state, answers, ends, roundStart);
  for (const node of keep) {
    state.flow.expand(node);
    state.expanded.add(node.key);
  }
}

/**
 * Each address's movements are counted in its own answer; the ends' nodes are looked up once, for the count and for
 * the flow (returned in answer order, two per movement). A batch's stamp marks its addresses as fetched; a hub's
 * stamp is taken back later, as its own movements are not kept: only those of addresses this round really expands.
 */
function countMovements(state: RunState, answers: readonly FrontierAnswer[]): (FlowNode | undefined)[] {
  const { flow } = state;
  const hubs: FlowNode[] = [];
  const ends: (FlowNode | undefined)[] = [];
  for (const answer of answers) {
    const batch = ++state.stamp;
    for (const address of answer.addresses) flow.markFetched(flow.peek(answer.chain, address)!, batch);
    for (const address of answer.truncated) {
      const node = flow.peek(answer.chain, address);
      if (node) hubs.push(node);
    }
    for (const t of answer.transfers) {
      const from = flow.peek(t.chain, t.from);
      const to = t.to === t.from ? from : flow.peek(t.chain, t.to);
      flow.countMovement(batch, from, to);
      ends.push(from, to);
    }
  }
  for (const node of hubs) flow.markHub(node);
  return ends;
}

/** Adds the movements of addresses fetched this round to the flow; zero-value, look-alike and untraced ones are counted, not followed. */
function addMovements(state: RunState, answers: readonly FrontierAnswer[], ends: readonly (FlowNode | undefined)[], roundStart: number): void {
  const { flow, ignoredIds } = state;
  let end = 0;
  for (const answer of answers) {
    for (const t of answer.transfers) {
      const from = ends[end++];
      const to = ends[end++];
      if (!((from !== undefined && from.fetchedIn >= roundStart) || (to !== undefined && to.fetchedIn >= roundStart))) continue;
      const kind = assetKind(state, t.asset);
      // A zero-value transaction still costs its sender gas: as a fee-only movement it debits the sender's ledger.
      const feeOnly = t.amount === 0n && t.asset.kind === 'native' && t.fee !== undefined && t.fee > 0n;
      if (t.amount === 0n && !feeOnly) ignoredIds.zeroValue.add(transferId(t));
      else if (kind.lookalike) ignoredIds.lookalikeToken.add(transferId(t));
      else if (!kind.traced) ignoredIds.untracedAsset.add(transferId(t));
      // (An end first met in this round has no node yet: the flow makes it.)
      else flow.add(t, kind.key, from, to);
    }
  }
}
