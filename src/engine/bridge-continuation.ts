import { groupBy } from '../core/group.js';
import pLimit from 'p-limit';
import { assetKey } from '../core/asset.js';
import { getChain } from '../core/chain.js';
import { NotFoundError } from '../core/errors.js';
import type { AccountTransfer } from '../core/movement.js';
import type { ChainAdapter, TransactionLog } from '../adapters/adapter.js';
import type { Label } from '../core/schema.js';
import {
  decodeBridgeExits,
  decodeBridgeFills,
  decodeTransferDeposit,
  type BridgeContract,
  type BridgeExit,
  type BridgeRegistry,
} from '../heuristics/bridges.js';
import { THORCHAIN } from '../heuristics/thorchain.js';
import { findUtxoOutbound } from './thorchain-continuation.js';
import { arrivalKey, matchBridgeArrival, type BridgeArrival, type BridgeMatch, type BridgeMatchRule } from '../heuristics/bridge-match.js';
import { append } from '../core/lists.js';

/**
 * Cross-chain continuation. When tainted funds stop at a bridge, read the bridging transaction's logs on the source
 * chain (the deposit event names the destination chain, the recipient and the protocol's deposit id); when the
 * trace has a source for the destination chain, find the arrival there (the fill naming that deposit id, else a
 * transfer into the recipient by amount and time) and hand the tainted amount over as a new seed on that chain.
 * The engine calls `continueThroughBridges` after a round with the tainted movements into bridge stops.
 */

/** A tainted movement into a bridge stop (what the allocation put on the edge). */
export interface TaintedBridgeInflow {
  transfer: AccountTransfer;
  taint: bigint;
}

/** What became of tainted funds that entered one bridge in one transaction (one deposit event). */
export interface BridgeHandover {
  /** The bridge's node key on the source chain (`chain|address`). */
  bridgeNode: string;
  /** Asset key of the source asset. */
  asset: string;
  /** The deposit transaction on the source chain. */
  tx: string;
  time: number;
  /** Tainted amount of the deposit (source asset, base units). */
  tainted: bigint;
  /** What entered the bridge in this transaction (source asset, base units). */
  entered: bigint;
  /** Decoded deposit event; absent when the transaction carries none (or its logs could not be read). */
  exit?: BridgeExit;
  /** Where the funds came out, when the destination chain is traced and the arrival was found. */
  continuation?: {
    match: BridgeMatch;
    /** The arrival on the destination chain: the engine seeds it with `taint`. */
    transfer: AccountTransfer;
    /** Taint handed over, in the destination asset's base units: the tainted share of the deposit, of what arrived. */
    taint: bigint;
  };
  /** Why it was not continued, when it was not. */
  note?: string;
}

export interface ContinuationRequest {
  inflows: readonly TaintedBridgeInflow[];
  registry: BridgeRegistry;
  adapters: readonly ChainAdapter[];
  rule: BridgeMatchRule;
  /** Arrivals already handed over (arrivalKey): one arrival answers one deposit. Added to as matches are made. */
  taken: Set<string>;
  concurrency?: number;
  signal?: AbortSignal;
}

/** Labels that make a trace's own bridge definitions stop the trace as `bridge` endpoints, like labeled bridges. */
export function bridgeDefinitionLabels(contracts: readonly BridgeContract[]): Label[] {
  return contracts.map((b) => ({
    chain: getChain(b.chain).id,
    address: b.address.toLowerCase(),
    entity: b.name,
    category: 'bridge' as const,
    jurisdictions: [],
    confidence: 1,
    source: `bridge definition (${b.reference})`,
  }));
}

const sourceFor = (adapters: readonly ChainAdapter[], chain: string) => adapters.find((a) => a.supports(chain));

/**
 * One hand-over per (bridge, deposit transaction, asset) among `inflows`, in a deterministic order. Source failures
 * are not swallowed: a ChaintrailError from an adapter propagates (the engine marks the trace incomplete).
 */
