import { groupBy } from '../core/group.js';
import { assetKey, nativeAsset, parseUnits } from '../core/asset.js';
import { getChain } from '../core/chain.js';
import { TraceAbortedError, type ChaintrailError } from '../core/errors.js';
import type { AssetRef, Seed, TraceSettings } from '../core/schema.js';
import type { ChainAdapter, Evidence } from '../adapters/adapter.js';
import type { LabelStore } from '../labels/store.js';
import type { Terminal } from '../heuristics/classify.js';
import { createBridgeRegistry, type BridgeRegistry } from '../heuristics/bridges.js';
import type { Allocation } from './allocate.js';
import { attributeTaint } from './attribution.js';
import type { BridgeHandover } from './bridge-continuation.js';
import type { BoxData } from './conversions.js';
import { inferDeposits, withNativeInflows, type DepositInference } from './deposits.js';
import { readForwarders, readNativeInflows } from './deposit-reads.js';
import { attributeEndpoints, collectEndpoints, requestable, requestNodes, type EndpointData } from './endpoints.js';
import { BLIND_BOX, boxData } from './boxes.js';
import { expandRound } from './round.js';
import { assetKeyOf, createRunState, guard, noteSeedTx, progress, runStats, type RunOptions, type RunState, type TraceRunStats } from './run-state.js';
import { resolveSeed, type ResolvedSeed } from './seeds.js';
import { adapterFor } from './sources.js';
import { nodeKey } from './state.js';
import { traceUtxo, type UtxoContinuation, type UtxoTraceResult } from './utxo.js';
import { applyInboundOutcomes, continueUtxoInbounds } from './utxo-inbound.js';

export type { TraceProgress, TraceRunStats } from './run-state.js';

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
  /**
   * Transactions tainted value entered through contracts, and what the box rule made of each (swaps, wraps, routers,
   * splitters), chronologically. Their kept taint is in endpoints of kind 'contract'; what conversions produced in an
   * asset is the sum of the boxes' `produced` (the conservation lines read it).
   */
  boxes: BoxData[];
  /** Set when a source failed mid-trace: the outcome covers what was traced until then. */
  failure?: ChaintrailError;
  evidence: Evidence[];
}

/**
 * The engine: follows tainted funds outward from the resolved settings' seeds until every branch stops, and returns
 * what it knows (the outcome reports and graphs are built from). A source failure or an interruption ends the loop
 * early: the outcome then carries `failure` and covers what was traced until then.
 *
 * Phases: seed (resolve the seeds, plant their taint), expand rounds until no branch is left to follow (round.ts),
 * settle (allocation, deposit addresses, endpoints, attribution), the UTXO chains (utxo.ts), finish (the outcome).
 */
export async function runTrace(
  settings: TraceSettings,
  adapters: ChainAdapter[],
  labels: LabelStore | undefined,
  run: RunOptions,
  bridges: BridgeRegistry = createBridgeRegistry(),
): Promise<TraceOutcome> {
  const state = createRunState(settings, adapters, labels, run, bridges);
  await seed(state);
  const early = await utxoSeedsFirst(state);
  progress(state, 'seeds', 0);
  while (await expandRound(state)) await state.pace();
  progress(state, 'settle', 0);
  const settled = await settle(state);
  await traceUtxoChains(state, settled, early);
  return finish(state, settled);
}

/** Resolves the seeds (account chains now, UTXO chains later by chain) and plants their taint in the flow. */
async function seed(state: RunState): Promise<void> {
  const { settings, flow, seeds, assets } = state;
  const window = { ...(settings.from !== undefined ? { from: settings.from } : {}), ...(settings.to !== undefined ? { to: settings.to } : {}) };
  const utxo: Seed[] = [];
  for (const s of settings.seeds) {
    if (getChain(s.chain).family === 'utxo') utxo.push(s);
    else seeds.push(await guard(state, () => resolveSeed(s, state.adapters, window, state.run.signal)));
  }
  for (const [chain, list] of groupBy(utxo, (s) => getChain(s.chain).id)) state.utxoSeeds.set(chain, list);
  // A loop, not Math.min(...list): an address seed can bring more transfers than a call takes arguments.
  let earliest = Number.POSITIVE_INFINITY;
  for (const s of seeds) {
    for (const t of s.transfers) {
      const key = assetKeyOf(t.asset);
      assets.set(key, t.asset);
      flow.seed(flow.add(t, key) ?? flow.find(t)!);
      noteSeedTx(state, nodeKey(t.chain, t.to), t);
      if (t.time < earliest) earliest = t.time;
    }
  }
  if (settings.from === undefined) state.fetchWindow.from = earliest;
  for (const [chain, list] of groupBy(assets.values(), (a) => a.chain)) state.assetsByChain.set(chain, list);
  for (const [key, a] of assets) state.minValue.set(key, parseUnits(settings.minValue, a.decimals, 'minValue'));
}

