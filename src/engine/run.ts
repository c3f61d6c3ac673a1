import { assetKey, nativeAsset, parseUnits } from '../core/asset.js';
import { getChain } from '../core/chain.js';
import { ChaintrailError, TraceAbortedError } from '../core/errors.js';
import { compareTransfers, transferId, type AccountTransfer } from '../core/movement.js';
import type { AssetRef, Seed, TraceSettings } from '../core/schema.js';
import type { ChainAdapter, Evidence } from '../adapters/adapter.js';
import type { LabelStore } from '../labels/store.js';
import { classifyByLabel, type Terminal } from '../heuristics/classify.js';
import { spamReason } from '../heuristics/spam.js';
import type { Allocation } from './allocate.js';
import { TaintFlow, type FlowNode } from './flow.js';
import { attributeTaint } from './attribution.js';
import { attributeEndpoints, collectEndpoints, requestable, requestNodes, type EndpointData } from './endpoints.js';
import { isBridgeStop, stopFor, stopPolicy, type Reached, type StopReason } from './stops.js';
import { inferDeposits, type DepositInference } from './deposits.js';
import { fetchFrontier, type FrontierAnswer } from './fetch.js';
import { resolveSeed, type ResolvedSeed } from './seeds.js';
import { adapterFor } from './sources.js';
import { nodeKey, splitNodeKey } from './state.js';
import { traceUtxo } from './utxo.js';
import { createBridgeRegistry, type BridgeRegistry } from '../heuristics/bridges.js';
import { createBridgeContinuation, type BridgeHandover } from './bridge-continuation.js';

