import { isService } from '../core/service.js';
import pLimit from 'p-limit';
import { nativeAsset, assetKey, formatUnits, parseUnits } from '../core/asset.js';
import { ChaintrailError, InvalidInputError } from '../core/errors.js';
import type { Pacer } from '../core/pace.js';
import type { AccountTransfer, UtxoTransaction } from '../core/movement.js';
import type { AssetRef, Seed, TraceSettings } from '../core/schema.js';
import { normalizeAddress } from '../core/address.js';
import { isUtxoChainAdapter, type UtxoChainAdapter, type SourcedUtxoTransaction, type Outspend } from '../adapters/bitcoin/utxo-adapter.js';
import type { ChainAdapter } from '../adapters/adapter.js';
import { createLabelStore, layerLabelStores, type LabelStore } from '../labels/store.js';
import { allocateUtxoTaint, utxoTaintArguments } from '../taint/utxo.js';
import { classifyByLabel } from '../heuristics/classify.js';
import { detectCoinJoin } from '../heuristics/utxo/coinjoin.js';
import { detectBatchPayout } from '../heuristics/utxo/batch-payout.js';
import { peelStep } from '../heuristics/utxo/peel-chain.js';
import { carryLabels } from '../heuristics/utxo/cioh.js';
import type { Allocation, TaintedEdge } from './allocate.js';
import type { EndpointData } from './endpoints.js';
import { stopFor, stopPolicy, type Reached, type StopPolicy, type StopReason, type UtxoMix } from './stops.js';
import type { ResolvedSeed } from './seeds.js';
import { nodeKey, seedTransfer, shownFields } from './state.js';
import { inboundBridge, inboundTerminal } from './utxo-inbound.js';
import { interruption } from './run-state.js';

/** What a UTXO trace adds to the outcome: seeds, tainted flows and endpoints in the engine's common shapes. */
export interface UtxoTraceResult {
  seeds: ResolvedSeed[];
  allocation: Allocation;
  endpoints: EndpointData[];
  expanded: number;
  rounds: number;
  /** A source failed or the trace was interrupted: what was traced until then, its frontier stopped as incomplete. */
  failure?: ChaintrailError;
}

/** A bridge continuation on this chain (THORChain's outbound): the output it paid, the taint handed over, hop and path so far. */
export interface UtxoContinuation {
  txid: string;
  n: number;
  taint: bigint;
  hop: number;
  path: string[];
}

interface TaintedOutput {
  txid: string;
  n: number;
  address: string;
  value: bigint;
  taint: bigint;
  hop: number;
  time: number;
  /** Transaction hashes from the seed payment to this output. */
  path: string[];
}

const outpoint = (txid: string, n: number) => `${txid}:${n}`;
const addressOf = (o: { address: string | null }, txid: string, n: number) => o.address ?? `unknown:${txid}:${n}`;

/** What the UTXO engine knows while it runs: one object its phases (seed, expand a round, replay, finish) share. */
interface UtxoRun {
  readonly chain: string;
  readonly adapter: UtxoChainAdapter;
  readonly labels: LabelStore | undefined;
  readonly settings: TraceSettings;
  readonly run: {
    signal?: AbortSignal | undefined;
    concurrency: number;
    onRound?: (round: number, frontier: number) => void;
    /** Gives the event loop a turn during long synchronous work (core/pace.ts): a source that waits for nothing gives none. */
    pace?: Pacer;
  };
  readonly asset: AssetRef;
  readonly key: string;
  readonly policy: StopPolicy;
  /** Every transaction fetched so far, by txid. */
  readonly txs: Map<string, SourcedUtxoTransaction>;
  /** The seed outputs: exactly their value is tainted (a bridge continuation's: the taint handed over, at its hop and path). */
  readonly seedOutputs: Map<string, { tx: UtxoTransaction; n: number; taint?: bigint; hop?: number; path?: string[] }>;
  readonly outspends: Map<string, Outspend[]>;
  /** follow-change mode: outputs a peel link paid out; they are reported, not expanded. */
  readonly peeled: Map<string, string>;
  readonly expandedOutputs: Set<string>;
  /** Why each tainted, unexpanded output stops, as the stop policy decided in the last round. */
  readonly stopped: Map<string, StopReason>;
  readonly budgetCut: Set<string>;
  /** Outputs the source knows are spent but not by which transaction (Bitcoin Core): their branch ends there, said so. */
  readonly spenderUnknown: Set<string>;
  readonly limit: ReturnType<typeof pLimit>;
  rounds: number;
  failure: ChaintrailError | undefined;
  /** Labels plus those carried by common-input ownership (never across a CoinJoin) over every fetched transaction. */
  view: LabelStore | undefined;
  /** Taint as the last replay of every fetched transaction left it. */
  replayed: Replay;
}