export async function continueThroughBridges(req: ContinuationRequest): Promise<BridgeHandover[]> {
  const groups = groupBy(req.inflows, (inflow) => groupKey(inflow.transfer));
  const limit = pLimit(req.concurrency ?? 4);
  const keys = [...groups.keys()].sort();
  // Logs of each deposit transaction are read concurrently; matching runs in order so `taken` is deterministic.
  const logs = await Promise.all(
    keys.map((key) =>
      limit(async () => {
        const first = groups.get(key)![0]!.transfer;
        const source = sourceFor(req.adapters, first.chain);
        // A bridge labeled by a dataset but absent from the registry has no known events: nothing to read.
        const bridge = req.registry.find(first.chain, first.to);
        // A bridge whose deposit is the transfer itself needs no logs.
        if (!source?.getTransactionLogs || !bridge || bridge.transferDeposit) return undefined;
        return source.getTransactionLogs(first.chain, first.tx, req.signal ? { signal: req.signal } : {});
      }),
    ),
  );
  const out: BridgeHandover[] = [];
  for (const [i, key] of keys.entries()) {
    const list = groups.get(key)!;
    out.push(await handOver(list, logs[i], req));
  }
  return out;
}

async function handOver(list: TaintedBridgeInflow[], logs: TransactionLog[] | undefined, req: ContinuationRequest): Promise<BridgeHandover> {
  const t = list[0]!.transfer;
  const tainted = list.reduce((s, x) => s + x.taint, 0n);
  const entered = list.reduce((s, x) => s + x.transfer.amount, 0n);
  const base = { bridgeNode: `${t.chain}|${t.to}`, asset: assetKey(t.asset), tx: t.tx, time: t.time, tainted, entered };
  const bridge = req.registry.find(t.chain, t.to);
  if (!bridge) return { ...base, note: 'not a registered bridge contract: its events cannot be read' };
  let exits: BridgeExit[];
  if (bridge.transferDeposit) {
    // No event: each transfer into the bridge is a deposit; the recipient is its sender.
    const asset = t.asset.kind === 'token' && t.asset.contract ? { token: t.asset.contract } : {};
    const one = decodeTransferDeposit(bridge, { from: t.from, amount: entered, tx: t.tx, logIndex: t.logIndex, ...asset });
    exits = one ? [one] : [];
    if (!one) return { ...base, note: `the amount ${entered} codes no ${bridge.protocol} destination (its last four digits)` };
  } else {
    if (!logs) return { ...base, note: `the source for ${t.chain} cannot read transaction logs, so the deposit event (recipient, destination) is unknown` };
    const token = t.asset.kind === 'token' ? (t.asset.contract ?? null) : null;
    exits = decodeBridgeExits(bridge, logs, { token, decimals: t.asset.decimals });
    // Native value a bridge wraps first (WETH in Across, cBridge, Wormhole events): a deposit of the amount that entered.
    if (exits.length === 0 && token === null) exits = decodeBridgeExits(bridge, logs, { decimals: t.asset.decimals }).filter((e) => e.amount === entered);
  }
  // The deposit of this movement: the one whose amount is what entered; else the only one.
  const exit = exits.find((e) => e.amount === entered) ?? (exits.length === 1 ? exits[0] : undefined);
  if (!exit) {
    return {
      ...base,
      note:
        exits.length === 0
          ? `no ${bridge.protocol} deposit event for this asset in the transaction`
          : `${exits.length} deposit events in the transaction and none of the amount that entered`,
    };
  }
  const withExit = { ...base, exit };
  if (exit.memo !== undefined && !exit.destinationChain && !exit.destinationNetwork) return { ...withExit, note: 'the memo names no destination chain' };
  if (exit.destinationNetwork)
    return { ...withExit, note: `the destination ${exit.destinationNetwork} is a chain chaintrail cannot read; recipient ${exit.recipient ?? 'not named'}` };
  if (!exit.destinationChain)
    return { ...withExit, note: `destination chain${exit.destinationChainId ? ` id ${exit.destinationChainId}` : ''} is not one chaintrail knows` };
  // THORChain's outbound to a UTXO chain is found by its OUT:<hash> memo (below); other bridges' arrivals on EVM chains.
  const toUtxo = exit.protocol === THORCHAIN && getChain(exit.destinationChain).family === 'utxo';
  if (getChain(exit.destinationChain).family !== 'evm' && !toUtxo)
    return {
      ...withExit,
      note: `${exit.destinationChain} recipient ${exit.recipient ?? 'not named'}: ${bridge.protocol} arrivals are matched on EVM chains only`,
    };
  if (!exit.recipient && exit.protocolId === undefined) return { ...withExit, note: 'the deposit event names no recipient and no deposit id' };
  const destination = sourceFor(req.adapters, exit.destinationChain);
  if (!destination) return { ...withExit, note: `${exit.destinationChain} is not traced (no source configured for it)` };
  if (!exit.recipient) return { ...withExit, note: 'the deposit event names no EVM recipient to look for the arrival at' };
  if (getChain(exit.destinationChain).family === 'utxo') {
    // A UTXO destination (THORChain to Bitcoin): the outbound names the deposit in its OP_RETURN memo.
    const found = await findUtxoOutbound(destination, exit, t, req);
    if ('note' in found) return { ...withExit, note: found.note };
    req.taken.add(arrivalKey(found.match.arrival));
    return { ...withExit, continuation: { ...found, taint: handedOver(found.transfer.amount, tainted, entered) } };
  }
  // THORChain swaps one asset for another: an arrival matched by amount would be a guess across assets, never made.
  if (exit.protocol === THORCHAIN)
    return { ...withExit, note: `THORChain's outbound on ${exit.destinationChain} is not looked for (only its Bitcoin outbound is followed, by OUT:<hash>)` };

  const arrivals = await candidateArrivals(destination, exit, t.time, req);
  const match = matchBridgeArrival(
    { exit, time: t.time, sourceDecimals: t.asset.decimals, ...sourceChainId(t.chain) },
    arrivals.map((a) => a.arrival),
    req.rule,
    req.taken,
  );
  if (!match) {
    return {
      ...withExit,
      note: `no arrival found on ${exit.destinationChain} for recipient ${exit.recipient} within ${Math.round(req.rule.windowSeconds / 3600)} h (deposit id ${exit.protocolId ?? 'none'})`,
    };
  }
  req.taken.add(arrivalKey(match.arrival));
  const transfer = arrivals.find((a) => a.arrival === match.arrival)!.transfer;
  return { ...withExit, continuation: { match, transfer, taint: handedOver(transfer.amount, tainted, entered) } };
}