/** What the account chains came to: the allocation, deposit addresses and endpoints (UTXO chains are merged in). */
interface Settled {
  allocation: Allocation;
  deposits: Map<string, DepositInference>;
  endpoints: EndpointData[];
  attributionNote: string | undefined;
  utxoExpanded: number;
  boxes: BoxData[];
}

/**
 * Every branch stopped: the allocation, the deposit addresses (deposit forwarder contracts and the native value
 * sent to deposit addresses read for them: engine/deposit-reads.ts), the endpoints and their split by victim payment.
 */
async function settle(state: RunState): Promise<Settled> {
  const { flow, settings, seeds, expanded, bridging } = state;
  const allocation = await flow.snapshot(state.pace);
  const rule = { tolerance: settings.depositTolerance, minValue: state.minValue };
  const forwarders = await readForwarders(state, allocation);
  const deposits = await inferDeposits(flow, state.labels, rule, { bridges: state.bridges, forwarders }, state.pace);
  // The service's own acts (gas top-ups, activation) in native value a token trace did not read: read, then the
  // addresses that had some decided again.
  const nativeInflows = await readNativeInflows(state, deposits.keys());
  withNativeInflows(deposits, flow, state.labels, rule, { bridges: state.bridges, forwarders, nativeInflows });
  await state.pace();
  const endpoints = await collectEndpoints(
    {
      allocation,
      inflows: flow.inflows(),
      expanded,
      stops: state.stops,
      deposits,
      assets: state.assets,
      seedTx: new Map([...state.seedTx].map(([k, v]) => [k, v.tx])),
      bridges: state.bridges,
      handovers: bridging.handovers(),
      continuedFrom: state.continuedFrom,
      pathBefore: state.pathBefore,
    },
    state.pace,
  );
  await state.pace();
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
  await state.pace();
  const boxes = boxData(state);
  flow.release();
  return { allocation, deposits, endpoints, attributionNote, utxoExpanded: 0, boxes };
}

/** A UTXO chain traced from the trace's own seeds before the account chains, and what its THORChain inbounds became. */
interface EarlyUtxo {
  result: UtxoTraceResult;
  inbounds: Awaited<ReturnType<typeof continueUtxoInbounds>>;
}

/**
 * UTXO seeds are traced before the account chains, so that a THORChain inbound whose memo swaps to an EVM chain this
 * trace reads continues there (utxo-inbound.ts `continueUtxoInbounds` seeds the account trace). The results join the
 * outcome where UTXO chains always did (traceUtxoChains). Seeds that cannot be read are left to that later pass,
 * which meets the error again; a failure during the rounds is the chain's result (its frontier incomplete).
 */
async function utxoSeedsFirst(state: RunState): Promise<Map<string, EarlyUtxo>> {
  const out = new Map<string, EarlyUtxo>();
  for (const chain of [...state.utxoSeeds.keys()].sort()) {
    let result: UtxoTraceResult;
    try {
      result = await traceUtxoChain(state, chain, [], false);
    } catch {
      continue;
    }
    out.set(chain, { result, inbounds: await continueUtxoInbounds(state, result.endpoints) });
  }
  return out;
}

function traceUtxoChain(state: RunState, chain: string, continued: readonly UtxoContinuation[], countRounds: boolean): Promise<UtxoTraceResult> {
  const { settings, run } = state;
  return traceUtxo(
    chain,
    state.utxoSeeds.get(chain) ?? [],
    adapterFor(state.adapters, chain),
    state.labels,
    settings,
    {
      signal: run.signal,
      concurrency: run.concurrency,
      pace: state.pace,
      // The early pass (utxoSeedsFirst) reports no progress: its rounds are counted when its result is taken.
      ...(countRounds
        ? {
            onRound: (_round: number, frontier: number) => {
              state.round++;
              progress(state, 'expand', frontier);
            },
          }
        : {}),
    },
    continued,
  );
}

/** UTXO chains follow outputs, not address ledgers: their own loop (utxo.ts), merged into the same outcome. */
async function traceUtxoChains(state: RunState, settled: Settled, early: ReadonlyMap<string, EarlyUtxo>): Promise<void> {
  // After a failure, only what the early pass traced joins the outcome (a partial report keeps it); nothing new starts.
  const stopped = state.failure !== undefined;
  const continued = stopped ? new Map<string, UtxoContinuation[]>() : utxoContinuations(state, settled.endpoints);
  for (const chain of [...new Set([...state.utxoSeeds.keys(), ...continued.keys()])].sort()) {
    const before = early.get(chain);
    if (stopped && !before) continue;
    // The early result stands unless EVM -> UTXO continuations add seeds to this chain (then traced again with them).
    if (before && !continued.has(chain)) state.round += before.result.rounds;
    const result = before && !continued.has(chain) ? before.result : await guard(state, () => traceUtxoChain(state, chain, continued.get(chain) ?? [], true));
    if (result.failure) state.failure ??= result.failure;
    if (before) applyInboundOutcomes(result.endpoints, before.inbounds);
    for (const x of result.seeds) state.seeds.push(x);
    for (const x of result.endpoints) settled.endpoints.push(x);
    const native = nativeAsset(chain);
    state.assets.set(assetKey(native), native);
    settled.allocation = mergeAllocations(settled.allocation, result.allocation);
    settled.utxoExpanded += result.expanded;
  }
}

