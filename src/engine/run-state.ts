import { createPacer, type Pacer } from '../core/pace.js';
import { assetKey, parseUnits } from '../core/asset.js';
import { ChaintrailError, TraceAbortedError } from '../core/errors.js';
import type { AccountTransfer } from '../core/movement.js';
import type { AssetRef, Seed, TraceSettings } from '../core/schema.js';
import type { ChainAdapter, TransferTable } from '../adapters/adapter.js';
import type { LabelStore } from '../labels/store.js';
import { classifyByLabel, type Terminal } from '../heuristics/classify.js';
import { spamReason } from '../heuristics/spam.js';
import type { BridgeRegistry } from '../heuristics/bridges.js';
import { createBridgeContinuation } from './bridge-continuation.js';
import type { ExpandedKeys } from './expanded-keys.js';
import { TaintFlow, type FlowNode } from './flow.js';
import { NodeFlag, NodeMarks, NodeNumbers } from './node-marks.js';
import type { ResolvedSeed } from './seeds.js';
import { stopPolicy, type StopPolicy, type StopReason } from './stops.js';

/**
 * A progress event of a running trace (phase, round, frontier, addresses expanded, transfers seen). Phases: `seeds`
 * (resolved, once), `expand` (a round starts fetching its frontier), `settle` (the account chains' rounds are over:
 * allocation, deposit addresses and endpoints are worked out, a long step of a big trace), then `expand` again for
 * UTXO chains if any, and `done`.
 */
export interface TraceProgress {
  phase: 'seeds' | 'expand' | 'settle' | 'done';
  round: number;
  /** Addresses being fetched in this round. */
  frontier: number;
  expanded: number;
  transfers: number;
  taintedTransfers: number;
  requests: number;
  cacheHits: number;
  elapsedMs: number;
}

/** Figures of a trace run: requests answered, cache hits, elapsed time. */
export interface TraceRunStats {
  /** Requests the sources answered (network or cache). */
  requests: number;
  cacheHits: number;
  elapsedMs: number;
}