/** The tainted share of what entered, applied to what arrived (the protocol's fee is taken from both alike). */
export function handedOver(arrived: bigint, tainted: bigint, entered: bigint): bigint {
  const share = entered > 0n ? (arrived * tainted) / entered : 0n;
  return share > arrived ? arrived : share;
}

const groupKey = (t: AccountTransfer) => `${t.chain}|${t.to}|${t.tx}|${assetKey(t.asset)}`;

/** A seed the engine adds on the destination chain: the arrival, with the taint it carries. */
export interface ContinuationSeed {
  transfer: AccountTransfer;
  taint: bigint;
  /** The bridge node on the source chain this seed continues. */
  from: string;
}

/**
 * The engine's side of continuation across rounds: deposits are read and matched once (I/O only for new ones); the
 * taint of known ones follows the allocation (it can change as more of the graph is read), so the seeds it hands
 * over stay equal to what entered the bridges.
 */
export function createBridgeContinuation(options: Omit<ContinuationRequest, 'inflows' | 'taken'>) {
  const handovers = new Map<string, BridgeHandover>();
  const taken = new Set<string>();
  return {
    /** Tainted movements into bridge stops after a round; true when seeds were added or their taint changed. */
    async step(inflows: readonly TaintedBridgeInflow[]): Promise<boolean> {
      const groups = groupBy(inflows, (inflow) => groupKey(inflow.transfer));
      let changed = false;
      const fresh: TaintedBridgeInflow[] = [];
      for (const [key, list] of groups) {
        const known = handovers.get(key);
        if (!known) {
          append(fresh, list);
          continue;
        }
        const tainted = list.reduce((s, x) => s + x.taint, 0n);
        if (tainted === known.tainted) continue;
        known.tainted = tainted;
        if (known.continuation) {
          const taint = handedOver(known.continuation.transfer.amount, tainted, known.entered);
          if (taint !== known.continuation.taint) changed = true;
          known.continuation.taint = taint;
        }
      }
      if (fresh.length > 0) {
        for (const h of await continueThroughBridges({ ...options, inflows: fresh, taken })) {
          handovers.set(`${h.bridgeNode}|${h.tx}|${h.asset}`, h);
          if (h.continuation) changed = true;
        }
      }
      return changed;
    },
    handovers(): BridgeHandover[] {
      return [...handovers.values()].sort((a, b) =>
        a.bridgeNode < b.bridgeNode ? -1 : a.bridgeNode > b.bridgeNode ? 1 : a.time - b.time || (a.tx < b.tx ? -1 : 1),
      );
    },
    seeds(): ContinuationSeed[] {
      return this.handovers().flatMap((h) => (h.continuation ? [{ transfer: h.continuation.transfer, taint: h.continuation.taint, from: h.bridgeNode }] : []));
    },
  };
}
export type BridgeContinuation = ReturnType<typeof createBridgeContinuation>;