/** A progress event of a running trace (phase, round, frontier, addresses expanded, transfers seen). */
export interface TraceProgress {
  phase: 'seeds' | 'expand' | 'done';
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

/** What the engine knows when it stops; reports and graphs are built from this alone. */
export interface TraceOutcome {
  settings: TraceSettings;
  seeds: ResolvedSeed[];
  allocation: Allocation;
  endpoints: EndpointData[];
  expanded: ReadonlySet<string>;
  terminals: ReadonlyMap<string, Terminal>;
  deposits: ReadonlyMap<string, DepositInference>;
  assets: ReadonlyMap<string, AssetRef>;
  ignored: { zeroValue: number; lookalikeToken: number; untracedAsset: number };
  notes: string[];
  sources: { chain: string; kind: string; endpoint?: string }[];
  /** Deterministic figures of the trace itself (they go into the report). */
  stats: { rounds: number; addressesExpanded: number; transfersSeen: number; taintedTransfers: number };
  /** Figures of this run (requests, cache hits, time): they differ between a cold and a cached run, so they stay out of the report. */
  run: TraceRunStats;
  labels?: LabelStore;
  /** The bridges this trace recognised (registry plus its own definitions), and what became of tainted deposits. */
  bridges: BridgeRegistry;
  handovers: BridgeHandover[];
  /** Set when a source failed mid-trace: the outcome covers what was traced until then. */
  failure?: ChaintrailError;
  evidence: Evidence[];
}

/**
 * The engine: follows tainted funds outward from the resolved settings' seeds until every branch stops, and returns
 * what it knows (the outcome reports and graphs are built from). A source failure or an interruption ends the loop
 * early: the outcome then carries `failure` and covers what was traced until then.
 */
export async function runTrace(
  settings: TraceSettings,
  adapters: ChainAdapter[],
  labels: LabelStore | undefined,
  run: { onProgress?: ((e: TraceProgress) => void) | undefined; signal?: AbortSignal | undefined; concurrency: number },
  bridges: BridgeRegistry = createBridgeRegistry(),
): Promise<TraceOutcome> {
  const started = Date.now();
  const baseline = adapters.map((a) => a.stats());
  const evidenceMarks = adapters.map((a) => a.evidenceMark?.() ?? 0);
  const requestsSoFar = () => adapters.reduce((s, a, i) => s + a.stats().requests - baseline[i]!.requests, 0);
  const cacheHitsSoFar = () => adapters.reduce((s, a, i) => s + a.stats().cacheHits - baseline[i]!.cacheHits, 0);
  let round = 0;
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      run.signal?.throwIfAborted();
      return await work();
    } catch (error) {
      if (run.signal?.aborted && !(error instanceof ChaintrailError && !(error instanceof TraceAbortedError))) {
        throw new TraceAbortedError('Trace aborted', { details: { round, reason: String(run.signal.reason ?? 'aborted') }, cause: error });
      }
      throw error;
    }
  };

  // Seeds
  const window = { ...(settings.from !== undefined ? { from: settings.from } : {}), ...(settings.to !== undefined ? { to: settings.to } : {}) };
  const seeds: ResolvedSeed[] = [];
  const utxoSeeds = new Map<string, Seed[]>();
  for (const seed of settings.seeds) {
    const chain = getChain(seed.chain);
    if (chain.family === 'utxo') utxoSeeds.set(chain.id, [...(utxoSeeds.get(chain.id) ?? []), seed]);
    else seeds.push(await guard(() => resolveSeed(seed, adapters, window, run.signal)));
  }

  const assets = new Map<string, AssetRef>();
  const flow = new TaintFlow(settings.taint === 'tiho' ? 'poison' : settings.taint);
  const seedTx = new Map<string, { tx: string; time: number }>();
  for (const s of seeds) {
    for (const t of s.transfers) {
      const key = assetKeyOf(t.asset);
      assets.set(key, t.asset);
      flow.seed(flow.add(t, key) ?? flow.find(t)!);
      const node = nodeKey(t.chain, t.to);
      const prev = seedTx.get(node);
      if (!prev || t.time < prev.time) seedTx.set(node, { tx: t.tx, time: t.time });
    }
  }
  // A loop, not Math.min(...list): an address seed can bring more transfers than a call takes arguments.
  let earliest = Number.POSITIVE_INFINITY;
  for (const s of seeds) for (const t of s.transfers) if (t.time < earliest) earliest = t.time;
  const fetchWindow = { from: settings.from ?? earliest, ...(settings.to !== undefined ? { to: settings.to } : {}) };
  const assetsByChain = new Map<string, AssetRef[]>();
  for (const a of assets.values()) assetsByChain.set(a.chain, [...(assetsByChain.get(a.chain) ?? []), a]);
  const minValue = new Map([...assets].map(([k, a]) => [k, parseUnits(settings.minValue, a.decimals, 'minValue')]));

  // Answers share a handful of asset objects: what the engine makes of one is worked out once per object.
  // (Weak: a source that builds an asset object per movement must not make this grow with the trace.)
  type AssetKind = { key: string; lookalike: boolean; traced: boolean };
  const assetKinds = new WeakMap<AssetRef, AssetKind>();
  const kindsByKey = new Map<string, AssetKind>();
  const assetKind = (asset: AssetRef) => {
    let kind = assetKinds.get(asset);
    if (!kind) {
      const key = assetKey(asset);
      kind = kindsByKey.get(key);
      if (!kind) {
        const lookalike = spamReason({ ...ZERO_PROBE, chain: asset.chain, asset }) === 'lookalike-token';
        kindsByKey.set(key, (kind = { key, lookalike, traced: assets.has(key) }));
      }
      assetKinds.set(asset, kind);
    }
    return kind;
  };
  const expanded = new Set<string>();
  const terminals = new Map<string, Terminal>();
  const highDegree = new Set<FlowNode>();
  const budgetCut = new Set<FlowNode>();
  const ignoredIds = { zeroValue: new Set<string>(), lookalikeToken: new Set<string>(), untracedAsset: new Set<string>() };
  const progress = (phase: TraceProgress['phase'], frontier: number) =>
    run.onProgress?.({
      phase,
      round,
      frontier,
      expanded: expanded.size,
      transfers: flow.size,
      taintedTransfers: flow.tainted,
      requests: requestsSoFar(),
      cacheHits: cacheHitsSoFar(),
      elapsedMs: Date.now() - started,
    });
  progress('seeds', 0);

  // Why each reached, unexpanded address stops. Only addresses whose taint or hop count changed are looked at again.
  const stops = new Map<string, StopReason>();
  // The stop policy (src/engine/stops.ts) decides; its stop objects are shared by every address they apply to.
  const policy = stopPolicy(settings, minValue, 'addresses');
  let recheck: FlowNode[] = [];
  // Stamps of the source answers so far (one per batch of addresses, increasing over the rounds).
  let stamp = 0;
  let failure: ChaintrailError | undefined;
  // Cross-chain continuation (src/engine/bridge-continuation.ts): tainted deposits into bridges continue on their
  // destination chain as seeds carrying the handed-over taint, when a source serves that chain.
  const bridgeNodes = new Set<FlowNode>();
  const continuedFrom = new Map<string, string>();
  const bridging = createBridgeContinuation({
    registry: bridges,
    adapters,
    rule: { windowSeconds: settings.bridgeWindowHours * 3600, tolerance: settings.bridgeTolerance },
    concurrency: run.concurrency,
    ...(run.signal ? { signal: run.signal } : {}),
  });
  const continueAcrossBridges = async (): Promise<boolean> => {
    const inflows = [...bridgeNodes].flatMap((node) => flow.taintedInflows(node).map((e) => ({ transfer: e.t, taint: e.taint })));
    if (inflows.length === 0 || !(await guard(() => bridging.step(inflows)))) return false;
    for (const c of bridging.seeds()) {
      const t = c.transfer;
      const key = assetKeyOf(t.asset);
      if (!assets.has(key)) {
        assets.set(key, t.asset);
        assetsByChain.set(t.asset.chain, [...(assetsByChain.get(t.asset.chain) ?? []), t.asset]);
        minValue.set(key, parseUnits(settings.minValue, t.asset.decimals, 'minValue'));
        const kind = kindsByKey.get(key);
        if (kind) kind.traced = true;
      }
      // Crossing the bridge is one more hop: the hop limit holds for the whole path, across chains.
      flow.seed(flow.add(t, key) ?? flow.find(t)!, c.taint, (flow.lookup(c.from)?.hop ?? 0) + 1);
      const node = nodeKey(t.chain, t.to);
      if (!continuedFrom.has(node)) continuedFrom.set(node, c.from);
      const prev = seedTx.get(node);
      if (!prev || t.time < prev.time) seedTx.set(node, { tx: t.tx, time: t.time });
      if (settings.from === undefined && t.time < fetchWindow.from) fetchWindow.from = t.time;
    }
    return true;
  };
  for (;;) {
    flow.settle();
    const candidates: FlowNode[] = [];
    for (const node of [...flow.takeTouched(), ...recheck]) {
      if (node.expanded || node.hop < 0) continue;
      stops.delete(node.key);
      const stop = stopFor(reached(node), policy);
      if (stop) stops.set(node.key, stop);
      else candidates.push(node);
      if (isBridgeStop(stop)) bridgeNodes.add(node);
    }
    recheck = [];
    const unique = [...new Set(candidates)].sort((a, b) => a.hop - b.hop || (a.key < b.key ? -1 : 1));
    // Bridges first: a continuation adds seeds, and the node budget is shared out only among all the candidates.
    try {
      if (await continueAcrossBridges()) {
        recheck = unique;
        continue;
      }
    } catch (error) {
      if (!(error instanceof ChaintrailError)) throw error;
      failure = error;
      for (const node of unique) stops.set(node.key, stopFor({ ...reached(node), failure: error }, policy)!);
      break;
    }
    const room = Math.max(0, settings.maxNodes - expanded.size);
    for (const node of unique.slice(room)) {
      budgetCut.add(node);
      stops.set(node.key, stopFor(reached(node), policy)!);
    }
    const frontier = unique.slice(0, room);
    if (frontier.length === 0) break;
    round++;
    progress('expand', frontier.length);
    let answers: FrontierAnswer[];
    try {
      answers = await guard(() =>
        fetchFrontier({
          nodes: frontier.map((n) => n.key),
          adapters,
          assetsByChain,
          window: fetchWindow,
          maxDegree: settings.maxDegree,
          concurrency: run.concurrency,
          ...(run.signal ? { signal: run.signal } : {}),
        }),
      );
    } catch (error) {
      // A source that fails after its retries, or an interruption (the caller's AbortSignal), ends the trace; what
      // was traced so far is kept and marked.
      if (!(error instanceof ChaintrailError)) throw error;
      failure = error;
      for (const node of frontier) stops.set(node.key, stopFor({ ...reached(node), failure: error }, policy)!);
      break;
    }
    // Each address's movements are counted in its own answer; the ends' nodes are looked up once, for the count and
    // for the flow. A batch's stamp marks its addresses as fetched; a hub's stamp is taken back, as its own movements
    // are not kept: only those of addresses this round really expands.
    const roundStart = stamp + 1;
    const hubs: FlowNode[] = [];
    const ends: (FlowNode | undefined)[] = [];
    for (const answer of answers) {
      const batch = ++stamp;
      for (const address of answer.addresses) {
        const node = flow.peek(answer.chain, address)!;
        node.fetchedIn = batch;
        node.degree = 0;
      }
      for (const address of answer.truncated) {
        const node = flow.peek(answer.chain, address);
        if (node) hubs.push(node);
      }
      for (const t of answer.transfers) {
        const from = flow.peek(t.chain, t.from);
        const to = t.to === t.from ? from : flow.peek(t.chain, t.to);
        if (from?.fetchedIn === batch) from.degree++;
        if (to !== from && to?.fetchedIn === batch) to.degree++;
        ends.push(from, to);
      }
    }
    for (const node of hubs) node.degree = Number.POSITIVE_INFINITY;
    const keep: FlowNode[] = [];
    for (const node of frontier) {
      if (node.degree > settings.maxDegree) {
        node.fetchedIn = 0;
        highDegree.add(node);
        recheck.push(node);
      } else keep.push(node);
    }
    let end = 0;
    for (const answer of answers) {
      for (const t of answer.transfers) {
        const from = ends[end++];
        const to = ends[end++];
        if (!((from !== undefined && from.fetchedIn >= roundStart) || (to !== undefined && to.fetchedIn >= roundStart))) continue;
        const kind = assetKind(t.asset);
        // A zero-value transaction still costs its sender gas: as a fee-only movement it debits the sender's ledger.
        const feeOnly = t.amount === 0n && t.asset.kind === 'native' && t.fee !== undefined && t.fee > 0n;
        if (t.amount === 0n && !feeOnly) ignoredIds.zeroValue.add(transferId(t));
        else if (kind.lookalike) ignoredIds.lookalikeToken.add(transferId(t));
        else if (!kind.traced) ignoredIds.untracedAsset.add(transferId(t));
        // (An end first met in this round has no node yet: the flow makes it.)
        else flow.add(t, kind.key, from, to);
      }
    }
    for (const node of keep) {
      flow.expand(node);
      expanded.add(node.key);
    }
  }

  /** What the stop policy needs to know of a reached address. */
  function reached(node: FlowNode): Reached {
    return { hop: node.hop, terminal: terminalOf(node), received: flow.receivedBy(node), highDegree: highDegree.has(node), budgetCut: budgetCut.has(node) };
  }

  /** The address's labels, classified once (heuristics/classify.ts); kept for the report. */
  function terminalOf(node: FlowNode): Terminal | undefined {
    let terminal = terminals.get(node.key);
    if (terminal === undefined && !terminals.has(node.key)) {
      const { chain, address } = splitNodeKey(node.key);
      const found = classifyByLabel(labels, chain, address);
      if (found) terminals.set(node.key, (terminal = found));
    }
    return terminal;
  }

  let allocation = flow.snapshot();
  const deposits = inferDeposits(flow, expanded, labels, { tolerance: settings.depositTolerance, minValue });
  const endpoints = collectEndpoints({
    allocation,
    inflows: flow.inflows(),
    expanded,
    stops,
    deposits,
    assets,
    seedTx: new Map([...seedTx].map(([k, v]) => [k, v.tx])),
    bridges,
    handovers: bridging.handovers(),
    continuedFrom,
  });
  // Per-payment attribution of what requests name, within its budget (payments x requested endpoints).
  const requested = endpoints.filter(requestable).length;
  const payments = seeds.reduce((n, s) => n + s.transfers.length, 0);
  let attributionNote: string | undefined;
  if (requested > 0 && payments * requested <= settings.maxAttribution) {
    const attribution = attributeTaint(allocation.edges, settings.taint === 'tiho' ? 'poison' : settings.taint, bridging.handovers(), requestNodes(endpoints));
    attributeEndpoints(endpoints, attribution, expanded, assetKeyOf);
  } else if (requested > 0) {
    attributionNote = `per-payment attribution skipped: ${payments} payments x ${requested} exchange and freeze endpoints is above maxAttribution ${settings.maxAttribution}; their amounts stand, reported as not attributed to one payment`;
  }

  flow.release();

  // UTXO chains follow outputs, not address ledgers: their own loop, merged into the same outcome.
  let utxoExpanded = 0;
  for (const [chain, chainSeeds] of failure ? [] : [...utxoSeeds].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const result = await guard(() =>
      traceUtxo(chain, chainSeeds, adapterFor(adapters, chain), labels, settings, {
        signal: run.signal,
        concurrency: run.concurrency,
        onRound: (r, frontier) => {
          round++;
          progress('expand', frontier);
          void r;
        },
      }),
    );
    for (const x of result.seeds) seeds.push(x);
    for (const x of result.endpoints) endpoints.push(x);
    const native = nativeAsset(chain);
    assets.set(assetKey(native), native);
    allocation = mergeAllocations(allocation, result.allocation);
    utxoExpanded += result.expanded;
  }
  const chains = [...new Set([...assets.values()].map((a) => a.chain))].sort();
  progress('done', 0);
  return {
    settings,
    seeds,
    allocation,
    endpoints,
    expanded,
    terminals,
    deposits,
    assets,
    ignored: { zeroValue: ignoredIds.zeroValue.size, lookalikeToken: ignoredIds.lookalikeToken.size, untracedAsset: ignoredIds.untracedAsset.size },
    notes: [
      ...new Set(chains.flatMap((c) => adapterFor(adapters, c).notes(c))),
      ...(failure instanceof TraceAbortedError
        ? ['INCOMPLETE: the trace was interrupted before every branch was followed; addresses marked incomplete were not expanded']
        : failure
          ? [`INCOMPLETE: the trace stopped early because a source failed: ${failure.shortMessage}`]
          : []),
      ...(attributionNote ? [attributionNote] : []),
    ],
    ...(failure ? { failure } : {}),
    evidence: [...new Map(adapters.flatMap((a, i) => a.evidence?.(evidenceMarks[i]) ?? []).map((e) => [`${e.source}\u0000${e.request}`, e])).values()].sort(
      (a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.request < b.request ? -1 : a.request > b.request ? 1 : 0),
    ),
    sources: chains.map((chain) => {
      const a = adapterFor(adapters, chain);
      return { chain, kind: a.kind, ...(a.endpoint ? { endpoint: a.endpoint } : {}) };
    }),
    stats: {
      rounds: round,
      addressesExpanded: expanded.size + utxoExpanded,
      transfersSeen: flow.size,
      taintedTransfers: allocation.edges.length,
    },
    run: { requests: requestsSoFar(), cacheHits: cacheHitsSoFar(), elapsedMs: Date.now() - started },
    ...(labels ? { labels } : {}),
    bridges,
    handovers: bridging.handovers(),
  };
}