/** What a replay from the seed outputs gives: tainted outputs still held, tainted edges, fees, outputs spent into a mix. */
interface Replay {
  outputs: Map<string, TaintedOutput>;
  edges: TaintedEdge[];
  fees: Map<string, bigint>;
  mixed: Map<string, UtxoMix>;
}

/**
 * Follows tainted outputs forward: output -> the transaction that spent it -> its outputs, apportioning taint with
 * the UTXO model. Each round recomputes taint from the seeds over every transaction fetched so far (in dependency
 * order), so a transaction that spends tainted outputs reached in different rounds is always apportioned whole.
 */
export async function traceUtxo(
  chain: string,
  seeds: Seed[],
  adapter: ChainAdapter,
  labels: LabelStore | undefined,
  settings: TraceSettings,
  run: UtxoRun['run'],
  continued: readonly UtxoContinuation[] = [],
): Promise<UtxoTraceResult> {
  if (!isUtxoChainAdapter(adapter)) {
    throw new InvalidInputError(`The ${adapter.kind} source cannot answer UTXO questions on ${chain}`, { details: { chain, source: adapter.kind } });
  }
  const asset = nativeAsset(chain);
  const key = assetKey(asset);
  const state: UtxoRun = {
    chain,
    adapter,
    labels,
    settings,
    run,
    asset,
    key,
    policy: stopPolicy(settings, new Map([[key, parseUnits(settings.minValue, asset.decimals, 'minValue')]]), 'outputs'),
    txs: new Map(),
    seedOutputs: new Map(),
    outspends: new Map(),
    peeled: new Map(),
    expandedOutputs: new Set(),
    stopped: new Map(),
    budgetCut: new Set(),
    spenderUnknown: new Set(),
    limit: pLimit(run.concurrency),
    rounds: 0,
    failure: undefined,
    view: labels,
    replayed: { outputs: new Map(), edges: [], fees: new Map(), mixed: new Map() },
  };
  const resolved: ResolvedSeed[] = [];
  for (const seed of seeds) resolved.push(await seedOutputs(state, seed));
  for (const c of continued) if (c.taint > 0n) state.seedOutputs.set(outpoint(c.txid, c.n), { ...c, tx: await getTx(state, c.txid) });
  refreshView(state);
  state.replayed = await replay(state);
  while (await expandUtxoRound(state));
  return { seeds: resolved, ...(await finish(state)), ...(state.failure ? { failure: state.failure } : {}) };
}

/** A turn of the event loop when the run's slice is used up (none without a pacer). */
const pace = (state: UtxoRun): Promise<void> | undefined => state.run.pace?.();

const signalOf = (state: UtxoRun) => (state.run.signal ? { signal: state.run.signal } : {});

async function getTx(state: UtxoRun, txid: string): Promise<SourcedUtxoTransaction> {
  let tx = state.txs.get(txid);
  if (!tx) state.txs.set(txid, (tx = await state.adapter.getUtxoTransaction(state.chain, txid, signalOf(state))));
  return tx;
}

/** A seed's tainted outputs: exact outputs, a payment's outputs to others than the payer, or what an address received. */
async function seedOutputs(state: UtxoRun, seed: Seed): Promise<ResolvedSeed> {
  const picked = 'tx' in seed ? await paymentOutputs(state, seed) : await receivedOutputs(state, seed);
  if (picked.length === 0) throw new InvalidInputError(`Seed on ${state.chain} pays nothing traceable`, { details: { seed } });
  for (const p of picked) state.seedOutputs.set(outpoint(p.tx.txid, p.n), p);
  return { seed, kind: 'tx' in seed ? 'tx' : 'address', transfers: picked.map(({ tx, n }) => seedTransfer(state.chain, tx, n)) };
}

type Picked = { tx: UtxoTransaction; n: number };