/** How the caller runs the engine: progress callback, AbortSignal, concurrent adapter calls. */
export interface RunOptions {
  onProgress?: ((e: TraceProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  concurrency: number;
}

/** What the engine makes of an asset object in an answer: its key, and whether its movements are ignored. */
export interface AssetKind {
  key: string;
  lookalike: boolean;
  traced: boolean;
}

/**
 * Everything the account engine knows while it runs: one object that the phases of `runTrace` (seed, expand a
 * round, settle, finish) read and change. The taint itself lives in `flow`, and changes only through its methods.
 */
export interface RunState {
  readonly settings: TraceSettings;
  readonly adapters: ChainAdapter[];
  readonly labels: LabelStore | undefined;
  readonly run: RunOptions;
  /** Gives the event loop a turn during long synchronous work (core/pace.ts). */
  readonly pace: Pacer;
  readonly bridges: BridgeRegistry;
  /** Rounds so far (account and UTXO rounds alike). */
  round: number;
  readonly started: number;
  /** The adapters' figures and evidence marks when the trace began: this run's share is what came after. */
  readonly baseline: { requests: number; cacheHits: number; evidenceMark: number }[];
  /** Account-chain seeds as resolved; UTXO seeds wait, by chain, for the UTXO engine. */
  readonly seeds: ResolvedSeed[];
  readonly utxoSeeds: Map<string, Seed[]>;
  readonly flow: TaintFlow;
  /** The traced assets by key and by chain, with the minimum value of each in base units. */
  readonly assets: Map<string, AssetRef>;
  readonly assetsByChain: Map<string, AssetRef[]>;
  readonly minValue: Map<string, bigint>;
  /** Answers share a handful of asset objects: what the engine makes of one is worked out once per object. */
  readonly assetKinds: WeakMap<AssetRef, AssetKind>;
  readonly kindsByKey: Map<string, AssetKind>;
  /** Earliest seed payment per seed node, so every path starts at a victim payment. */
  readonly seedTx: Map<string, { tx: string; time: number }>;
  /** The window movements are fetched in: from the earliest seed (or `from`) to `to`. */
  readonly fetchWindow: { from: number; to?: number };
  /** The flow's expanded nodes' keys (flow.ts `expanded`). */
  readonly expanded: ExpandedKeys;
  /** Addresses whose labels stop the trace, classified once; `unlabeled`: those found to have none (asked once too). */
  readonly terminals: Map<string, Terminal>;
  /** Paid out more often than `maxDegree`. */
  readonly highDegree: Set<FlowNode>;
  /** The source cut the list (more movements than are read). */
  readonly listCut: Set<FlowNode>;
  readonly budgetCut: Set<FlowNode>;
  readonly ignoredIds: { zeroValue: Set<string>; lookalikeToken: Set<string>; untracedAsset: Set<string> };
  /** Why each reached, unexpanded address stops, as the stop policy decided. */
  readonly stops: Map<string, StopReason>;
  readonly policy: StopPolicy;
  /** Candidates to ask the policy about again next round (a bridge continuation came first, or a hub). */
  recheck: FlowNode[];
  /** Stamps of the source answers so far (one per batch of addresses, increasing over the rounds). */
  stamp: number;
  /** Set when a source failed or the trace was interrupted: what was traced until then stands. */
  failure: ChaintrailError | undefined;
  /** Cross-chain continuation: tainted deposits into bridges continue on their destination chain as seeds. */
  readonly bridgeNodes: Set<FlowNode>;
  readonly continuedFrom: Map<string, string>;
  /** Seeds that continue a UTXO branch on an account chain (engine/run.ts `continueUtxoInbounds`): the path before them. */
  readonly pathBefore: Map<string, readonly string[]>;
  readonly bridging: ReturnType<typeof createBridgeContinuation>;
  /** Transaction-level flow (src/engine/boxes.ts): addresses whose contract status the source was asked. */
  /** Transactions read as boxes, by `chain|tx`. */
  readonly boxedTxs: Set<string>;
  /** What the sources said they could not see in transactions' movements (no internal value, …). */
  readonly boxNotes: Set<string>;
  /** Boxes read from a source that could not see internal native value (`chain|tx`): their reports say so. */
  readonly blindTxs: Set<string>;
  /** Assets met in boxes, by key: a conversion's output asset is traced once taint comes out in it. */
  readonly assetRefs: Map<string, AssetRef>;
  /** How many of its chain's traced assets an expanded address was fetched for; `refetch`: those to fetch again for newer ones. */
  readonly fetchedAssets: NodeNumbers;
  /** Per-node flags (unlabeled, asked whether a contract), by node id. */
  readonly marks: NodeMarks;
  /** Each source's table, once it answered by ids (fetch.ts `FrontierRequest.ids`): its later requests name ids too. */
  readonly tables: WeakMap<ChainAdapter, TransferTable>;
  readonly refetch: Set<FlowNode>;
}

export function createRunState(
  settings: TraceSettings,
  adapters: ChainAdapter[],
  labels: LabelStore | undefined,
  run: RunOptions,
  bridges: BridgeRegistry,
): RunState {
  const minValue = new Map<string, bigint>();
  const flow = new TaintFlow(settings.taint === 'tiho' ? 'poison' : settings.taint);
  return {
    settings,
    adapters,
    labels,
    run,
    bridges,
    round: 0,
    started: Date.now(),
    baseline: adapters.map((a) => ({ ...pick(a.stats()), evidenceMark: a.evidenceMark?.() ?? 0 })),
    seeds: [],
    utxoSeeds: new Map(),
    flow,
    assets: new Map(),
    assetsByChain: new Map(),
    minValue,
    assetKinds: new WeakMap(),
    kindsByKey: new Map(),
    seedTx: new Map(),
    fetchWindow: { from: settings.from ?? Number.POSITIVE_INFINITY, ...(settings.to !== undefined ? { to: settings.to } : {}) },
    expanded: flow.expanded,
    terminals: new Map(),
    highDegree: new Set(),
    listCut: new Set(),
    budgetCut: new Set(),
    ignoredIds: { zeroValue: new Set(), lookalikeToken: new Set(), untracedAsset: new Set() },
    stops: new Map(),
    // The stop policy (src/engine/stops.ts) decides; its stop objects are shared by every address they apply to.
    policy: stopPolicy(settings, minValue, 'addresses'),
    recheck: [],
    stamp: 0,
    pace: createPacer(),
    failure: undefined,
    bridgeNodes: new Set(),
    continuedFrom: new Map(),
    pathBefore: new Map(),
    bridging: createBridgeContinuation({
      registry: bridges,
      adapters,
      rule: { windowSeconds: settings.bridgeWindowHours * 3600, tolerance: settings.bridgeTolerance },
      concurrency: run.concurrency,
      ...(run.signal ? { signal: run.signal } : {}),
    }),
    boxedTxs: new Set(),
    boxNotes: new Set(),
    blindTxs: new Set(),
    assetRefs: new Map(),
    fetchedAssets: new NodeNumbers(),
    marks: new NodeMarks(),
    tables: new WeakMap(),
    refetch: new Set(),
  };
}

const pick = (s: { requests: number; cacheHits: number }) => ({ requests: s.requests, cacheHits: s.cacheHits });

/** This run's requests and cache hits so far, and the time since it began. */
export function runStats(state: RunState): TraceRunStats {
  let requests = 0;
  let cacheHits = 0;
  state.adapters.forEach((a, i) => {
    const now = a.stats();
    requests += now.requests - state.baseline[i]!.requests;
    cacheHits += now.cacheHits - state.baseline[i]!.cacheHits;
  });
  return { requests, cacheHits, elapsedMs: Date.now() - state.started };
}

export function progress(state: RunState, phase: TraceProgress['phase'], frontier: number): void {
  if (!state.run.onProgress) return;
  const { requests, cacheHits, elapsedMs } = runStats(state);
  state.run.onProgress({
    phase,
    round: state.round,
    frontier,
    expanded: state.expanded.size,
    transfers: state.flow.size,
    taintedTransfers: state.flow.tainted,
    requests,
    cacheHits,
    elapsedMs,
  });
}

/** Runs a source call; when the caller's AbortSignal ended it, the error says the trace was aborted, in which round. */
export async function guard<T>(state: RunState, work: () => Promise<T>): Promise<T> {
  const { signal } = state.run;
  try {
    signal?.throwIfAborted();
    return await work();
  } catch (error) {
    throw interruption(signal, state.round, error) ?? error;
  }
}

/**
 * An error met once `signal` fired is the interruption (TraceAbortedError naming the round and the reason), unless it
 * is a source's own error; undefined when the trace was not interrupted.
 */
export function interruption(signal: AbortSignal | undefined, round: number, error: unknown): TraceAbortedError | undefined {
  if (!signal?.aborted || (error instanceof ChaintrailError && !(error instanceof TraceAbortedError))) return undefined;
  return new TraceAbortedError('Trace aborted', { details: { round, reason: String(signal.reason ?? 'aborted') }, cause: error });
}

/** Adds an asset to those traced (a seed's, or one a bridge continuation brings): its movements are followed. */
export function traceAsset(state: RunState, key: string, asset: AssetRef): void {
  if (state.assets.has(key)) return;
  state.assets.set(key, asset);
  state.assetsByChain.set(asset.chain, [...(state.assetsByChain.get(asset.chain) ?? []), asset]);
  state.minValue.set(key, parseUnits(state.settings.minValue, asset.decimals, 'minValue'));
  const kind = state.kindsByKey.get(key);
  if (kind) kind.traced = true;
}

/** The address's labels, classified once (heuristics/classify.ts); kept for the report. */
export function terminalOf(state: RunState, node: FlowNode): Terminal | undefined {
  // Each address is classified once; its mark says how, so most (no label) are never looked up by key.
  if (state.marks.has(node, NodeFlag.Unlabeled)) return undefined;
  if (state.marks.has(node, NodeFlag.Labeled)) return state.terminals.get(node.key);
  const found = classifyByLabel(state.labels, node.chain, node.address);
  if (found) state.terminals.set(node.key, found);
  state.marks.add(node, found ? NodeFlag.Labeled : NodeFlag.Unlabeled);
  return found;
}

/** Keeps the earliest seed payment into `node`: every path starts at a victim payment. */
export function noteSeedTx(state: RunState, node: string, t: { tx: string; time: number }): void {
  const prev = state.seedTx.get(node);
  if (!prev || t.time < prev.time) state.seedTx.set(node, { tx: t.tx, time: t.time });
}

/**
 * What the engine makes of an asset object: its key, whether it is a look-alike token, whether it is traced.
 * (Weak by object: a source that builds an asset object per movement must not make this grow with the trace.)
 */
export function assetKind(state: RunState, asset: AssetRef): AssetKind {
  let kind = state.assetKinds.get(asset);
  if (!kind) {
    const key = assetKey(asset);
    kind = state.kindsByKey.get(key);
    if (!kind) {
      const lookalike = spamReason({ ...ZERO_PROBE, chain: asset.chain, asset }) === 'lookalike-token';
      state.kindsByKey.set(key, (kind = { key, lookalike, traced: state.assets.has(key) }));
    }
    state.assetKinds.set(asset, kind);
  }
  return kind;
}

/** A non-zero movement, so that spamReason() speaks about its asset only. */
const ZERO_PROBE: AccountTransfer = {
  chain: '',
  tx: '',
  type: 'token',
  logIndex: 0,
  block: 0,
  time: 0,
  from: '',
  to: '',
  asset: { chain: '', kind: 'native', symbol: '', decimals: 0 },
  amount: 1n,
};

// Fetched movements share a handful of asset objects per answer; the key string is built once per object.
const assetKeys = new WeakMap<AssetRef, string>();
export function assetKeyOf(asset: AssetRef): string {
  let key = assetKeys.get(asset);
  if (key === undefined) assetKeys.set(asset, (key = assetKey(asset)));
  return key;
}