function mergeAllocations(a: Allocation, b: Allocation): Allocation {
  const sumInto = (target: Map<string, bigint>, source: Map<string, bigint>) => {
    for (const [k, v] of source) target.set(k, (target.get(k) ?? 0n) + v);
    return target;
  };
  const held = new Map(a.held);
  for (const [node, m] of b.held) held.set(node, sumInto(new Map(held.get(node) ?? []), m));
  const hops = new Map(a.hops);
  for (const [node, h] of b.hops) hops.set(node, Math.min(hops.get(node) ?? h, h));
  return {
    edges: [...a.edges, ...b.edges],
    held,
    fees: sumInto(new Map(a.fees), b.fees),
    overlap: sumInto(new Map(a.overlap), b.overlap),
    hops,
    via: new Map([...b.via, ...a.via]),
  };
}

/** A non-zero movement, so that spamReason() speaks about its asset only. */
const ZERO_PROBE: AccountTransfer = { chain: '', tx: '', type: 'token', logIndex: 0, block: 0, time: 0, from: '', to: '', asset: { chain: '', kind: 'native', symbol: '', decimals: 0 }, amount: 1n };

// Fetched movements share a handful of asset objects per answer; the key string is built once per object.
const assetKeys = new WeakMap<AssetRef, string>();
function assetKeyOf(asset: AssetRef): string {
  let key = assetKeys.get(asset);
  if (key === undefined) assetKeys.set(asset, (key = assetKey(asset)));
  return key;
}
