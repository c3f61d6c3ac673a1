import pLimit from 'p-limit';
import { nativeAsset, assetKey, formatUnits, parseUnits } from '../core/asset.js';
import { InvalidInputError } from '../core/errors.js';
import type { AccountTransfer, UtxoTransaction } from '../core/movement.js';
import type { Seed, TraceSettings } from '../core/schema.js';
import { normalizeAddress } from '../core/address.js';
import { isUtxoChainAdapter, type UtxoChainAdapter, type SourcedUtxoTransaction, type Outspend } from '../adapters/bitcoin/utxo-adapter.js';
import type { ChainAdapter } from '../adapters/adapter.js';
import { createLabelStore, layerLabelStores, type LabelStore } from '../labels/store.js';
import { allocateUtxoTaint, utxoTaintArguments, type UtxoTaintModel } from '../taint/utxo.js';
import { classifyByLabel } from '../heuristics/classify.js';
import { detectCoinJoin } from '../heuristics/utxo/coinjoin.js';
import { detectBatchPayout } from '../heuristics/utxo/batch-payout.js';
import { peelStep } from '../heuristics/utxo/peel-chain.js';
import { carryLabels } from '../heuristics/utxo/cioh.js';
import type { Allocation, TaintedEdge } from './allocate.js';
import type { EndpointData } from './endpoints.js';
import { stopFor, stopPolicy, type Reached, type StopReason, type UtxoMix } from './stops.js';
import type { ResolvedSeed } from './seeds.js';
import { nodeKey } from './state.js';