/**
 * Bridge continuations onto UTXO chains (THORChain's outbound to Bitcoin), by chain: each output with the taint
 * handed over, one hop after the bridge endpoint, its path the bridge endpoint's followed by the outbound.
 */
function utxoContinuations(state: RunState, endpoints: readonly EndpointData[]): Map<string, UtxoContinuation[]> {
  const out = new Map<string, UtxoContinuation[]>();
  for (const h of state.bridging.handovers()) {
    const c = h.continuation;
    if (!c || getChain(c.transfer.chain).family !== 'utxo') continue;
    const at = endpoints.find((e) => e.kind === 'bridge' && nodeKey(e.chain, e.address) === h.bridgeNode && assetKeyOf(e.asset) === h.asset);
    const path = at ? (at.path.includes(h.tx) ? [...at.path] : [...at.path, h.tx]) : [h.tx];
    const list = out.get(c.transfer.chain) ?? [];
    list.push({ txid: c.transfer.tx, n: c.transfer.logIndex, taint: c.taint, hop: (at?.hops ?? 0) + 1, path: [...path, c.transfer.tx] });
    out.set(c.transfer.chain, list);
  }
  return out;
}

/** The outcome: what the trace found, its notes, sources and evidence, and the figures of the run. */
function finish(state: RunState, settled: Settled): TraceOutcome {
  const { settings, adapters, failure, assets, expanded } = state;
  const { allocation, attributionNote } = settled;
  const chains = [...new Set([...assets.values()].map((a) => a.chain))].sort();
  progress(state, 'done', 0);
  return {
    settings,
    seeds: state.seeds,
    allocation,
    endpoints: settled.endpoints,
    expanded,
    terminals: state.terminals,
    deposits: settled.deposits,
    assets,
    ignored: {
      zeroValue: state.ignoredIds.zeroValue.size,
      lookalikeToken: state.ignoredIds.lookalikeToken.size,
      untracedAsset: state.ignoredIds.untracedAsset.size,
    },
    notes: [
      ...new Set(chains.flatMap((c) => adapterFor(adapters, c).notes(c))),
      ...(failure instanceof TraceAbortedError
        ? ['INCOMPLETE: the trace was interrupted before every branch was followed; addresses marked incomplete were not expanded']
        : failure
          ? [`INCOMPLETE: the trace stopped early because a source failed: ${failure.shortMessage}`]
          : []),
      ...(attributionNote ? [attributionNote] : []),
      ...[...state.boxNotes].sort(),
      ...settled.boxes.filter((b) => b.outputs.length === 0 && b.notes.includes(BLIND_BOX)).map((b) => `transaction ${b.tx} on ${b.chain}: ${BLIND_BOX}`),
    ],
    ...(failure ? { failure } : {}),
    evidence: evidenceOf(state),
    sources: chains.map((chain) => {
      const a = adapterFor(adapters, chain);
      return { chain, kind: a.kind, ...(a.endpoint ? { endpoint: a.endpoint } : {}) };
    }),
    stats: {
      rounds: state.round,
      addressesExpanded: expanded.size + settled.utxoExpanded,
      transfersSeen: state.flow.size,
      taintedTransfers: allocation.edgeCount,
    },
    run: runStats(state),
    ...(state.labels ? { labels: state.labels } : {}),
    bridges: state.bridges,
    handovers: state.bridging.handovers(),
    boxes: settled.boxes,
  };
}

/** The sources' evidence of this run (requests and answers), one per source and request, sorted. */
function evidenceOf(state: RunState): Evidence[] {
  const all = state.adapters.flatMap((a, i) => a.evidence?.(state.baseline[i]!.evidenceMark) ?? []);
  return [...new Map(all.map((e) => [`${e.source}\u0000${e.request}`, e])).values()].sort((a, b) =>
    a.source < b.source ? -1 : a.source > b.source ? 1 : a.request < b.request ? -1 : a.request > b.request ? 1 : 0,
  );
}

function mergeAllocations(a: Allocation, b: Allocation): Allocation {
  const sumInto = (target: Map<string, bigint>, source: ReadonlyMap<string, bigint>) => {
    for (const [k, v] of source) target.set(k, (target.get(k) ?? 0n) + v);
    return target;
  };
  const held = new Map(a.held);
  for (const [node, m] of b.held) held.set(node, sumInto(new Map(held.get(node) ?? []), m));
  const hops = new Map(a.hops);
  for (const [node, h] of b.hops) hops.set(node, Math.min(hops.get(node) ?? h, h));
  return {
    edges: [...a.edges, ...b.edges],
    edgeCount: a.edgeCount + b.edgeCount,
    held,
    fees: sumInto(new Map(a.fees), b.fees),
    overlap: sumInto(new Map(a.overlap), b.overlap),
    hops,
    via: new Map([...b.via, ...a.via]),
  };
}
