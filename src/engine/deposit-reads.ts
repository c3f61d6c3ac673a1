import { assetKey, nativeAsset } from '../core/asset.js';
import { ChaintrailError, TraceAbortedError } from '../core/errors.js';
import { compareTransfers, transferId, type AccountTransfer } from '../core/movement.js';
import type { AssetRef } from '../core/schema.js';
import type { Allocation } from './allocate.js';
import { fetchFrontier, transfersOf } from './fetch.js';
import { movementsRead } from './stops.js';
import { guard, type RunState } from './run-state.js';
import { splitNodeKey } from './state.js';

/**
 * The reads the deposit rule needs after the rounds (engine/deposits.ts decides): deposit forwarder contracts' own
 * movements, and the native value sent to inferred deposit addresses when the trace does not follow native value.
 *
 * Deposit forwarders: exchanges give customers contract deposit addresses that take tokens in and later, in a flush
 * transaction of their own, pass them to the exchange's hot wallet. The engine never expands a contract as an account
 * (what a contract keeps is a `contract` endpoint), so the flush is never read by the rounds. Here every unlabeled
 * contract that kept tainted value at the end has its own movements in the window read, like an expanded address's:
 * once per contract, in one batched round per chain. The deposit rule (engine/deposits.ts) then decides.
 *
 * A contract whose list the source cut (`maxMovements`: a pool, a busy router) is not decided, and the note says how many.
 * A source failure here leaves the contracts as `contract` endpoints with a note; an interruption ends the trace.
 */
export async function readForwarders(state: RunState, allocation: Allocation): Promise<Map<string, AccountTransfer[]>> {
  const out = new Map<string, AccountTransfer[]>();
  const labels = state.labels;
  if (!labels || state.failure) return out;
  const candidates: string[] = [];
  // By the contract stops (few), not by every holder: the allocation makes a holder's map when it is read.
  for (const [node, stop] of state.stops) {
    if (stop.kind !== 'contract' || state.expanded.has(node)) continue;
    const held = allocation.held.get(node);
    const { chain, address } = splitNodeKey(node);
    if (!held || labels.get(chain, address) || ![...held.values()].some((v) => v > 0n)) continue;
    candidates.push(node);
  }
  if (candidates.length === 0) return out;
  const read = await readMovements(
    state,
    candidates.sort(),
    state.assetsByChain,
    state.fetchWindow,
    'contracts that kept taint were not read as possible deposit forwarders',
  );
  if (read.cut > 0)
    state.boxNotes.add(
      `${read.cut} contract(s) that kept taint had more than ${movementsRead(state.settings)} movements in the window: not read as deposit forwarders`,
    );
  return read.lists;
}

/**
 * Gas top-ups and TRON activations are native value sent to a deposit address by the service; a trace of a token
 * does not read native value (sources fetch it only when traced). For the inferred deposit addresses on chains whose
 * native asset is not traced, their native inflows are read here: one batched round per chain, over the whole history
 * up to the window's end (a service tops up or activates an address before the deposits). A list the source cut
 * (`maxMovements`) is not used (the first transfer would not be known); a failure leaves the evidence as it was, noted.
 */
export async function readNativeInflows(state: RunState, deposits: Iterable<string>): Promise<Map<string, AccountTransfer[]>> {
  const out = new Map<string, AccountTransfer[]>();
  const nodes = [...deposits].filter((node) => !state.assets.has(assetKey(nativeAsset(splitNodeKey(node).chain)))).sort();
  if (nodes.length === 0 || state.failure) return out;
  const assetsByChain = new Map([...new Set(nodes.map((n) => splitNodeKey(n).chain))].map((chain) => [chain, [nativeAsset(chain)]]));
  const window = state.fetchWindow.to !== undefined ? { to: state.fetchWindow.to } : {};
  // Only native movements are kept (a source may answer with the tokens too): those are what the rule weighs here.
  const read = await readMovements(
    state,
    nodes,
    assetsByChain,
    window,
    'native value sent to inferred deposit addresses (gas top-ups, activations) was not read',
    (t) => t.asset.kind === 'native',
  );
  if (read.cut > 0)
    state.boxNotes.add(
      `${read.cut} inferred deposit address(es) had more than ${movementsRead(state.settings)} native movements: gas top-ups and activation not read`,
    );
  for (const [node, list] of read.lists) {
    const { address } = splitNodeKey(node);
    out.set(
      node,
      list.filter((t) => t.to === address),
    );
  }
  return out;
}

/**
 * Every movement of `nodes` (both directions) in one batched round per chain, or those `keep` takes: per address whose
 * list the source did not cut, each movement once, chronologically; `cut` counts the others. A source failure is
 * noted (`failed`) and reads nothing; an interruption ends the trace.
 */
async function readMovements(
  state: RunState,
  nodes: readonly string[],
  assetsByChain: ReadonlyMap<string, AssetRef[]>,
  window: { from?: number; to?: number },
  failed: string,
  keep?: (t: AccountTransfer) => boolean,
): Promise<{ lists: Map<string, AccountTransfer[]>; cut: number }> {
  const lists = new Map<string, AccountTransfer[]>();
  let answers: Awaited<ReturnType<typeof fetchFrontier>>;
  try {
    answers = await guard(state, () =>
      fetchFrontier({
        nodes: nodes.map(splitNodeKey),
        adapters: state.adapters,
        assetsByChain,
        window,
        maxMovements: movementsRead(state.settings),
        concurrency: state.run.concurrency,
        ...(state.run.signal ? { signal: state.run.signal } : {}),
        pace: state.pace,
      }),
    );
  } catch (error) {
    if (!(error instanceof ChaintrailError)) throw error;
    if (error instanceof TraceAbortedError) state.failure = error;
    else state.boxNotes.add(`${failed}: ${error.shortMessage}`);
    return { lists, cut: 0 };
  }
  let cut = 0;
  const seen = new Set<string>();
  for (const answer of answers) {
    await state.pace();
    const truncated = new Set(answer.truncated);
    for (const { address } of answer.nodes) {
      if (truncated.has(address)) cut++;
      else lists.set(`${answer.chain}|${address}`, []);
    }
    for (const t of transfersOf(answer)) {
      if (keep && !keep(t)) continue;
      // (A movement between two of the addresses comes in both their answers: once each.)
      const id = transferId(t);
      if (seen.has(id)) continue;
      seen.add(id);
      lists.get(`${t.chain}|${t.from}`)?.push(t);
      if (t.to !== t.from) lists.get(`${t.chain}|${t.to}`)?.push(t);
    }
  }
  for (const list of lists.values()) list.sort(compareTransfers);
  return { lists, cut };
}