async function paymentOutputs(state: UtxoRun, seed: Extract<Seed, { tx: string }>): Promise<Picked[]> {
  const tx = await getTx(state, seed.tx.replace(/^0x/, '').toLowerCase());
  if (seed.index !== undefined) return [namedOutput(state, tx, seed.index)];
  const payers = new Set(tx.inputs.map((i) => i.address).filter(Boolean));
  const paid = tx.outputs.filter((o) => o.value > 0n && !(o.address && payers.has(o.address)));
  return (paid.length ? paid : tx.outputs.filter((x) => x.value > 0n)).map((o) => ({ tx, n: o.n }));
}

/** TX:N names output N (vout): exactly its value, at its address; only its own spend is followed. */
function namedOutput(state: UtxoRun, tx: UtxoTransaction, index: number): Picked {
  const output = tx.outputs.find((o) => o.n === index);
  if (output && output.value !== 0n) return { tx, n: output.n };
  const { asset, chain } = state;
  const holds = tx.outputs.map((o) => `TX:${o.n} ${formatUnits(o.value, asset.decimals)} ${asset.symbol} to ${addressOf(o, tx.txid, o.n)}`);
  throw new InvalidInputError(
    `Seed ${tx.txid}:${index} on ${chain} ${output ? 'names an output of zero value' : 'names no output of that transaction'}; it has ${tx.outputs.length} output(s): ${holds.slice(0, 8).join(', ')}${holds.length > 8 ? ` and ${holds.length - 8} more` : ''}`,
    { details: { chain, tx: tx.txid, index, outputs: tx.outputs.map((o) => ({ n: o.n, value: o.value.toString() })) } },
  );
}

async function receivedOutputs(state: UtxoRun, seed: Extract<Seed, { address: string }>): Promise<Picked[]> {
  const { chain, settings } = state;
  const address = normalizeAddress(chain, seed.address);
  const from = seed.from ?? settings.from;
  const to = seed.to ?? settings.to;
  const found = await state.adapter.getAddressTransactions(chain, [address], {
    ...(from !== undefined ? { fromTime: from } : {}),
    ...(to !== undefined ? { toTime: to } : {}),
    ...signalOf(state),
  });
  if (found.truncated.length)
    throw new InvalidInputError(`Seed address ${seed.address} has more transactions than the source lists; narrow its window`, { details: { address } });
  const picked: Picked[] = [];
  for (const tx of found.transactions) {
    state.txs.set(tx.txid, state.txs.get(tx.txid) ?? tx);
    for (const o of tx.outputs) if (o.address === address && o.value > 0n) picked.push({ tx, n: o.n });
  }
  return picked;
}

/** Labels plus those carried by common-input ownership (never across a CoinJoin) over every fetched transaction. */
function refreshView(state: UtxoRun): void {
  const { labels, chain } = state;
  const { carried } = carryLabels([...state.txs.values()], (a) => labels?.get(chain, a));
  state.view = carried.size ? layerLabelStores(labels ?? createLabelStore(), createLabelStore([...carried.values()].map((c) => c.label))) : labels;
}

const terminalAt = (state: UtxoRun, address: string) => classifyByLabel(state.view, state.chain, address);

/** What the stop policy needs to know of a tainted output. */
function reached(state: UtxoRun, o: TaintedOutput): Reached {
  const id = outpoint(o.txid, o.n);
  return {
    hop: o.hop,
    expanded: state.expandedOutputs.has(id),
    terminal: terminalAt(state, o.address) ?? inboundTerminal(state.chain, state.txs.get(o.txid), o.n),
    received: [[state.key, o.taint]],
    budgetCut: state.budgetCut.has(id),
    peeled: state.peeled.get(id),
    mix: state.replayed.mixed.get(id),
  };
}

/**
 * One round: ask the stop policy about every tainted output not yet expanded, share the budget out, fetch the
 * frontier's spends and the transactions that spent them, and replay. False when nothing is left to expand.
 */