/** What a UTXO trace adds to the outcome: seeds, tainted flows and endpoints in the engine's common shapes. */
export interface UtxoTraceResult {
  seeds: ResolvedSeed[];
  allocation: Allocation;
  endpoints: EndpointData[];
  expanded: number;
  rounds: number;
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
  run: { signal?: AbortSignal | undefined; concurrency: number; onRound?: (round: number, frontier: number) => void },
): Promise<UtxoTraceResult> {
  if (!isUtxoChainAdapter(adapter)) {
    throw new InvalidInputError(`The ${adapter.kind} source cannot answer UTXO questions on ${chain}`, { details: { chain, source: adapter.kind } });
  }
  const signal = run.signal;
  const asset = nativeAsset(chain);
  const key = assetKey(asset);
  const model: UtxoTaintModel = settings.taint;
  const policy = stopPolicy(settings, new Map([[key, parseUnits(settings.minValue, asset.decimals, 'minValue')]]), 'outputs');
  const txs = new Map<string, SourcedUtxoTransaction>();
  const getTx = async (txid: string) => {
    let tx = txs.get(txid);
    if (!tx) txs.set(txid, (tx = await adapter.getUtxoTransaction(chain, txid, signal ? { signal } : {})));
    return tx;
  };

  // Seeds: exact outputs, a payment's outputs to others than the payer, or what an address received.
  const seedOutputs = new Map<string, { seed: Seed; tx: UtxoTransaction; n: number }>();
  const resolved: ResolvedSeed[] = [];
  for (const seed of seeds) {
    const picked: { tx: UtxoTransaction; n: number }[] = [];
    if ('tx' in seed) {
      const tx = await getTx(seed.tx.replace(/^0x/, '').toLowerCase());
      if (seed.index !== undefined) {
        // TX:N names output N (vout): exactly its value, at its address; only its own spend is followed.
        const output = tx.outputs.find((o) => o.n === seed.index);
        if (!output || output.value === 0n) {
          const holds = tx.outputs.map((o) => `TX:${o.n} ${formatUnits(o.value, asset.decimals)} ${asset.symbol} to ${addressOf(o, tx.txid, o.n)}`);
          throw new InvalidInputError(
            `Seed ${tx.txid}:${seed.index} on ${chain} ${output ? 'names an output of zero value' : 'names no output of that transaction'}; it has ${tx.outputs.length} output(s): ${holds.slice(0, 8).join(', ')}${holds.length > 8 ? ` and ${holds.length - 8} more` : ''}`,
            { details: { chain, tx: tx.txid, index: seed.index, outputs: tx.outputs.map((o) => ({ n: o.n, value: o.value.toString() })) } },
          );
        }
        picked.push({ tx, n: output.n });
      } else {
        const payers = new Set(tx.inputs.map((i) => i.address).filter(Boolean));
        const paid = tx.outputs.filter((o) => o.value > 0n && !(o.address && payers.has(o.address)));
        for (const o of paid.length ? paid : tx.outputs.filter((x) => x.value > 0n)) picked.push({ tx, n: o.n });
      }
    } else {
      const address = normalizeAddress(chain, seed.address);
      const from = seed.from ?? settings.from;
      const to = seed.to ?? settings.to;
      const found = await adapter.getAddressTransactions(chain, [address], {
        ...(from !== undefined ? { fromTime: from } : {}),
        ...(to !== undefined ? { toTime: to } : {}),
        ...(signal ? { signal } : {}),
      });
      if (found.truncated.length) throw new InvalidInputError(`Seed address ${seed.address} has more transactions than the source lists; narrow its window`, { details: { address } });
      for (const tx of found.transactions) {
        txs.set(tx.txid, txs.get(tx.txid) ?? tx);
        for (const o of tx.outputs) if (o.address === address && o.value > 0n) picked.push({ tx, n: o.n });
      }
    }
    if (picked.length === 0) throw new InvalidInputError(`Seed on ${chain} pays nothing traceable`, { details: { seed } });
    for (const p of picked) seedOutputs.set(outpoint(p.tx.txid, p.n), { seed, ...p });
    resolved.push({
      seed,
      kind: 'tx' in seed ? 'tx' : 'address',
      transfers: picked.map(({ tx, n }) => seedTransfer(chain, tx, n)),
    });
  }

  const outspends = new Map<string, Outspend[]>();
  // follow-change mode: outputs a peel link paid out; they are reported, not expanded.
  const peeled = new Map<string, string>();
  const expandedOutputs = new Set<string>();
  const stopped = new Map<string, StopReason>();
  const budgetCut = new Set<string>();
  // Outputs the source knows are spent but not by which transaction (Bitcoin Core): their branch ends there, said so.
  const spenderUnknown = new Set<string>();
  const limit = pLimit(run.concurrency);
  let rounds = 0;
  // Labels plus those carried by common-input ownership (never across a CoinJoin) over every fetched transaction.
  let view: LabelStore | undefined = labels;
  const refreshView = () => {
    const { carried } = carryLabels([...txs.values()], (a) => labels?.get(chain, a));
    view = carried.size ? layerLabelStores(labels ?? createLabelStore(), createLabelStore([...carried.values()].map((c) => c.label))) : labels;
  };
  const terminalAt = (address: string) => classifyByLabel(view, chain, address);
  /** What the stop policy needs to know of a tainted output. */
  const reached = (o: TaintedOutput): Reached => {
    const id = outpoint(o.txid, o.n);
    return {
      hop: o.hop,
      expanded: expandedOutputs.has(id),
      terminal: terminalAt(o.address),
      received: [[key, o.taint]],
      budgetCut: budgetCut.has(id),
      peeled: peeled.get(id),
      mix: state.mixed.get(id),
    };
  };
  refreshView();
  let state = recompute();

  for (;;) {
    const candidates: TaintedOutput[] = [];
    stopped.clear();
    for (const o of [...state.outputs.values()].sort((a, b) => a.hop - b.hop || cmp(outpoint(a.txid, a.n), outpoint(b.txid, b.n)))) {
      const id = outpoint(o.txid, o.n);
      if (expandedOutputs.has(id)) continue;
      const stop = stopFor(reached(o), policy);
      if (stop) stopped.set(id, stop);
      else candidates.push(o);
    }
    const room = Math.max(0, settings.maxNodes - expandedOutputs.size);
    for (const c of candidates.slice(room)) {
      const id = outpoint(c.txid, c.n);
      budgetCut.add(id);
      stopped.set(id, stopFor(reached(c), policy)!);
    }
    const frontier = candidates.slice(0, room);
    if (frontier.length === 0) break;
    rounds++;
    run.onRound?.(rounds, frontier.length);
    const byTx = [...new Set(frontier.map((o) => o.txid))];
    await Promise.all(
      byTx.map((txid) =>
        limit(async () => {
          signal?.throwIfAborted();
          if (!outspends.has(txid)) outspends.set(txid, await adapter.getOutspends(chain, txid, signal ? { signal } : {}));
        }),
      ),
    );
    const spenders = new Set<string>();
    for (const o of frontier) {
      const spend = outspends.get(o.txid)?.[o.n];
      expandedOutputs.add(outpoint(o.txid, o.n));
      if (spend?.spent && spend.txid) spenders.add(spend.txid);
      else if (spend?.spent) spenderUnknown.add(outpoint(o.txid, o.n));
    }
    await Promise.all([...spenders].map((txid) => limit(() => getTx(txid))));
    refreshView();
    state = recompute();
  }

  return { seeds: resolved, ...finish() };

  /** Replays every fetched transaction in dependency order from the seed outputs. */
  function recompute() {
    const outputs = new Map<string, TaintedOutput>();
    for (const [id, s] of seedOutputs) {
      const o = s.tx.outputs.find((x) => x.n === s.n)!;
      outputs.set(id, { txid: s.tx.txid, n: s.n, address: addressOf(o, s.tx.txid, s.n), value: o.value, taint: o.value, hop: 0, time: s.tx.time ?? 0, path: [s.tx.txid] });
    }
    const edges: TaintedEdge[] = [];
    const fees = new Map<string, bigint>();
    const mixed = new Map<string, UtxoMix>();
    const consumed = new Set<string>();
    for (const tx of dependencyOrder(txs)) {
      // Only outputs the trace expanded pass their taint on: a stopped one (an exchange, the hop limit) keeps it.
      // An output at an address that turned out to be an exchange's (or mixer's…) by common-input ownership stops there.
      const passes = (id: string) => expandedOutputs.has(id) && !terminalAt(outputs.get(id)?.address ?? '');
      const inputs = tx.inputs.map((i) => (passes(outpoint(i.prevTx, i.vout)) ? outputs.get(outpoint(i.prevTx, i.vout)) : undefined));
      if (!inputs.some((i) => i && i.taint > 0n)) continue;
      const coinjoin = detectCoinJoin(tx);
      const batch = coinjoin.decision === 'coinjoin' ? undefined : detectBatchPayout(tx);
      if (coinjoin.decision === 'coinjoin' || batch?.decision === 'batch-payout') {
        const mix: UtxoMix = coinjoin.decision === 'coinjoin' ? { kind: 'coinjoin', reason: coinjoin.reason } : { kind: 'batch-payout', reason: batch!.reason };
        tx.inputs.forEach((i, vin) => inputs[vin] && mixed.set(outpoint(i.prevTx, i.vout), mix));
        continue;
      }
      tx.inputs.forEach((i, vin) => inputs[vin] && consumed.add(outpoint(i.prevTx, i.vout)));
      const args = utxoTaintArguments(tx, (vin) => inputs[vin]?.taint ?? 0n);
      const result = allocateUtxoTaint(model, args.inputs, args.outputs, args.fee);
      if (result.fee > 0n) fees.set(key, (fees.get(key) ?? 0n) + result.fee);
      const from = inputs.filter((i): i is TaintedOutput => !!i && i.taint > 0n).sort((a, b) => a.hop - b.hop || (b.taint > a.taint ? 1 : -1))[0]!;
      tx.outputs.forEach((o, idx) => {
        const taint = result.outputs[idx] ?? 0n;
        if (taint === 0n) return;
        const out: TaintedOutput = { txid: tx.txid, n: o.n, address: addressOf(o, tx.txid, o.n), value: o.value, taint, hop: from.hop + 1, time: tx.time ?? 0, path: [...from.path, tx.txid] };
        outputs.set(outpoint(tx.txid, o.n), out);
        edges.push({ transfer: edgeTransfer(chain, from.address, out, tx), taint });
      });
      if (settings.peelMode === 'follow-change') {
        const peel = peelStep(tx);
        for (const p of peel.step?.peeled ?? []) peeled.set(outpoint(tx.txid, p.vout), `payment peeled off a peel chain (${peel.reason}); the chain's change is followed`);
      }
    }
    // Outputs spent by an apportioned transaction hold nothing any more.
    for (const id of consumed) outputs.delete(id);
    return { outputs, edges, fees, mixed };
  }

  function finish(): Omit<UtxoTraceResult, 'seeds'> {
    const endpoints: EndpointData[] = [];
    const held = new Map<string, Map<string, bigint>>();
    const hops = new Map<string, number>();
    for (const o of state.outputs.values()) {
      const id = outpoint(o.txid, o.n);
      // Every output not expanded has its stop from the last round; an expanded one can still be stopped by what it
      // was spent into or by a label carried to its address.
      const stop = expandedOutputs.has(id) ? stopFor(reached(o), policy) : stopped.get(id);
      endpoints.push({
        kind: stop?.kind ?? 'unspent',
        reason: stop?.reason ?? (spenderUnknown.has(id) ? 'spent, but the source cannot tell by which transaction' : 'output not spent at the end of the trace'),
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
        ...(stop?.label?.category === 'exchange' ? { depositAddress: o.address, depositInferred: false } : {}),
      });
      const node = nodeKey(chain, o.address);
      const m = held.get(node) ?? new Map<string, bigint>();
      m.set(key, (m.get(key) ?? 0n) + o.taint);
      held.set(node, m);
      hops.set(node, Math.min(hops.get(node) ?? o.hop, o.hop));
    }
    return {
      allocation: { edges: state.edges, held, fees: state.fees, overlap: new Map(), hops, via: new Map() },
      endpoints: mergeByAddress(endpoints),
      expanded: expandedOutputs.size,
      rounds,
    };
  }
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

function seedTransfer(chain: string, tx: UtxoTransaction, n: number): AccountTransfer {
  const o = tx.outputs.find((x) => x.n === n)!;
  return {
    chain,
    type: 'native',
    from: tx.inputs.find((i) => i.address)?.address ?? 'coinbase',
    to: addressOf(o, tx.txid, n),
    asset: nativeAsset(chain),
    amount: o.value,
    tx: tx.txid,
    logIndex: n,
    block: tx.block ?? 0,
    time: tx.time ?? 0,
  };
}

function edgeTransfer(chain: string, from: string, out: TaintedOutput, tx: UtxoTransaction) {
  const t: AccountTransfer = { chain, type: 'native', from, to: out.address, asset: nativeAsset(chain), amount: out.value, tx: tx.txid, logIndex: out.n, block: tx.block ?? 0, time: out.time };
  return { id: `${chain}|${tx.txid}|out|${out.n}`, t, from: nodeKey(chain, from), to: nodeKey(chain, out.address), asset: assetKey(t.asset) };
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
    if (e.path.length < prev.path.length) prev.path = e.path;
  }
  return [...byKey.values()];
}