function sourceChainId(chain: string): { sourceChainId?: number } {
  const id = getChain(chain).evmChainId;
  return id !== undefined ? { sourceChainId: id } : {};
}

/** Transfers into the recipient on the destination chain around the deposit, each with the bridge fills of its tx. */
async function candidateArrivals(
  destination: ChainAdapter,
  exit: BridgeExit,
  time: number,
  req: ContinuationRequest,
): Promise<{ arrival: BridgeArrival; transfer: AccountTransfer }[]> {
  const chain = exit.destinationChain!;
  const skew = req.rule.skewSeconds ?? 300;
  const token = exit.destinationToken;
  const result = await destination.getTransfers({
    chain,
    addresses: [exit.recipient!],
    direction: 'in',
    fromTime: Math.max(0, time - skew),
    toTime: time + req.rule.windowSeconds,
    // The destination token by contract (its metadata comes from the chain); a native deposit looks for native value.
    ...(token
      ? { assets: [], tokens: [token] }
      : exit.token === undefined
        ? { assets: [{ chain, kind: 'native' as const, symbol: getChain(chain).native.symbol, decimals: getChain(chain).native.decimals }] }
        : {}),
    ...(req.signal ? { signal: req.signal } : {}),
  });
  const inflows = result.transfers.filter((t) => t.to === exit.recipient && t.amount > 0n);
  const pools = req.registry.onChain(chain, exit.protocol).filter((b) => b.fills && b.fills.length > 0);
  const fillsByTx = new Map<string, ReturnType<typeof decodeBridgeFills>>();
  if (pools.length > 0 && destination.getTransactionLogs) {
    const limit = pLimit(req.concurrency ?? 4);
    const txs = [...new Set(inflows.map((t) => t.tx))].sort();
    const answers = await Promise.all(
      txs.map((tx) =>
        limit(async () => {
          try {
            return await destination.getTransactionLogs!(chain, tx, req.signal ? { signal: req.signal } : {});
          } catch (error) {
            // A transfer the source just listed must have a receipt; anything else is a real failure.
            if (error instanceof NotFoundError) return [];
            throw error;
          }
        }),
      ),
    );
    txs.forEach((tx, i) =>
      fillsByTx.set(
        tx,
        pools.flatMap((p) => decodeBridgeFills(p, answers[i]!)),
      ),
    );
  }
  return inflows.map((t) => ({
    transfer: t,
    arrival: {
      chain,
      tx: t.tx,
      logIndex: t.logIndex,
      time: t.time,
      from: t.from,
      to: t.to,
      ...(t.asset.kind === 'token' && t.asset.contract ? { token: t.asset.contract.toLowerCase() } : {}),
      symbol: t.asset.symbol,
      decimals: t.asset.decimals,
      amount: t.amount,
      fills: fillsByTx.get(t.tx) ?? [],
    },
  }));
}