async function expandUtxoRound(state: UtxoRun): Promise<boolean> {
  const candidates = await decideStops(state);
  const room = Math.max(0, state.settings.maxNodes - state.expandedOutputs.size);
  for (const c of candidates.slice(room)) {
    state.budgetCut.add(outpoint(c.txid, c.n));
    state.stopped.set(outpoint(c.txid, c.n), stopFor(reached(state, c), state.policy)!);
  }
  const frontier = candidates.slice(0, room);
  if (frontier.length === 0) return false;
  state.rounds++;
  state.run.onRound?.(state.rounds, frontier.length);
  try {
    await fetchSpends(state, frontier);
  } catch (error) {
    // As on account chains: what was traced stands, the frontier stops as incomplete, and the trace says why.
    state.failure = failureOf(state, error);
    for (const o of frontier) state.stopped.set(outpoint(o.txid, o.n), stopFor({ ...reached(state, o), failure: state.failure }, state.policy)!);
    return false;
  }
  await pace(state);
  refreshView(state);
  await pace(state);
  state.replayed = await replay(state);
  return true;
}

/** The tainted outputs not yet expanded that the stop policy lets go on, by hop and outpoint; the others' stops. */
async function decideStops(state: UtxoRun): Promise<TaintedOutput[]> {
  const candidates: TaintedOutput[] = [];
  state.stopped.clear();
  const outputs = [...state.replayed.outputs.values()].sort((a, b) => a.hop - b.hop || cmp(outpoint(a.txid, a.n), outpoint(b.txid, b.n)));
  await pace(state);
  for (let i = 0; i < outputs.length; i++) {
    if ((i & 1023) === 1023) await pace(state);
    const o = outputs[i]!;
    const id = outpoint(o.txid, o.n);
    if (state.expandedOutputs.has(id)) continue;
    const stop = stopFor(reached(state, o), state.policy);
    if (stop) state.stopped.set(id, stop);
    else candidates.push(o);
  }
  return candidates;
}

/** Expands the frontier: which transaction spent each output (per funding transaction), then those transactions. */
async function fetchSpends(state: UtxoRun, frontier: readonly TaintedOutput[]): Promise<void> {
  const { adapter, chain, outspends, limit } = state;
  const byTx = [...new Set(frontier.map((o) => o.txid))];
  const fetchOutspends = async (txid: string) => {
    await pace(state);
    state.run.signal?.throwIfAborted();
    if (!outspends.has(txid)) outspends.set(txid, await adapter.getOutspends(chain, txid, signalOf(state)));
  };
  await Promise.all(byTx.map((txid) => limit(() => fetchOutspends(txid))));
  const spenders = new Set<string>();
  for (const o of frontier) {
    const spend = outspends.get(o.txid)?.[o.n];
    if (spend?.spent && spend.txid) spenders.add(spend.txid);
  }
  await Promise.all(
    [...spenders].map((txid) =>
      limit(async () => {
        await pace(state);
        return getTx(state, txid);
      }),
    ),
  );
  // Expanded once every spend is read: a failure before leaves the frontier unexpanded (incomplete), never unspent.
  for (const o of frontier) {
    const spend = outspends.get(o.txid)?.[o.n];
    state.expandedOutputs.add(outpoint(o.txid, o.n));
    if (spend?.spent && !spend.txid) state.spenderUnknown.add(outpoint(o.txid, o.n));
  }
}

/** A round's failure as the trace reports it: an interruption (the run's signal fired) or a source's error. */
function failureOf(state: UtxoRun, error: unknown): ChaintrailError {
  const aborted = interruption(state.run.signal, state.rounds, error);
  if (aborted) return aborted;
  if (error instanceof ChaintrailError) return error;
  throw error;
}

/** Replays every fetched transaction in dependency order from the seed outputs. */
async function replay(state: UtxoRun): Promise<Replay> {
  const result: Replay = { outputs: new Map(), edges: [], fees: new Map(), mixed: new Map() };
  for (const [id, s] of state.seedOutputs) {
    const o = s.tx.outputs.find((x) => x.n === s.n)!;
    const out: TaintedOutput = {
      txid: s.tx.txid,
      n: s.n,
      address: addressOf(o, s.tx.txid, s.n),
      value: o.value,
      taint: s.taint ?? o.value,
      hop: s.hop ?? 0,
      time: s.tx.time ?? 0,
      path: s.path ?? [s.tx.txid],
    };
    result.outputs.set(id, out);
    // A continuation's output is a tainted movement (the bridge's payment); a seed's is where the trace starts.
    if (s.taint !== undefined)
      result.edges.push({ transfer: edgeTransfer(state.chain, seedTransfer(state.chain, s.tx, s.n).from, out, s.tx), taint: out.taint });
  }
  const consumed = new Set<string>();
  const order = dependencyOrder(state.txs);
  await pace(state);
  for (let i = 0; i < order.length; i++) {
    if ((i & 255) === 255) await pace(state);
    apportion(state, order[i]!, result, consumed);
  }
  // Outputs spent by an apportioned transaction hold nothing any more.
  for (const id of consumed) result.outputs.delete(id);
  return result;
}

/**
 * One transaction of the replay: its tainted inputs' taint goes to its outputs by the taint model, unless the
 * heuristics say it is a CoinJoin or a batch payout (its tainted inputs then stop there, as a mix).
 */
function apportion(state: UtxoRun, tx: UtxoTransaction, result: Replay, consumed: Set<string>): void {
  const { outputs } = result;
  // Only outputs the trace expanded pass their taint on: a stopped one (an exchange, the hop limit) keeps it.
  // An output at an address that turned out to be an exchange's (or mixer's…) by common-input ownership stops there.
  const passes = (id: string) => state.expandedOutputs.has(id) && !terminalAt(state, outputs.get(id)?.address ?? '');
  const inputs = tx.inputs.map((i) => (passes(outpoint(i.prevTx, i.vout)) ? outputs.get(outpoint(i.prevTx, i.vout)) : undefined));
  if (!inputs.some((i) => i && i.taint > 0n)) return;
  const mix = mixOf(tx);
  if (mix) {
    tx.inputs.forEach((i, vin) => inputs[vin] && result.mixed.set(outpoint(i.prevTx, i.vout), mix));
    return;
  }
  tx.inputs.forEach((i, vin) => inputs[vin] && consumed.add(outpoint(i.prevTx, i.vout)));
  const args = utxoTaintArguments(tx, (vin) => inputs[vin]?.taint ?? 0n);
  const taint = allocateUtxoTaint(state.settings.taint, args.inputs, args.outputs, args.fee);
  if (taint.fee > 0n) result.fees.set(state.key, (result.fees.get(state.key) ?? 0n) + taint.fee);
  const from = inputs.filter((i): i is TaintedOutput => !!i && i.taint > 0n).sort((a, b) => a.hop - b.hop || (b.taint > a.taint ? 1 : -1))[0]!;
  tx.outputs.forEach((o, idx) => {
    const part = taint.outputs[idx] ?? 0n;
    if (part === 0n) return;
    const out: TaintedOutput = {
      txid: tx.txid,
      n: o.n,
      address: addressOf(o, tx.txid, o.n),
      value: o.value,
      taint: part,
      hop: from.hop + 1,
      time: tx.time ?? 0,
      path: [...from.path, tx.txid],
    };
    outputs.set(outpoint(tx.txid, o.n), out);
    result.edges.push({ transfer: edgeTransfer(state.chain, from.address, out, tx), taint: part });
  });
  if (state.settings.peelMode === 'follow-change') notePeeled(state, tx);
}

/** What the CoinJoin and batch-payout heuristics make of a transaction, if it is either. */
function mixOf(tx: UtxoTransaction): UtxoMix | undefined {
  const coinjoin = detectCoinJoin(tx);
  if (coinjoin.decision === 'coinjoin') return { kind: 'coinjoin', reason: coinjoin.reason };
  const batch = detectBatchPayout(tx);
  return batch.decision === 'batch-payout' ? { kind: 'batch-payout', reason: batch.reason } : undefined;
}

function notePeeled(state: UtxoRun, tx: UtxoTransaction): void {
  const peel = peelStep(tx);
  for (const p of peel.step?.peeled ?? [])
    state.peeled.set(outpoint(tx.txid, p.vout), `payment peeled off a peel chain (${peel.reason}); the chain's change is followed`);
}

/** Every tainted output still held becomes an endpoint, stopped (as the stop policy says) or unspent. */
async function finish(state: UtxoRun): Promise<Omit<UtxoTraceResult, 'seeds'>> {
  const { chain, asset, key, replayed } = state;
  const endpoints: EndpointData[] = [];
  const held = new Map<string, Map<string, bigint>>();
  const hops = new Map<string, number>();
  let i = 0;
  for (const o of replayed.outputs.values()) {
    if ((++i & 1023) === 0) await pace(state);
    const id = outpoint(o.txid, o.n);
    // Every output not expanded has its stop from the last round; an expanded one can still be stopped by what it
    // was spent into or by a label carried to its address.
    const stop = state.expandedOutputs.has(id) ? stopFor(reached(state, o), state.policy) : state.stopped.get(id);
    endpoints.push({
      kind: stop?.kind ?? 'unspent',
      reason:
        stop?.reason ?? (state.spenderUnknown.has(id) ? 'spent, but the source cannot tell by which transaction' : 'output not spent at the end of the trace'),
      chain,
      address: o.address,
      asset,
      amount: o.taint,
      hops: o.hop,
      firstSeen: o.time,
      lastSeen: o.time,
      txs: [o.txid],
      path: o.path,
      inflowEdges: [],
      ...(stop?.label ? { label: stop.label } : {}),
      ...(stop?.kind === 'bridge' ? inboundBridge(state.txs.get(o.txid), o.n, o.taint) : {}),
      ...(isService(stop?.label?.category) ? { depositAddress: o.address, depositInferred: false } : {}),
    });
    const node = nodeKey(chain, o.address);
    const m = held.get(node) ?? new Map<string, bigint>();
    m.set(key, (m.get(key) ?? 0n) + o.taint);
    held.set(node, m);
    hops.set(node, Math.min(hops.get(node) ?? o.hop, o.hop));
  }
  return {
    allocation: { edges: replayed.edges, edgeCount: replayed.edges.length, held, fees: replayed.fees, overlap: new Map(), hops, via: new Map() },
    endpoints: mergeByAddress(endpoints),
    expanded: state.expandedOutputs.size,
    rounds: state.rounds,
  };
}

function cmp(a: string, b: string) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parents before children; otherwise by block, then txid, so the replay is deterministic. */
function dependencyOrder(txs: ReadonlyMap<string, UtxoTransaction>): UtxoTransaction[] {
  const list = [...txs.values()].sort((a, b) => (a.block ?? Infinity) - (b.block ?? Infinity) || cmp(a.txid, b.txid));
  const done = new Set<string>();
  const out: UtxoTransaction[] = [];
  const visit = (tx: UtxoTransaction, depth: number) => {
    if (done.has(tx.txid) || depth > 10_000) return;
    done.add(tx.txid);
    for (const i of tx.inputs) {
      const parent = txs.get(i.prevTx);
      if (parent) visit(parent, depth + 1);
    }
    out.push(tx);
  };
  for (const tx of list) visit(tx, 0);
  return out;
}

function edgeTransfer(chain: string, from: string, out: TaintedOutput, tx: UtxoTransaction) {
  const t: AccountTransfer = {
    chain,
    type: 'native',
    from,
    to: out.address,
    asset: nativeAsset(chain),
    amount: out.value,
    tx: tx.txid,
    logIndex: out.n,
    block: tx.block ?? 0,
    time: out.time,
  };
  return {
    id: `${chain}|${tx.txid}|out|${out.n}`,
    t,
    ...shownFields(t),
    from: nodeKey(chain, from),
    to: nodeKey(chain, out.address),
    asset: assetKey(t.asset),
  };
}

/** Several tainted outputs to one address with the same stop become one endpoint. */
function mergeByAddress(list: EndpointData[]): EndpointData[] {
  const byKey = new Map<string, EndpointData>();
  for (const e of list) {
    const k = `${e.kind}|${e.address}`;
    const prev = byKey.get(k);
    if (!prev) {
      byKey.set(k, { ...e, txs: [...e.txs] });
      continue;
    }
    prev.amount += e.amount;
    prev.hops = Math.min(prev.hops, e.hops);
    prev.firstSeen = Math.min(prev.firstSeen, e.firstSeen);
    prev.lastSeen = Math.max(prev.lastSeen, e.lastSeen);
    prev.txs = [...new Set([...prev.txs, ...e.txs])].sort();
    if (prev.bridge?.deposits && e.bridge?.deposits) {
      const { recipient, ...rest } = prev.bridge;
      prev.bridge = { ...rest, ...(recipient === e.bridge.recipient ? { recipient } : {}), deposits: [...prev.bridge.deposits, ...e.bridge.deposits] };
    }
    if (e.path.length < prev.path.length) prev.path = e.path;
  }
  return [...byKey.values()];
}
